// Leg 2 of bench/n8n.bench.mjs (and the rounds of leg 3): paced rounds of events, each round one
// event to every workflow of the rotation, in an order that rotates by one each round, so that all
// of them see the same machine at the same time. An event's latency is webhook POST sent → note
// POST answered by the sandbox (for the two empty workflows, which write nothing: → HTTP answer).
// The baselines are the other workflows of the same round: the floor (the same calls, no checks),
// the peer (n8n's own nodes), the empty trigger and the empty webhook (bench/n8n/bench-workflows.mjs).
import { setTimeout as delay } from 'node:timers/promises';

import { lastSeq, shape } from '../lib/sandbox-log.mjs';
import { PACE_MS, ROTATION, SIDES } from './config.mjs';
import { apiCalls, noteStored } from './sandbox-calls.mjs';
import { bareCalls } from './seed.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('./seed.mjs').CallShape} CallShape */
/** @typedef {'warm-up' | 'latency' | 'trace'} Phase */
/**
 * One event of the rounds, as bench/results/n8n.json holds it (`legs.<engine>.events`).
 * @typedef {object} BenchEvent
 * @property {string} workflow
 * @property {Phase} phase
 * @property {number} chat the existing-deal chat it used (0: the empty workflows reuse chat 0)
 * @property {number} t0 when the POST was sent (epoch ms)
 * @property {number | string} status n8n's HTTP answer, or `error: …`
 * @property {number} responseMs POST → HTTP answer
 * @property {number | null} latencyMs POST → note stored (null: no note within 20 s)
 * @property {string[] | undefined} calls each Intercom/Kommo call: ms after the POST, shape, status
 * @property {string} [executionId] the execution matched to it (bench/n8n/timings.mjs)
 * @property {import('./timings.mjs').ExecutionTimings} [n8n] n8n's own timings of that execution
 */

/** The workflows whose events write a note on a fresh chat of their own. */
const WRITES_NOTE = new Set(['ours', 'oursAfter', 'oursBefore', 'floor', 'peer']);

/**
 * The rounds of one engine's leg. `rounds(count, phase, rotation)` sends them and appends every
 * event to `events`; each workflow's events start at least PACE_MS apart (bench/n8n/config.mjs
 * says why).
 * @param {object} options
 * @param {Sandbox} options.sandbox
 * @param {Record<string, string>} options.urls ours and the bench workflows: their Production URLs
 * @param {Record<string, string>} options.sideUrls the baseline's side processes (none without one)
 * @param {CallShape[] | undefined} options.callShapes what the floor replays (measured in leg 1)
 * @param {() => number} options.freshChat the next existing-deal chat no event has used
 */
export function latencyRounds({ sandbox, urls, sideUrls, callShapes, freshChat }) {
	/**
	 * @param {string} url
	 * @param {number} i
	 */
	const intercomEvent = (url, i) =>
		sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.created',
			conversationId: String(700000 + i),
		});
	/** @type {Record<string, (i: number) => Promise<{ status: number }>>} */
	const fire = {
		ours: (i) => intercomEvent(urls.ours, i),
		...Object.fromEntries(
			Object.entries(sideUrls).map(([key, url]) => [key, (i) => intercomEvent(url, i)]),
		),
		peer: (i) => intercomEvent(urls.peer, i),
		floor: async (i) => {
			// leg 1 measures the calls; a run without it has nothing for the floor to replay
			if (!callShapes) throw new Error('no calls measured for the floor to replay');
			const response = await fetch(urls.floor, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ calls: bareCalls(callShapes, sandbox, i) }),
			});
			await response.arrayBuffer();
			return response;
		},
		// the same signed Intercom notification as the template gets, to both empty workflows
		emptyTrigger: () => intercomEvent(urls.emptyTrigger, 0),
		emptyWebhook: () => intercomEvent(urls.emptyWebhook, 0),
	};
	/**
	 * @param {string} workflow
	 * @param {Phase} phase
	 * @returns {Promise<BenchEvent>}
	 */
	const one = async (workflow, phase) => {
		const writesNote = WRITES_NOTE.has(workflow);
		const chat = writesNote ? freshChat() : 0;
		const seq = lastSeq(sandbox);
		const t0 = Date.now();
		let status;
		try {
			status = (await fire[workflow](chat)).status;
		} catch (error) {
			status = `error: ${error.message}`;
		}
		const responseMs = Date.now() - t0;
		/** @type {number | null} */
		let latencyMs = responseMs;
		if (writesNote) {
			const stored = await noteStored(sandbox, seq, 20_000).catch(() => null);
			latencyMs = stored === null ? null : stored - t0;
		}
		// each call's arrival at the sandbox (ms after the POST) and how long the sandbox took:
		// a gap between two calls of one node is time spent in n8n or in our throttle
		const calls = writesNote
			? apiCalls(sandbox, seq).map(
					(e) => `+${Date.parse(e.time) - t0} ${shape(e)} ${e.status} ${e.durationMs} ms`,
				)
			: undefined;
		return { workflow, phase, chat, t0, status, responseMs, latencyMs, calls };
	};
	/** @type {BenchEvent[]} */
	const events = [];
	/** @type {Map<string, number>} */
	const lastStart = new Map();
	/**
	 * @param {number} count
	 * @param {Phase} phase
	 * @param {string[]} [rotation]
	 */
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
	return { events, rounds };
}
