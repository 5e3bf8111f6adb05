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
//      phase; a --require preload written from tracePreload() below); samples and timers are
//      attributed to the event whose window they fall in;
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
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import {
	N8n,
	ensureN8n,
	freePort,
	installPackage,
	log,
	makeWorkDir,
	repoRoot,
} from '../n8n-driver/n8n.mjs';
import {
	TEMPLATE_FILES,
	importTemplates,
	kommoApi,
	productionUrl,
	publishWithCli,
	readTemplate,
	registerKommoWebhook,
	sandboxCredentials,
	waitForWebhook,
	setCatchUp,
} from '../n8n-driver/templates.mjs';
import { BASELINE_REF, prepareBaseline } from './baseline.mjs';
import { catchUpLeg, executionsOf, isCatchUpSearch, nextCatchUpCheck } from './catch-up.bench.mjs';
import { queueModeLeg } from './queue-mode.bench.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');
const { IDS } = require('../sandbox/seed.js');

const version = process.env.N8N_VERSION ?? '2.41.1';
const ENGINES = (process.env.BENCH_ENGINES ?? 'vm,legacy')
	.split(',')
	.map((e) => e.trim())
	.filter(Boolean);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const TRACE_ROUNDS = Number(process.env.BENCH_TRACE_ROUNDS ?? 40);
const PROFILE_INTERVAL_US = Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 500);
const WARMUP = 3;
const BURST = Number(process.env.BENCH_BURST ?? 500);
const BURST_TIMEOUT_MS = Number(process.env.BENCH_BURST_TIMEOUT_S ?? 600) * 1000;
const KOMMO_LIMIT = 7;
// How long the sandbox waits for n8n to answer a webhook before it gives up (sandbox default 5 s).
const WEBHOOK_TIMEOUT_MS = Number(process.env.BENCH_WEBHOOK_TIMEOUT_S ?? 5) * 1000;
// Intercom retries a notification that got no 2xx within 5 s "only once after 1 minute"
// (reference intercom-api.md §2.3); the burst sender does the same unless BENCH_INTERCOM_RETRY=0.
const INTERCOM_RETRY = process.env.BENCH_INTERCOM_RETRY !== '0';
const INTERCOM_RETRY_AFTER_MS = 60_000;
// Each workflow's events start at least this far apart, so one event's Kommo calls from the
// template never meet the next one's inside the throttle's window (a call holds its place until
// 1 020 ms after its answer, and an event makes 4): the latency part measures an idle account, the
// burst a busy one. Spacing whole rounds is not enough: the order rotates, so a workflow's events
// would come one slot (~150 ms) closer each round.
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 1250);
// n8n's own knob for production executions in regular mode (-1 = no limit, n8n's default).
const CONCURRENCY_LIMIT = process.env.N8N_CONCURRENCY_PRODUCTION_LIMIT ?? '-1';
const outDir = path.join(repoRoot, 'bench', 'results');
const logDir = path.join(outDir, 'n8n-logs');
const owner = {
	email: 'owner@bench.invalid',
	firstName: 'Bench',
	lastName: 'Owner',
	password: 'Bench-password-1',
};

process.env.GENERIC_TIMEZONE = 'UTC';

// ------------------------------------------------------------------ helpers

const percentile = (values, p) => {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (value, digits = 1) =>
	value === null || value === undefined ? null : Number(value.toFixed(digits));

function memory(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
		return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
	} catch {
		return { rssMb: NaN, hwmMb: NaN };
	}
}

/** Direct children's pids (n8n's task runner), for information. */
function childPids(pid) {
	try {
		return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
			.trim()
			.split(/\s+/)
			.filter(Boolean);
	} catch {
		return [];
	}
}

/** API calls (Intercom/Kommo) in the log after `seq`. */
const apiCalls = (sandbox, seq) =>
	sandbox.log.filter((e) => e.seq > seq && (e.api === 'intercom' || e.api === 'kommo'));
const lastSeq = (sandbox) => sandbox.log.at(-1)?.seq ?? 0;
const isNotePost = (e) => e.method === 'POST' && /\/api\/v4\/leads\/notes/.test(e.path);
const shape = (e) =>
	`${e.api} ${e.method} ${e.path.replace(/\/\d+(?=\/|\?|$)/g, '/:id').replace(/\?.*$/, '')}`;

function tally(calls) {
	const intercom = calls.filter((c) => c.api === 'intercom');
	const kommo = calls.filter((c) => c.api === 'kommo');
	return {
		intercom: intercom.length,
		kommo: kommo.length,
		kommo429: kommo.filter((c) => c.status === 429).length,
		calls: calls.map((c) => `${shape(c)} → ${c.status}`),
	};
}

/** Entries of the sandbox log after `seq`, scanned from the end (the log grows to ~100 000). */
function logAfter(sandbox, seq) {
	const entries = [];
	for (let i = sandbox.log.length - 1; i >= 0 && sandbox.log[i].seq > seq; i--)
		entries.push(sandbox.log[i]);
	return entries.reverse();
}

/** Waits until the log has had no Intercom/Kommo call for `quietMs`. */
async function quiet(sandbox, quietMs = 1500, timeoutMs = 60_000) {
	const started = Date.now();
	let seen = lastSeq(sandbox);
	let since = Date.now();
	while (Date.now() - started < timeoutMs) {
		await delay(50);
		const now = lastSeq(sandbox);
		const open = sandbox.log.slice(-500).some((e) => e.status === null && e.api !== 'control');
		if (now !== seen || open) {
			seen = now;
			since = Date.now();
		} else if (Date.now() - since >= quietMs) return;
	}
}

/** Resolves with the moment (ms) the sandbox finished storing the first note POSTed after `seq`. */
async function noteStored(sandbox, seq, timeoutMs = 60_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const entry = logAfter(sandbox, seq).find(
			(e) => isNotePost(e) && e.status !== null && e.status < 300,
		);
		if (entry) return Date.parse(entry.time) + entry.durationMs;
		await delay(2);
	}
	throw new Error(`no note was written within ${timeoutMs / 1000} s`);
}

// ------------------------------------------------------------------ seed data

// an hour back: the catch-up's first check (Import History 0, 10 min look-back) never sees them
const now = Math.floor(Date.now() / 1000) - 3600;
const intercomContactId = (prefix, i) => `65f0be${prefix}${String(i).padStart(16, '0')}`;

/** `count` Intercom chats whose customers have a Kommo contact with an open deal. */
function existingDealSeed(count) {
	const intercom = { contacts: [], conversations: [] };
	const kommo = { contacts: [], leads: [] };
	for (let i = 0; i < count; i++) {
		const email = `existing${i}@bench.example`;
		const contactId = intercomContactId('01', i);
		intercom.contacts.push({
			id: contactId,
			role: 'user',
			name: `Existing ${i}`,
			email,
			created_at: now - 7200,
		});
		intercom.conversations.push({
			id: String(700000 + i),
			created_at: now - 600,
			contacts: [contactId],
			source: {
				id: String(800000000 + i),
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: contactId },
				body: `<p>Question ${i}: can we add 3 seats?</p>`,
			},
			parts: [],
			tags: [],
		});
		kommo.contacts.push({
			id: 26000000 + i,
			name: `Existing ${i}`,
			custom_fields_values: [
				{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] },
			],
		});
		kommo.leads.push({
			id: 36000000 + i,
			name: `Existing ${i} - Team plan`,
			pipeline_id: IDS.kommo.sales,
			status_id: IDS.kommo.status.proposal,
			contacts: [26000000 + i],
		});
	}
	return { intercom, kommo };
}

/** `count` Intercom chats from customers Kommo does not know. */
function newChatSeed(prefix, firstId, count) {
	const intercom = { contacts: [], conversations: [] };
	for (let i = 0; i < count; i++) {
		const contactId = intercomContactId(prefix, i);
		intercom.contacts.push({
			id: contactId,
			role: 'user',
			name: `New ${prefix}-${i}`,
			email: `new${prefix}-${i}@bench.example`,
			created_at: now - 3600,
		});
		intercom.conversations.push({
			id: String(firstId + i),
			created_at: now - 300,
			contacts: [contactId],
			source: {
				id: String(810000000 + firstId + i),
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: contactId },
				body: `<p>Hello, I am interested in the annual plan (${i}).</p>`,
			},
			parts: [],
			tags: [],
		});
	}
	return { intercom };
}

