// The preload that times n8n's own functions during the trace rounds of bench/n8n.bench.mjs. It
// is loaded into the n8n process with `--require`, so it is written out as a file from the source
// of tracePreload() below: that function runs there, never in the benchmark's process, and may use
// nothing from this module (its `require` is the preload file's own, a CommonJS one).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// the same `require` the preload has, so that the type check reads tracePreload() as it runs
const require = createRequire(import.meta.url);

/**
 * One timer record: kind, start (epoch ms), duration (ms), label.
 * @typedef {{ k: string, s: number, d: number, l: unknown }} TraceRecord
 */
/**
 * `globalThis.__benchTrace` in the n8n process: the bench calls the two functions through the
 * inspector (bench/n8n/trace-rounds.mjs) and reads `records`.
 * @typedef {object} TraceState
 * @property {boolean} on
 * @property {TraceRecord[]} records
 * @property {(intervalUs: number) => Promise<string>} [startProfile]
 * @property {(file: string) => Promise<string>} [stopProfile]
 */
/**
 * Module.prototype._compile's shape, as the preload calls it.
 * @typedef {(this: { exports: unknown }, content: string, filename: string) => unknown} CompileFunction
 */

/**
 * Writes the preload into `workDir` as bench-trace-preload.cjs (the name the CPU profile's frames
 * carry: bench/n8n/profile-attribution.mjs counts them as the tracer's own overhead); its path.
 * @param {string} workDir
 */
export function writeTracePreload(workDir) {
	const preloadPath = path.join(workDir, 'bench-trace-preload.cjs');
	writeFileSync(preloadPath, `(${tracePreload.toString()})();\n`);
	return preloadPath;
}

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
	/** @type {TraceState} */
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
	/**
	 * Replaces `target[name]` with a timed copy (once; a missing function is left alone).
	 * @param {any} target a prototype of n8n's, possibly undefined in another n8n version
	 * @param {string} name
	 * @param {string} kind the record's `k`
	 * @param {(this: unknown, args: any[]) => unknown} [label] the record's `l`, from the call
	 * @param {(args: any[]) => boolean} [when] which calls are timed
	 */
	const wrap = (target, name, kind, label = () => undefined, when = () => true) => {
		const original = target?.[name];
		if (typeof original !== 'function' || original.__benchTraced) return;
		/**
		 * @this {unknown}
		 * @param {...any} args
		 */
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
	// Module.prototype._compile compiles every CommonJS file n8n loads; it is internal to Node
	// (not in its types), and the one place to see each of n8n's modules right after it ran.
	const moduleProto = /** @type {{ _compile: CompileFunction }} */ (
		/** @type {unknown} */ (Module.prototype)
	);
	const originalCompile = moduleProto._compile;
	moduleProto._compile = function (content, filename) {
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
