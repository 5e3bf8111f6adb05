// What the machine did during a burst of bench/queue-mode.bench.mjs, sampled from /proc every
// 500 ms: the resident memory of each n8n process and of PostgreSQL, Redis and nginx (alone and
// with their children), the load, and the CPU time of every process on the machine, so that the
// figures can tell our processes from other jobs on the same shared cores.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

import { round } from '../lib/numbers.mjs';
import { SAMPLE_MS } from './settings.mjs';

/** @typedef {Map<number, { ppid: number, comm: string, cpuTicks: number, rssMb: number }>} ProcessTable */

const PAGE_KB = 4;
const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * Every process on the machine: pid → { ppid, comm, cpuTicks, rssMb }.
 * @returns {ProcessTable}
 */
function scanProcesses() {
	const table = new Map();
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			const close = stat.lastIndexOf(')');
			const comm = stat.slice(stat.indexOf('(') + 1, close);
			const fields = stat.slice(close + 2).split(' ');
			// fields[0] = state (stat field 3): ppid 4, utime 14, stime 15, rss 24
			table.set(Number(name), {
				ppid: Number(fields[1]),
				comm,
				cpuTicks: Number(fields[11]) + Number(fields[12]),
				rssMb: (Number(fields[21]) * PAGE_KB) / 1024,
			});
		} catch {
			// gone meanwhile
		}
	}
	return table;
}

/**
 * `pid` and every process below it that is still in `table`.
 * @param {ProcessTable} table
 * @param {number} pid
 */
function descendants(table, pid) {
	const out = [pid];
	for (let i = 0; i < out.length; i++) {
		for (const [child, info] of table) if (info.ppid === out[i]) out.push(child);
	}
	return out.filter((p) => table.has(p));
}

/** The machine's CPU time so far (clock ticks, all cores): busy and in total. */
function machineCpu() {
	const [, ...numbers] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
	const [user, nice, system, idle, iowait, irq, softirq, steal] = numbers.map(Number);
	const busy = user + nice + system + irq + softirq + steal;
	return { busy, total: busy + idle + iowait };
}

/**
 * Proportional set size (shared pages split between their users), for summing a process tree.
 * @param {number} pid
 */
function pssMb(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
		return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) / 1024;
	} catch {
		return 0;
	}
}

/** The load averages over 1, 5 and 15 minutes. */
export const loadavg = () =>
	readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

/**
 * A process's command line (its first 120 characters), to name other people's jobs.
 * @param {number} pid
 */
function cmdline(pid) {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim().slice(0, 120);
	} catch {
		return '';
	}
}

/**
 * Samples, every 500 ms: RSS of each watched process (alone and with its children, e.g. n8n's task
 * runner or PostgreSQL's backends), the load average, the machine's CPU and every process's CPU
 * time (to tell ours from other people's jobs on the shared cores).
 * @param {() => Record<string, number | undefined>} roles the watched processes' pids by role, read
 *   at every sample (a process restarted gets a new pid)
 * @param {() => Promise<Record<string, number>>} [extra] more figures for each timeline row, e.g.
 *   the queue's depth
 */
