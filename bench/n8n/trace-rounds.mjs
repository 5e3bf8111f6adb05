// Leg 3 of bench/n8n.bench.mjs, per engine: BENCH_TRACE_ROUNDS more rounds of the five workflows
// (the first process only) with a CPU profile of the n8n process, started through its inspector,
// and the preload's timers around n8n's own functions (bench/n8n/trace-preload.mjs). What they
// found is attributed per event (bench/n8n/profile-attribution.mjs): it explains the latency
// figures of leg 2, it is not compared with a baseline of its own.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { log } from '../../n8n-driver/n8n.mjs';
import { round } from '../lib/numbers.mjs';
import { PROFILE_INTERVAL_US, TRACE_ROUNDS, WORKFLOWS, logDir } from './config.mjs';
import { inspectorSession } from './inspector.mjs';
import { attributeProfile, attributeRecords } from './profile-attribution.mjs';
import { summarizeEvents } from './timings.mjs';

/** @typedef {import('./latency-rounds.mjs').BenchEvent} BenchEvent */
/** @typedef {import('./latency-rounds.mjs').Phase} Phase */
/** @typedef {import('./profile-attribution.mjs').CpuProfile} CpuProfile */
/** @typedef {import('./trace-preload.mjs').TraceRecord} TraceRecord */
/**
 * What the trace rounds recorded: the profile (none when the inspector could not be reached), the
 * clocks read when the profiler started and stopped, and the timer records.
 * @typedef {object} Trace
 * @property {CpuProfile | undefined} profile
 * @property {any[]} clocks the pair `{ epochMs, monoUs }` read as the profiler started, then what
 *   the preload reported as it stopped
 * @property {TraceRecord[]} records
 */

/**
 * Runs the trace rounds with the profiler and the timers on; the profile is written to
 * bench/results/n8n-logs/n8n-<engine>.cpuprofile. Without an inspector the rounds still run
 * (their latencies are kept), untraced.
 * @param {object} options
 * @param {string} options.engine
 * @param {number} options.inspectPort the n8n process's `--inspect` port
 * @param {(count: number, phase: Phase, rotation?: string[]) => Promise<void>} options.rounds
 * @returns {Promise<Trace>}
 */
export async function traceRounds({ engine, inspectPort, rounds }) {
	log(`${engine}: ${TRACE_ROUNDS} trace rounds (CPU profile, timers around n8n's functions)`);
	let profile;
	const clocks = [];
	let records = [];
	const profileFile = path.join(logDir, `n8n-${engine}.cpuprofile`);
	/** @type {import('./inspector.mjs').InspectorSession | undefined} */
	let session;
	try {
		try {
			session = await inspectorSession(inspectPort);
			clocks.push(
				JSON.parse(
					await session.evaluate(`globalThis.__benchTrace.startProfile(${PROFILE_INTERVAL_US})`),
				),
			);
		} catch (error) {
			log(`${engine}: no trace (${error.message})`);
			session?.close();
			session = undefined;
		}
		await rounds(TRACE_ROUNDS, 'trace', WORKFLOWS);
		if (session) {
			const stop = JSON.parse(
				await session.evaluate(
					`globalThis.__benchTrace.stopProfile(${JSON.stringify(profileFile)})`,
				),
			);
			clocks.push(stop);
			records = JSON.parse(
				await session.evaluate('JSON.stringify(globalThis.__benchTrace.records.splice(0))'),
			);
			session.close();
			session = undefined;
			profile = JSON.parse(readFileSync(profileFile, 'utf8'));
		}
	} finally {
		// a round or the profiler failed: the connection must not outlive the n8n process
		session?.close();
	}
	return { profile, clocks, records };
}

/**
 * `legs.<engine>.trace` of bench/results/n8n.json: the trace rounds' latencies, the timers and the
 * profile per workflow, over windows from each event's POST to the next event's POST (or 1.5 s).
 * @param {BenchEvent[]} events every event of the leg (the trace ones are picked here)
 * @param {Trace} trace
 * @param {Record<string, Record<string, string>>} nodeTypes per workflow: node name → node type
 * @param {string} engine
 */
export function summarizeTrace(events, { profile, clocks, records }, nodeTypes, engine) {
	// windows: from an event's POST to the next event's POST (or 1.5 s)
	const traceEvents = events.filter((e) => e.phase === 'trace');
	const windows = traceEvents.map((e, k) => ({
		workflow: e.workflow,
		start: e.t0,
		end: traceEvents[k + 1]?.t0 ?? e.t0 + 1500,
	}));
	return {
		rounds: TRACE_ROUNDS,
		latency: Object.fromEntries(
			WORKFLOWS.map((w) => [w, summarizeEvents(traceEvents.filter((e) => e.workflow === w))]),
		),
		timers: attributeRecords(records, windows, nodeTypes),
		clocks,
		profile: profile
			? {
					file: `bench/results/n8n-logs/n8n-${engine}.cpuprofile`,
					intervalUs: PROFILE_INTERVAL_US,
					// profiler start vs the clock read just before it (≈ 0 when both clocks agree)
					clockCheckMs: round((profile.startTime - clocks[0].monoUs) / 1000, 2),
					perWorkflow: attributeProfile(profile, windows, clocks[0]),
				}
			: null,
	};
}