/** The concrete calls of the bare workflow for existing-deal chat `i`. */
function bareCalls(callShapes, sandbox, i) {
	const conversationId = String(700000 + i);
	const leadId = 36000000 + i;
	const contactId = intercomContactId('01', i);
	return callShapes.map((call) => {
		const base = call.api === 'intercom' ? sandbox.intercomUrl : sandbox.kommoUrl;
		const urlPath = call.path
			.replace(/^\/(intercom|kommo)/, '')
			.replaceAll(call.ids.conversationId, conversationId)
			.replaceAll(call.ids.contactId, contactId)
			.replaceAll(String(call.ids.leadId), String(leadId))
			.replaceAll(call.ids.email, encodeURIComponent(`existing${i}@bench.example`));
		let body;
		if (isNotePost(call)) {
			body = [
				{
					entity_id: leadId,
					note_type: 'common',
					params: { text: `[bare] Chat #${conversationId}\nQuestion ${i}: can we add 3 seats?` },
				},
			];
		} else if (call.method === 'PATCH') body = { tags_to_add: [{ name: 'Bench' }] };
		else if (call.method === 'POST') body = {};
		return { url: `${base}${urlPath}`, body };
	});
}

// ------------------------------------------------------------------ tracing inside n8n

/**
 * Loaded into the n8n process with `--require` (written out as a file from this function's source).
 * Wraps a few of n8n's own functions with timers that record only while
 * `globalThis.__benchTrace.on` is true (the bench turns it on through the inspector for the trace
 * rounds); every record is `{ k: kind, s: start (epoch ms), d: duration ms, l: label }`. Async
 * functions are timed until their promise settles (wall time, including what they wait for).
 */
function tracePreload() {
	const Module = require('node:module');
	const { performance } = require('node:perf_hooks');
	const state = { on: false, records: [] };
	globalThis.__benchTrace = state;
	// the wall clock (Date.now(), the bench's clock) at high resolution, re-anchored when a trace
	// starts so that performance.timeOrigin's drift from the system clock does not matter
	let epoch0 = Date.now();
	let perf0 = performance.now();
	const now = () => epoch0 + (performance.now() - perf0);
	const clock = () => ({ epochMs: now(), monoUs: Number(process.hrtime.bigint() / 1000n) });
	// CPU profile through an in-process inspector session: the clock is read in the same tick as
	// the profiler starts, so samples map onto the bench's wall clock to well under a millisecond.
	let session;
	const post = (method, params) =>
		new Promise((resolve, reject) =>
			session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
		);
	state.startProfile = async (intervalUs) => {
		epoch0 = Date.now();
		perf0 = performance.now();
		const inspector = require('node:inspector');
		session = new inspector.Session();
		session.connect();
		await post('Profiler.enable');
		await post('Profiler.setSamplingInterval', { interval: intervalUs });
		// epoch and monotonic clock read together: the pair maps every sample onto the wall clock
		const startedAt = clock();
		await post('Profiler.start');
		state.on = true;
		return JSON.stringify(startedAt);
	};
	state.stopProfile = async (file) => {
		state.on = false;
		const stoppedAt = clock();
		const { profile } = await post('Profiler.stop');
		session.disconnect();
		require('node:fs').writeFileSync(file, JSON.stringify(profile));
		return JSON.stringify({ stoppedAt, startTime: profile.startTime, endTime: profile.endTime });
	};
	const wrap = (target, name, kind, label = () => undefined, when = () => true) => {
		const original = target?.[name];
		if (typeof original !== 'function' || original.__benchTraced) return;
		const wrapped = function (...args) {
			if (!state.on || !when(args)) return original.apply(this, args);
			const start = now();
			const l = label.call(this, args);
			const done = () => state.records.push({ k: kind, s: start, d: now() - start, l });
			let result;
			try {
				result = original.apply(this, args);
			} catch (error) {
				done();
				throw error;
			}
			if (result && typeof result.then === 'function') {
				return result.then(
					(value) => {
						done();
						return value;
					},
					(error) => {
						done();
						throw error;
					},
				);
			}
			done();
			return result;
		};
		wrapped.__benchTraced = true;
		target[name] = wrapped;
	};
	const patches = {
		'/n8n-workflow/dist/cjs/workflow-expression.js': (m) =>
			wrap(
				m.WorkflowExpression?.prototype,
				'resolveSimpleParameterValue',
				'expression',
				(a) => `${a[5]}\u0000${String(a[0]).slice(0, 200)}`,
				(a) => typeof a[0] === 'string' && a[0].charAt(0) === '=',
			),
		'/n8n-workflow/dist/cjs/expression.js': (m) => {
			wrap(m.Expression?.prototype, 'acquireIsolate', 'isolate-acquire');
			wrap(m.Expression?.prototype, 'releaseIsolate', 'isolate-release');
		},
		'/@n8n/expression-runtime/dist/cjs/bridge/isolated-vm-bridge.js': (m) => {
			wrap(m.IsolatedVmBridge?.prototype, 'initialize', 'isolate-create');
			wrap(m.IsolatedVmBridge?.prototype, 'dispose', 'isolate-dispose');
		},
		'/n8n/dist/credentials-helper.js': (m) => {
			wrap(m.CredentialsHelper?.prototype, 'getDecrypted', 'credential-read', (a) => a[2]);
			wrap(m.CredentialsHelper?.prototype, 'authenticate', 'credential-authenticate', (a) => a[1]);
		},
		'/n8n/dist/workflows/workflow-static-data.service.js': (m) => {
			wrap(m.WorkflowStaticDataService?.prototype, 'saveStaticData', 'static-data-save', (a) =>
				a[0]?.staticData?.__dataChanged === true ? 'changed' : 'unchanged',
			);
			wrap(m.WorkflowStaticDataService?.prototype, 'saveStaticDataById', 'static-data-db-write');
			wrap(m.WorkflowStaticDataService?.prototype, 'getStaticDataById', 'static-data-read');
		},
		'/n8n/dist/webhooks/live-webhooks.js': (m) =>
			wrap(m.LiveWebhooks?.prototype, 'executeWebhook', 'webhook-phase', (a) => a[0]?.params?.path),
		'/n8n/dist/webhooks/webhook.service.js': (m) =>
			wrap(m.WebhookService?.prototype, 'runWebhook', 'trigger-webhook-method', (a) => a[2]?.type),
		'/n8n/dist/workflow-runner.js': (m) => wrap(m.WorkflowRunner?.prototype, 'run', 'runner-run'),
		'/n8n/dist/executions/pre-execution-checks/credentials-permission-checker.js': (m) =>
			wrap(m.CredentialsPermissionChecker?.prototype, 'check', 'credential-permission-check'),
		'/n8n/dist/active-executions.js': (m) =>
			wrap(m.ActiveExecutions?.prototype, 'add', 'execution-insert'),
		'/n8n-core/dist/execution-engine/workflow-execute.js': (m) =>
			wrap(m.WorkflowExecute?.prototype, 'runNode', 'node-run', (a) => a[1]?.node?.name),
	};
	const originalCompile = Module.prototype._compile;
	Module.prototype._compile = function (content, filename) {
		const result = originalCompile.call(this, content, filename);
		for (const [suffix, patch] of Object.entries(patches)) {
			if (!filename.endsWith(suffix)) continue;
			try {
				patch(this.exports);
			} catch (error) {
				process.stderr.write(`bench trace: could not wrap ${suffix}: ${error}\n`);
			}
		}
		return result;
	};
}

/** A minimal Chrome DevTools Protocol client for the n8n process's inspector. */
async function inspectorSession(port) {
	let target;
	for (let attempt = 0; attempt < 20 && !target; attempt++) {
		target = await fetch(`http://127.0.0.1:${port}/json/list`)
			.then((r) => r.json())
			.then((list) => list[0])
			.catch(() => undefined);
		if (!target) await delay(250);
	}
	if (!target) throw new Error(`no inspector on port ${port}`);
	const ws = new WebSocket(target.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => {
		ws.onopen = resolve;
		ws.onerror = () => reject(new Error('inspector WebSocket failed'));
	});
	let nextId = 0;
	const pending = new Map();
	ws.onmessage = (message) => {
		const data = JSON.parse(message.data);
		const waiting = data.id && pending.get(data.id);
		if (!waiting) return;
		pending.delete(data.id);
		if (data.error) waiting.reject(new Error(`${data.error.message} (${data.error.code})`));
		else waiting.resolve(data.result);
	};
	const send = (method, params = {}) =>
		new Promise((resolve, reject) => {
			const id = ++nextId;
			pending.set(id, { resolve, reject });
			ws.send(JSON.stringify({ id, method, params }));
		});
	const evaluate = async (expression) => {
		const answer = await send('Runtime.evaluate', {
			expression,
			returnByValue: true,
			awaitPromise: true,
		});
		if (answer.exceptionDetails) throw new Error(JSON.stringify(answer.exceptionDetails));
		return answer.result.value;
	};
	return { send, evaluate, close: () => ws.close() };
}

