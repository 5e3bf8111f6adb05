// n8n's own record of what ran: executions of a workflow read through its REST API (as the owner
// the benchmark signed in as). The catch-up's runs are told apart from webhook runs by their mode:
// `webhook` (a notification), `trigger` (a check of the catch-up), `integrated` (a chat it handed
// over, run by the workflow itself).

/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/**
 * An execution as n8n's REST API sends it, with the timestamps the benchmarks read (ISO strings;
 * `stoppedAt` is absent while it runs).
 * @typedef {import('../../n8n-driver/n8n.mjs').Execution & {
 *   createdAt?: string,
 *   startedAt?: string,
 *   stoppedAt?: string,
 * }} TimedExecution
 */

/**
 * `fn` over `items`, at most `limit` at a time, results in the items' order: reading hundreds of
 * executions one REST call each must not flood the n8n process being measured.
 * @template T, R
 * @param {T[]} items
 * @param {number} limit
 * @param {(item: T, index: number) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
export async function mapLimit(items, limit, fn) {
	const out = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: limit }, async () => {
			while (next < items.length) {
				const index = next++;
				out[index] = await fn(items[index], index);
			}
		}),
	);
	return out;
}

/**
 * Every execution of a workflow (n8n's REST API, paged with its cursor), newest first; `mode`
 * (webhook, trigger, integrated), `status` (a list) and `startedAfter` (epoch ms) filter on the
 * server, and mode again here (the 1.x line ignores the filter field).
 * @param {N8n} n8n
 * @param {string} workflowId
 * @param {{ mode?: string, status?: string[], startedAfter?: number }} [filters]
 * @returns {Promise<any[]>} the execution summaries as n8n lists them
 */
export async function executionsOf(n8n, workflowId, { mode, status, startedAfter } = {}) {
	const filter = encodeURIComponent(
		JSON.stringify({
			workflowId,
			...(mode ? { mode } : {}),
			...(status ? { status } : {}),
			...(startedAfter ? { startedAfter: new Date(startedAfter).toISOString() } : {}),
		}),
	);
	const all = [];
	let cursor;
	for (let page = 0; page < 200; page++) {
		const answer = await n8n.rest(
			'GET',
			`/executions?filter=${filter}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
		);
		all.push(...(answer.data.results ?? []));
		cursor = answer.data.nextCursor;
		if (!cursor) break;
	}
	return mode ? all.filter((execution) => execution.mode === mode) : all;
}

/**
 * How many executions of `mode` have not finished (queued, running, or waiting in a Wait node).
 * @param {N8n} n8n
 * @param {string} workflowId
 * @param {string} mode
 * @returns {Promise<number>}
 */
export async function unfinishedExecutions(n8n, workflowId, mode) {
	const filter = encodeURIComponent(
		JSON.stringify({ workflowId, mode, status: ['new', 'running', 'waiting'] }),
	);
	return (await n8n.rest('GET', `/executions?filter=${filter}&limit=1`)).data.count;
}

/**
 * One run of the catch-up: the chat it handed over, why, and whether that run wrote the chat's note.
 * @typedef {object} CatchUpRun
 * @property {string} id the execution's id
 * @property {string | null} conversationId
 * @property {string | null} reason the catch-up's reason for handing the chat over
 * @property {boolean} wroteNote
 * @property {number | null} startedMs epoch ms
 * @property {number | null} stoppedMs epoch ms; null while it runs
 * @property {string} status
 */

/**
 * The catch-up's runs of chats (executions of mode `integrated`, the chat workflow run by "Deliver
 * each chat") started after `sinceMs`, from each execution's run data ("Chat from the catch-up"
 * holds the chat, a node "Add notes …" with output wrote its note).
 * @param {N8n} n8n
 * @param {string} workflowId
 * @param {number} sinceMs
 * @returns {Promise<CatchUpRun[]>}
 */
export async function catchUpRuns(n8n, workflowId, sinceMs) {
	const list = await executionsOf(n8n, workflowId, { mode: 'integrated', startedAfter: sinceMs });
	const runs = await mapLimit(list, 4, async (summary) => {
		const execution = await n8n.execution(summary.id).catch(() => undefined);
		/** @type {Record<string, any[]>} */
		const runData = execution?.data?.resultData?.runData ?? {};
		const item = runData['Chat from the catch-up']?.[0]?.data?.main?.[0]?.[0]?.json ?? {};
		const wroteNote = Object.entries(runData).some(
			([node, nodeRuns]) =>
				/^Add notes/.test(node) &&
				nodeRuns.some((run) => (run.data?.main?.[0]?.length ?? 0) > 0 && !run.error),
		);
		/** @param {string | undefined} iso */
		const at = (iso) => (iso ? Date.parse(iso) : null);
		return {
			id: summary.id,
			conversationId: item.conversationId === undefined ? null : String(item.conversationId),
			reason: item.catchUp?.reason ?? null,
			wroteNote,
			startedMs: at(summary.startedAt ?? summary.createdAt),
			stoppedMs: at(summary.stoppedAt),
			status: summary.status,
		};
	});
	return runs.filter((run) => run.startedMs === null || run.startedMs >= sinceMs);
}
