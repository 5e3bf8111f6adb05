// n8n's own account of each latency event (execution createdAt/startedAt/stoppedAt, each node's
// runData startTime/executionTime), matched to the event by start time, and the per-workflow
// summaries of bench/n8n.bench.mjs's latency table: the benchmark's POST → note beside n8n's timings,
// and how many events the catch-up's checks and hand-overs overlapped.
import { log } from '../../n8n-driver/n8n.mjs';
import { executionsOf, mapLimit } from '../lib/executions.mjs';
import { percentile, round } from '../lib/numbers.mjs';
import { isCatchUpSearch } from '../lib/sandbox-log.mjs';
import { SHOWN } from './config.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../lib/executions.mjs').TimedExecution} TimedExecution */
/** @typedef {import('./latency-rounds.mjs').BenchEvent} BenchEvent */
/** @typedef {ReturnType<typeof executionTimings>} ExecutionTimings */

/**
 * The median of the finite values (NaN marks a node that did not run in that event).
 * @param {(number | null | undefined)[]} values
 */
const median = (values) =>
	percentile(/** @type {number[]} */ (values.filter((v) => Number.isFinite(v))), 50);

/**
 * n8n's own timings of one execution, relative to the moment the bench sent the webhook (t0):
 * createdAt (the execution row), startedAt, each node's runData startTime/executionTime, stoppedAt.
 * @param {any} execution as N8n.execution() returns it
 * @param {number} t0 epoch ms
 */
function executionTimings(execution, t0) {
	/** @type {Record<string, { startTime: number, executionTime?: number }[]>} */
	const runData = execution?.data?.resultData?.runData ?? {};
	/** @type {Record<string, number>} */
	const nodes = {};
	let firstStart = Infinity;
	let lastEnd = -Infinity;
	let nodeSum = 0;
	for (const [node, runs] of Object.entries(runData)) {
		for (const run of runs) {
			const start = run.startTime;
			const time = run.executionTime ?? 0;
			nodes[node] = (nodes[node] ?? 0) + time;
			nodeSum += time;
			if (Number.isFinite(start)) {
				firstStart = Math.min(firstStart, start);
				lastEnd = Math.max(lastEnd, start + time);
			}
		}
	}
	/** @param {string | undefined} iso */
	const at = (iso) => (iso ? Date.parse(iso) - t0 : null);
	return {
		createdMs: at(execution.createdAt),
		startedMs: at(execution.startedAt),
		firstNodeStartMs: Number.isFinite(firstStart) ? firstStart - t0 : null,
		lastNodeEndMs: Number.isFinite(lastEnd) ? lastEnd - t0 : null,
		stoppedMs: at(execution.stoppedAt),
		nodeSumMs: nodeSum,
		betweenNodesMs: Number.isFinite(firstStart) ? lastEnd - firstStart - nodeSum : null,
		nodes,
		status: execution.status,
	};
}

/**
 * The catch-up inside `events` (one phase of one engine): its checks (Intercom searches, of every
 * n8n process with a catch-up) and the first process's hand-overs (executions of mode `integrated`)
 * that overlap an event's POST → note; ours' latency without the events that had one.
 * @param {Sandbox} sandbox
 * @param {N8n} n8n the first process
 * @param {string} chatId the chat template's workflow id
 * @param {BenchEvent[]} events
 */
export async function catchUpOverlap(sandbox, n8n, chatId, events) {
	if (!events.length) return null;
	/** @param {BenchEvent} e */
	const end = (e) => e.t0 + (e.latencyMs ?? e.responseMs ?? 0);
	const from = Math.min(...events.map((e) => e.t0));
	const to = Math.max(...events.map(end));
	const searches = sandbox.log
		.filter((e) => isCatchUpSearch(e) && Date.parse(e.time) >= from && Date.parse(e.time) <= to)
		.map((e) => ({ start: Date.parse(e.time), end: Date.parse(e.time) + (e.durationMs ?? 0) }));
	const runs = (await executionsOf(n8n, chatId, { mode: 'integrated', startedAfter: from }))
		.map((e) => ({
			start: Date.parse(e.startedAt),
			end: e.stoppedAt ? Date.parse(e.stoppedAt) : Infinity,
		}))
		.filter((run) => run.start <= to);
	/**
	 * @param {BenchEvent} e
	 * @param {{ start: number, end: number }[]} spans
	 */
	const overlaps = (e, spans) => spans.some((span) => span.start <= end(e) && span.end >= e.t0);
	/** @param {BenchEvent[]} list */
	const byWorkflow = (list) => {
		/** @type {Record<string, number>} */
		const out = {};
		for (const e of list) out[e.workflow] = (out[e.workflow] ?? 0) + 1;
		return out;
	};
	const withSearch = events.filter((e) => overlaps(e, searches));
	const withRun = events.filter((e) => overlaps(e, runs));
	const clean = events
		.filter((e) => e.workflow === 'ours' && e.latencyMs !== null)
		.filter((e) => !withSearch.includes(e) && !withRun.includes(e))
		.map((e) => /** @type {number} */ (e.latencyMs));
	return {
		checks: searches.length,
		handOvers: runs.length,
		eventsWithACheck: byWorkflow(withSearch),
		eventsWithAHandOver: byWorkflow(withRun),
		oursWithoutThem: {
			events: clean.length,
			p50: percentile(clean, 50),
			p95: percentile(clean, 95),
		},
	};
}