/** Self-time category of one profile frame. */
function frameCategory(frame) {
	const { functionName: fn, url } = frame;
	if (fn === '(idle)') return 'idle';
	if (fn === '(garbage collector)') return 'garbage collector';
	if (fn === '(program)') return 'V8/native, unattributed ("(program)")';
	if (/isolated-vm|expression-runtime/.test(url)) return 'expression engine (isolated-vm bridge)';
	if (url.includes('/n8n-workflow/'))
		return 'n8n-workflow (expressions, data proxy, workflow graph)';
	if (url.includes('/n8n-core/')) return 'n8n-core (execution engine, node contexts, HTTP helpers)';
	if (url.includes('bench-trace-preload')) return 'bench tracer (its own overhead)';
	if (url.includes('/node_modules/n8n-nodes-intercom-kommo/')) return 'our nodes';
	if (url.includes('/n8n-nodes-base/')) return "n8n's built-in nodes";
	if (/\/(typeorm|sqlite3|@n8n\/typeorm)\//.test(url))
		return 'database layer (typeorm, sqlite3 bindings)';
	if (url.includes('/n8n/dist/')) return 'n8n server (webhooks, executions, services)';
	if (/\/(express|body-parser|raw-body|router|finalhandler|send|compression)\//.test(url))
		return 'HTTP server (express and middleware)';
	if (url === '' || url.startsWith('node:')) return 'Node.js core (http, streams, crypto, timers)';
	return 'other dependencies';
}

/** Inclusive markers a frame adds for itself and everything it calls (synchronously). */
function frameMarkers(frame) {
	const { functionName: fn, url } = frame;
	const markers = [];
	if (fn === 'resolveSimpleParameterValue' && url.includes('workflow-expression'))
		markers.push('expression parameters (WorkflowExpression.resolveSimpleParameterValue)');
	if (url.includes('isolated-vm-bridge')) {
		if (/^(initialize|initializeSync|loadVendorLibraries|injectErrorHandler)$/.test(fn))
			markers.push('isolate creation (IsolatedVmBridge.initialize)');
		if (fn === 'execute')
			markers.push('expression run inside the isolate (IsolatedVmBridge.execute)');
	}
	if (fn === 'IsolatedVmBridge') markers.push('isolate creation (IsolatedVmBridge.initialize)');
	if (url.includes('workflow-data-proxy')) markers.push('data proxy ($json, $(…).item, …)');
	if (fn === 'getPairedItem') markers.push('paired-item resolution (getPairedItem)');
	if (fn === 'getDecrypted' || (fn === 'authenticate' && url.includes('credentials-helper')))
		markers.push('credentials (decrypt, authenticate)');
	if (fn === 'runNode' && url.includes('workflow-execute')) markers.push('node runs (runNode)');
	if (url.includes('live-webhooks') || url.includes('webhook-helpers'))
		markers.push('webhook phase (live-webhooks, webhook-helpers)');
	if (url.includes('/node_modules/n8n-nodes-intercom-kommo/'))
		markers.push('our nodes (with what they call)');
	if (/\/(typeorm|@n8n\/typeorm)\//.test(url)) markers.push('typeorm (with what it calls)');
	return markers;
}

/**
 * Attributes a CPU profile's samples to the event windows they fall in. `clock` maps the
 * profile's monotonic microseconds to epoch milliseconds. Returns, per workflow, CPU ms per event
 * by self category, by inclusive marker, and the top self-time functions.
 */
function attributeProfile(profile, windows, clock) {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const markersOf = new Map();
	const visit = (id, inherited) => {
		const node = byId.get(id);
		const own = frameMarkers(node.callFrame);
		const markers = own.length ? [...new Set([...inherited, ...own])] : inherited;
		markersOf.set(id, markers);
		for (const child of node.children ?? []) visit(child, markers);
	};
	const root = profile.nodes[0];
	// iterative would be safer for deep trees; V8 stacks stay well below the recursion limit
	visit(root.id, []);
	const sorted = [...windows].sort((a, b) => a.start - b.start);
	const per = {};
	let time = profile.startTime;
	let w = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		time += profile.timeDeltas[i] ?? 0;
		const nextDelta = profile.timeDeltas[i + 1] ?? 0;
		const epoch = clock.epochMs + (time - clock.monoUs) / 1000;
		while (w < sorted.length && sorted[w].end <= epoch) w++;
		const win = sorted[w];
		if (!win || epoch < win.start) continue;
		const node = byId.get(profile.samples[i]);
		const ms = nextDelta / 1000;
		const bucket = (per[win.workflow] ??= { self: {}, inclusive: {}, functions: {}, events: 0 });
		const category = frameCategory(node.callFrame);
		bucket.self[category] = (bucket.self[category] ?? 0) + ms;
		for (const marker of markersOf.get(node.id) ?? [])
			bucket.inclusive[marker] = (bucket.inclusive[marker] ?? 0) + ms;
		if (category !== 'idle') {
			const { functionName, url, lineNumber } = node.callFrame;
			const where = url ? `${url.replace(/^.*node_modules\//, '')}:${lineNumber + 1}` : '';
			const key = `${functionName || '(anonymous)'} ${where}`.trim();
			bucket.functions[key] = (bucket.functions[key] ?? 0) + ms;
		}
	}
	for (const win of sorted) if (per[win.workflow]) per[win.workflow].events += 1;
	const result = {};
	for (const [workflow, bucket] of Object.entries(per)) {
		const perEvent = (table) =>
			Object.fromEntries(
				Object.entries(table)
					.sort((a, b) => b[1] - a[1])
					.map(([key, ms]) => [key, round(ms / bucket.events, 2)]),
			);
		const self = perEvent(bucket.self);
		const busy = Object.entries(bucket.self)
			.filter(([key]) => key !== 'idle')
			.reduce((sum, [, ms]) => sum + ms, 0);
		result[workflow] = {
			events: bucket.events,
			cpuMsPerEvent: round(busy / bucket.events, 2),
			selfMsPerEvent: self,
			inclusiveMsPerEvent: perEvent(bucket.inclusive),
			topFunctionsMsPerEvent: Object.fromEntries(
				Object.entries(perEvent(bucket.functions)).slice(0, 25),
			),
		};
	}
	return result;
}

/** Sums the preload's timer records per workflow (per event), by kind and for expressions by class. */
function attributeRecords(records, windows, nodeTypes) {
	const sorted = [...windows].sort((a, b) => a.start - b.start);
	const findWindow = (t) => {
		let lo = 0;
		let hi = sorted.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (sorted[mid].end <= t) lo = mid + 1;
			else if (sorted[mid].start > t) hi = mid - 1;
			else return sorted[mid];
		}
		return undefined;
	};
	const per = {};
	for (const record of records) {
		const win = findWindow(record.s);
		if (!win) continue;
		const bucket = (per[win.workflow] ??= { kinds: {}, expressions: {}, nodes: {}, classes: {} });
		const kindKey = record.k === 'static-data-save' ? `static-data-save (${record.l})` : record.k;
		const kind = (bucket.kinds[kindKey] ??= { count: 0, ms: 0, samples: [] });
		kind.count += 1;
		kind.ms += record.d;
		kind.samples.push(record.d);
		if (record.k === 'expression') {
			const [node, expression] = String(record.l).split('\u0000');
			const key = `${node} │ ${expression}`;
			const entry = (bucket.expressions[key] ??= { count: 0, ms: 0, samples: [] });
			entry.count += 1;
			entry.ms += record.d;
			entry.samples.push(record.d);
			const type = nodeTypes[win.workflow]?.[node] ?? '';
			const cls = /\$credentials/.test(expression)
				? 'credential header (authenticate)'
				: /\$\(['"]/.test(expression)
					? "another node's data $('…').item/.first()"
					: /\.if$/.test(type)
						? 'IF condition ($json)'
						: '$json / plain';
			const c = (bucket.classes[cls] ??= { count: 0, ms: 0, samples: [] });
			c.count += 1;
			c.ms += record.d;
			c.samples.push(record.d);
		}
		if (record.k === 'node-run') {
			const entry = (bucket.nodes[record.l] ??= { count: 0, ms: 0, samples: [] });
			entry.count += 1;
			entry.ms += record.d;
			entry.samples.push(record.d);
		}
	}
	const events = {};
	for (const win of sorted) events[win.workflow] = (events[win.workflow] ?? 0) + 1;
	const summarize = (table, n) =>
		Object.fromEntries(
			Object.entries(table)
				.sort((a, b) => b[1].ms - a[1].ms)
				.map(([key, v]) => [
					key,
					{
						perEvent: round(v.count / n, 2),
						msPerEvent: round(v.ms / n, 3),
						medianMs: round(percentile(v.samples, 50), 3),
						p95Ms: round(percentile(v.samples, 95), 3),
					},
				]),
		);
	return Object.fromEntries(
		Object.entries(per).map(([workflow, bucket]) => [
			workflow,
			{
				events: events[workflow],
				kinds: summarize(bucket.kinds, events[workflow]),
				expressionClasses: summarize(bucket.classes, events[workflow]),
				expressions: summarize(bucket.expressions, events[workflow]),
				nodes: summarize(bucket.nodes, events[workflow]),
			},
		]),
	);
}

/** Burst: BURST new chats at once, the sandbox enforcing Kommo's 7 requests/s; memory of n8n. */
async function runBurst(sandbox, n8n, chatUrl, chatId) {
	sandbox.configure({
		kommoRateLimit: { perSecond: KOMMO_LIMIT, windowMs: 1000 },
		webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
	});
	await quiet(sandbox, 1000);
	const pid = n8n.child.pid;
	const idle = memory(pid);
	log(
		`burst: ${BURST} new chats at once, Kommo limit ${KOMMO_LIMIT}/s; idle RSS ${idle.rssMb.toFixed(0)} MB`,
	);
	const burstSeq = lastSeq(sandbox);
	let peakRss = idle.rssMb;
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			peakRss = Math.max(peakRss, memory(pid).rssMb);
			await delay(200);
		}
	})();
	const burstIds = Array.from({ length: BURST }, (_, i) => String(1000000 + i));
	const burstStart = Date.now();
	const deliver = (conversationId, notificationId, deliveryAttempts) =>
		sandbox
			.sendIntercomWebhook({
				url: chatUrl,
				topic: 'conversation.user.created',
				conversationId,
				notificationId,
				deliveryAttempts,
			})
			.then((r) => r.status)
			.catch(() => 'error');
	const retryAnswers = [];
	const answers = await Promise.all(
		burstIds.map(async (conversationId) => {
			const sentAt = Date.now();
			const notificationId = `notif_burst_${conversationId}`;
			const status = await deliver(conversationId, notificationId, 1);
			if (INTERCOM_RETRY && !(typeof status === 'number' && status < 300)) {
				// the same notification again, as Intercom does, one minute after the first try
				await delay(Math.max(0, sentAt + INTERCOM_RETRY_AFTER_MS - Date.now()));
				retryAnswers.push(await deliver(conversationId, notificationId, 2));
			}
			return status;
		}),
	);
	const acceptedMs = Date.now() - burstStart;
	const noteCount = () => {
		const counts = new Map(burstIds.map((id) => [id, 0]));
		for (const note of sandbox.state.kommo.notes) {
			const id = /^\[Intercom\] Chat #(\d+) /.exec(note.params?.text ?? '')?.[1];
			if (counts.has(id)) counts.set(id, counts.get(id) + 1);
		}
		return counts;
	};
	let counts = noteCount();
	// the last Intercom/Kommo call that is not a check of the catch-up (an Intercom search a minute)
	const lastChatCall = () => {
		for (let i = sandbox.log.length - 1; i >= 0 && sandbox.log[i].seq > burstSeq; i--) {
			const e = sandbox.log[i];
			if ((e.api === 'intercom' || e.api === 'kommo') && !isCatchUpSearch(e)) return e;
		}
		return undefined;
	};
	// Stops at the timeout, or after 60 s without any Intercom/Kommo call (nothing left to do).
	while (Date.now() - burstStart < BURST_TIMEOUT_MS) {
		counts = noteCount();
		if ([...counts.values()].every((c) => c >= 1)) break;
		const last = lastChatCall();
		if (last && Date.now() - Date.parse(last.time) > 60_000) break;
		await delay(500);
	}
	await quiet(sandbox, 3000, 120_000);
	sampling = false;
	await sampler;
	counts = noteCount();
	// the seeded burst chats are older than the catch-up's look-back: its checks find nothing to
	// hand over, and their searches are not the burst's calls
	const allCalls = apiCalls(sandbox, burstSeq);
	const catchUpSearches = allCalls.filter(isCatchUpSearch).length;
	const burstCalls = allCalls.filter((c) => !isCatchUpSearch(c));
	const lastCall = burstCalls.at(-1);
	const drainMs = lastCall
		? Date.parse(lastCall.time) + (lastCall.durationMs ?? 0) - burstStart
		: null;
	const kommoCalls = burstCalls.filter((c) => c.api === 'kommo');
	const kommoAccepted = kommoCalls.filter((c) => c.status !== 429).length;
	const after = memory(pid);
	const executions = await n8n.executions(chatId, { mode: 'webhook' }).catch(() => []);
	const handOvers = await executionsOf(n8n, chatId, {
		mode: 'integrated',
		startedAfter: burstStart,
	}).catch(() => []);
	const burst = {
		chats: BURST,
		webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
		webhookAnswers: Object.fromEntries(
			[...new Set(answers)].map((s) => [s, answers.filter((a) => a === s).length]),
		),
		intercomRetry: INTERCOM_RETRY,
		retryAnswers: Object.fromEntries(
			[...new Set(retryAnswers)].map((s) => [s, retryAnswers.filter((a) => a === s).length]),
		),
		n8nConcurrencyProductionLimit: Number(CONCURRENCY_LIMIT),
		// n8n 2.x evaluates expressions in isolates ('vm', its default); 'legacy' is the 1.x evaluator
		n8nExpressionEngine: process.env.N8N_EXPRESSION_ENGINE ?? 'vm (default)',
		n8nExpressionEnginePoolSize: process.env.N8N_EXPRESSION_ENGINE_POOL_SIZE ?? '1 (default)',
		allAcceptedMs: acceptedMs,
		notesWritten: [...counts.values()].filter((c) => c >= 1).length,
		chatsWithMoreThanOneNote: [...counts.values()].filter((c) => c > 1).length,
		chatsWithoutNote: [...counts.values()].filter((c) => c === 0).length,
		intercomCalls: burstCalls.filter((c) => c.api === 'intercom').length,
		catchUpSearches,
		// chats the catch-up handed over during the burst (0 expected: none of them changed)
		catchUpRuns: handOvers.length,
		kommoCalls: kommoCalls.length,
		kommoAccepted,
		kommo429: kommoCalls.length - kommoAccepted,
		drainSeconds: round(drainMs / 1000, 1),
		// how close the run came to the best possible: Kommo calls ÷ (7/s × drain time)
		rateLimitUtilisation: round(kommoCalls.length / (KOMMO_LIMIT * (drainMs / 1000)), 2),
		acceptedKommoUtilisation: round(kommoAccepted / (KOMMO_LIMIT * (drainMs / 1000)), 2),
		// the newest 100 webhook executions
		recentExecutionStatuses: Object.fromEntries(
			[...new Set(executions.map((e) => e.status))].map((s) => [
				s,
				executions.filter((e) => e.status === s).length,
			]),
		),
	};
	const memoryFigures = {
		pid,
		idleRssMb: round(idle.rssMb),
		peakRssDuringBurstMb: round(peakRss),
		vmHwmAfterBurstMb: round(after.hwmMb),
		rssAfterBurstMb: round(after.rssMb),
		sampledEveryMs: 200,
		taskRunnerPids: childPids(pid),
	};
	return { burst, memory: memoryFigures };
}

