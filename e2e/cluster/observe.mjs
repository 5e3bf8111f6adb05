// What the cluster suite reads besides n8n's REST API: the executions in PostgreSQL (the REST
// list stops at 100, and holds no worker), which worker ran each (the workers' logs), which
// webhook process answered each notification and how fast (nginx's upstream log), and the Kommo
// calls per second (the sandbox's request log).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { log } from '../../n8n-driver/n8n.mjs';

/** @typedef {import('../../n8n-driver/cluster.mjs').Cluster} Cluster */
/** @typedef {import('../../n8n-driver/n8n.mjs').Owner} Owner */
/** @typedef {import('../support/checks.mjs').Check} Check */
/** @typedef {import('../support/checks.mjs').Save} Save */
/** @typedef {import('../scenarios/observe.mjs').StateSnapshot} StateSnapshot */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */

/**
 * An execution as PostgreSQL holds it (`stoppedAt`: empty while it runs).
 * @typedef {{ id: number, status: string, stoppedAt: string }} DbExecution
 */

/**
 * One POST nginx passed on, from its upstream log: when (`msec`), the answer's status, the n8n
 * process that served it (`upstream`, host:port) and the seconds it took (`requestTime`).
 * @typedef {{
 *   msec: number,
 *   method: string,
 *   uri: string,
 *   status: number,
 *   upstream: string,
 *   requestTime: number,
 * }} UpstreamLine
 */

/** @typedef {ReturnType<typeof kommoRate>} KommoRate */
/** @typedef {ReturnType<typeof createClusterObservers>} ClusterObservers */

/**
 * What the cluster-only scenarios run with: `cluster()` (the running cluster; they run after it
 * started), the suite's output folder, recorder and figures, the owner, the number of workers,
 * the sizes of the concurrent chats (C2) and the burst (C3), and the observation helpers.
 * @typedef {{
 *   cluster: () => Cluster,
 *   outDir: string,
 *   owner: Owner,
 *   workers: number,
 *   spreadChats: number,
 *   burstChats: number,
 *   check: Check,
 *   save: Save,
 *   figure: (name: string, value: unknown) => void,
 *   sandboxState: (sandbox: Sandbox) => Promise<StateSnapshot>,
 * } & ClusterObservers} ClusterSuite
 */

/**
 * Kommo requests in [from, to]: total, 429s, max per calendar second, max in any 1000 ms.
 * @param {Sandbox} sandbox
 * @param {number} from epoch milliseconds
 * @param {number} to epoch milliseconds
 */
export function kommoRate(sandbox, from, to) {
	const entries = sandbox.log.filter((entry) => {
		const t = Date.parse(entry.time);
		return entry.api === 'kommo' && t >= from && t <= to;
	});
	const times = entries.map((entry) => Date.parse(entry.time)).sort((a, b) => a - b);
	/** @type {Map<number, number>} */
	const perSecond = new Map();
	for (const t of times)
		perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
	let sliding = 0;
	for (let i = 0, j = 0; i < times.length; i++) {
		while (times[i] - times[j] >= 1000) j++;
		sliding = Math.max(sliding, i - j + 1);
	}
	const accepted = entries.filter((entry) => entry.status !== 429);
	const acceptedTimes = accepted.map((entry) => Date.parse(entry.time)).sort((a, b) => a - b);
	let slidingAccepted = 0;
	for (let i = 0, j = 0; i < acceptedTimes.length; i++) {
		while (acceptedTimes[i] - acceptedTimes[j] >= 1000) j++;
		slidingAccepted = Math.max(slidingAccepted, i - j + 1);
	}
	return {
		requests: entries.length,
		status429: entries.filter((entry) => entry.status === 429).length,
		maxPerCalendarSecond: Math.max(0, ...perSecond.values()),
		maxInAny1000ms: sliding,
		maxAcceptedInAny1000ms: slidingAccepted,
		seconds: perSecond.size,
	};
}

/**
 * The rate check: at most 7 Kommo calls in any 1000 ms, sliding (stricter than the sandbox's
 * per-calendar-second count, which is reported with it, from its request log), and no execution
 * lost to a 429.
 * @param {KommoRate} rate
 * @param {string[]} limitFailures
 */
