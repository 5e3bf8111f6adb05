// Reading the sandbox's request log (sandbox/index.d.ts, LogEntry): every Intercom and Kommo call
// n8n made, with its start time, status and duration. The benchmarks count calls from it rather
// than from n8n, so a call n8n retried or a check of the catch-up is seen as the APIs see it.
import { setTimeout as delay } from 'node:timers/promises';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../sandbox/index.js').LogEntry} LogEntry */
/**
 * A call as the helpers below read it: a log entry, or a call the floor workflow replays
 * (bench/n8n/seed.mjs).
 * @typedef {{ api: string, method: string, path: string }} CallLike
 */

/**
 * A check of the catch-up: its one Intercom search (POST /conversations/search), never a chat's.
 * @param {CallLike} entry
 */
export const isCatchUpSearch = (entry) =>
	entry.api === 'intercom' && /\/conversations\/search$/.test(entry.path);

/**
 * A note written to a Kommo deal: the call that marks a chat delivered.
 * @param {CallLike} entry
 */
export const isNotePost = (entry) =>
	entry.api === 'kommo' && entry.method === 'POST' && /\/api\/v4\/leads\/notes/.test(entry.path);

/**
 * A call without its ids and query: `kommo GET /kommo/api/v4/leads/:id/notes`.
 * @param {CallLike} entry
 */
export const shape = (entry) =>
	`${entry.api} ${entry.method} ${entry.path.replace(/\/\d+(?=\/|\?|$)/g, '/:id').replace(/\?.*$/, '')}`;

/**
 * The sequence number of the newest log entry (0 for an empty log): "from now on".
 * @param {Sandbox} sandbox
 */
export const lastSeq = (sandbox) => sandbox.log.at(-1)?.seq ?? 0;

/**
 * Entries of the sandbox log after `seq`, scanned from the end (the log grows to ~100 000).
 * @param {Sandbox} sandbox
 * @param {number} seq
 * @returns {LogEntry[]}
 */
export function logAfter(sandbox, seq) {
	const entries = [];
	for (let i = sandbox.log.length - 1; i >= 0 && sandbox.log[i].seq > seq; i--)
		entries.push(sandbox.log[i]);
	return entries.reverse();
}

/**
 * Waits for the next check of the catch-up (its search in the sandbox log); false on timeout.
 * @param {Sandbox} sandbox
 * @param {number} [timeoutMs]
 */
export async function nextCatchUpCheck(sandbox, timeoutMs = 90_000) {
	const from = lastSeq(sandbox);
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (logAfter(sandbox, from).some(isCatchUpSearch)) return true;
		await delay(250);
	}
	return false;
}

/**
 * Waits until no Kommo call started for `quietMs` (and none is open), at most `timeoutMs`.
 * @param {Sandbox} sandbox
 * @param {number} [quietMs]
 * @param {number} [timeoutMs]
 */
export async function kommoQuiet(sandbox, quietMs = 3000, timeoutMs = 120_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const recent = logAfter(sandbox, lastSeq(sandbox) - 2000).filter((e) => e.api === 'kommo');
		const last = recent.at(-1);
		const open = recent.some((e) => e.status === null);
		if (!open && (!last || Date.now() - Date.parse(last.time) >= quietMs)) return;
		await delay(250);
	}
}