// ------------------------------------------------------------------ the bench-only workflows

const benchWorkflowsDir = path.join(repoRoot, 'bench', 'workflows');
const BENCH_FILES = {
	floor: 'floor-webhook-http.json',
	peer: 'peer-built-in-nodes.json',
	emptyTrigger: 'empty-intercom-trigger.json',
	emptyWebhook: 'empty-webhook.json',
};
/** In the order rounds start with (rotated by one every round). */
const WORKFLOWS = ['ours', 'floor', 'peer', 'emptyTrigger', 'emptyWebhook'];
// With a baseline, warm-up and latency rounds rotate seven: the two side processes' events go
// before the Webhook node alone (ours keeps its predecessor), and swap places every other round.
const SIDES = ['oursAfter', 'oursBefore'];
const ROTATION = BASELINE_REF
	? ['ours', 'floor', 'peer', 'emptyTrigger', ...SIDES, 'emptyWebhook']
	: WORKFLOWS;
/** The order of the tables. */
const SHOWN = BASELINE_REF
	? ['ours', ...SIDES, 'floor', 'peer', 'emptyTrigger', 'emptyWebhook']
	: WORKFLOWS;
const LABELS = {
	ours: 'ours (shipped template)',
	oursAfter: 'ours-after (the same, own process)',
	oursBefore: `ours-before (at ${BASELINE_REF}, own process)`,
	floor: 'floor (Webhook + 5 HTTP Request)',
	peer: 'peer (built-in nodes)',
	emptyTrigger: 'Intercom Trigger alone',
	emptyWebhook: 'Webhook node alone',
};

