// The catch-up scenarios (docs/catch-up.md), shared by the one-process suite (e2e/templates.e2e.mjs)
// and the queue-mode cluster suite (e2e/cluster.e2e.mjs). The sandbox plays Intercom's webhooks the
// way Intercom sends them: on its own, to the topics a user ticks in the Developer Hub (the README's
// two customer topics), retried once a minute later and then dropped. Nothing here sends a
// notification by hand: what a dropped notification leaves out, only the catch-up can bring.
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';

import { INTERCOM_RETRY_MS, countDelivered } from '../../n8n-driver/delivered.mjs';
import { README_TOPICS, setCatchUp } from '../../n8n-driver/templates.mjs';

const require = createRequire(import.meta.url);
// the same function as seed.js's, with the option types of sandbox/index.d.ts
const { historySeed } = require('../../sandbox/index.js');

/** @typedef {import('../support/checks.mjs').Check} Check */
/** @typedef {import('../support/checks.mjs').Save} Save */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../sandbox/index.js').SandboxState} SandboxState */
/** @typedef {(sandbox: Sandbox) => Promise<SandboxState>} SandboxStateOf */

/**
 * Polls the sandbox until every message of the chats is in Kommo; seconds it took, or null.
 * @param {SandboxStateOf} sandboxState
 * @param {Sandbox} sandbox
 * @param {string[]} ids
 * @param {number} timeoutMs
 * @returns {Promise<number | null>}
 */
async function waitUntilDelivered(sandboxState, sandbox, ids, timeoutMs) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const counts = countDelivered(await sandboxState(sandbox), ids);
		if (counts.missing.length === 0) return (Date.now() - started) / 1000;
		await delay(2000);
	}
	return null;
}

/**
 * `check`, `save`, `sandboxState` from the suite's scenarios; `figure(name, value)` records a
 * measurement. `sweepPeriodMs`: the catch-up's Poll Times (a minute), plus the time a check needs.
 * @param {{
 *   check: Check,
 *   save: Save,
 *   sandboxState: SandboxStateOf,
 *   figure: (name: string, value: unknown) => void,
 *   sweepPeriodMs?: number,
 * }} options
 */