export function startSampler(roles, extra = async () => ({})) {
	/** @type {Record<string, { pid: number, ownMb: number, treeMb: number, treePssMb: number, processes: number, pids?: number[] }>} */
	const peak = {};
	/**
	 * One sample; `extra()` adds its figures (the cluster: queueWait, queueActive).
	 * @type {Array<{ t: number | null, load1: number, rssMb: Record<string, number>, queueWait?: number, queueActive?: number }>}
	 */
	const timeline = [];
	/** @type {Map<number, { ticks: number, comm: string }>} */
	const firstTicks = new Map();
	/** @type {Map<number, number>} */
	const lastTicks = new Map();
	const startCpu = machineCpu();
	const startedAt = Date.now();
	let running = true;
	let load1Max = 0;
	let ticks = 0;
	const tick = async () => {
		const table = scanProcesses();
		// PSS walks page tables: every 4th sample (2 s) is enough for the tree sums
		const withPss = ticks++ % 4 === 0;
		for (const [pid, info] of table) {
			if (!firstTicks.has(pid)) firstTicks.set(pid, { ticks: info.cpuTicks, comm: info.comm });
			lastTicks.set(pid, info.cpuTicks);
		}
		const row = { t: round((Date.now() - startedAt) / 1000, 1), load1: loadavg()[0], rssMb: {} };
		load1Max = Math.max(load1Max, row.load1);
		for (const [role, pid] of Object.entries(roles())) {
			if (!pid || !table.has(pid)) continue;
			const tree = descendants(table, pid);
			const rssOf = (/** @type {number} */ p) => table.get(p)?.rssMb ?? 0;
			const own = rssOf(pid);
			const all = tree.reduce((sum, p) => sum + rssOf(p), 0);
			const entry = (peak[role] ??= { pid, ownMb: 0, treeMb: 0, treePssMb: 0, processes: 0 });
			entry.ownMb = Math.max(entry.ownMb, own);
			entry.treeMb = Math.max(entry.treeMb, all);
			if (withPss)
				entry.treePssMb = Math.max(
					entry.treePssMb,
					tree.reduce((sum, p) => sum + pssMb(p), 0),
				);
			entry.processes = Math.max(entry.processes, tree.length);
			entry.pids = [...new Set([...(entry.pids ?? []), ...tree])];
			row.rssMb[role] = Math.round(all);
		}
		Object.assign(row, await extra().catch(() => ({})));
		timeline.push(row);
	};
	const loop = (async () => {
		while (running) {
			await tick();
			await delay(SAMPLE_MS);
		}
	})();
	return {
		peak,
		async stop() {
			running = false;
			await loop;
			const endCpu = machineCpu();
			const seconds = (Date.now() - startedAt) / 1000;
			/** @param {number} pid */
			const cpuSeconds = (pid) =>
				((lastTicks.get(pid) ?? 0) - (firstTicks.get(pid)?.ticks ?? 0)) / CLOCK_TICKS;
			const ours = new Set([process.pid, ...Object.values(peak).flatMap((e) => e.pids ?? [])]);
			const perRole = Object.fromEntries(
				Object.entries(peak).map(([role, e]) => [
					role,
					round(
						(e.pids ?? []).reduce((sum, p) => sum + cpuSeconds(p), 0),
						1,
					),
				]),
			);
			perRole['bench (sandbox + sender)'] = round(cpuSeconds(process.pid), 1);
			const others = [...lastTicks.keys()]
				.filter((pid) => !ours.has(pid))
				.map((pid) => ({
					pid,
					comm: firstTicks.get(pid)?.comm,
					cmd: cmdline(pid),
					// null (round: not finite) is left out by the filter below, as 0 is
					cpuSeconds: round(cpuSeconds(pid), 1) ?? 0,
				}))
				.filter((p) => p.cpuSeconds > 0.5)
				.sort((a, b) => b.cpuSeconds - a.cpuSeconds);
			const machineBusy = (endCpu.busy - startCpu.busy) / CLOCK_TICKS;
			// a role's figure is null only when it is not finite (round): it adds nothing
			const oursTotal = Object.values(perRole).reduce((a, b) => (a ?? 0) + (b ?? 0), 0);
			for (const entry of Object.values(peak)) delete entry.pids;
			return {
				seconds: round(seconds, 1),
				sampledEveryMs: SAMPLE_MS,
				peakRssMb: Object.fromEntries(
					Object.entries(peak).map(([role, e]) => [
						role,
						{
							pid: e.pid,
							own: round(e.ownMb, 0),
							withChildren: round(e.treeMb, 0),
							withChildrenPss: round(e.treePssMb, 0),
							processes: e.processes,
						},
					]),
				),
				load1: { atStart: timeline[0]?.load1, max: load1Max, atEnd: timeline.at(-1)?.load1 },
				cpu: {
					cores: os.cpus().length,
					machineBusySeconds: round(machineBusy, 1),
					machineBusyFraction: round(machineBusy / (seconds * os.cpus().length), 2),
					oursSeconds: round(oursTotal, 1),
					othersSeconds: round(
						others.reduce((sum, p) => sum + p.cpuSeconds, 0),
						1,
					),
					perRoleSeconds: perRole,
					topOthers: others.slice(0, 8),
				},
				timeline: timeline.filter((_, i) => i % 10 === 0),
			};
		},
	};
}