export function rateDetail(rate, limitFailures) {
	return `${rate.requests} Kommo calls, max ${rate.maxPerCalendarSecond} per calendar second, max ${rate.maxInAny1000ms} in any sliding 1000 ms, ${rate.status429} × 429; executions failed on a 429: ${limitFailures.length ? limitFailures.join('; ') : 'none'}`;
}

/**
 * The webhook answers' times as nginx logged them ($request_time).
 * @param {UpstreamLine[]} lines
 */
export function answerTimes(lines) {
	const times = lines.map((line) => line.requestTime).sort((a, b) => a - b);
	return {
		answeredWithin5s: times.filter((t) => t <= 5).length,
		answerP50Seconds: times[Math.floor(times.length / 2)] ?? null,
		answerMaxSeconds: times.at(-1) ?? null,
	};
}

/**
 * The first string or number under `key`, anywhere in a decoded execution's data.
 * @param {unknown} value
 * @param {string} key
 * @param {Set<object>} [seen] what was visited (`flatted` data has cycles)
 * @returns {string | undefined}
 */
export function findKey(value, key, seen = new Set()) {
	if (!value || typeof value !== 'object' || seen.has(value)) return undefined;
	seen.add(value);
	const record = /** @type {Record<string, unknown>} */ (value);
	if (typeof record[key] === 'string' || typeof record[key] === 'number')
		return String(record[key]);
	for (const child of Object.values(record)) {
		const found = findKey(child, key, seen);
		if (found) return found;
	}
	return undefined;
}

/**
 * The helpers that read the running cluster: `cluster()` returns it, `outDir` holds the logs of
 * its processes.
 * @param {{ cluster: () => Cluster, outDir: string }} options
 */
