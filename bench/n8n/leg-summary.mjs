// The latency figures of one engine's leg of bench/n8n.bench.mjs (`legs.<engine>` of
// bench/results/n8n.json): p50/p95 per workflow beside n8n's own timings, how many events the
// catch-up's checks and hand-overs overlapped, and ours against its baselines as ratios: the floor
// (the same calls, no checks), the floor plus the fixed cost n8n adds to any community trigger, the
// peer (n8n's own nodes), and with BENCH_BASELINE_REF ours-before and ours-after.
import { round } from '../lib/numbers.mjs';
import { SHOWN } from './config.mjs';
import { catchUpOverlap, summarizeEvents } from './timings.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('./latency-rounds.mjs').BenchEvent} BenchEvent */

/**
 * Adds to `leg`, in this order: latency, catchUpDuringLatency, catchUpDuringTrace,
 * communityTriggerFixedCostMs, communityTriggerAnswerCostMs, ratios.
 * @param {Record<string, any>} leg
 * @param {BenchEvent[]} events every event of the leg
 * @param {object} options
 * @param {Sandbox} options.sandbox
 * @param {N8n} options.n8n the first process, whose catch-up hand-overs are counted
 * @param {string} options.chatId the chat template's workflow id in it
 * @param {boolean} options.withBaseline ours-after and ours-before ran (BENCH_BASELINE_REF)
 */
export async function summarizeLeg(leg, events, { sandbox, n8n, chatId, withBaseline }) {
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
			chatId,
			events.filter((e) => e.phase === phase),
		).catch((error) => ({ error: String(error.message).slice(0, 300) }));
	}
	// A workflow without a completed event has no p50 (null): NaN keeps it out of every difference
	// and ratio below (null in the JSON) instead of counting as 0 ms.
	/**
	 * @param {string} w
	 * @param {'p50' | 'p95'} q
	 * @returns {number}
	 */
	const p = (w, q) => leg.latency[w][q] ?? NaN;
	// n8n's fixed cost for any community trigger: how much later than after n8n's own Webhook
	// node the (empty) execution is done, i.e. how much later a first node could run. Under
	// `vm` n8n answers before that: the execution then waits for an expression isolate,
	// because the webhook phase of every trigger but the Webhook node used the warm one.
	/**
	 * @param {string} w
	 * @param {'p50' | 'p95'} q
	 * @returns {number}
	 */
	const done = (w, q) => leg.latency[w].executionDone[q] ?? NaN;
	const fixed = {
		p50: done('emptyTrigger', 'p50') - done('emptyWebhook', 'p50'),
		p95: done('emptyTrigger', 'p95') - done('emptyWebhook', 'p95'),
	};
	leg.communityTriggerFixedCostMs = fixed;
	leg.communityTriggerAnswerCostMs = {
		p50: p('emptyTrigger', 'p50') - p('emptyWebhook', 'p50'),
		p95: p('emptyTrigger', 'p95') - p('emptyWebhook', 'p95'),
	};
	/**
	 * Workflow `a`'s p50 and p95 over `b`'s.
	 * @param {string} a
	 * @param {string} b
	 * @param {number} [digits]
	 */
	const ratio = (a, b, digits = 2) => ({
		p50: round(p(a, 'p50') / p(b, 'p50'), digits),
		p95: round(p(a, 'p95') / p(b, 'p95'), digits),
	});
	leg.ratios = {
		oursOverFloor: ratio('ours', 'floor'),
		oursOverFloorPlusTriggerCost: {
			p50: round(p('ours', 'p50') / (p('floor', 'p50') + fixed.p50), 2),
			p95: round(p('ours', 'p95') / (p('floor', 'p95') + fixed.p95), 2),
		},
		oursOverPeer: ratio('ours', 'peer'),
		peerOverFloor: ratio('peer', 'floor'),
		...(withBaseline
			? {
					// the templates, each alone in a process of its own
					oursAfterOverOursBefore: ratio('oursAfter', 'oursBefore', 3),
					// the same code: what the process adds
					oursOverOursAfter: ratio('ours', 'oursAfter', 3),
					oursAfterOverFloor: ratio('oursAfter', 'floor'),
					oursBeforeOverFloor: ratio('oursBefore', 'floor'),
				}
			: {}),
	};
}
