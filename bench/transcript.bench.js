/**
 * Benchmark of the Transcript renderer (the compiled pure module, no n8n around it).
 *
 * Renders generated conversations of 50, 500 and 5000 parts with realistic Intercom HTML bodies and
 * reports the median time per render and the heap it uses, next to a baseline measured in the same
 * run over the same conversation: JSON.stringify of the conversation plus a plain regex tag strip of
 * every body (roughly the least any transcript code has to do). No thresholds: the figures are for
 * reading, and the 5000/500 ratio shows whether the cost grows linearly (≈10).
 *
 * Run: npm run bench:transcript   (builds first; writes bench/results/transcript.json)
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

const distDir = path.resolve(__dirname, '..', 'dist', 'nodes', 'Transcript');
const { renderTranscript, conversationUrl } = require(
	path.join(distDir, 'render', 'transcript.js'),
);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const SIZES = [50, 500, 5000];
const START = 1782389100;

/** Deterministic pseudo-random numbers, so every run measures the same conversations. */
function lcg(seed) {
	let state = seed >>> 0;
	return () => {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

const BODIES = [
	(i) =>
		`<p>Hi! I ordered the <b>Pro plan</b> (order #${1000 + i}) but the invoice shows Basic &amp; the wrong VAT number.</p><p>Can you fix it?</p>`,
	(i) =>
		`<p>Sure, see <a href="https://help.example.com/articles/${i}-billing">our billing guide</a> or <a href="https://example.com/pricing">https://example.com/pricing</a>.</p><ul><li>Seats: ${i % 50}</li><li>Onboarding &ndash; included</li></ul>`,
	(i) =>
		`<p>Here is a screenshot:</p><p><img src="https://downloads.intercomcdn.com/i/o/${i}/Screen%20Shot%202026-06-25.png" alt=""></p>`,
	() =>
		`<p>Thanks&nbsp;&mdash; that worked &#128077;<br>One more thing: the export is empty.<br><br>Regards,<br>Jane</p>`,
	(i) =>
		`<p>Run this and send me the output:</p><pre>curl -s https://api.example.com/v1/status?id=${i} | jq .</pre>`,
	(i) => `Plain text reply number ${i} from a 2.15 webhook, with a < sign and an & sign`,
	(i) =>
		`<div><h3>Summary</h3><ol><li>Refund issued</li><li>Invoice INV-${i} re-sent</li></ol><blockquote>Let me know if anything else comes up!</blockquote></div>`,
];

function generateConversation(size, seed = 42) {
	const random = lcg(seed + size);
	const parts = [];
	let t = START;
	for (let i = 0; i < size; i++) {
		t += 5 + Math.floor(random() * 600);
		const roll = random();
		const customer = roll < 0.45;
		const bot = roll >= 0.9;
		const kind = random();
		const part_type = kind < 0.08 ? 'note' : kind < 0.14 ? 'assignment' : 'comment';
		parts.push({
			type: 'conversation_part',
			id: String(30000000 + i),
			part_type,
			body: part_type === 'assignment' ? null : BODIES[i % BODIES.length](i),
			created_at: t,
			updated_at: t,
			author: customer
				? { type: 'user', id: 'c1', name: 'Maria Gonzalez', email: 'maria@example.com' }
				: bot
					? { type: 'bot', id: 'b1', name: 'Fin', email: null, from_ai_agent: true }
					: { type: 'admin', id: 'a1', name: 'Jonas Weber', email: 'jonas@example.com' },
			attachments:
				i % 25 === 0
					? [
							{
								type: 'upload',
								name: `report-${i}.pdf`,
								url: `https://downloads.intercomcdn.com/i/o/${i}/report.pdf`,
							},
						]
					: [],
			redacted: i % 97 === 0,
		});
	}
	// Intercom lists parts mostly in order; shuffle a little so sorting does real work
	for (let i = 0; i < size / 20; i++) {
		const a = Math.floor(random() * size);
		const b = Math.floor(random() * size);
		[parts[a], parts[b]] = [parts[b], parts[a]];
	}
	return {
		type: 'conversation',
		id: String(215000 + size),
		created_at: START,
		source: {
			type: 'conversation',
			id: '403918330',
			body: BODIES[0](0),
			author: { type: 'user', id: 'c1', name: 'Maria Gonzalez', email: 'maria@example.com' },
			attachments: [],
			redacted: false,
		},
		conversation_parts: {
			type: 'conversation_part.list',
			conversation_parts: parts,
			total_count: size,
		},
	};
}

const OPTIONS = {
	timeZone: 'Europe/Berlin',
	maxLength: 8000,
	includeBotMessages: true,
	includeInternalNotes: false,
	includeSystemEvents: false,
};

function renderOnce(conversation) {
	return renderTranscript(conversation, {
		...OPTIONS,
		conversationUrl: conversationUrl(conversation.id, 'a86dr8yl'),
	});
}

const TAG = /<[^>]*>/g;
function baselineOnce(conversation) {
	const json = JSON.stringify(conversation);
	let length = json.length;
	for (const part of [conversation.source, ...conversation.conversation_parts.conversation_parts]) {
		if (typeof part.body === 'string') length += part.body.replace(TAG, '').length;
	}
	return length;
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Times `fn` `runs` times after `warmup` calls; returns milliseconds per call. */
function sample(fn, runs, warmup) {
	for (let i = 0; i < warmup; i++) fn();
	const times = [];
	for (let i = 0; i < runs; i++) {
		const start = process.hrtime.bigint();
		fn();
		times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return times;
}

/**
 * Heap of one call: growth of heapUsed across the call (a lower bound of what it allocates, since a
 * young-generation GC may run in between) and what is still held after a full GC.
 */
function heapOf(fn) {
	gc();
	const before = process.memoryUsage().heapUsed;
	const result = fn();
	const allocated = process.memoryUsage().heapUsed - before;
	gc();
	const retained = process.memoryUsage().heapUsed - before;
	if (result === undefined) throw new Error('nothing rendered');
	return { allocatedBytes: Math.max(0, allocated), retainedBytes: Math.max(0, retained) };
}

function runsFor(size) {
	return size <= 50 ? 400 : size <= 500 ? 80 : 30;
}

const results = [];
for (const size of SIZES) {
	const conversation = generateConversation(size);
	const runs = runsFor(size);
	const warmup = Math.max(3, Math.round(runs / 5));
	const renderTimes = sample(() => renderOnce(conversation), runs, warmup);
	const baselineTimes = sample(() => baselineOnce(conversation), runs, warmup);
	const rendered = renderOnce(conversation);
	const heap = heapOf(() => renderOnce(conversation));
	const baselineHeap = heapOf(() => baselineOnce(conversation));
	results.push({
		parts: size,
		runs,
		notes: rendered.notes.length,
		characters: rendered.notes.reduce((sum, note) => sum + note.text.length, 0),
		renderMedianMs: median(renderTimes),
		baselineMedianMs: median(baselineTimes),
		ratioToBaseline: median(renderTimes) / median(baselineTimes),
		heap,
		baselineHeap,
		renderTimesMs: renderTimes,
		baselineTimesMs: baselineTimes,
	});
}

const bySize = Object.fromEntries(results.map((result) => [result.parts, result]));
const growth = {
	render5000over500: bySize[5000].renderMedianMs / bySize[500].renderMedianMs,
	baseline5000over500: bySize[5000].baselineMedianMs / bySize[500].baselineMedianMs,
	render500over50: bySize[500].renderMedianMs / bySize[50].renderMedianMs,
};

const pad = (value, width) => String(value).padStart(width);
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(`Transcript render benchmark — node ${process.version}, ${new Date().toISOString()}`);
console.log(
	`${pad('parts', 6)} ${pad('notes', 6)} ${pad('chars', 9)} ${pad('render ms', 10)} ${pad('base ms', 9)} ${pad('×base', 6)} ${pad('heap +', 10)} ${pad('retained', 10)} ${pad('base heap+', 10)}`,
);
for (const r of results) {
	console.log(
		`${pad(r.parts, 6)} ${pad(r.notes, 6)} ${pad(r.characters, 9)} ${pad(r.renderMedianMs.toFixed(3), 10)} ${pad(r.baselineMedianMs.toFixed(3), 9)} ${pad(r.ratioToBaseline.toFixed(1), 6)} ${pad(kb(r.heap.allocatedBytes), 10)} ${pad(kb(r.heap.retainedBytes), 10)} ${pad(kb(r.baselineHeap.allocatedBytes), 10)}`,
	);
}
console.log(
	`growth 5000/500: render ×${growth.render5000over500.toFixed(2)}, baseline ×${growth.baseline5000over500.toFixed(2)} (linear ≈ 10); 500/50: render ×${growth.render500over50.toFixed(2)}`,
);

const outDir = path.join(__dirname, 'results');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(
	path.join(outDir, 'transcript.json'),
	JSON.stringify(
		{
			node: process.version,
			date: new Date().toISOString(),
			options: OPTIONS,
			baseline: 'JSON.stringify(conversation) + body.replace(/<[^>]*>/g, "") for every body',
			growth,
			results,
		},
		null,
		2,
	) + '\n',
);
console.log(`raw numbers: ${path.relative(process.cwd(), path.join(outDir, 'transcript.json'))}`);
