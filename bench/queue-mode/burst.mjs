// The burst of bench/queue-mode.bench.mjs, the same on both set-ups: N new chats POSTed at once, each
// with Intercom's 5 s deadline and its one retry a minute later; then it waits until every chat is
// in Kommo (by webhook, or by the catch-up for what the door dropped), or Kommo is idle for 3 min
// while chats are missing, or the drain timeout. The figures come from summary.mjs.
import { setTimeout as delay } from 'node:timers/promises';

import { INTERCOM_RETRY_AFTER_MS, STALL_MS } from './settings.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('./settings.mjs').QueueModeConfig} QueueModeConfig */
/**
 * One POST of a chat's notification: its try, when it was sent (ms after the burst's start), n8n's
 * answer (`not sent`: BENCH_QUEUE_UNSENT), how long it took, and whether it counts as delivered
 * for Intercom (2xx within the deadline).
 * @typedef {{ attempt: number, sentAt: number, status: number | string, ms: number, ok: boolean }} Delivery
 */
/**
 * @typedef {object} BurstRun
 * @property {number} burstStart epoch ms
 * @property {number} burstSeq the sandbox log's last entry before the burst
 * @property {Map<string, Delivery[]>} deliveries per chat
 * @property {Map<string, number>} notesPerChat
 * @property {string} stopReason
 * @property {number | null} settledMs when the last delivery was done (ms after the start)
 * @property {{ ms: number, chatsWithNote: number, atStop?: boolean }} webhookPhaseEnd
 */

/**
 * Fires `ids` at `url` at once, Intercom's way, and waits until every chat has a note (the catch-up
 * brings those whose notifications were dropped), or no Kommo call was made for 3 min while chats
 * were missing, or the drain timeout. `webhookRunsLeft()`: the webhook executions not finished yet;
 * when it is 0 after the last delivery, the chats with a note are counted (`webhookPhaseEnd`).
 * `queueDepth()`: the cluster's queue (none on one process); the burst is not over while it holds
 * executions.
 * @param {object} options
 * @param {Sandbox} options.sandbox
 * @param {string} options.url the chat workflow's Production URL (through nginx on the cluster)
 * @param {string[]} options.ids the burst's chats
 * @param {QueueModeConfig} options.config
 * @param {() => Promise<{ queueWait: number, queueActive: number }>} [options.queueDepth]
 * @param {() => Promise<number>} [options.webhookRunsLeft]
 * @returns {Promise<BurstRun>}
 */
export async function burst({ sandbox, url, ids, config, queueDepth, webhookRunsLeft }) {
	const burstSeq = sandbox.log.at(-1)?.seq ?? 0;
	/** @type {Map<string, Delivery[]>} */
	const deliveries = new Map(ids.map((id) => [id, []]));
	const burstStart = Date.now();
	/**
	 * @param {string} conversationId
	 * @param {number} attempt 1, or 2 for Intercom's retry
	 * @returns {Promise<Delivery>}
	 */
	const send = async (conversationId, attempt) => {
		const sentAt = Date.now();
		/** @type {Delivery} */
		const record = { attempt, sentAt: sentAt - burstStart, status: 'error', ms: 0, ok: false };
		try {
			const result = await sandbox.sendIntercomWebhook({
				url,
				topic: 'conversation.user.created',
				conversationId,
				notificationId: `notif_burst_${conversationId}`,
				deliveryAttempts: attempt,
			});
			record.status = result.status;
		} catch (error) {
			record.status = error.code ?? 'error';
		}
		record.ms = Date.now() - sentAt;
		record.ok =
			typeof record.status === 'number' &&
			record.status < 300 &&
			record.ms <= config.webhookTimeoutMs;
		deliveries.get(conversationId)?.push(record);
		return record;
	};
	// BENCH_QUEUE_UNSENT: notifications never sent, spread over the burst
	const unsent = new Set(
		Array.from(
			{ length: config.unsent },
			(_, i) => ids[Math.floor((i * ids.length) / config.unsent)],
		),
	);
	let settled = false;
	/** @type {number | null} */
	let settledMs = null;
	const all = Promise.all(
		ids.map(async (id) => {
			if (unsent.has(id)) {
				deliveries.get(id)?.push({ attempt: 1, sentAt: 0, ms: 0, status: 'not sent', ok: false });
				return;
			}
			const first = await send(id, 1);
			if (config.intercomRetry && !first.ok) {
				await delay(Math.max(0, burstStart + first.sentAt + INTERCOM_RETRY_AFTER_MS - Date.now()));
				await send(id, 2);
			}
		}),
	).then(() => {
		settled = true;
		settledMs = Date.now() - burstStart;
	});

	const wanted = new Set(ids);
	const notesPerChat = () => {
		const counts = new Map(ids.map((id) => [id, 0]));
		for (const note of sandbox.state.kommo.notes) {
			const id = /Chat #(\d+)\b/.exec(note.params?.text ?? '')?.[1];
			if (id !== undefined && wanted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
		}
		return counts;
	};
	/** @param {Map<string, number>} counts */
	const withNote = (counts) => [...counts.values()].filter((c) => c >= 1).length;
	const lastKommoCall = () => {
		for (let i = sandbox.log.length - 1; i >= 0 && sandbox.log[i].seq > burstSeq; i--)
			if (sandbox.log[i].api === 'kommo') return sandbox.log[i];
		return undefined;
	};
	let stopReason = 'timeout';
	/** @type {BurstRun['webhookPhaseEnd'] | null} */
	let webhookPhaseEnd = null;
	let webhookCheckedAt = 0;
	while (Date.now() - burstStart < config.drainTimeoutMs) {
		await delay(1000);
		if (!settled) continue;
		const counts = notesPerChat();
		if (!webhookPhaseEnd && webhookRunsLeft && Date.now() - webhookCheckedAt >= 5000) {
			webhookCheckedAt = Date.now();
			if ((await webhookRunsLeft().catch(() => undefined)) === 0)
				webhookPhaseEnd = { ms: Date.now() - burstStart, chatsWithNote: withNote(counts) };
		}
		const depth = queueDepth ? await queueDepth().catch(() => undefined) : undefined;
		const queueEmpty = !depth || depth.queueWait + depth.queueActive === 0;
		if (withNote(counts) === ids.length && queueEmpty) {
			stopReason = 'every chat has a note';
			break;
		}
		const last = lastKommoCall();
		if (queueEmpty && Date.now() - (last ? Date.parse(last.time) : burstStart) > STALL_MS) {
			stopReason = `no Kommo call for ${STALL_MS / 1000} s`;
			break;
		}
	}
	webhookPhaseEnd ??= {
		ms: Date.now() - burstStart,
		chatsWithNote: withNote(notesPerChat()),
		atStop: true,
	};
	await all.catch(() => undefined);
	// let late executions (a retry's second run, a duplicate) finish before counting
	const quietSince = Date.now();
	let seen = sandbox.log.at(-1)?.seq;
	let since = Date.now();
	while (Date.now() - quietSince < 120_000 && Date.now() - since < 5000) {
		await delay(250);
		if (sandbox.log.at(-1)?.seq !== seen) {
			seen = sandbox.log.at(-1)?.seq;
			since = Date.now();
		}
	}
	return {
		burstStart,
		burstSeq,
		deliveries,
		notesPerChat: notesPerChat(),
		stopReason,
		settledMs,
		webhookPhaseEnd,
	};
}
