// Benchmark of the chat template inside a real n8n (2.41.1 by default) against the local Intercom +
// Kommo sandbox. One run, one sandbox, one n8n user folder; the n8n process is started once per
// expression engine (BENCH_ENGINES, default "vm,legacy": n8n 2.x's default engine, then the 1.x one;
// also "vm+lazy" and "vm+pool<N>", the vm engine with lazy isolates or a pool of N):
//
//   1. calls per path (first engine only): Intercom and Kommo calls per event, from the sandbox log;
//   2. latency, per engine: BENCH_EVENTS paced rounds; each round sends one event to each of five
//      workflows, in a rotating order, so all five see the same machine at the same time:
//        - ours:          the shipped template workflows/intercom-chat-to-kommo-deal.json (credentials
//                         pointed at the sandbox, nothing else changed), existing-deal path;
//        - floor:         bench/workflows/floor-webhook-http.json, n8n's Webhook + 5 HTTP Request nodes
//                         making the same 5 calls, no checks;
//        - peer:          bench/workflows/peer-built-in-nodes.json, the same job built from n8n's own
//                         nodes (Webhook raw body, Crypto HMAC-SHA1, IF, Code, HTTP Request);
//        - empty trigger: bench/workflows/empty-intercom-trigger.json, our Intercom Trigger alone;
//        - empty webhook: bench/workflows/empty-webhook.json, n8n's Webhook node alone;
//      latency = webhook POST sent → note POST answered by the sandbox (for the two empty workflows:
//      → HTTP answer, which n8n sends once the execution has started); per event also n8n's own
//      timings (execution createdAt/startedAt/stoppedAt, each node's runData startTime/executionTime);
//   3. trace, per engine: BENCH_TRACE_ROUNDS more rounds with a CPU profile of the n8n process (through
//      its inspector, --inspect in NODE_OPTIONS) and timers around n8n's own functions (expression
//      parameters, isolate acquire/release/create, credential reads, static-data saves, the webhook
//      phase; a --require preload written from tracePreload() in bench/n8n/trace-preload.mjs);
//      samples and timers are attributed to the event whose window they fall in;
//   4. burst (first engine only): BENCH_BURST new chats at once while the sandbox enforces Kommo's
//      7 requests/s, with the resident memory of the n8n process;
//   5. the Transcript renderer bench (bench/transcript.bench.js) on the same build.
//
// Then, each in its own n8n process(es) and sandbox: the catch-up leg (bench/catch-up.bench.mjs:
// quiet workspace, sweep of delivered chats, history import) and the burst with recovery on one
// process and on a queue-mode cluster (bench/queue-mode.bench.mjs).
//
// The chat template has the catch-up (docs/catch-up.md): it is published from the editor after the
// first start, with Import History (Days) 0, as a user who wants no history does; the seeded chats
// are an hour old, before its first check and its 10 min look-back, so it hands none of them over.
// Its checks (an Intercom search a minute, no Kommo call: left out of the calls per path and of the
// burst's counts) run during the latency rounds; the one Intercom change of leg 1 (the reply of
// "reply (existing deal)", measured right after a check) makes it hand that chat over twice in the
// next two minutes, in the first engine's warm-up or latency rounds. Each engine's
// `catchUpDuringLatency` says how many checks and hand-overs fell inside latency events, and ours'
// p50/p95 without those events. n8n's timings are matched to executions of mode `webhook` only.
//
// With BENCH_BASELINE_REF=<git ref> (off by default), the chat template and the package as they were
// at that ref run beside the current ones (bench/baseline.mjs) in two side n8n processes, one
// template each, started and stopped with the first for each engine: "ours-before" (the ref) and
// "ours-after" (the current build, the same as "ours"). Every warm-up and latency round then also
// sends one event to each, on its own seeded existing-deal chat, in the same rotation and pacing
// (the two swap places every other round; not in the trace rounds, which profile the first process
// only). ours-after ÷ ours-before compares the templates in like processes; ours ÷ ours-after is
// what the process adds. Leg 1 also counts ours-before's calls per path.
//
// No thresholds: it prints tables and writes the raw numbers to bench/results/n8n.json (CPU
// profiles next to it, bench/results/n8n-logs/*.cpuprofile).
// Run: npm run bench
// Quick smoke run: BENCH_EVENTS=5 BENCH_TRACE_ROUNDS=2 BENCH_BURST=0 BENCH_QUEUE=0 BENCH_CATCH_UP=0
//                  npm run bench
// Knobs: BENCH_ENGINES (vm,legacy) BENCH_EVENTS (200) BENCH_PACE_MS (1250) BENCH_TRACE_ROUNDS (40)
//        BENCH_PROFILE_INTERVAL_US (500) BENCH_BURST (500; 0 skips) BENCH_WEBHOOK_TIMEOUT_S (5)
//        BENCH_INTERCOM_RETRY (1) BENCH_BURST_TIMEOUT_S (600) N8N_VERSION (2.41.1)
//        BENCH_BASELINE_REF (unset) BENCH_QUEUE (1; 0 skips the queue-mode leg)
//        BENCH_CATCH_UP (1; 0 skips the catch-up leg) BENCH_CATCH_UP_CHATS (20: Chats per Check in
//        the catch-up and queue-mode legs) BENCH_SWEEP_CHATS (20) BENCH_HISTORY (300; 0 skips the
//        import) BENCH_HISTORY_CHATS (100) BENCH_HISTORY_TIMEOUT_S (900); the queue-mode leg's own
//        knobs are in bench/queue-mode.bench.mjs (BENCH_QUEUE_BURST, BENCH_QUEUE_SETUPS, …)
//
// Note latency is measured from the moment the bench POSTs the webhook to the moment the sandbox
// finished answering the note POST (its request log: start time + duration); the sandbox runs in
// this process and n8n on the same machine, so all times come from the same clock.
//
// Where each part is: this file runs the legs in order and cleans up; bench/n8n/config.mjs reads
// the knobs; bench/n8n/setup.mjs installs, seeds and imports; bench/n8n/engine-leg.mjs runs one
// engine (bench/n8n/calls-per-path.mjs, latency-rounds.mjs, trace-rounds.mjs, timings.mjs,
// leg-summary.mjs, burst.mjs); bench/n8n/report.mjs prints the tables; bench/lib/ holds what the
// catch-up and queue-mode legs use too.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { log, makeWorkDir } from '../n8n-driver/n8n.mjs';
import { BASELINE_REF } from './baseline.mjs';
import { catchUpLeg } from './catch-up.bench.mjs';
import { round } from './lib/numbers.mjs';
import {
	BURST,
	ENGINES,
	EVENTS,
	PACE_MS,
	PROFILE_INTERVAL_US,
	SIDES,
	TRACE_ROUNDS,
	logDir,
	outDir,
	version,
} from './n8n/config.mjs';
import { runEngineLeg } from './n8n/engine-leg.mjs';
import { printTable } from './n8n/report.mjs';
import { setUp } from './n8n/setup.mjs';
import { queueModeLeg } from './queue-mode.bench.mjs';

