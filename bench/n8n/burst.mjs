// Leg 4 of bench/n8n.bench.mjs (first engine only): BENCH_BURST new chats at once while the sandbox
// enforces Kommo's 7 requests/s, with the resident memory of the n8n process. Baseline: the best
// possible, Kommo's limit (utilisation = Kommo calls ÷ (7/s × drain time)). Counted: chats with one
// note, with more than one, with none, and the catch-up's hand-overs (0 expected: no chat changed).
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

import { log } from '../../n8n-driver/n8n.mjs';
import { executionsOf } from '../lib/executions.mjs';
import { round } from '../lib/numbers.mjs';
import { isCatchUpSearch, lastSeq } from '../lib/sandbox-log.mjs';
import {
	BURST,
	BURST_TIMEOUT_MS,
	CONCURRENCY_LIMIT,
	INTERCOM_RETRY,
	INTERCOM_RETRY_AFTER_MS,
	KOMMO_LIMIT,
	WEBHOOK_TIMEOUT_MS,
} from './config.mjs';
import { apiCalls, quiet } from './sandbox-calls.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */

/**
 * Resident memory of a process now and its high-water mark, from /proc (NaN when it is gone).
 * @param {number} pid
 */
function memory(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		/** @param {string} key */
		const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
		return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
	} catch {
		return { rssMb: NaN, hwmMb: NaN };
	}
}

/**
 * Direct children's pids (n8n's task runner), for information.
 * @param {number} pid
 */
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

/**
 * Burst: BURST new chats at once, the sandbox enforcing Kommo's 7 requests/s; memory of n8n.
 * @param {Sandbox} sandbox
 * @param {N8n} n8n running, signed in
 * @param {string} chatUrl the chat template's Production URL
 * @param {string} chatId the chat template's workflow id
 */
export async function runBurst(sandbox, n8n, chatUrl, chatId) {
	sandbox.configure({
		kommoRateLimit: { perSecond: KOMMO_LIMIT, windowMs: 1000 },
		webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
	});
	await quiet(sandbox, 1000);
	const pid = n8n.child?.pid;
	if (pid === undefined) throw new Error('burst: the n8n process is not running');
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
	/**
	 * @param {string} conversationId
	 * @param {string} notificationId
	 * @param {number} deliveryAttempts
	 * @returns {Promise<number | 'error'>} the HTTP status of n8n's answer
	 */
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
	/** @type {(number | 'error')[]} */
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
			if (id !== undefined && counts.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
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
	// null when the burst made no call at all: its drain time and utilisation were not measured
	const drainMs = lastCall
		? Date.parse(lastCall.time) + (lastCall.durationMs ?? 0) - burstStart
		: null;
	const drainSeconds = drainMs === null ? null : drainMs / 1000;
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
		drainSeconds: round(drainSeconds, 1),
		// how close the run came to the best possible: Kommo calls ÷ (7/s × drain time)
		rateLimitUtilisation:
			drainSeconds === null ? null : round(kommoCalls.length / (KOMMO_LIMIT * drainSeconds), 2),
		acceptedKommoUtilisation:
			drainSeconds === null ? null : round(kommoAccepted / (KOMMO_LIMIT * drainSeconds), 2),
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
