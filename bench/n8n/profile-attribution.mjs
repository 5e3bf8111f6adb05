// What the trace rounds of bench/n8n.bench.mjs found, per workflow and per event: the CPU profile's
// samples and the preload's timers (bench/n8n/trace-preload.mjs), each attributed to the event whose
// window (its POST to the next event's POST) it falls in. Self time goes to one category per frame
// (n8n's packages, ours, Node.js, the database layer, …); inclusive markers follow a frame's callees.
import { percentile, round } from '../lib/numbers.mjs';

/** @typedef {import('./trace-preload.mjs').TraceRecord} TraceRecord */
/** @typedef {{ workflow: string, start: number, end: number }} EventWindow epoch ms */
/** @typedef {{ functionName: string, url: string, lineNumber: number }} CallFrame */
/** @typedef {{ id: number, callFrame: CallFrame, children?: number[] }} ProfileNode */
/**
 * A V8 CPU profile (Profiler.stop's `profile`): `samples` are node ids, `timeDeltas` µs apart.
 * @typedef {{ nodes: ProfileNode[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }} CpuProfile
 */

/**
 * Self-time category of one profile frame.
 * @param {CallFrame} frame
 */
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

/**
 * Inclusive markers a frame adds for itself and everything it calls (synchronously).
 * @param {CallFrame} frame
 * @returns {string[]}
 */
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
 * @param {CpuProfile} profile
 * @param {EventWindow[]} windows
 * @param {{ epochMs: number, monoUs: number }} clock read in the same tick as the profiler started
 */
export function attributeProfile(profile, windows, clock) {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	/** @type {Map<number, string[]>} */
	const markersOf = new Map();
	/**
	 * @param {number} id
	 * @param {string[]} inherited
	 */
	const visit = (id, inherited) => {
		const node = /** @type {ProfileNode} */ (byId.get(id));
		const own = frameMarkers(node.callFrame);
		const markers = own.length ? [...new Set([...inherited, ...own])] : inherited;
		markersOf.set(id, markers);
		for (const child of node.children ?? []) visit(child, markers);
	};
	const root = profile.nodes[0];
	// iterative would be safer for deep trees; V8 stacks stay well below the recursion limit
	visit(root.id, []);
	const sorted = [...windows].sort((a, b) => a.start - b.start);
	/** @type {Record<string, { self: Record<string, number>, inclusive: Record<string, number>, functions: Record<string, number>, events: number }>} */
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
		const node = /** @type {ProfileNode} */ (byId.get(profile.samples[i]));
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
	/** @type {Record<string, object>} */
	const result = {};
	for (const [workflow, bucket] of Object.entries(per)) {
		/** @param {Record<string, number>} table */
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

/**
 * Sums the preload's timer records per workflow (per event), by kind and for expressions by class.
 * @param {TraceRecord[]} records
 * @param {EventWindow[]} windows
 * @param {Record<string, Record<string, string>>} nodeTypes per workflow: node name → node type
 */
export function attributeRecords(records, windows, nodeTypes) {
	const sorted = [...windows].sort((a, b) => a.start - b.start);
	/** @param {number} t */
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
	/** @typedef {{ count: number, ms: number, samples: number[] }} Durations */
	/** @type {Record<string, Record<'kinds' | 'expressions' | 'nodes' | 'classes', Record<string, Durations>>>} */
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
			const entry = (bucket.nodes[String(record.l)] ??= { count: 0, ms: 0, samples: [] });
			entry.count += 1;
			entry.ms += record.d;
			entry.samples.push(record.d);
		}
	}
	/** @type {Record<string, number>} */
	const events = {};
	for (const win of sorted) events[win.workflow] = (events[win.workflow] ?? 0) + 1;
	/**
	 * @param {Record<string, Durations>} table
	 * @param {number} n events
	 */
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
