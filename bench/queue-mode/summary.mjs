// The figures of one set-up's burst in bench/queue-mode.bench.mjs, from the sandbox's request log
// and state: deliveries and retries, chats started by webhook, chats in Kommo by webhook and by the
// catch-up, notes and deals per chat, Kommo calls and 429s. Baselines: the Kommo floor (the calls
// a new chat needs, measured on the warm-up chats, × N ÷ 7/s) for the whole recovery, and the
// rate-limit floor (the Kommo calls made ÷ 7/s) for the drain.
import { countDelivered } from '../../n8n-driver/delivered.mjs';
import { histogram, percentile, round } from '../lib/numbers.mjs';
import { isCatchUpSearch } from '../lib/sandbox-log.mjs';
import { KOMMO_LIMIT } from './settings.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../sandbox/index.js').LogEntry} LogEntry */
/** @typedef {import('../lib/executions.mjs').CatchUpRun} CatchUpRun */
/** @typedef {import('./burst.mjs').BurstRun} BurstRun */
/** @typedef {import('./burst.mjs').Delivery} Delivery */
/** @typedef {import('./settings.mjs').QueueModeConfig} QueueModeConfig */

/**
 * The burst's figures from the sandbox log. `runs`: the catch-up's runs of the burst's chats
 * (catchUpRuns); their Intercom GETs are taken out of the webhook runs' counts. `warmUpKommoCalls`:
 * the Kommo calls of each warm-up chat (a new chat, one at a time).
 * @param {object} options
 * @param {Sandbox} options.sandbox
 * @param {string[]} options.ids the burst's chats
 * @param {BurstRun} options.run
 * @param {QueueModeConfig} options.config
 * @param {CatchUpRun[]} [options.runs]
 * @param {number[]} [options.warmUpKommoCalls]
 */