/** The credentials the peer uses, as a user would create them: Header Auth and Crypto. */
function peerCredentials(sandbox) {
	return [
		{
			id: 'bnchIntercomHeader01',
			name: 'Bench: Intercom token header',
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${sandbox.tokens.intercom}` },
		},
		{
			id: 'bnchKommoHeader00001',
			name: 'Bench: Kommo token header',
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${sandbox.tokens.kommo}` },
		},
		{
			id: 'bnchIntercomSecret01',
			name: 'Bench: Intercom client secret',
			type: 'crypto',
			data: { hmacSecret: sandbox.tokens.intercomClientSecret },
		},
	];
}

/**
 * bench/workflows/*.json with the sandbox's addresses and tokens in place of the placeholders (what
 * a user types into the URL and header fields), written to `dir` for `n8n import:workflow`.
 */
function writeBenchWorkflows(sandbox, dir) {
	mkdirSync(dir, { recursive: true });
	const out = {};
	for (const [key, file] of Object.entries(BENCH_FILES)) {
		const text = readFileSync(path.join(benchWorkflowsDir, file), 'utf8')
			.replaceAll('__INTERCOM_URL__', sandbox.intercomUrl)
			.replaceAll('__KOMMO_URL__', sandbox.kommoUrl)
			.replaceAll('__INTERCOM_TOKEN__', sandbox.tokens.intercom)
			.replaceAll('__KOMMO_TOKEN__', sandbox.tokens.kommo);
		writeFileSync(path.join(dir, file), text);
		const workflow = JSON.parse(text);
		out[key] = { key, file, id: workflow.id, name: workflow.name, nodes: workflow.nodes };
	}
	const unknown = readdirSync(benchWorkflowsDir).filter(
		(file) => file.endsWith('.json') && !Object.values(BENCH_FILES).includes(file),
	);
	if (unknown.length)
		throw new Error(`bench/workflows/ has files this bench does not use: ${unknown}`);
	return out;
}

/** Production URL of a bench workflow's trigger, as the editor shows it. */
function benchUrl(n8n, workflow) {
	const trigger = workflow.nodes[0];
	if (trigger.type === 'n8n-nodes-base.webhook')
		return `${n8n.baseUrl}/webhook/${trigger.parameters.path}`;
	return `${n8n.baseUrl}/webhook/${trigger.webhookId}/webhook`;
}