export function createClusterObservers({ cluster, outDir }) {
	/**
	 * A query on n8n's database (the cluster's own psql helper talks to the `postgres` database).
	 * @param {string} query
	 */
	function sql(query) {
		return execFileSync(
			'psql',
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(cluster().postgres.port),
				'-U',
				'postgres',
				'-d',
				'n8n',
				'-v',
				'ON_ERROR_STOP=1',
				'-qAt',
				'-c',
				query,
			],
			{ stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 },
		).toString();
	}

	/**
	 * The executions of a workflow after `afterId`, by default those a webhook started: the chat
	 * template's catch-up starts its own (mode `trigger`, and `integrated` for each chat it hands over
	 * to the workflow itself), which the checks of webhook traffic leave out. `mode: null`: all.
	 * @param {string} workflowId
	 * @param {number} [afterId]
	 * @param {{ mode?: string | null }} [options]
	 * @returns {DbExecution[]}
	 */
	function dbExecutions(workflowId, afterId = 0, { mode = 'webhook' } = {}) {
		const byMode = mode ? ` and mode = '${mode}'` : '';
		const rows = sql(
			`select id, status, coalesce(to_char("stoppedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS'), '') from execution_entity where "workflowId" = '${workflowId}' and id > ${Number(afterId)}${byMode} order by id`,
		);
		return rows
			.split('\n')
			.filter(Boolean)
			.map((line) => {
				const [id, status, stoppedAt] = line.split('|');
				return { id: Number(id), status, stoppedAt };
			});
	}

	/** The newest execution's id, of any workflow (0 before the first). */
	function lastExecutionId() {
		return Number(sql('select coalesce(max(id), 0) from execution_entity').trim());
	}

	/**
	 * executionId → worker index, from the workers' "Worker started execution N" log lines.
	 * @returns {Map<number, { worker: number, job: number, file: string }>}
	 */
	function executionsByWorker() {
		const byExecution = new Map();
		for (const file of readdirSync(outDir)) {
			const match = /^n8n-worker-(\d+)-\d+\.log$/.exec(file);
			if (!match) continue;
			const text = readFileSync(path.join(outDir, file), 'utf8');
			for (const m of text.matchAll(/Worker started execution (\d+) \(job (\d+)\)/g))
				byExecution.set(Number(m[1]), { worker: Number(match[1]), job: Number(m[2]), file });
		}
		return byExecution;
	}

	/**
	 * Waits until the executions after `afterId` number ≥ `atLeast` and none is new/running
	 * (except `ignore`d ids), stable for `stableMs`.
	 * @param {string} workflowId
	 * @param {number} afterId
	 * @param {number} atLeast
	 * @param {{ ignore?: Set<number>, timeoutMs?: number, stableMs?: number, mode?: string }} [options]
	 * @returns {Promise<DbExecution[]>}
	 */
	async function settleDb(
		workflowId,
		afterId,
		atLeast,
		{ ignore = new Set(), timeoutMs = 300_000, stableMs = 3000, mode = 'webhook' } = {},
	) {
		const started = Date.now();
		let stableSince = Date.now();
		let last = '';
		/** @type {DbExecution[]} */
		let list = [];
		while (Date.now() - started < timeoutMs) {
			list = dbExecutions(workflowId, afterId, { mode });
			const open = list.filter(
				(e) => ['new', 'running', 'waiting'].includes(e.status) && !ignore.has(e.id),
			);
			const key = `${list.length}/${open.length}`;
			if (list.length >= atLeast && open.length === 0) {
				if (key !== last) stableSince = Date.now();
				else if (Date.now() - stableSince >= stableMs) return list;
			}
			last = key;
			await delay(1000);
		}
		log(`settleDb: timed out with ${list.length} execution(s)`);
		return list;
	}

	/**
	 * Executions after `afterId` that ended on a Kommo 429 (a rate-limit error their retries did not
	 * cure), one line each.
	 * @param {string} workflowId
	 * @param {number} afterId
	 * @returns {Promise<string[]>}
	 */
	async function rateLimitFailures(workflowId, afterId) {
		const failed = [];
		for (const e of dbExecutions(workflowId, afterId).filter((x) => x.status !== 'success')) {
			const error = (
				await cluster()
					.main.execution(e.id)
					.catch(() => undefined)
			)?.data?.resultData?.error;
			if (error && /429|rate limit/i.test(`${error.message ?? ''} ${error.description ?? ''}`))
				failed.push(`#${e.id} ${error.node?.name ?? '?'}: ${String(error.message).slice(0, 120)}`);
		}
		return failed;
	}

	/**
	 * The POSTs to `urlPath` in nginx's upstream log, from byte `fromOffset` on.
	 * @param {number} fromOffset
	 * @param {string} urlPath
	 * @returns {UpstreamLine[]}
	 */
	function upstreamLines(fromOffset, urlPath) {
		const file = cluster().nginx.upstreamLog;
		const text = readFileSync(file, 'utf8').slice(fromOffset);
		return text
			.split('\n')
			.filter(Boolean)
			.map((line) => {
				const [msec, method, uri, status, upstream, requestTime] = line.split(' ');
				return {
					msec: Number(msec),
					method,
					uri,
					status: Number(status),
					upstream,
					requestTime: Number(requestTime),
				};
			})
			.filter((line) => line.method === 'POST' && line.uri.startsWith(urlPath));
	}
	/** Where nginx's upstream log ends now: upstreamLines() from here reads what comes next. */
	const logOffset = () =>
		existsSync(cluster().nginx.upstreamLog) ? statSync(cluster().nginx.upstreamLog).size : 0;

	/**
	 * The conversation an execution worked on, from its data in PostgreSQL (what a killed worker's
	 * execution has there); undefined when it cannot be read.
	 * @param {number} executionId
	 */
	function conversationOf(executionId) {
		try {
			const text = sql(
				`select data from execution_data where "executionId" = ${Number(executionId)}`,
			);
			const { parse } = cluster().main.requireFromN8n('flatted');
			return findKey(parse(text.trim()), 'conversationId');
		} catch {
			return undefined;
		}
	}

	return {
		sql,
		dbExecutions,
		lastExecutionId,
		executionsByWorker,
		settleDb,
		rateLimitFailures,
		upstreamLines,
		logOffset,
		conversationOf,
	};
}