export function summarise({ sandbox, ids, run, config, runs = [], warmUpKommoCalls = [] }) {
	const { burstStart, burstSeq, deliveries, notesPerChat } = run;
	const logged = sandbox.log.filter(
		(e) => e.seq > burstSeq && (e.api === 'intercom' || e.api === 'kommo'),
	);
	// the catch-up's checks (its Intercom searches) are counted apart
	const searches = logged.filter(isCatchUpSearch).length;
	const calls = logged.filter((e) => !isCatchUpSearch(e));
	const kommo = calls.filter((c) => c.api === 'kommo');
	const kommo429 = kommo.filter((c) => c.status === 429).length;
	/** @param {LogEntry} e */
	const at = (e) => Date.parse(e.time) - burstStart;
	/** @param {LogEntry} e */
	const ended = (e) => at(e) + (e.durationMs ?? 0);
	/** @param {LogEntry} e */
	const isNote = (e) =>
		e.api === 'kommo' &&
		e.method === 'POST' &&
		/\/leads\/notes/.test(e.path) &&
		e.status !== null &&
		e.status < 300;
	const notes = calls.filter(isNote);
	// null: no note (no Kommo call) at all, so no drain time was measured
	const lastNoteMs = notes.length ? Math.max(...notes.map(ended)) : null;
	const lastKommoMs = kommo.length ? Math.max(...kommo.map(ended)) : null;
	const lastNoteSeconds = lastNoteMs === null ? null : lastNoteMs / 1000;

	// executions per chat: each run of the template starts with Intercom's GET /conversations/:id;
	// a catch-up run's GET (the one of its chat inside its start and stop) is not a webhook run's
	/** @type {Map<string, LogEntry[]>} */
	const getEntries = new Map();
	for (const e of calls) {
		const id = /\/conversations\/(\d+)/.exec(e.path)?.[1];
		if (e.api === 'intercom' && e.method === 'GET' && id && deliveries.has(id)) {
			const entries = getEntries.get(id) ?? [];
			getEntries.set(id, entries);
			entries.push(e);
		}
	}
	const claimed = new Set();
	let catchUpRunsWithoutGet = 0;
	for (const r of runs) {
		const ofItsChat = r.conversationId === null ? [] : (getEntries.get(r.conversationId) ?? []);
		const entry = ofItsChat.find(
			(e) =>
				!claimed.has(e.seq) &&
				Date.parse(e.time) >= (r.startedMs ?? 0) - 1000 &&
				Date.parse(e.time) <= (r.stoppedMs ?? Infinity) + 1000,
		);
		if (entry) claimed.add(entry.seq);
		else catchUpRunsWithoutGet++;
	}
	/** @type {Map<string, number[]>} */
	const gets = new Map();
	for (const [id, entries] of getEntries) {
		const times = entries.filter((e) => !claimed.has(e.seq)).map(at);
		if (times.length) gets.set(id, times);
	}
	/** @param {string} id */
	const deliveriesOf = (id) => deliveries.get(id) ?? [];
	// every chat of the burst has its first try (sent, or recorded as not sent)
	const first = ids.map(
		(id) => /** @type {Delivery} */ (deliveriesOf(id).find((d) => d.attempt === 1)),
	);
	const retries = ids
		.map((id) => deliveriesOf(id).find((d) => d.attempt === 2))
		.filter((d) => d !== undefined);
	const startedByFirst = ids.filter((id) => {
		const retry = deliveriesOf(id).find((d) => d.attempt === 2);
		return (gets.get(id) ?? []).some((t) => !retry || t < retry.sentAt);
	}).length;
	const started = ids.filter((id) => gets.has(id)).length;
	const okMs = first.filter((d) => d.ok).map((d) => d.ms);

	// per-second Kommo calls (sandbox log, by start time)
	/** @type {Map<number, number>} */
	const perSecond = new Map();
	/** @type {Map<number, number>} */
	const perSecondAccepted = new Map();
	for (const e of kommo) {
		const s = Math.floor(at(e) / 1000);
		perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
		if (e.status !== 429) perSecondAccepted.set(s, (perSecondAccepted.get(s) ?? 0) + 1);
	}
	// the most Kommo calls that started inside any 1-second window (what the sandbox's limiter counts)
	const starts = kommo.map(at).sort((x, y) => x - y);
	let windowMax = 0;
	for (let i = 0, j = 0; i < starts.length; i++) {
		while (starts[i] - starts[j] >= 1000) j++;
		windowMax = Math.max(windowMax, i - j + 1);
	}
	const firstGets = [...gets.values()].map((g) => Math.min(...g) / 1000);
	const floorSeconds = kommo.length / KOMMO_LIMIT;
	const acceptedFloorSeconds = (kommo.length - kommo429) / KOMMO_LIMIT;

	// recovery: every chat in Kommo, by webhook or by the catch-up
	const wanted = new Set(ids);
	const burstRuns = runs.filter((r) => r.conversationId !== null && wanted.has(r.conversationId));
	const byCatchUp = new Set(burstRuns.filter((r) => r.wroteNote).map((r) => r.conversationId));
	const chatsInKommo = [...notesPerChat.values()].filter((c) => c >= 1).length;
	const allIn = chatsInKommo === ids.length;
	// the Kommo calls a new chat needs: the last warm-up chat's (a warm process, nothing else running)
	const perNewChat = warmUpKommoCalls.at(-1) ?? null;
	const recoveryFloorSeconds = perNewChat === null ? null : (perNewChat * ids.length) / KOMMO_LIMIT;
	const delivered = countDelivered(sandbox.state, ids);
	const recovery = {
		chatsPerCheck: config.catchUpChats,
		allChatsInKommo: allIn,
		chatsInKommo,
		chatsByWebhook: chatsInKommo - byCatchUp.size,
		chatsByCatchUp: byCatchUp.size,
		webhookRunsOverSeconds: round(run.webhookPhaseEnd.ms / 1000, 1),
		webhookRunsOverAtStop: run.webhookPhaseEnd.atStop === true,
		chatsWithoutNoteWhenWebhookRunsWereOver: ids.length - run.webhookPhaseEnd.chatsWithNote,
		lastDeliverySentSeconds: run.settledMs === null ? null : round(run.settledMs / 1000, 1),
		catchUpChecks: searches,
		catchUpRuns: burstRuns.length,
		catchUpRunsByReason: histogram(burstRuns.map((r) => r.reason)),
		catchUpRunsByStatus: histogram(burstRuns.map((r) => r.status)),
		catchUpRunsWithoutTheirGet: catchUpRunsWithoutGet,
		burstStartToLastMessageSeconds: allIn ? round(lastNoteSeconds, 1) : null,
		warmUpKommoCallsPerChat: warmUpKommoCalls,
		kommoCallsPerNewChat: perNewChat,
		kommoFloorSeconds: round(recoveryFloorSeconds, 1),
		overFloor:
			allIn && recoveryFloorSeconds && lastNoteSeconds !== null
				? round(lastNoteSeconds / recoveryFloorSeconds, 2)
				: null,
		// what the burst cost in the end, catch-up looks and 429s included
		kommoCallsPerChatInKommo: chatsInKommo ? round(kommo.length / chatsInKommo, 2) : null,
		messagesMissing: delivered.missing.length,
		messagesDoubled: delivered.doubled.length,
	};

	const counts = [...notesPerChat.values()];
	const burstIdSet = new Set(ids);
	/** @type {Map<string, number>} */
	const leadsPerChat = new Map();
	for (const lead of sandbox.state.kommo.leads) {
		const id = /#(\d+)/.exec(lead.name ?? '')?.[1];
		if (id !== undefined && burstIdSet.has(id))
			leadsPerChat.set(id, (leadsPerChat.get(id) ?? 0) + 1);
	}
	/** @type {Map<unknown, number>} */
	const emails = new Map();
	for (const contact of sandbox.state.kommo.contacts) {
		for (const field of contact.custom_fields_values ?? []) {
			for (const v of field.values ?? []) {
				// the burst's customers only (the warm-up chats use the same pattern)
				const id = /^burst-(\d+)@bench\.example$/.exec(String(v.value ?? ''))?.[1];
				if (id !== undefined && burstIdSet.has(id))
					emails.set(v.value, (emails.get(v.value) ?? 0) + 1);
			}
		}
	}
	return {
		chats: ids.length,
		deliveries: {
			deadlineMs: config.webhookTimeoutMs,
			answeredWithin5s: first.filter((d) => d.ok).length,
			notSent: first.filter((d) => d.status === 'not sent').length,
			firstTryAnswers: histogram(first.map((d) => d.status)),
			firstTryAnsweredMs: { p50: percentile(okMs, 50), p95: percentile(okMs, 95) },
			retried: retries.length,
			retryAnsweredWithin5s: retries.filter((d) => d.ok).length,
			retryAnswers: histogram(retries.map((d) => d.status)),
			chatsAnsweredOnEitherTry: ids.filter((id) => deliveriesOf(id).some((d) => d.ok)).length,
		},
		recovery,
		// the webhook runs' (each starts with Intercom's GET of the chat; the catch-up runs' are not here)
		chatsStarted: started,
		chatsStartedByFirstDelivery: startedByFirst,
		chatsStartedOnlyByRetry: started - startedByFirst,
		chatsRunMoreThanOnce: [...gets.values()].filter((g) => g.length > 1).length,
		intercomGetConversation: [...gets.values()].reduce((a, g) => a + g.length, 0),
		notes: {
			chatsWithNote: counts.filter((c) => c >= 1).length,
			chatsWithExactlyOne: counts.filter((c) => c === 1).length,
			chatsWithMoreThanOne: counts.filter((c) => c > 1).length,
			duplicateNotes: counts.reduce((a, c) => a + Math.max(0, c - 1), 0),
			chatsWithoutNote: counts.filter((c) => c === 0).length,
			chatsWithoutNoteThatStarted: ids.filter((id) => notesPerChat.get(id) === 0 && gets.has(id))
				.length,
		},
		deals: {
			created: [...leadsPerChat.values()].reduce((a, b) => a + b, 0),
			chatsWithMoreThanOneDeal: [...leadsPerChat.values()].filter((c) => c > 1).length,
			contactsCreated: [...emails.values()].reduce((a, b) => a + b, 0),
			customersWithMoreThanOneContact: [...emails.values()].filter((c) => c > 1).length,
		},
		intercomCalls: calls.filter((c) => c.api === 'intercom').length,
		intercomSearches: searches,
		kommoCalls: kommo.length,
		kommo429,
		kommoCallsPerSecondMax: Math.max(0, ...perSecond.values()),
		kommoAcceptedPerSecondMax: Math.max(0, ...perSecondAccepted.values()),
		kommoCallsInAny1sWindowMax: windowMax,
		firstExecutionStartSeconds: {
			p50: round(percentile(firstGets, 50), 1),
			p95: round(percentile(firstGets, 95), 1),
			max: round(percentile(firstGets, 100), 1),
		},
		kommoCallsByStatus: histogram(kommo.map((c) => c.status)),
		drain: {
			firstPostToLastNoteSeconds: round(lastNoteSeconds, 1),
			firstPostToLastKommoCallSeconds: lastKommoMs === null ? null : round(lastKommoMs / 1000, 1),
			rateLimitFloorSeconds: round(floorSeconds, 1),
			drainOverFloor: lastNoteSeconds === null ? null : round(lastNoteSeconds / floorSeconds, 2),
			acceptedCallsFloorSeconds: round(acceptedFloorSeconds, 1),
			drainOverAcceptedFloor:
				lastNoteSeconds === null ? null : round(lastNoteSeconds / acceptedFloorSeconds, 2),
		},
		stopReason: run.stopReason,
	};
}