async function mapLimit(items, limit, fn) {
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

const median = (values) =>
	percentile(
		values.filter((v) => Number.isFinite(v)),
		50,
	);

/**
 * n8n's own timings of one execution, relative to the moment the bench sent the webhook (t0):
 * createdAt (the execution row), startedAt, each node's runData startTime/executionTime, stoppedAt.
 */
function executionTimings(execution, t0) {
	const runData = execution?.data?.resultData?.runData ?? {};
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
 */
async function catchUpOverlap(sandbox, n8n, chatId, events) {
	if (!events.length) return null;
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
	const overlaps = (e, spans) => spans.some((span) => span.start <= end(e) && span.end >= e.t0);
	const byWorkflow = (list) => {
		const out = {};
		for (const e of list) out[e.workflow] = (out[e.workflow] ?? 0) + 1;
		return out;
	};
	const withSearch = events.filter((e) => overlaps(e, searches));
	const withRun = events.filter((e) => overlaps(e, runs));
	const clean = events
		.filter((e) => e.workflow === 'ours' && e.latencyMs !== null)
		.filter((e) => !withSearch.includes(e) && !withRun.includes(e))
		.map((e) => e.latencyMs);
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

/** Medians of the per-event figures of one workflow. */
function summarizeEvents(events) {
	const ok = events.filter((e) => e.latencyMs !== null);
	const latencies = ok.map((e) => e.latencyMs);
	const pick = (key) => median(events.map((e) => e.n8n?.[key]).filter((v) => v !== null));
	const executionDone = events
		.map((e) => e.n8n?.stoppedMs)
		.filter((v) => typeof v === 'number' && Number.isFinite(v));
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

// ------------------------------------------------------------------ main

async function main() {
	const started = Date.now();
	mkdirSync(outDir, { recursive: true });
	rmSync(logDir, { recursive: true, force: true });
	mkdirSync(logDir, { recursive: true });
	const userFolder = path.join(logDir, 'n8n-user');
	const work = makeWorkDir(`bench-${version}`);
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
	let sandbox;
	let n8n;
	let baseline;
	let session;
	try {
		log(`installing n8n ${version} (cached after the first run)`);
		const install = await ensureN8n(version, path.join(logDir, 'install.log'));
		log('building, packing and installing the package');
		const tarball = await installPackage(userFolder, work, path.join(logDir, 'package.log'));

		// Chats: 0 for the calls per path; each event of ours, the floor and the peer gets a fresh one
		// (the template writes only new messages, so a chat it has delivered would take another path),
		// and so does each engine's warm-up. With a baseline: each side process's warm-up and latency
		// events and its warm-up per engine, and ours-before's calls per path.
		const perWorkflow = WARMUP + EVENTS + TRACE_ROUNDS;
		const baselineChats = BASELINE_REF ? 1 + 2 * ENGINES.length * (1 + WARMUP + EVENTS) : 0;
		const chatCount = 1 + ENGINES.length * (1 + 3 * perWorkflow) + baselineChats;
		sandbox = await createSandbox({ port: 0, seed: 'default', logLimit: 2_000_000 });
		sandbox.seed(existingDealSeed(chatCount), { merge: true });
		sandbox.seed(newChatSeed('02', 900000, 2), { merge: true });
		if (BURST > 0) sandbox.seed(newChatSeed('03', 1000000, BURST), { merge: true });
		log(`sandbox on ${sandbox.url} (${chatCount} existing-deal chats)`);
		let nextChat = 1;
		const freshChat = () => nextChat++;

		n8n = new N8n({ installDir: install.dir, userFolder, outDir: logDir });
		await n8n.init();
		// The templates exactly as a user imports them (n8n-driver/templates.mjs), plus the peer's own
		// credentials; then the bench-only workflows.
		const imported = await importTemplates(
			n8n,
			[...sandboxCredentials(sandbox, { kommoLimit: KOMMO_LIMIT }), ...peerCredentials(sandbox)],
			work,
		);
		const benchDir = path.join(work, 'bench-workflows');
		const bench = writeBenchWorkflows(sandbox, benchDir);
		await n8n.cli(
			['import:workflow', '--separate', `--input=${benchDir}`],
			'cli-import-bench-workflows.log',
		);
		// the chat template is published after the first start, its catch-up set first (below)
		for (const id of [imported.stage.id, ...Object.values(bench).map((w) => w.id)])
			await publishWithCli(n8n, id);
		const nodeTypes = {
			ours: Object.fromEntries(
				readTemplate(TEMPLATE_FILES.chat).nodes.map((node) => [node.name, node.type]),
			),
			...Object.fromEntries(
				Object.entries(bench).map(([key, w]) => [
					key,
					Object.fromEntries(w.nodes.map((node) => [node.name, node.type])),
				]),
			),
		};
		const workflowIds = {
			ours: imported.chat.id,
			...Object.fromEntries(Object.entries(bench).map(([key, w]) => [key, w.id])),
		};
		const preloadPath = path.join(work, 'bench-trace-preload.cjs');
		writeFileSync(preloadPath, `(${tracePreload.toString()})();\n`);
		if (BASELINE_REF) {
			baseline = await prepareBaseline({
				ref: BASELINE_REF,
				tarball,
				installDir: install.dir,
				workDir: work,
				logDir,
				credentials: sandboxCredentials(sandbox, { kommoLimit: KOMMO_LIMIT }),
			});
			for (const key of SIDES) {
				nodeTypes[key] = baseline[key].nodeTypes;
				workflowIds[key] = baseline[key].chat.id;
			}
			results.baseline = {
				ref: baseline.ref,
				commit: baseline.commit,
				tarball: baseline.tarball,
				nodeModules: baseline.lockShared ? 'linked (same package-lock.json)' : 'npm ci',
				templateNodes: {
					oursAfter: baseline.oursAfter.templateNodes,
					oursBefore: baseline.oursBefore.templateNodes,
				},
				processes:
					'ours-after and ours-before: one n8n process each (own user folder and port), the same install and sandbox; ours runs in the first process with the four other workflows',
				rounds: 'warm-up and latency rounds, not trace rounds',
			};
		}

		let callShapes;
		for (const [legIndex, engine] of ENGINES.entries()) {
			const leg = { engine, startedAt: new Date().toISOString() };
			results.legs[engine] = leg;
			const inspectPort = await freePort();
			// "vm+lazy": the vm engine with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (an isolate only
			// when an expression is evaluated); "vm+pool2": with N8N_EXPRESSION_ENGINE_POOL_SIZE=2
			// (two warm isolates, so an execution after a community trigger's webhook phase finds one)
			const [engineName, ...flags] = engine.split('+');
			const pool = flags.map((flag) => /^pool(\d+)$/.exec(flag)?.[1]).find(Boolean);
			const engineEnv = (port) => ({
				N8N_EXPRESSION_ENGINE: engineName,
				...(flags.includes('lazy') ? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } : {}),
				...(pool ? { N8N_EXPRESSION_ENGINE_POOL_SIZE: pool } : {}),
				NODE_OPTIONS: [
					process.env.NODE_OPTIONS,
					`--inspect=127.0.0.1:${port}`,
					`--require=${preloadPath}`,
				]
					.filter(Boolean)
					.join(' '),
			});
			n8n.extraEnv = engineEnv(inspectPort);
			await n8n.start();
			await n8n.signIn(owner);
			// docs/catch-up.md: Import History (Days) 0, then "Publish" (it stays published after)
			if (legIndex === 0) await setCatchUp(n8n, imported.chat, { importDays: 0 });
			// the side processes: the same engine, flags and preload (their inspectors unused)
			const sideUrls = {};
			for (const key of baseline ? SIDES : []) {
				const side = baseline[key];
				side.n8n.extraEnv = engineEnv(await freePort());
				await side.n8n.start();
				await side.n8n.signIn(owner);
				if (legIndex === 0 && side.catchUp)
					await setCatchUp(side.n8n, side.chat, { importDays: 0 });
				sideUrls[key] = (await productionUrl(side.n8n, side.chat)).url;
				await waitForWebhook(sideUrls[key]);
				log(`${LABELS[key]}: n8n up on ${side.n8n.baseUrl} (pid ${side.n8n.child.pid})`);
			}
			const chatUrl = (await productionUrl(n8n, imported.chat)).url;
			const stageUrl = (await productionUrl(n8n, imported.stage)).url;
			const urls = {
				ours: chatUrl,
				...Object.fromEntries(Object.entries(bench).map(([key, w]) => [key, benchUrl(n8n, w)])),
			};
			for (const url of [...Object.values(urls), stageUrl]) await waitForWebhook(url);
			log(
				`n8n ${version} up on ${n8n.baseUrl} (pid ${n8n.child.pid}), expression engine ${engine}`,
			);
			sandbox.configure({ kommoRateLimit: false });

			// Warm-up of the template (the first execution loads the nodes), on a spare chat.
			await sandbox.sendIntercomWebhook({
				url: chatUrl,
				topic: 'conversation.user.created',
				conversationId: String(700000 + freshChat()),
			});
			await quiet(sandbox);
			for (const url of Object.values(sideUrls)) {
				await sandbox.sendIntercomWebhook({
					url,
					topic: 'conversation.user.created',
					conversationId: String(700000 + freshChat()),
				});
				await quiet(sandbox);
			}

			if (legIndex === 0) {
				await registerKommoWebhook(sandbox, stageUrl);
				const { perPath, existingCalls, changedAt } = await callsPerPath(sandbox, chatUrl);
				results.callsPerPath = perPath;
				// The calls the template made for one existing-deal event, replayed by the floor.
				callShapes = existingCalls.map((e) => ({
					api: e.api,
					method: e.method,
					path: e.path,
					ids: {
						conversationId: '700000',
						contactId: intercomContactId('01', 0),
						leadId: 36000000,
						email: encodeURIComponent('existing0@bench.example'),
					},
				}));
				const floorMethods = bench.floor.nodes.slice(1).map((node) => node.parameters.method);
				if (JSON.stringify(floorMethods) !== JSON.stringify(callShapes.map((c) => c.method))) {
					throw new Error(
						`the template's existing-deal path now makes ${callShapes.map(shape).join(', ')}; update bench/workflows/${BENCH_FILES.floor}`,
					);
				}
				results.floorCallsPerEvent = callShapes.map(shape);
				if (baseline) {
					// the catch-ups (this process's, the sides' with one) hand the replied chat over twice
					await handOversDone(
						[
							{ n8n, workflowId: imported.chat.id },
							...SIDES.filter((key) => baseline[key].catchUp).map((key) => ({
								n8n: baseline[key].n8n,
								workflowId: baseline[key].chat.id,
							})),
						],
						changedAt,
					);
					// the same paths on the baseline, on its own existing-deal chat and new customer
					const before = await callsPerPath(sandbox, sideUrls.oursBefore, {
						existingChat: String(700000 + freshChat()),
						newLeadChat: '900001',
						stageChanges: false,
					});
					results.callsPerPathBefore = before.perPath;
				}
			}

			const fire = {
				ours: (i) =>
					sandbox.sendIntercomWebhook({
						url: urls.ours,
						topic: 'conversation.user.created',
						conversationId: String(700000 + i),
					}),
				...Object.fromEntries(
					Object.entries(sideUrls).map(([key, url]) => [
						key,
						(i) =>
							sandbox.sendIntercomWebhook({
								url,
								topic: 'conversation.user.created',
								conversationId: String(700000 + i),
							}),
					]),
				),
				peer: (i) =>
					sandbox.sendIntercomWebhook({
						url: urls.peer,
						topic: 'conversation.user.created',
						conversationId: String(700000 + i),
					}),
				floor: async (i) => {
					const response = await fetch(urls.floor, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ calls: bareCalls(callShapes, sandbox, i) }),
					});
					await response.arrayBuffer();
					return response;
				},
				// the same signed Intercom notification as the template gets, to both empty workflows
				emptyTrigger: () =>
					sandbox.sendIntercomWebhook({
						url: urls.emptyTrigger,
						topic: 'conversation.user.created',
						conversationId: '700000',
					}),
				emptyWebhook: () =>
					sandbox.sendIntercomWebhook({
						url: urls.emptyWebhook,
						topic: 'conversation.user.created',
						conversationId: '700000',
					}),
			};
			const writesNote = { ours: true, oursAfter: true, oursBefore: true, floor: true, peer: true };
			const one = async (workflow, phase) => {
				const chat = writesNote[workflow] ? freshChat() : 0;
				const seq = lastSeq(sandbox);
				const t0 = Date.now();
				let status;
				try {
					status = (await fire[workflow](chat)).status;
				} catch (error) {
					status = `error: ${error.message}`;
				}
				const responseMs = Date.now() - t0;
				let latencyMs = responseMs;
				if (writesNote[workflow]) {
					const stored = await noteStored(sandbox, seq, 20_000).catch(() => null);
					latencyMs = stored === null ? null : stored - t0;
				}
				// each call's arrival at the sandbox (ms after the POST) and how long the sandbox took:
				// a gap between two calls of one node is time spent in n8n or in our throttle
				const calls = writesNote[workflow]
					? apiCalls(sandbox, seq).map(
							(e) => `+${Date.parse(e.time) - t0} ${shape(e)} ${e.status} ${e.durationMs} ms`,
						)
					: undefined;
				return { workflow, phase, chat, t0, status, responseMs, latencyMs, calls };
			};
			const events = [];
			const lastStart = new Map();
			const rounds = async (count, phase, rotation = ROTATION) => {
				for (let round = 0; round < count; round++) {
					const order = rotation.map((_, k) => rotation[(k + round) % rotation.length]);
					// the side processes' two events swap places every other round
					if (round % 2 === 1 && SIDES.every((key) => order.includes(key))) {
						const [a, b] = SIDES.map((key) => order.indexOf(key));
						[order[a], order[b]] = [order[b], order[a]];
					}
					for (const workflow of order) {
						const rest = (lastStart.get(workflow) ?? 0) + PACE_MS - Date.now();
						if (rest > 0) await delay(rest);
						lastStart.set(workflow, Date.now());
						events.push(await one(workflow, phase));
						// let the execution finish (the template marks delivery after the note)
						await delay(100);
					}
				}
			};
			await rounds(WARMUP, 'warm-up');
			log(
				`${engine}: ${EVENTS} rounds, one event to each of ${ROTATION.length} workflows per round`,
			);
			await rounds(EVENTS, 'latency');

			// Trace rounds: CPU profile + timers inside n8n.
			log(`${engine}: ${TRACE_ROUNDS} trace rounds (CPU profile, timers around n8n's functions)`);
			let profile;
			let clocks = [];
			let records = [];
			const profileFile = path.join(logDir, `n8n-${engine}.cpuprofile`);
			try {
				session = await inspectorSession(inspectPort);
				clocks.push(
					JSON.parse(
						await session.evaluate(`globalThis.__benchTrace.startProfile(${PROFILE_INTERVAL_US})`),
					),
				);
			} catch (error) {
				log(`${engine}: no trace (${error.message})`);
				session?.close();
				session = undefined;
			}
			await rounds(TRACE_ROUNDS, 'trace', WORKFLOWS);
			if (session) {
				const stop = JSON.parse(
					await session.evaluate(
						`globalThis.__benchTrace.stopProfile(${JSON.stringify(profileFile)})`,
					),
				);
				clocks.push(stop);
				records = JSON.parse(
					await session.evaluate('JSON.stringify(globalThis.__benchTrace.records.splice(0))'),
				);
				session.close();
				session = undefined;
				profile = JSON.parse(readFileSync(profileFile, 'utf8'));
			}
			await quiet(sandbox, 1000);

			// n8n's own timings of every event's execution.
			for (const workflow of SHOWN) {
				const instance = SIDES.includes(workflow) ? baseline[workflow].n8n : n8n;
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
						.filter(Boolean)
						.map((e) => ({ e, created: Date.parse(e.createdAt ?? e.startedAt) }))
						.sort((a, b) => a.created - b.created);
					const used = new Set();
					for (const event of events.filter((e) => e.workflow === workflow)) {
						const match = byCreated.find(
							(x) =>
								!used.has(x.e.id) && x.created >= event.t0 - 5 && x.created < event.t0 + 10_000,
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

			// the side processes are done (a burst that follows runs on the first one alone)
			for (const key of baseline ? SIDES : []) await baseline[key].n8n.stop();
			leg.latency = Object.fromEntries(
				SHOWN.map((w) => [
					w,
					summarizeEvents(events.filter((e) => e.workflow === w && e.phase === 'latency')),
				]),
			);
			// the catch-up's checks and hand-overs inside this engine's events
			for (const [key, phase] of [
				['catchUpDuringLatency', 'latency'],
				['catchUpDuringTrace', 'trace'],
			]) {
				leg[key] = await catchUpOverlap(
					sandbox,
					n8n,
					imported.chat.id,
					events.filter((e) => e.phase === phase),
				).catch((error) => ({ error: String(error.message).slice(0, 300) }));
			}
			const p = (w, q) => leg.latency[w][q];
			// n8n's fixed cost for any community trigger: how much later than after n8n's own Webhook
			// node the (empty) execution is done, i.e. how much later a first node could run. Under
			// `vm` n8n answers before that: the execution then waits for an expression isolate,
			// because the webhook phase of every trigger but the Webhook node used the warm one.
			const done = (w, q) => leg.latency[w].executionDone[q];
			const fixed = {
				p50: done('emptyTrigger', 'p50') - done('emptyWebhook', 'p50'),
				p95: done('emptyTrigger', 'p95') - done('emptyWebhook', 'p95'),
			};
			leg.communityTriggerFixedCostMs = fixed;
			leg.communityTriggerAnswerCostMs = {
				p50: p('emptyTrigger', 'p50') - p('emptyWebhook', 'p50'),
				p95: p('emptyTrigger', 'p95') - p('emptyWebhook', 'p95'),
			};
			leg.ratios = {
				oursOverFloor: {
					p50: round(p('ours', 'p50') / p('floor', 'p50'), 2),
					p95: round(p('ours', 'p95') / p('floor', 'p95'), 2),
				},
				oursOverFloorPlusTriggerCost: {
					p50: round(p('ours', 'p50') / (p('floor', 'p50') + fixed.p50), 2),
					p95: round(p('ours', 'p95') / (p('floor', 'p95') + fixed.p95), 2),
				},
				oursOverPeer: {
					p50: round(p('ours', 'p50') / p('peer', 'p50'), 2),
					p95: round(p('ours', 'p95') / p('peer', 'p95'), 2),
				},
				peerOverFloor: {
					p50: round(p('peer', 'p50') / p('floor', 'p50'), 2),
					p95: round(p('peer', 'p95') / p('floor', 'p95'), 2),
				},
				...(baseline
					? {
							// the templates, each alone in a process of its own
							oursAfterOverOursBefore: {
								p50: round(p('oursAfter', 'p50') / p('oursBefore', 'p50'), 3),
								p95: round(p('oursAfter', 'p95') / p('oursBefore', 'p95'), 3),
							},
							// the same code: what the process adds
							oursOverOursAfter: {
								p50: round(p('ours', 'p50') / p('oursAfter', 'p50'), 3),
								p95: round(p('ours', 'p95') / p('oursAfter', 'p95'), 3),
							},
							oursAfterOverFloor: {
								p50: round(p('oursAfter', 'p50') / p('floor', 'p50'), 2),
								p95: round(p('oursAfter', 'p95') / p('floor', 'p95'), 2),
							},
							oursBeforeOverFloor: {
								p50: round(p('oursBefore', 'p50') / p('floor', 'p50'), 2),
								p95: round(p('oursBefore', 'p95') / p('floor', 'p95'), 2),
							},
						}
					: {}),
			};
			// windows: from an event's POST to the next event's POST (or 1.5 s)
			const traceEvents = events.filter((e) => e.phase === 'trace');
			const windows = traceEvents.map((e, k) => ({
				workflow: e.workflow,
				start: e.t0,
				end: traceEvents[k + 1]?.t0 ?? e.t0 + 1500,
			}));
			leg.trace = {
				rounds: TRACE_ROUNDS,
				latency: Object.fromEntries(
					WORKFLOWS.map((w) => [w, summarizeEvents(traceEvents.filter((e) => e.workflow === w))]),
				),
				timers: attributeRecords(records, windows, nodeTypes),
				clocks,
				profile: profile
					? {
							file: `bench/results/n8n-logs/n8n-${engine}.cpuprofile`,
							intervalUs: PROFILE_INTERVAL_US,
							// profiler start vs the clock read just before it (≈ 0 when both clocks agree)
							clockCheckMs: round((profile.startTime - clocks[0].monoUs) / 1000, 2),
							perWorkflow: attributeProfile(profile, windows, clocks[0]),
						}
					: null,
			};
			// every field an event has: what one() returns, plus executionId and n8n from the timings
			leg.events = events;
			log(
				`${engine}: p50 ours ${p('ours', 'p50')}${baseline ? ` · ours-after ${p('oursAfter', 'p50')} · ours-before ${p('oursBefore', 'p50')}` : ''} · floor ${p('floor', 'p50')} · peer ${p('peer', 'p50')} · trigger alone ${p('emptyTrigger', 'p50')} · webhook alone ${p('emptyWebhook', 'p50')} ms`,
			);

			if (legIndex === 0 && BURST > 0) {
				const burst = await runBurst(sandbox, n8n, chatUrl, imported.chat.id);
				results.burst = { ...burst.burst, n8nExpressionEngine: engine };
				results.memory = burst.memory;
			}
			await n8n.stop();
			leg.load = os.loadavg().map((v) => round(v, 2));
			// what we have so far, in case a later leg fails
			writeFileSync(path.join(outDir, 'n8n.json'), JSON.stringify(results, null, '\t'));
		}

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
		session?.close();
		await n8n?.stop().catch(() => undefined);
		for (const key of baseline ? SIDES : []) await baseline[key].n8n.stop().catch(() => undefined);
		if (sandbox) writeFileSync(path.join(logDir, 'sandbox-log.json'), JSON.stringify(sandbox.log));
		await sandbox?.close().catch(() => undefined);
		rmSync(work, { recursive: true, force: true });
	}
	results.totalSeconds = round((Date.now() - started) / 1000, 0);
	writeFileSync(path.join(outDir, 'n8n.json'), JSON.stringify(results, null, '\t'));
	printTable(results);
}

/**
 * Calls per path: one event of each kind, nothing else running. The defaults are the first
 * process's chats; the baseline passes its own (and no stage changes: it has no Kommo Trigger).
 * The catch-up's checks (an Intercom search) are left out (`catchUpSearches` counts them); the
 * reply, the one change in Intercom (the catch-up hands that chat over at its next check), is
 * measured last, right after a check. `changedAt`: when the reply was written to Intercom.
 */
async function callsPerPath(
	sandbox,
	chatUrl,
	{ existingChat = '700000', newLeadChat = '900000', stageChanges = true } = {},
) {
	const perPath = {};
	const measurePath = async (name, fire, exclude = () => false) => {
		const seq = lastSeq(sandbox);
		await fire();
		await sandbox.flushWebhooks();
		await quiet(sandbox, 2000);
		const all = apiCalls(sandbox, seq);
		const calls = all.filter((e) => !isCatchUpSearch(e));
		perPath[name] = {
			...tally(calls.filter((e) => !exclude(e))),
			catchUpSearches: all.length - calls.length,
		};
		return calls;
	};
	const existingCalls = await measurePath('existing deal', () =>
		sandbox.sendIntercomWebhook({
			url: chatUrl,
			topic: 'conversation.user.created',
			conversationId: existingChat,
		}),
	);
	await measurePath('new lead', () =>
		sandbox.sendIntercomWebhook({
			url: chatUrl,
			topic: 'conversation.user.created',
			conversationId: newLeadChat,
		}),
	);
	// its place in the table; measured last
	perPath['reply (existing deal)'] = null;
	if (stageChanges) await stageChangePaths(sandbox, newLeadChat, measurePath);
	await nextCatchUpCheck(sandbox);
	await quiet(sandbox, 1000);
	const changedAt = Date.now();
	sandbox.appendIntercomPart(existingChat, {
		kind: 'customer',
		body: '<p>Any news on the quote?</p>',
	});
	await measurePath('reply (existing deal)', () =>
		sandbox.sendIntercomWebhook({
			url: chatUrl,
			topic: 'conversation.user.replied',
			conversationId: existingChat,
		}),
	);
	return { perPath, existingCalls, changedAt };
}

/** The Kommo Trigger's path: the new lead's deal moved to Won, then to Lost. */
async function stageChangePaths(sandbox, newLeadChat, measurePath) {
	const newLead = sandbox.state.kommo.notes.find((n) =>
		new RegExp(`Chat #${newLeadChat} `).test(n.params?.text ?? ''),
	);
	// The PATCH that moves the lead is the bench's own call, not the workflow's.
	const measureStageChange = (name, statusId) => {
		let patchSeq = 0;
		return measurePath(
			name,
			async () => {
				patchSeq = lastSeq(sandbox) + 1;
				await kommoApi(sandbox, 'PATCH', `/api/v4/leads/${newLead.entity_id}`, {
					status_id: statusId,
				});
			},
			(e) => e.seq === patchSeq,
		);
	};
	await measureStageChange('stage change (→ Won)', IDS.kommo.status.won);
	// the same path again: the account id, pipeline names and Intercom's token owner are now
	// remembered by the n8n process, as they are for every stage change after the first
	await measureStageChange('stage change, later ones (→ Lost)', IDS.kommo.status.lost);
}

/**
 * Waits until each `{ n8n, workflowId }` has run the catch-up's hand-over and re-check of a chat
 * changed at `sinceMs` (two executions of mode `integrated` since, none running), at most 150 s.
 */
async function handOversDone(instances, sinceMs, timeoutMs = 150_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		let done = true;
		for (const { n8n, workflowId } of instances) {
			const runs = await executionsOf(n8n, workflowId, {
				mode: 'integrated',
				startedAfter: sinceMs,
			}).catch(() => []);
			if (runs.length < 2 || runs.some((e) => ['new', 'running'].includes(e.status))) done = false;
		}
		if (done) return true;
		await delay(2000);
	}
	return false;
}

function printTable(r) {
	const out = (line = '') => process.stdout.write(`${line}\n`);
	const table = (rows) => {
		const width = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
		for (const row of rows)
			out(`  ${row.map((cell, i) => String(cell).padEnd(width[i])).join('  ')}`);
	};
	out(
		`\nn8n ${r.version} on ${r.machine.cpus} CPU(s), Node ${r.node}, load at start ${r.machine.loadAverageAtStart?.join(' ')}`,
	);
	for (const [engine, leg] of Object.entries(r.legs ?? {})) {
		if (!leg.latency) continue;
		out(`\nEngine ${engine}: webhook POST → note (empty workflows: → HTTP answer), ms`);
		const rows = [
			[
				'workflow',
				'events',
				'p50',
				'p95',
				'answer p50',
				'created',
				'started',
				'stopped',
				'node sum',
				'between nodes',
			],
		];
		for (const w of SHOWN) {
			const l = leg.latency[w];
			if (!l) continue;
			const m = l.n8nMedians;
			rows.push([
				LABELS[w],
				`${l.completed}/${l.events}`,
				l.p50,
				l.p95,
				l.responseP50,
				m.executionCreated,
				m.executionStarted,
				m.executionStopped,
				m.sumOfNodeExecutionTimes,
				m.betweenNodes,
			]);
		}
		table(rows);
		const x = leg.ratios;
		out(
			`${x.oursAfterOverOursBefore ? `  ours-after ÷ ours-before ${x.oursAfterOverOursBefore.p50}× / ${x.oursAfterOverOursBefore.p95}× · ours ÷ ours-after ${x.oursOverOursAfter.p50}× / ${x.oursOverOursAfter.p95}× · ours-after ÷ floor ${x.oursAfterOverFloor.p50}× / ${x.oursAfterOverFloor.p95}× · ours-before ÷ floor ${x.oursBeforeOverFloor.p50}× / ${x.oursBeforeOverFloor.p95}×\n` : ''}  ours ÷ floor ${x.oursOverFloor.p50}× / ${x.oursOverFloor.p95}× · ours ÷ (floor + trigger cost ${leg.communityTriggerFixedCostMs.p50} ms to its execution's end; ${leg.communityTriggerAnswerCostMs.p50} ms to the answer) ${x.oursOverFloorPlusTriggerCost.p50}× / ${x.oursOverFloorPlusTriggerCost.p95}× · ours ÷ peer ${x.oursOverPeer.p50}× / ${x.oursOverPeer.p95}× (p50 / p95)`,
		);
		const c = leg.catchUpDuringLatency;
		if (c && !c.error)
			out(
				`  catch-up during the latency rounds: ${c.checks} check(s), ${c.handOvers} hand-over(s); events with a check ${JSON.stringify(c.eventsWithACheck)}, with a hand-over ${JSON.stringify(c.eventsWithAHandOver)}; ours without them ${c.oursWithoutThem.p50} / ${c.oursWithoutThem.p95} ms (p50 / p95, ${c.oursWithoutThem.events} events)`,
			);
		const timers = leg.trace?.timers ?? {};
		const cpu = leg.trace?.profile?.perWorkflow ?? {};
		const kinds = [...new Set(Object.values(timers).flatMap((t) => Object.keys(t.kinds)))].sort();
		if (kinds.length) {
			out(
				`\n  Trace (${leg.trace.rounds} rounds): per event, count × median ms (timers inside n8n)`,
			);
			const rowsT = [['', ...WORKFLOWS.map((w) => LABELS[w])]];
			rowsT.push([
				'CPU ms per event (profile)',
				...WORKFLOWS.map((w) => cpu[w]?.cpuMsPerEvent ?? '—'),
			]);
			for (const kind of kinds)
				rowsT.push([
					kind,
					...WORKFLOWS.map((w) => {
						const k = timers[w]?.kinds?.[kind];
						return k ? `${k.perEvent} × ${k.medianMs}` : '—';
					}),
				]);
			const classes = [
				...new Set(Object.values(timers).flatMap((t) => Object.keys(t.expressionClasses))),
			];
			for (const cls of classes)
				rowsT.push([
					`  expression: ${cls}`,
					...WORKFLOWS.map((w) => {
						const k = timers[w]?.expressionClasses?.[cls];
						return k ? `${k.perEvent} × ${k.medianMs}` : '—';
					}),
				]);
			table(rowsT);
		}
	}
	if (r.burst) {
		const b = r.burst;
		out(
			`\nBurst (${b.n8nExpressionEngine}): ${b.chats} chats, answers ${JSON.stringify(b.webhookAnswers)}, retry ${JSON.stringify(b.retryAnswers)}`,
		);
		out(
			`  notes ${b.notesWritten} / >1 ${b.chatsWithMoreThanOneNote} / none ${b.chatsWithoutNote}; Intercom ${b.intercomCalls}, Kommo ${b.kommoCalls} (429: ${b.kommo429}); drain ${b.drainSeconds} s; utilisation ${b.rateLimitUtilisation} (accepted ${b.acceptedKommoUtilisation}); catch-up: ${b.catchUpSearches} check(s), ${b.catchUpRuns} hand-over(s)`,
		);
	}
	if (r.memory)
		out(
			`  memory: idle ${r.memory.idleRssMb} MB, peak ${r.memory.peakRssDuringBurstMb} MB, VmHWM ${r.memory.vmHwmAfterBurstMb} MB`,
		);
	for (const [name, t] of Object.entries(r.callsPerPath ?? {}))
		out(
			`\n  ${name}: Intercom ${t.intercom}, Kommo ${t.kommo}\n${t.calls.map((c) => `    ${c}`).join('\n')}`,
		);
	for (const [name, t] of Object.entries(r.callsPerPathBefore ?? {}))
		out(
			`\n  ours-before, ${name}: Intercom ${t.intercom}, Kommo ${t.kommo}\n${t.calls.map((c) => `    ${c}`).join('\n')}`,
		);
	if (r.transcriptBench?.output) out(`\n${r.transcriptBench.output}`);
	if (r.error) out(`\nERROR: ${r.error}`);
	out(`\nRaw numbers: bench/results/n8n.json (total ${r.totalSeconds} s)`);
}

await main();
// the catch-up's cost, one process (BENCH_CATCH_UP=0 skips it)
if (process.env.BENCH_CATCH_UP !== '0') await catchUpLeg();
// the same burst on one process and on a queue-mode cluster, with the catch-up's recovery
// of what the door dropped (BENCH_QUEUE=0 skips it)
if (process.env.BENCH_QUEUE !== '0') await queueModeLeg();
