// The knobs of bench/n8n.bench.mjs (its header lists them) and the constants its legs share: how
// many events, how they are paced, which workflows take part and in what order.
import path from 'node:path';

import { N8N_VERSIONS, repoRoot } from '../../n8n-driver/n8n.mjs';
import { BASELINE_REF } from '../baseline.mjs';

export const version = process.env.N8N_VERSION ?? N8N_VERSIONS.current;
export const ENGINES = (process.env.BENCH_ENGINES ?? 'vm,legacy')
	.split(',')
	.map((e) => e.trim())
	.filter(Boolean);
export const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
export const TRACE_ROUNDS = Number(process.env.BENCH_TRACE_ROUNDS ?? 40);
export const PROFILE_INTERVAL_US = Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 500);
export const WARMUP = 3;
export const BURST = Number(process.env.BENCH_BURST ?? 500);
export const BURST_TIMEOUT_MS = Number(process.env.BENCH_BURST_TIMEOUT_S ?? 600) * 1000;
export const KOMMO_LIMIT = 7;
// How long the sandbox waits for n8n to answer a webhook before it gives up (sandbox default 5 s).
export const WEBHOOK_TIMEOUT_MS = Number(process.env.BENCH_WEBHOOK_TIMEOUT_S ?? 5) * 1000;
// Intercom retries a notification that got no 2xx within 5 s "only once after 1 minute"
// (reference intercom-api.md §2.3); the burst sender does the same unless BENCH_INTERCOM_RETRY=0.
export const INTERCOM_RETRY = process.env.BENCH_INTERCOM_RETRY !== '0';
export const INTERCOM_RETRY_AFTER_MS = 60_000;
// Each workflow's events start at least this far apart, so one event's Kommo calls from the
// template never meet the next one's inside the throttle's window (a call holds its place until
// 1 020 ms after its answer, and an event makes 4): the latency part measures an idle account, the
// burst a busy one. Spacing whole rounds is not enough: the order rotates, so a workflow's events
// would come one slot (~150 ms) closer each round.
export const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 1250);
// n8n's own knob for production executions in regular mode (-1 = no limit, n8n's default).
export const CONCURRENCY_LIMIT = process.env.N8N_CONCURRENCY_PRODUCTION_LIMIT ?? '-1';
export const outDir = path.join(repoRoot, 'bench', 'results');
export const logDir = path.join(outDir, 'n8n-logs');

// ------------------------------------------------------------------ the workflows compared

/** In the order rounds start with (rotated by one every round). */
export const WORKFLOWS = ['ours', 'floor', 'peer', 'emptyTrigger', 'emptyWebhook'];
// With a baseline, warm-up and latency rounds rotate seven: the two side processes' events go
// before the Webhook node alone (ours keeps its predecessor), and swap places every other round.
/** @type {['oursAfter', 'oursBefore']} */
export const SIDES = ['oursAfter', 'oursBefore'];
/** @type {string[]} */
export const ROTATION = BASELINE_REF
	? ['ours', 'floor', 'peer', 'emptyTrigger', ...SIDES, 'emptyWebhook']
	: WORKFLOWS;
/** The order of the tables. */
export const SHOWN = BASELINE_REF
	? ['ours', ...SIDES, 'floor', 'peer', 'emptyTrigger', 'emptyWebhook']
	: WORKFLOWS;
/** @type {Record<string, string>} */
export const LABELS = {
	ours: 'ours (shipped template)',
	oursAfter: 'ours-after (the same, own process)',
	oursBefore: `ours-before (at ${BASELINE_REF}, own process)`,
	floor: 'floor (Webhook + 5 HTTP Request)',
	peer: 'peer (built-in nodes)',
	emptyTrigger: 'Intercom Trigger alone',
	emptyWebhook: 'Webhook node alone',
};