export function createCatchUpScenarios({
	check,
	save,
	sandboxState,
	figure,
	sweepPeriodMs = 75_000,
}) {
	/**
	 * Starts the Intercom subscription a user sets up, pointing at the chat workflow's URL.
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 */
	function subscribe(sandbox, chat) {
		sandbox.clearIntercomSubscriptions();
		sandbox.configure({ intercomWebhookRetryDelayMs: INTERCOM_RETRY_MS });
		return sandbox.subscribeIntercom({ url: chat.url, topics: README_TOPICS });
	}

	/**
	 * `count` new customers' chats, each with a first question; their conversation ids.
	 * @param {Sandbox} sandbox
	 * @param {number} count
	 * @param {string} label
	 * @returns {string[]}
	 */
	function newChats(sandbox, count, label) {
		return Array.from({ length: count }, (_, index) => {
			const email = `${label}-${index}-${Date.now().toString(36)}@catch-up.example`;
			return sandbox.createIntercomConversation({
				contact: { name: `${label} customer ${index}`, email, role: 'user' },
				body: `<p>${label} chat ${index}: a first question</p>`,
			}).id;
		});
	}

	/**
	 * CU1. A quiet workspace: a minute of the catch-up with no change in Intercom makes no Kommo call.
	 * @param {Sandbox} sandbox
	 */
	async function quietWorkspace(sandbox) {
		const from = sandbox.log.at(-1)?.seq ?? 0;
		await delay(sweepPeriodMs);
		const window = sandbox.log.filter((entry) => entry.seq > from);
		const searches = window.filter(
			(entry) => entry.api === 'intercom' && entry.path.endsWith('/conversations/search'),
		).length;
		const kommoCalls = window.filter((entry) => entry.api === 'kommo').length;
		figure('catchUpQuiet', { seconds: sweepPeriodMs / 1000, searches, kommoCalls });
		check(
			'CU1. quiet workspace: the catch-up checks Intercom and makes no Kommo call',
			searches >= 1 && kommoCalls === 0,
			`${searches} search(es), ${kommoCalls} Kommo call(s) in ${sweepPeriodMs / 1000} s`,
		);
	}

	/**
	 * CU2. n8n down for `downMs` while 10 chats get a teammate answer and a customer reply: Intercom's
	 * notifications fail, are retried a minute later, fail again and are dropped. `outage(during)`
	 * stops every n8n process, awaits `during()`, starts them again and resolves when n8n is up.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 * @param {{ outage: (during: () => Promise<void>) => Promise<unknown>, downMs?: number }} options
	 */
	async function outage(n8n, sandbox, chat, { outage: stopWhile, downMs = 180_000 }) {
		subscribe(sandbox, chat);
		const ids = newChats(sandbox, 10, 'outage');
		const firstIn = await waitUntilDelivered(sandboxState, sandbox, ids, 120_000);
		check(
			'CU2. 10 new chats reach Kommo by webhook before the outage',
			firstIn !== null,
			firstIn === null ? 'not all first messages arrived' : `${firstIn.toFixed(1)} s`,
		);
		const droppedBefore = sandbox.counters.webhooks.dropped;
		let upAt = 0;
		await stopWhile(async () => {
			const started = Date.now();
			for (const [index, id] of ids.entries()) {
				sandbox.appendIntercomPart(id, {
					kind: 'admin',
					body: `<p>Outage answer ${index}: here is what you asked.</p>`,
				});
				sandbox.appendIntercomPart(id, {
					kind: 'customer',
					body: `<p>Outage reply ${index}: thanks, one more thing.</p>`,
				});
			}
			await delay(Math.max(0, downMs - (Date.now() - started)));
		});
		upAt = Date.now();
		const dropped = sandbox.counters.webhooks.dropped - droppedBefore;
		const seconds = await waitUntilDelivered(sandboxState, sandbox, ids, 3 * sweepPeriodMs);
		const state = await sandboxState(sandbox);
		const counts = countDelivered(state, ids);
		save('state-CU2.json', state);
		figure('catchUpOutage', {
			downSeconds: downMs / 1000,
			notificationsDropped: dropped,
			secondsAfterStartUntilAllInKommo: seconds,
			messages: counts.messages,
			missing: counts.missing.length,
			doubled: counts.doubled.length,
		});
		check(
			`CU2. n8n down ${downMs / 1000} s: Intercom dropped the notifications of the 10 replies`,
			dropped >= 10,
			`${dropped} dropped after the one retry`,
		);
		check(
			'CU2. after the start and one catch-up period: every message in Kommo exactly once',
			seconds !== null && counts.missing.length === 0 && counts.doubled.length === 0,
			`${seconds === null ? 'not complete' : `${seconds.toFixed(1)} s after n8n was up`}; ${counts.messages} messages, missing ${counts.missing.slice(0, 3).join(' | ') || 0}, doubled ${counts.doubled.slice(0, 3).join(' | ') || 0}`,
		);
		return { ids, upAt };
	}

	/**
	 * CU3. A teammate closes a chat with a message and nobody writes after it.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 */
	async function teammateClosing(n8n, sandbox, chat) {
		subscribe(sandbox, chat);
		const [id] = newChats(sandbox, 1, 'closing');
		await waitUntilDelivered(sandboxState, sandbox, [id], 120_000);
		const closedAt = Date.now();
		sandbox.appendIntercomPart(id, {
			kind: 'close',
			body: '<p>Closing note: your refund was sent today. Have a good week!</p>',
		});
		const seconds = await waitUntilDelivered(sandboxState, sandbox, [id], 3 * sweepPeriodMs);
		const counts = countDelivered(await sandboxState(sandbox), [id]);
		figure('catchUpTeammateClosing', { secondsUntilInKommo: seconds });
		check(
			"CU3. a teammate's closing message, with no customer message after it, lands in Kommo once",
			seconds !== null && counts.missing.length === 0 && counts.doubled.length === 0,
			`${seconds === null ? 'not there' : `${seconds.toFixed(1)} s after the close`} (no webhook: the template listens to customer topics); missing ${counts.missing.length}, doubled ${counts.doubled.length}`,
		);
		return { closedAt };
	}

	/**
	 * CU4. History import: 300 chats of the last 20 days, none in Kommo. The user sets Import History
	 * to 25 days (a new value starts the import over) and Chats per Check to 100 (docs/catch-up.md)
	 * and publishes; n8n is stopped when about half are in Kommo and started again (`restart()`);
	 * the import goes on from its cursor. The chats of the earlier scenarios are in those 25 days
	 * too: they are checked again and must not be written twice.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 * @param {{ restart: () => Promise<string>, count?: number, startId?: number }} options
	 */
	async function historyImport(n8n, sandbox, chat, { restart, count = 300, startId = 880001 }) {
		sandbox.seed(historySeed({ count, days: 20, startId }), { merge: true });
		const ids = Array.from({ length: count }, (_, index) => String(startId + index));
		const kommoFrom = sandbox.log.at(-1)?.seq ?? 0;
		const started = Date.now();
		await setCatchUp(n8n, chat, { importDays: 25, maxChats: 100 });
		let half = null;
		while (Date.now() - started < 600_000) {
			const counts = countDelivered(await sandboxState(sandbox), ids);
			const chatsIn = new Set(
				ids.filter((id) => !counts.missing.some((line) => line.startsWith(`${id}:`))),
			).size;
			if (chatsIn >= count / 2) {
				half = chatsIn;
				break;
			}
			await delay(2000);
		}
		const restartedAfter = (Date.now() - started) / 1000;
		const restarted = await restart();
		const seconds = await waitUntilDelivered(sandboxState, sandbox, ids, 900_000);
		const state = await sandboxState(sandbox);
		const counts = countDelivered(state, ids);
		const kommoCalls = sandbox.log.filter(
			(entry) => entry.seq > kommoFrom && entry.api === 'kommo',
		);
		const elapsed = (Date.now() - started) / 1000;
		figure('catchUpHistoryImport', {
			chats: count,
			messages: counts.messages,
			restartedAfterSeconds: restartedAfter,
			chatsInAtRestart: half,
			totalSeconds: elapsed,
			kommoCalls: kommoCalls.length,
			kommoCallsPerSecond: kommoCalls.length / elapsed,
			fractionOfKommoLimit: kommoCalls.length / elapsed / 7,
			missing: counts.missing.length,
			doubled: counts.doubled.length,
		});
		check(
			`CU4. history import of ${count} chats, n8n restarted halfway (${restarted}): every message once`,
			seconds !== null &&
				half !== null &&
				counts.missing.length === 0 &&
				counts.doubled.length === 0,
			`${half ?? 'not half'} chats in at the restart after ${restartedAfter.toFixed(0)} s; ${seconds === null ? 'not complete' : `complete ${elapsed.toFixed(0)} s after publishing`}; ${counts.messages} messages, missing ${counts.missing.length}, doubled ${counts.doubled.length}; ${kommoCalls.length} Kommo calls (${(kommoCalls.length / elapsed).toFixed(2)}/s)`,
		);
	}

	return { subscribe, quietWorkspace, outage, teammateClosing, historyImport, countDelivered };
}