/**
 * Medians of the per-event figures of one workflow.
 * @param {BenchEvent[]} events
 */
export function summarizeEvents(events) {
	const ok = events.filter((e) => e.latencyMs !== null);
	const latencies = ok.map((e) => /** @type {number} */ (e.latencyMs));
	/** @param {'createdMs' | 'startedMs' | 'firstNodeStartMs' | 'lastNodeEndMs' | 'stoppedMs' | 'nodeSumMs' | 'betweenNodesMs'} key */
	const pick = (key) => median(events.map((e) => e.n8n?.[key]).filter((v) => v !== null));
	const executionDone = /** @type {number[]} */ (
		events.map((e) => e.n8n?.stoppedMs).filter((v) => typeof v === 'number' && Number.isFinite(v))
	);
	const nodeNames = [...new Set(events.flatMap((e) => Object.keys(e.n8n?.nodes ?? {})))];
	return {
		events: events.length,
		completed: ok.length,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		mean: round(latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1)),
		responseP50: median(events.map((e) => e.responseMs)),
		n8nMedians: {
			executionCreated: pick('createdMs'),
			executionStarted: pick('startedMs'),
			firstNodeStart: pick('firstNodeStartMs'),
			lastNodeEnd: pick('lastNodeEndMs'),
			executionStopped: pick('stoppedMs'),
			sumOfNodeExecutionTimes: pick('nodeSumMs'),
			betweenNodes: pick('betweenNodesMs'),
		},
		nodeMedians: Object.fromEntries(
			nodeNames.map((node) => [node, median(events.map((e) => e.n8n?.nodes?.[node] ?? NaN))]),
		),
		executionsMatched: events.filter((e) => e.n8n).length,
		// POST → n8n's stoppedAt of the execution: for the two empty workflows, when a node after the
		// trigger could have started at the earliest
		executionDone: {
			p50: percentile(executionDone, 50),
			p95: percentile(executionDone, 95),
		},
	};
}

/**
 * n8n's own timings of every event's execution (executionId and n8n on each event). The events' runs
 * are the webhook executions started since the leg began (not the catch-up's checks, mode
 * `trigger`, or hand-overs, `integrated`), each matched to the first event it started within 10 s
 * of. A workflow whose executions cannot be read leaves `leg.timingsError`; the others go on.
 * @param {BenchEvent[]} events
 * @param {object} options
 * @param {string} options.engine
 * @param {{ startedAt: string, timingsError?: string }} options.leg
 * @param {Record<string, string>} options.workflowIds per workflow of SHOWN
 * @param {(workflow: string) => N8n} options.instanceOf the process a workflow runs in
 */
export async function readExecutionTimings(events, { engine, leg, workflowIds, instanceOf }) {
	for (const workflow of SHOWN) {
		const instance = instanceOf(workflow);
		try {
			// the events' runs: not the catch-up's checks (trigger) or hand-overs (integrated)
			const summaries = await executionsOf(instance, workflowIds[workflow], {
				mode: 'webhook',
			});
			const wanted = summaries.filter(
				(s) => Date.parse(s.startedAt ?? s.createdAt) >= Date.parse(leg.startedAt),
			);
			const details = await mapLimit(wanted, 4, (s) =>
				instance.execution(s.id).catch(() => undefined),
			);
			const byCreated = details
				.filter((e) => e !== undefined)
				.map((e) => /** @type {TimedExecution} */ (e))
				.map((e) => ({ e, created: Date.parse(e.createdAt ?? e.startedAt ?? '') }))
				.sort((a, b) => a.created - b.created);
			const used = new Set();
			for (const event of events.filter((e) => e.workflow === workflow)) {
				const match = byCreated.find(
					(x) => !used.has(x.e.id) && x.created >= event.t0 - 5 && x.created < event.t0 + 10_000,
				);
				if (!match) continue;
				used.add(match.e.id);
				event.executionId = match.e.id;
				event.n8n = executionTimings(match.e, event.t0);
			}
		} catch (error) {
			log(`${engine}: n8n's timings of ${workflow} not read (${error.message.slice(0, 200)})`);
			leg.timingsError = String(error.message).slice(0, 500);
		}
	}
}
