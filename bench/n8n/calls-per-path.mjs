// Leg 1 of bench/n8n.bench.mjs (first engine only): the Intercom and Kommo calls the templates make
// per path (existing deal, new lead, reply, stage changes), one event at a time with nothing else
// running, counted from the sandbox's log. Its baseline is the floor: the existing-deal path's
// calls are what bench/workflows/floor-webhook-http.json replays; with BENCH_BASELINE_REF the same
// paths are counted on ours-before.
import { setTimeout as delay } from 'node:timers/promises';
import { createRequire } from 'node:module';

import { kommoApi } from '../../n8n-driver/templates.mjs';
import { executionsOf } from '../lib/executions.mjs';
import { isCatchUpSearch, lastSeq, nextCatchUpCheck } from '../lib/sandbox-log.mjs';
import { apiCalls, quiet, tally } from './sandbox-calls.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../sandbox/index.js').LogEntry} LogEntry */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/**
 * Runs `fire`, waits until the sandbox is quiet, and records the calls made since under `name`
 * (without the catch-up's searches and what `exclude` matches); resolves with those calls.
 * @typedef {(name: string, fire: () => Promise<unknown>, exclude?: (e: LogEntry) => boolean) => Promise<LogEntry[]>} MeasurePath
 */

const require = createRequire(import.meta.url);
const { IDS } = require('../../sandbox/seed.js');

/**
 * Calls per path: one event of each kind, nothing else running. The defaults are the first
 * process's chats; the baseline passes its own (and no stage changes: it has no Kommo Trigger).
 * The catch-up's checks (an Intercom search) are left out (`catchUpSearches` counts them); the
 * reply, the one change in Intercom (the catch-up hands that chat over at its next check), is
 * measured last, right after a check. `changedAt`: when the reply was written to Intercom.
 * @param {Sandbox} sandbox
 * @param {string} chatUrl the chat template's Production URL
 * @param {{ existingChat?: string, newLeadChat?: string, stageChanges?: boolean }} [chats]
 */
export async function callsPerPath(
	sandbox,
	chatUrl,
	{ existingChat = '700000', newLeadChat = '900000', stageChanges = true } = {},
) {
	/** @type {Record<string, (ReturnType<typeof tally> & { catchUpSearches: number }) | null>} */
	const perPath = {};
	/** @type {MeasurePath} */
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

/**
 * The Kommo Trigger's path: the new lead's deal moved to Won, then to Lost.
 * @param {Sandbox} sandbox
 * @param {string} newLeadChat the chat whose new deal is moved
 * @param {MeasurePath} measurePath
 */
async function stageChangePaths(sandbox, newLeadChat, measurePath) {
	const newLead = sandbox.state.kommo.notes.find((n) =>
		new RegExp(`Chat #${newLeadChat} `).test(n.params?.text ?? ''),
	);
	if (!newLead) throw new Error(`no note of chat ${newLeadChat}: its deal was not created`);
	// The PATCH that moves the lead is the bench's own call, not the workflow's.
	/**
	 * @param {string} name
	 * @param {number} statusId
	 */
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
 * @param {{ n8n: N8n, workflowId: string }[]} instances
 * @param {number} sinceMs
 * @param {number} [timeoutMs]
 */
export async function handOversDone(instances, sinceMs, timeoutMs = 150_000) {
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
