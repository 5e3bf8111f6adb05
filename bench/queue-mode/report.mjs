// The table of bench/queue-mode.bench.mjs (bench/results/queue-mode.md, also printed): the two
// set-ups side by side, each figure beside the floor it is measured against.

/** @param {number | null | undefined} s seconds */
const fmtS = (s) => (s === null || s === undefined ? '—' : `${s} s`);

/**
 * bench/results/queue-mode.md: one column per set-up that did not fail, one row per figure.
 * @param {{ setups: Record<string, any>[] }} results what queueModeLeg() writes to queue-mode.json
 */
export function markdownTable(results) {
	const setups = results.setups.filter((s) => !s.error);
	/** @param {(setup: Record<string, any>) => string} fn */
	const col = (fn) => setups.map(fn);
	/** @type {[string, string[]][]} */
	const rows = [
		['Set-up', col((s) => `${s.name}: ${s.mode}`)],
		['Template', col((s) => `\`${s.template}\``)],
		['Kommo credential, Max Requests per Second', col((s) => String(s.kommoMaxRequestsPerSecond))],
		[
			'Deliveries answered 2xx within 5 s (first try)',
			col(
				(s) =>
					`${s.deliveries.answeredWithin5s} of ${s.chats}` +
					(s.deliveries.notSent ? ` (${s.deliveries.notSent} not sent: BENCH_QUEUE_UNSENT)` : '') +
					(s.deliveries.firstTryAnsweredMs.p50 !== null
						? ` (p50 ${s.deliveries.firstTryAnsweredMs.p50} ms)`
						: ''),
			),
		],
		[
			"Intercom's retry a minute later: sent / answered within 5 s",
			col((s) => `${s.deliveries.retried} / ${s.deliveries.retryAnsweredWithin5s}`),
		],
		[
			'Chats started by webhook (by the first delivery + only by the retry)',
			col(
				(s) =>
					`${s.chatsStarted} of ${s.chats} (${s.chatsStartedByFirstDelivery} + ${s.chatsStartedOnlyByRetry})`,
			),
		],
		['Chats run more than once by webhook', col((s) => String(s.chatsRunMoreThanOnce))],
		[
			'Catch-up: Chats per Check / its checks / its runs of burst chats',
			col(
				(s) =>
					`${s.recovery.chatsPerCheck} / ${s.recovery.catchUpChecks} / ${s.recovery.catchUpRuns}`,
			),
		],
		[
			'Chats in Kommo: by webhook + by the catch-up',
			col(
				(s) =>
					`${s.recovery.chatsInKommo} of ${s.chats}: ${s.recovery.chatsByWebhook} + ${s.recovery.chatsByCatchUp}`,
			),
		],
		[
			'Chats without a note when the last webhook run was over',
			col(
				(s) =>
					`${s.recovery.chatsWithoutNoteWhenWebhookRunsWereOver} (at ${s.recovery.webhookRunsOverSeconds} s${s.recovery.webhookRunsOverAtStop ? ', at the stop' : ''})`,
			),
		],
		[
			'Burst start → last message in Kommo (webhook + catch-up)',
			col((s) =>
				s.recovery.allChatsInKommo
					? fmtS(s.recovery.burstStartToLastMessageSeconds)
					: `not all in Kommo (${s.stopReason})`,
			),
		],
		[
			'Kommo floor: calls a new chat needs (warm-up) × N ÷ 7/s',
			col(
				(s) =>
					`${s.recovery.kommoCallsPerNewChat} × ${s.chats} ÷ 7 = ${fmtS(s.recovery.kommoFloorSeconds)}`,
			),
		],
		[
			'Burst start → last message ÷ Kommo floor',
			col((s) => (s.recovery.overFloor === null ? '—' : `${s.recovery.overFloor}×`)),
		],
		[
			'Kommo calls per chat in the end (catch-up looks, 429s included)',
			col((s) => String(s.recovery.kommoCallsPerChatInKommo)),
		],
		[
			'Notes: chats with exactly 1 / more than 1 / none',
			col(
				(s) =>
					`${s.notes.chatsWithExactlyOne} / ${s.notes.chatsWithMoreThanOne} / ${s.notes.chatsWithoutNote}`,
			),
		],
		['Duplicate notes', col((s) => String(s.notes.duplicateNotes))],
		[
			'Deals created (chats with more than 1)',
			col((s) => `${s.deals.created} (${s.deals.chatsWithMoreThanOneDeal})`),
		],
		['Kommo calls / 429s', col((s) => `${s.kommoCalls} / ${s.kommo429}`)],
		[
			'Kommo calls in the busiest clock second (accepted) / in any 1 s window',
			col(
				(s) =>
					`${s.kommoCallsPerSecondMax} (${s.kommoAcceptedPerSecondMax}) / ${s.kommoCallsInAny1sWindowMax}`,
			),
		],
		['Drain: first POST → last note', col((s) => fmtS(s.drain.firstPostToLastNoteSeconds))],
		['Rate-limit floor: Kommo calls made ÷ 7/s', col((s) => fmtS(s.drain.rateLimitFloorSeconds))],
		['Drain ÷ floor (1.00 = at the limit)', col((s) => `${s.drain.drainOverFloor}×`)],
		[
			'Executions: success / error / crashed (all modes, incl. warm-up)',
			col(
				(s) =>
					`${s.executions?.statuses?.success ?? '?'} / ${s.executions?.statuses?.error ?? '?'} / ${s.executions?.statuses?.crashed ?? '?'}`,
			),
		],
	];
	const processes = [...new Set(setups.flatMap((s) => Object.keys(s.machine.peakRssMb)))];
	for (const role of processes) {
		rows.push([
			`Peak RSS: ${role} (with its children)`,
			col((s) => {
				const p = s.machine.peakRssMb[role];
				if (!p) return '—';
				return p.processes > 1
					? `${p.own} MB (${p.processes} processes: ${p.withChildrenPss} MB PSS)`
					: `${p.own} MB`;
			}),
		]);
	}
	rows.push(
		[
			'Load average (1 min): start / max / end',
			col((s) => `${s.machine.load1.atStart} / ${s.machine.load1.max} / ${s.machine.load1.atEnd}`),
		],
		[
			'CPU during the burst: machine busy / ours / other jobs',
			col(
				(s) =>
					`${Math.round(s.machine.cpu.machineBusyFraction * 100)} % of ${s.machine.cpu.cores} cores / ${s.machine.cpu.oursSeconds} s / ${s.machine.cpu.othersSeconds} s`,
			),
		],
	);
	const header = `| Figure | ${setups.map((s) => s.name).join(' | ')} |`;
	const rule = `| --- | ${setups.map(() => '---').join(' | ')} |`;
	return [header, rule, ...rows.slice(1).map(([k, v]) => `| ${k} | ${v.join(' | ')} |`)].join('\n');
}