process.env.GENERIC_TIMEZONE = 'UTC';

async function main() {
	const started = Date.now();
	mkdirSync(outDir, { recursive: true });
	rmSync(logDir, { recursive: true, force: true });
	mkdirSync(logDir, { recursive: true });
	const userFolder = path.join(logDir, 'n8n-user');
	const work = makeWorkDir(`bench-${version}`);
	/** @type {Record<string, any>} bench/results/n8n.json, written as the run goes */
	const results = {
		version,
		node: process.version,
		machine: {
			cpus: os.cpus().length,
			model: os.cpus()[0]?.model,
			totalMemMb: Math.round(os.totalmem() / 2 ** 20),
			loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
		},
		startedAt: new Date().toISOString(),
		command: process.env.BENCH_COMMAND ?? 'npm run bench',
		knobs: {
			engines: ENGINES,
			events: EVENTS,
			traceRounds: TRACE_ROUNDS,
			paceMs: PACE_MS,
			profileIntervalUs: PROFILE_INTERVAL_US,
			burst: BURST,
			...(BASELINE_REF ? { baselineRef: BASELINE_REF } : {}),
		},
		legs: {},
	};
	/** @type {import('./n8n/setup.mjs').Started} */
	const running = {};
	try {
		const ctx = await setUp({ results, work, userFolder, started: running });
		for (const [legIndex, engine] of ENGINES.entries())
			await runEngineLeg(ctx, results, legIndex, engine);

		// ---------------------------------------------------- transcript bench (same build)
		try {
			const stage = path.join(work, 'package-src');
			const output = execFileSync(
				process.execPath,
				[path.join(stage, 'bench', 'transcript.bench.js')],
				{
					cwd: stage,
					encoding: 'utf8',
					timeout: 180_000,
				},
			);
			results.transcriptBench = {
				output,
				results: JSON.parse(
					readFileSync(path.join(stage, 'bench', 'results', 'transcript.json'), 'utf8'),
				),
			};
		} catch (error) {
			results.transcriptBench = { error: String(error).slice(0, 500) };
		}
	} catch (error) {
		results.error = String(error?.stack ?? error);
		log(`bench stopped: ${results.error}`);
		process.exitCode = 1;
	} finally {
		const { n8n, baseline, sandbox } = running;
		await n8n?.stop().catch(() => undefined);
		if (baseline) for (const key of SIDES) await baseline[key].n8n.stop().catch(() => undefined);
		if (sandbox) writeFileSync(path.join(logDir, 'sandbox-log.json'), JSON.stringify(sandbox.log));
		await sandbox?.close().catch(() => undefined);
		rmSync(work, { recursive: true, force: true });
	}
	results.totalSeconds = round((Date.now() - started) / 1000, 0);
	writeFileSync(path.join(outDir, 'n8n.json'), JSON.stringify(results, null, '\t'));
	printTable(results);
}

await main();
// the catch-up's cost, one process (BENCH_CATCH_UP=0 skips it)
if (process.env.BENCH_CATCH_UP !== '0') await catchUpLeg();
// the same burst on one process and on a queue-mode cluster, with the catch-up's recovery
// of what the door dropped (BENCH_QUEUE=0 skips it)
if (process.env.BENCH_QUEUE !== '0') await queueModeLeg();
