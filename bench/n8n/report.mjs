// The tables bench/n8n.bench.mjs prints at the end of a run, from its results (the same object it
// writes to bench/results/n8n.json): latency per workflow and engine with the ratios to the
// baselines, the trace per event, the burst, the calls per path and the Transcript bench.
import { LABELS, SHOWN, WORKFLOWS } from './config.mjs';

/**
 * Prints the tables of a run (what bench/results/n8n.json holds) to stdout.
 * @param {Record<string, any>} r
 */
export function printTable(r) {
	const out = (line = '') => process.stdout.write(`${line}\n`);
	/** @param {unknown[][]} rows */
	const table = (rows) => {
		const width = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
		for (const row of rows)
			out(`  ${row.map((cell, i) => String(cell).padEnd(width[i])).join('  ')}`);
	};
	out(
		`\nn8n ${r.version} on ${r.machine.cpus} CPU(s), Node ${r.node}, load at start ${r.machine.loadAverageAtStart?.join(' ')}`,
	);
	for (const [engine, leg] of Object.entries(r.legs ?? {})) {
		if (!leg.latency) continue;
		out(`\nEngine ${engine}: webhook POST → note (empty workflows: → HTTP answer), ms`);
		const rows = [
			[
				'workflow',
				'events',
				'p50',
				'p95',
				'answer p50',
				'created',
				'started',
				'stopped',
				'node sum',
				'between nodes',
			],
		];
		for (const w of SHOWN) {
			const l = leg.latency[w];
			if (!l) continue;
			const m = l.n8nMedians;
			rows.push([
				LABELS[w],
				`${l.completed}/${l.events}`,
				l.p50,
				l.p95,
				l.responseP50,
				m.executionCreated,
				m.executionStarted,
				m.executionStopped,
				m.sumOfNodeExecutionTimes,
				m.betweenNodes,
			]);
		}
		table(rows);
		const x = leg.ratios;
		out(
			`${x.oursAfterOverOursBefore ? `  ours-after ÷ ours-before ${x.oursAfterOverOursBefore.p50}× / ${x.oursAfterOverOursBefore.p95}× · ours ÷ ours-after ${x.oursOverOursAfter.p50}× / ${x.oursOverOursAfter.p95}× · ours-after ÷ floor ${x.oursAfterOverFloor.p50}× / ${x.oursAfterOverFloor.p95}× · ours-before ÷ floor ${x.oursBeforeOverFloor.p50}× / ${x.oursBeforeOverFloor.p95}×\n` : ''}  ours ÷ floor ${x.oursOverFloor.p50}× / ${x.oursOverFloor.p95}× · ours ÷ (floor + trigger cost ${leg.communityTriggerFixedCostMs.p50} ms to its execution's end; ${leg.communityTriggerAnswerCostMs.p50} ms to the answer) ${x.oursOverFloorPlusTriggerCost.p50}× / ${x.oursOverFloorPlusTriggerCost.p95}× · ours ÷ peer ${x.oursOverPeer.p50}× / ${x.oursOverPeer.p95}× (p50 / p95)`,
		);
		const c = leg.catchUpDuringLatency;
		if (c && !c.error)
			out(
				`  catch-up during the latency rounds: ${c.checks} check(s), ${c.handOvers} hand-over(s); events with a check ${JSON.stringify(c.eventsWithACheck)}, with a hand-over ${JSON.stringify(c.eventsWithAHandOver)}; ours without them ${c.oursWithoutThem.p50} / ${c.oursWithoutThem.p95} ms (p50 / p95, ${c.oursWithoutThem.events} events)`,
			);
		const timers = leg.trace?.timers ?? {};
		const cpu = leg.trace?.profile?.perWorkflow ?? {};
		const kinds = [...new Set(Object.values(timers).flatMap((t) => Object.keys(t.kinds)))].sort();
		if (kinds.length) {
			out(
				`\n  Trace (${leg.trace.rounds} rounds): per event, count × median ms (timers inside n8n)`,
			);
			const rowsT = [['', ...WORKFLOWS.map((w) => LABELS[w])]];
			rowsT.push([
				'CPU ms per event (profile)',
				...WORKFLOWS.map((w) => cpu[w]?.cpuMsPerEvent ?? '—'),
			]);
			for (const kind of kinds)
				rowsT.push([
					kind,
					...WORKFLOWS.map((w) => {
						const k = timers[w]?.kinds?.[kind];
						return k ? `${k.perEvent} × ${k.medianMs}` : '—';
					}),
				]);
			const classes = [
				...new Set(Object.values(timers).flatMap((t) => Object.keys(t.expressionClasses))),
			];
			for (const cls of classes)
				rowsT.push([
					`  expression: ${cls}`,
					...WORKFLOWS.map((w) => {
						const k = timers[w]?.expressionClasses?.[cls];
						return k ? `${k.perEvent} × ${k.medianMs}` : '—';
					}),
				]);
			table(rowsT);
		}
	}
	if (r.burst) {
		const b = r.burst;
		out(
			`\nBurst (${b.n8nExpressionEngine}): ${b.chats} chats, answers ${JSON.stringify(b.webhookAnswers)}, retry ${JSON.stringify(b.retryAnswers)}`,
		);
		out(
			`  notes ${b.notesWritten} / >1 ${b.chatsWithMoreThanOneNote} / none ${b.chatsWithoutNote}; Intercom ${b.intercomCalls}, Kommo ${b.kommoCalls} (429: ${b.kommo429}); drain ${b.drainSeconds} s; utilisation ${b.rateLimitUtilisation} (accepted ${b.acceptedKommoUtilisation}); catch-up: ${b.catchUpSearches} check(s), ${b.catchUpRuns} hand-over(s)`,
		);
	}
	if (r.memory)
		out(
			`  memory: idle ${r.memory.idleRssMb} MB, peak ${r.memory.peakRssDuringBurstMb} MB, VmHWM ${r.memory.vmHwmAfterBurstMb} MB`,
		);
	for (const [name, t] of Object.entries(r.callsPerPath ?? {}))
		out(
			`\n  ${name}: Intercom ${t.intercom}, Kommo ${t.kommo}\n${t.calls.map((c) => `    ${c}`).join('\n')}`,
		);
	for (const [name, t] of Object.entries(r.callsPerPathBefore ?? {}))
		out(
			`\n  ours-before, ${name}: Intercom ${t.intercom}, Kommo ${t.kommo}\n${t.calls.map((c) => `    ${c}`).join('\n')}`,
		);
	if (r.transcriptBench?.output) out(`\n${r.transcriptBench.output}`);
	if (r.error) out(`\nERROR: ${r.error}`);
	out(`\nRaw numbers: bench/results/n8n.json (total ${r.totalSeconds} s)`);
}
