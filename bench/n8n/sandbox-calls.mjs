// The Intercom and Kommo calls of one event, and the moments bench/n8n.bench.mjs waits for, read
// from the sandbox's request log: the sandbox runs in the benchmark's process and n8n on the same
// machine, so a call's start time and duration there are on the benchmark's own clock.
import { setTimeout as delay } from 'node:timers/promises';

import { isNotePost, lastSeq, logAfter, shape } from '../lib/sandbox-log.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../sandbox/index.js').LogEntry} LogEntry */

/**
 * API calls (Intercom/Kommo) in the log after `seq`.
 * @param {Sandbox} sandbox
 * @param {number} seq
 */
export const apiCalls = (sandbox, seq) =>
	sandbox.log.filter((e) => e.seq > seq && (e.api === 'intercom' || e.api === 'kommo'));

/**
 * The calls of one path, counted per API, as the calls-per-path table shows them.
 * @param {LogEntry[]} calls
 */
export function tally(calls) {
	const intercom = calls.filter((c) => c.api === 'intercom');
	const kommo = calls.filter((c) => c.api === 'kommo');
	return {
		intercom: intercom.length,
		kommo: kommo.length,
		kommo429: kommo.filter((c) => c.status === 429).length,
		calls: calls.map((c) => `${shape(c)} → ${c.status}`),
	};
}

/**
 * Waits until the log has had no Intercom/Kommo call for `quietMs`.
 * @param {Sandbox} sandbox
 * @param {number} [quietMs]
 * @param {number} [timeoutMs]
 */
export async function quiet(sandbox, quietMs = 1500, timeoutMs = 60_000) {
	const started = Date.now();
	let seen = lastSeq(sandbox);
	let since = Date.now();
	while (Date.now() - started < timeoutMs) {
		await delay(50);
		const now = lastSeq(sandbox);
		const open = sandbox.log.slice(-500).some((e) => e.status === null && e.api !== 'control');
		if (now !== seen || open) {
			seen = now;
			since = Date.now();
		} else if (Date.now() - since >= quietMs) return;
	}
}

/**
 * Resolves with the moment (ms) the sandbox finished storing the first note POSTed after `seq`.
 * @param {Sandbox} sandbox
 * @param {number} seq
 * @param {number} [timeoutMs]
 * @returns {Promise<number>}
 */
export async function noteStored(sandbox, seq, timeoutMs = 60_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const entry = logAfter(sandbox, seq).find(
			(e) => isNotePost(e) && e.status !== null && e.status < 300,
		);
		// a finished entry has its duration (the log sets both when the answer is sent)
		if (entry) return Date.parse(entry.time) + (entry.durationMs ?? 0);
		await delay(2);
	}
	throw new Error(`no note was written within ${timeoutMs / 1000} s`);
}
