// The burst on both set-ups, in one run:
//
//   one process  n8n 2.41.1 in regular mode with SQLite, as `npm start` runs it, with the shipped
//                `workflows/intercom-chat-to-kommo-deal.json`;
//   cluster      n8n 2.41.1 in queue mode (n8n-driver/cluster.mjs: PostgreSQL 15, Redis 7, main, two
//                `n8n webhook` processes behind nginx, two workers), with the shipped
//                `workflows/intercom-chat-to-kommo-deal.queue-mode.json`.
//
// Each set-up gets its own sandbox (Intercom + Kommo, Kommo's 7 requests/s enforced with 429s) and
// the same burst: N new chats (unknown customers: new contact + deal + note), created in Intercom at
// the burst's start and POSTed at once, each POST with Intercom's 5 s deadline; a POST that got no
// 2xx in time is sent again, once, a minute after the first try, with the same notification id
// (Intercom's rule), then never again. The chats n8n's door dropped on both tries are the catch-up's
// (docs/catch-up.md): the burst goes on until every chat is in Kommo, or the drain timeout. Reported:
// burst start → last message in Kommo, against the Kommo rate-limit floor (the Kommo calls a new
// chat needs, measured on the warm-up chats, × N ÷ 7/s), and how many chats came by webhook and how
// many the catch-up brought (its runs, executions of mode `integrated`, that wrote the chat's note;
// also: chats without a note when the last webhook run was over). The set-ups run one after the
// other, never at the same time: two shared cores are all there is.
//
// Templates are imported as a user imports them (`n8n import:workflow` of the shipped file,
// unmodified), only the credentials differ: the sandbox's Intercom and Kommo, the cluster's Redis
// ("Redis account"), and the Kommo credential's "Max Requests per Second" at 7 on one process and
// 7 ÷ workers (rounded down) on the cluster, as the queue-mode template says. The chat workflow is
// published from the editor once n8n is up (the cluster's main), after setting its catch-up as a
// user would: Import History (Days) 0 (nothing seeded is imported), Chats per Check
// BENCH_CATCH_UP_CHATS (20 as shipped; docs/catch-up.md says to raise it for bursts).
//
// Run alone:  sh scripts/node24.sh node bench/queue-mode.bench.mjs
// Part of:    npm run bench   (BENCH_QUEUE=0 skips this leg)
// Knobs:      BENCH_QUEUE_BURST (500; 20 for a smoke run), BENCH_QUEUE_SETUPS (one,cluster),
//             BENCH_WEBHOOK_TIMEOUT_S (5), BENCH_INTERCOM_RETRY (1), BENCH_CATCH_UP_CHATS (20),
//             BENCH_QUEUE_DRAIN_TIMEOUT_S (until every chat is in Kommo; default 1200, or a minute
//             per Chats per Check of the burst + 10 min when longer: 35 min for 500 at 20),
//             BENCH_QUEUE_CLUSTER_TEMPLATE (a file in workflows/; default the queue-mode
//             template, else the one-process one), BENCH_QUEUE_KOMMO_LIMIT (cluster credential),
//             BENCH_QUEUE_UNSENT (0: chats of the burst whose notification is never sent, as if
//             Intercom had dropped it; spread over the burst: the catch-up's alone, for a smoke run
//             whose small burst the door does not drop).
// Output:     bench/results/queue-mode.json (raw), bench/results/queue-mode.md (the table),
//             logs in bench/results/queue-mode-logs/. Nothing in it fails on a figure.
import {
	cpSync,
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { countDelivered } from '../n8n-driver/delivered.mjs';
import { ensureDebianPackages, startCluster } from '../n8n-driver/cluster.mjs';
import { N8n, ensureN8n, installPackage, log, makeWorkDir, repoRoot } from '../n8n-driver/n8n.mjs';
import {
	TEMPLATE_FILES,
	productionUrl,
	sandboxCredentials,
	templatesDir,
	waitForWebhook,
	workflowIdByName,
	setCatchUp,
} from '../n8n-driver/templates.mjs';
import {
	catchUpRuns,
	isCatchUpSearch,
	kommoQuiet,
	lastSeq,
	logAfter,
	unfinishedExecutions,
} from './catch-up.bench.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');

const VERSION = '2.41.1';
const KOMMO_LIMIT = 7;
const WORKERS = 2;
const WEBHOOKS = 2;
const QUEUE_TEMPLATE = TEMPLATE_FILES.queueChat ?? 'intercom-chat-to-kommo-deal.queue-mode.json';
const INTERCOM_RETRY_AFTER_MS = 60_000;
const SAMPLE_MS = 500;
const FIRST_CHAT = 2_000_000;
const WARMUP_CHAT = 2_900_000;
/** Before the catch-up's first check and its 10 min look-back: seeded chats it never hands over. */
const SEEDED_BEFORE_S = 3600;
/** Without a Kommo call for this long while chats are missing, nothing is going to bring them. */
const STALL_MS = 180_000;
const owner = {
	email: 'owner@bench.invalid',
	firstName: 'Bench',
	lastName: 'Owner',
	password: 'Bench-password-1',
};

const outDir = path.join(repoRoot, 'bench', 'results');
const logRoot = path.join(outDir, 'queue-mode-logs');

function settings() {
	const env = process.env;
	const burst = Number(env.BENCH_QUEUE_BURST ?? env.BENCH_BURST ?? 500);
	const catchUpChats = Number(env.BENCH_CATCH_UP_CHATS ?? 20);
	// every chat of the burst goes through the catch-up once, Chats per Check a minute
	const recoveryS = (Math.ceil(burst / catchUpChats) + 10) * 60;
	return {
		burst,
		setups: (env.BENCH_QUEUE_SETUPS ?? 'one,cluster').split(',').map((s) => s.trim()),
		webhookTimeoutMs: Number(env.BENCH_WEBHOOK_TIMEOUT_S ?? 5) * 1000,
		intercomRetry: env.BENCH_INTERCOM_RETRY !== '0',
		catchUpChats,
		drainTimeoutMs: Number(env.BENCH_QUEUE_DRAIN_TIMEOUT_S ?? Math.max(1200, recoveryS)) * 1000,
		clusterTemplate:
			env.BENCH_QUEUE_CLUSTER_TEMPLATE ??
			(existsSync(path.join(templatesDir, QUEUE_TEMPLATE)) ? QUEUE_TEMPLATE : TEMPLATE_FILES.chat),
		clusterKommoLimit: Number(env.BENCH_QUEUE_KOMMO_LIMIT ?? Math.floor(KOMMO_LIMIT / WORKERS)),
		unsent: Math.min(burst, Number(env.BENCH_QUEUE_UNSENT ?? 0)),
	};
}

// ------------------------------------------------------------------ helpers

const round = (value, digits = 1) =>
	value === null || value === undefined || !Number.isFinite(value)
		? null
		: Number(value.toFixed(digits));
const percentile = (values, p) => {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const histogram = (values) => {
	const out = {};
	for (const v of values) out[v] = (out[v] ?? 0) + 1;
	return out;
};
const PAGE_KB = 4;
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Every process on the machine: pid → { ppid, comm, cpuTicks, rssMb }. */
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

function descendants(table, pid) {
	const out = [pid];
	for (let i = 0; i < out.length; i++) {
		for (const [child, info] of table) if (info.ppid === out[i]) out.push(child);
	}
	return out.filter((p) => table.has(p));
}

function machineCpu() {
	const [, ...numbers] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
	const [user, nice, system, idle, iowait, irq, softirq, steal] = numbers.map(Number);
	const busy = user + nice + system + irq + softirq + steal;
	return { busy, total: busy + idle + iowait };
}

/** Proportional set size (shared pages split between their users), for summing a process tree. */
function pssMb(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
		return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) / 1024;
	} catch {
		return 0;
	}
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

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
 */
function startSampler(roles, extra = async () => ({})) {
	const peak = {};
	const timeline = [];
	const firstTicks = new Map();
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
			const own = table.get(pid).rssMb;
			const all = tree.reduce((sum, p) => sum + table.get(p).rssMb, 0);
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
			const cpuSeconds = (pid) =>
				((lastTicks.get(pid) ?? 0) - (firstTicks.get(pid)?.ticks ?? 0)) / CLOCK_TICKS;
			const ours = new Set([process.pid, ...Object.values(peak).flatMap((e) => e.pids)]);
			const perRole = Object.fromEntries(
				Object.entries(peak).map(([role, e]) => [
					role,
					round(
						e.pids.reduce((sum, p) => sum + cpuSeconds(p), 0),
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
					cpuSeconds: round(cpuSeconds(pid), 1),
				}))
				.filter((p) => p.cpuSeconds > 0.5)
				.sort((a, b) => b.cpuSeconds - a.cpuSeconds);
			const machineBusy = (endCpu.busy - startCpu.busy) / CLOCK_TICKS;
			const oursTotal = Object.values(perRole).reduce((a, b) => a + b, 0);
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

/** A minimal Redis client for LLEN (Bull's queue depth); integer replies only. */
async function redisCounter(port) {
	const socket = createConnection({ host: '127.0.0.1', port });
	await new Promise((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	const waiting = [];
	let buffer = '';
	socket.on('data', (chunk) => {
		buffer += chunk;
		let end;
		while ((end = buffer.indexOf('\r\n')) >= 0) {
			const line = buffer.slice(0, end);
			buffer = buffer.slice(end + 2);
			const next = waiting.shift();
			if (line.startsWith(':')) next?.resolve(Number(line.slice(1)));
			else next?.reject(new Error(line));
		}
	});
	socket.on('error', () => undefined);
	const command = (...args) =>
		new Promise((resolve, reject) => {
			waiting.push({ resolve, reject });
			socket.write(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
		});
	return {
		async depth() {
			const [wait, active] = await Promise.all([
				command('LLEN', 'bull:jobs:wait'),
				command('LLEN', 'bull:jobs:active'),
			]);
			return { queueWait: wait, queueActive: active };
		},
		close: () => socket.destroy(),
	};
}

// ------------------------------------------------------------------ seed, import

const seedNow = Math.floor(Date.now() / 1000);

/**
 * `count` chats from customers Kommo does not know, ids from `firstId`, started at `createdAt`
 * (unix seconds): the burst's at its start (the catch-up sees them), the warm-up's an hour before
 * (it never does).
 */
function newChats(firstId, count, createdAt = seedNow - SEEDED_BEFORE_S) {
	const intercom = { contacts: [], conversations: [] };
	for (let i = 0; i < count; i++) {
		const id = firstId + i;
		const contactId = `65f0be04${String(id).padStart(16, '0')}`;
		intercom.contacts.push({
			id: contactId,
			role: 'user',
			name: `Burst ${id}`,
			email: `burst-${id}@bench.example`,
			created_at: createdAt - 3600,
		});
		intercom.conversations.push({
			id: String(id),
			created_at: createdAt,
			contacts: [contactId],
			source: {
				id: String(820000000 + i),
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: contactId },
				body: `<p>Hello, I would like a quote for the annual plan (${id}).</p>`,
			},
			parts: [],
			tags: [],
		});
	}
	return { intercom };
}

/**
 * With n8n stopped: the credentials, then the one template file as shipped (a user imports the
 * file of the template they want). Published once n8n is up (publishChat). Returns
 * `{ key, file, name, id }`.
 */
async function importChatTemplate(n8n, credentials, file, workDir) {
	mkdirSync(workDir, { recursive: true });
	const credentialsPath = path.join(workDir, 'credentials.json');
	writeFileSync(credentialsPath, JSON.stringify(credentials, null, '\t'));
	await n8n.cli(['import:credentials', `--input=${credentialsPath}`], 'cli-import-credentials.log');
	await n8n.cli(
		['import:workflow', `--input=${path.join(templatesDir, file)}`],
		'cli-import-workflow.log',
	);
	const listing = await n8n.cli(['list:workflow'], 'cli-list-workflow.log');
	const { name } = JSON.parse(readFileSync(path.join(templatesDir, file), 'utf8'));
	return { key: 'chat', file, name, id: workflowIdByName(listing, name) };
}

/**
 * n8n running, signed in: the catch-up set as docs/catch-up.md tells a user (Import History 0, so the
 * seeded chats stay out; Chats per Check from the knob), then published from the editor.
 */
async function publishChat(n8n, workflow, config) {
	await setCatchUp(n8n, workflow, { importDays: 0, maxChats: config.catchUpChats });
}

// ------------------------------------------------------------------ the burst

/**
 * Fires `ids` at `url` at once, Intercom's way, and waits until every chat has a note (the catch-up
 * brings those whose notifications were dropped), or no Kommo call was made for 3 min while chats
 * were missing, or the drain timeout. `webhookRunsLeft()`: the webhook executions not finished yet;
 * when it is 0 after the last delivery, the chats with a note are counted (`webhookPhaseEnd`).
 */
async function burst({ sandbox, url, ids, config, queueDepth, webhookRunsLeft }) {
	const burstSeq = sandbox.log.at(-1)?.seq ?? 0;
	const deliveries = new Map(ids.map((id) => [id, []]));
	const burstStart = Date.now();
	const send = async (conversationId, attempt) => {
		const sentAt = Date.now();
		const record = { attempt, sentAt: sentAt - burstStart };
		try {
			const result = await sandbox.sendIntercomWebhook({
				url,
				topic: 'conversation.user.created',
				conversationId,
				notificationId: `notif_burst_${conversationId}`,
				deliveryAttempts: attempt,
			});
			record.status = result.status;
		} catch (error) {
			record.status = error.code ?? 'error';
		}
		record.ms = Date.now() - sentAt;
		record.ok =
			typeof record.status === 'number' &&
			record.status < 300 &&
			record.ms <= config.webhookTimeoutMs;
		deliveries.get(conversationId).push(record);
		return record;
	};
	// BENCH_QUEUE_UNSENT: notifications never sent, spread over the burst
	const unsent = new Set(
		Array.from(
			{ length: config.unsent },
			(_, i) => ids[Math.floor((i * ids.length) / config.unsent)],
		),
	);
	let settled = false;
	let settledMs = null;
	const all = Promise.all(
		ids.map(async (id) => {
			if (unsent.has(id)) {
				deliveries.get(id).push({ attempt: 1, sentAt: 0, ms: 0, status: 'not sent', ok: false });
				return;
			}
			const first = await send(id, 1);
			if (config.intercomRetry && !first.ok) {
				await delay(Math.max(0, burstStart + first.sentAt + INTERCOM_RETRY_AFTER_MS - Date.now()));
				await send(id, 2);
			}
		}),
	).then(() => {
		settled = true;
		settledMs = Date.now() - burstStart;
	});

	const wanted = new Set(ids);
	const notesPerChat = () => {
		const counts = new Map(ids.map((id) => [id, 0]));
		for (const note of sandbox.state.kommo.notes) {
			const id = /Chat #(\d+)\b/.exec(note.params?.text ?? '')?.[1];
			if (wanted.has(id)) counts.set(id, counts.get(id) + 1);
		}
		return counts;
	};
	const withNote = (counts) => [...counts.values()].filter((c) => c >= 1).length;
	const lastKommoCall = () => {
		for (let i = sandbox.log.length - 1; i >= 0 && sandbox.log[i].seq > burstSeq; i--)
			if (sandbox.log[i].api === 'kommo') return sandbox.log[i];
		return undefined;
	};
	let stopReason = 'timeout';
	let webhookPhaseEnd = null;
	let webhookCheckedAt = 0;
	while (Date.now() - burstStart < config.drainTimeoutMs) {
		await delay(1000);
		if (!settled) continue;
		const counts = notesPerChat();
		if (!webhookPhaseEnd && webhookRunsLeft && Date.now() - webhookCheckedAt >= 5000) {
			webhookCheckedAt = Date.now();
			if ((await webhookRunsLeft().catch(() => undefined)) === 0)
				webhookPhaseEnd = { ms: Date.now() - burstStart, chatsWithNote: withNote(counts) };
		}
		const depth = queueDepth ? await queueDepth().catch(() => undefined) : undefined;
		const queueEmpty = !depth || depth.queueWait + depth.queueActive === 0;
		if (withNote(counts) === ids.length && queueEmpty) {
			stopReason = 'every chat has a note';
			break;
		}
		const last = lastKommoCall();
		if (queueEmpty && Date.now() - (last ? Date.parse(last.time) : burstStart) > STALL_MS) {
			stopReason = `no Kommo call for ${STALL_MS / 1000} s`;
			break;
		}
	}
	webhookPhaseEnd ??= {
		ms: Date.now() - burstStart,
		chatsWithNote: withNote(notesPerChat()),
		atStop: true,
	};
	await all.catch(() => undefined);
	// let late executions (a retry's second run, a duplicate) finish before counting
	const quietSince = Date.now();
	let seen = sandbox.log.at(-1)?.seq;
	let since = Date.now();
	while (Date.now() - quietSince < 120_000 && Date.now() - since < 5000) {
		await delay(250);
		if (sandbox.log.at(-1)?.seq !== seen) {
			seen = sandbox.log.at(-1)?.seq;
			since = Date.now();
		}
	}
	return {
		burstStart,
		burstSeq,
		deliveries,
		notesPerChat: notesPerChat(),
		stopReason,
		settledMs,
		webhookPhaseEnd,
	};
}

/**
 * The burst's figures from the sandbox log. `runs`: the catch-up's runs of the burst's chats
 * (catchUpRuns); their Intercom GETs are taken out of the webhook runs' counts. `warmUpKommoCalls`:
 * the Kommo calls of each warm-up chat (a new chat, one at a time).
 */
function summarise({ sandbox, ids, run, config, runs = [], warmUpKommoCalls = [] }) {
	const { burstStart, burstSeq, deliveries, notesPerChat } = run;
	const logged = sandbox.log.filter(
		(e) => e.seq > burstSeq && (e.api === 'intercom' || e.api === 'kommo'),
	);
	// the catch-up's checks (its Intercom searches) are counted apart
	const searches = logged.filter(isCatchUpSearch).length;
	const calls = logged.filter((e) => !isCatchUpSearch(e));
	const kommo = calls.filter((c) => c.api === 'kommo');
	const kommo429 = kommo.filter((c) => c.status === 429).length;
	const at = (e) => Date.parse(e.time) - burstStart;
	const ended = (e) => at(e) + (e.durationMs ?? 0);
	const isNote = (e) =>
		e.api === 'kommo' &&
		e.method === 'POST' &&
		/\/leads\/notes/.test(e.path) &&
		e.status !== null &&
		e.status < 300;
	const notes = calls.filter(isNote);
	const lastNoteMs = notes.length ? Math.max(...notes.map(ended)) : null;
	const lastKommoMs = kommo.length ? Math.max(...kommo.map(ended)) : null;

	// executions per chat: each run of the template starts with Intercom's GET /conversations/:id;
	// a catch-up run's GET (the one of its chat inside its start and stop) is not a webhook run's
	const getEntries = new Map();
	for (const e of calls) {
		const id = /\/conversations\/(\d+)/.exec(e.path)?.[1];
		if (e.api === 'intercom' && e.method === 'GET' && id && deliveries.has(id)) {
			(getEntries.get(id) ?? getEntries.set(id, []).get(id)).push(e);
		}
	}
	const claimed = new Set();
	let catchUpRunsWithoutGet = 0;
	for (const r of runs) {
		const entry = (getEntries.get(r.conversationId) ?? []).find(
			(e) =>
				!claimed.has(e.seq) &&
				Date.parse(e.time) >= (r.startedMs ?? 0) - 1000 &&
				Date.parse(e.time) <= (r.stoppedMs ?? Infinity) + 1000,
		);
		if (entry) claimed.add(entry.seq);
		else catchUpRunsWithoutGet++;
	}
	const gets = new Map();
	for (const [id, entries] of getEntries) {
		const times = entries.filter((e) => !claimed.has(e.seq)).map(at);
		if (times.length) gets.set(id, times);
	}
	const first = ids.map((id) => deliveries.get(id).find((d) => d.attempt === 1));
	const retries = ids.map((id) => deliveries.get(id).find((d) => d.attempt === 2)).filter(Boolean);
	const startedByFirst = ids.filter((id) => {
		const retry = deliveries.get(id).find((d) => d.attempt === 2);
		return (gets.get(id) ?? []).some((t) => !retry || t < retry.sentAt);
	}).length;
	const started = ids.filter((id) => gets.has(id)).length;
	const okMs = first.filter((d) => d.ok).map((d) => d.ms);

	// per-second Kommo calls (sandbox log, by start time)
	const perSecond = new Map();
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
	const burstRuns = runs.filter((r) => wanted.has(r.conversationId));
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
		lastDeliverySentSeconds: round(run.settledMs / 1000, 1),
		catchUpChecks: searches,
		catchUpRuns: burstRuns.length,
		catchUpRunsByReason: histogram(burstRuns.map((r) => r.reason)),
		catchUpRunsByStatus: histogram(burstRuns.map((r) => r.status)),
		catchUpRunsWithoutTheirGet: catchUpRunsWithoutGet,
		burstStartToLastMessageSeconds: allIn ? round(lastNoteMs / 1000, 1) : null,
		warmUpKommoCallsPerChat: warmUpKommoCalls,
		kommoCallsPerNewChat: perNewChat,
		kommoFloorSeconds: round(recoveryFloorSeconds, 1),
		overFloor:
			allIn && recoveryFloorSeconds ? round(lastNoteMs / 1000 / recoveryFloorSeconds, 2) : null,
		// what the burst cost in the end, catch-up looks and 429s included
		kommoCallsPerChatInKommo: chatsInKommo ? round(kommo.length / chatsInKommo, 2) : null,
		messagesMissing: delivered.missing.length,
		messagesDoubled: delivered.doubled.length,
	};

	const counts = [...notesPerChat.values()];
	const burstIdSet = new Set(ids);
	const leadsPerChat = new Map();
	for (const lead of sandbox.state.kommo.leads) {
		const id = /#(\d+)/.exec(lead.name ?? '')?.[1];
		if (burstIdSet.has(id)) leadsPerChat.set(id, (leadsPerChat.get(id) ?? 0) + 1);
	}
	const emails = new Map();
	for (const contact of sandbox.state.kommo.contacts) {
		for (const field of contact.custom_fields_values ?? []) {
			for (const v of field.values ?? []) {
				// the burst's customers only (the warm-up chats use the same pattern)
				if (burstIdSet.has(/^burst-(\d+)@bench\.example$/.exec(v.value ?? '')?.[1]))
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
			chatsAnsweredOnEitherTry: ids.filter((id) => deliveries.get(id).some((d) => d.ok)).length,
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
			firstPostToLastNoteSeconds: round(lastNoteMs / 1000, 1),
			firstPostToLastKommoCallSeconds: round(lastKommoMs / 1000, 1),
			rateLimitFloorSeconds: round(floorSeconds, 1),
			drainOverFloor: round(lastNoteMs / 1000 / floorSeconds, 2),
			acceptedCallsFloorSeconds: round(acceptedFloorSeconds, 1),
			drainOverAcceptedFloor: round(lastNoteMs / 1000 / acceptedFloorSeconds, 2),
		},
		stopReason: run.stopReason,
	};
}

/** Execution statuses and the failures' node + message, from n8n's REST API on main. */
async function executionReport(n8n, workflowId) {
	const count = async (status) => {
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status: [status] }));
		const answer = await n8n.rest('GET', `/executions?filter=${filter}&limit=1`);
		return answer.data.count;
	};
	const statuses = {};
	for (const status of ['success', 'error', 'crashed', 'canceled', 'running', 'waiting', 'new'])
		statuses[status] = await count(status).catch((error) => String(error).slice(0, 80));
	// webhook: a notification; trigger: a check of the catch-up; integrated: a chat it handed over
	const byMode = {};
	for (const mode of ['webhook', 'trigger', 'integrated']) {
		for (const status of ['success', 'error', 'crashed']) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId, mode, status: [status] }));
			const answer = await n8n
				.rest('GET', `/executions?filter=${filter}&limit=1`)
				.catch(() => null);
			(byMode[mode] ??= {})[status] = answer?.data?.count ?? null;
		}
	}
	const failures = {};
	const examples = [];
	for (const status of ['error', 'crashed']) {
		if (!statuses[status]) continue;
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status: [status] }));
		const list = (await n8n.rest('GET', `/executions?filter=${filter}&limit=50`)).data.results;
		for (const summary of list) {
			const execution = await n8n.execution(summary.id).catch(() => undefined);
			const result = execution?.data?.resultData ?? {};
			const node = result.lastNodeExecuted ?? result.error?.node?.name ?? '?';
			const message = String(result.error?.message ?? summary.status).slice(0, 200);
			const key = `${status} · ${node} · ${message}`;
			failures[key] = (failures[key] ?? 0) + 1;
			if (examples.length < 5) examples.push({ id: summary.id, status, node, message });
		}
	}
	return { statuses, byMode, failuresOfFirst50: failures, examples };
}

/** How many executions each worker ran ("Worker started execution" lines in its log). */
function workerShares(logDir) {
	const shares = {};
	for (const file of readdirSync(logDir)) {
		const m = /^n8n-worker-(\d+)-\d+\.log$/.exec(file);
		if (!m) continue;
		const text = readFileSync(path.join(logDir, file), 'utf8');
		shares[`worker-${m[1]}`] = (text.match(/started execution/gi) ?? []).length;
	}
	return shares;
}

/** "Request body stream was aborted" and friends: what n8n logged about the door. */
function logCounts(logDir) {
	const patterns = {
		bodyAborted: /Request body stream was aborted/g,
		dbPingFailed: /Database ping failed/g,
		connectionTimeout: /timeout exceeded when trying to connect/g,
		stalled: /\bstalled\b/gi,
		problemWithExecution: /Problem with execution/g,
	};
	const out = {};
	for (const file of readdirSync(logDir).filter((f) => f.endsWith('.log'))) {
		const text = readFileSync(path.join(logDir, file), 'utf8');
		for (const [key, re] of Object.entries(patterns)) {
			const n = (text.match(re) ?? []).length;
			if (n) (out[file] ??= {})[key] = n;
		}
	}
	return out;
}

// ------------------------------------------------------------------ the two set-ups

/**
 * `count` new chats, one after the other (the next once the last one's note is in and Kommo is
 * quiet); returns the Kommo calls each made: what a new chat needs.
 */
async function warmUp(sandbox, url, count) {
	const kommoCalls = [];
	for (let i = 0; i < count; i++) {
		const id = String(WARMUP_CHAT + i);
		const seq = lastSeq(sandbox);
		await sandbox
			.sendIntercomWebhook({ url, topic: 'conversation.user.created', conversationId: id })
			.catch(() => undefined);
		const started = Date.now();
		const noted = () =>
			sandbox.state.kommo.notes.some((n) =>
				new RegExp(`Chat #${id}\\b`).test(n.params?.text ?? ''),
			);
		while (Date.now() - started < 60_000 && !noted()) await delay(250);
		await kommoQuiet(sandbox, 1500, 30_000);
		kommoCalls.push(logAfter(sandbox, seq).filter((e) => e.api === 'kommo').length);
	}
	await delay(2000);
	return kommoCalls;
}

async function oneProcess({ install, config, packageDir, logDir, work }) {
	mkdirSync(logDir, { recursive: true });
	const sandbox = await createSandbox({
		port: 0,
		seed: 'default',
		logLimit: 1_000_000,
		webhookTimeoutMs: config.webhookTimeoutMs,
	});
	const ids = Array.from({ length: config.burst }, (_, i) => String(FIRST_CHAT + i));
	sandbox.seed(newChats(WARMUP_CHAT, 4), { merge: true });
	const userFolder = path.join(logDir, 'n8n-user');
	rmSync(userFolder, { recursive: true, force: true });
	cpSync(packageDir, path.join(userFolder, '.n8n', 'nodes'), { recursive: true });
	const n8n = new N8n({ installDir: install.dir, userFolder, outDir: logDir });
	const setup = {
		name: 'one process',
		mode: 'regular, SQLite',
		template: TEMPLATE_FILES.chat,
		kommoMaxRequestsPerSecond: KOMMO_LIMIT,
	};
	try {
		await n8n.init();
		const workflow = await importChatTemplate(
			n8n,
			sandboxCredentials(sandbox, { kommoLimit: KOMMO_LIMIT }),
			TEMPLATE_FILES.chat,
			path.join(work, 'one'),
		);
		await n8n.start();
		await n8n.signIn(owner);
		await publishChat(n8n, workflow, config);
		const url = (await productionUrl(n8n, workflow)).url;
		await waitForWebhook(url);
		log(`one process: n8n ${VERSION} on ${n8n.baseUrl} (pid ${n8n.child.pid}); warming up`);
		const warmUpKommoCalls = await warmUp(sandbox, url, 2);
		const roles = () => ({ n8n: n8n.child?.pid });
		const sampler = startSampler(roles);
		log(
			`one process: burst of ${config.burst} new chats (catch-up: ${config.catchUpChats} per check)`,
		);
		const seededAt = Date.now();
		sandbox.seed(newChats(FIRST_CHAT, config.burst, Math.floor(seededAt / 1000)), { merge: true });
		const webhookRunsLeft = () => unfinishedExecutions(n8n, workflow.id, 'webhook');
		const run = await burst({ sandbox, url, ids, config, webhookRunsLeft });
		const machine = await sampler.stop();
		const runs = await catchUpRuns(n8n, workflow.id, seededAt).catch((error) => {
			log(`one process: the catch-up's runs not read (${error.message.slice(0, 200)})`);
			return [];
		});
		const figures = summarise({ sandbox, ids, run, config, runs, warmUpKommoCalls });
		const executions = await executionReport(n8n, workflow.id).catch((e) => ({
			error: String(e),
		}));
		await n8n.stop();
		return { ...setup, ...figures, executions, machine, logs: logCounts(logDir) };
	} finally {
		await n8n.stop().catch(() => undefined);
		writeFileSync(path.join(logDir, 'sandbox-log.json'), JSON.stringify(sandbox.log));
		await sandbox.close().catch(() => undefined);
	}
}

async function queueCluster({ install, config, packageDir, logDir }) {
	mkdirSync(logDir, { recursive: true });
	await ensureDebianPackages(path.join(logDir, 'apt.log'));
	const sandbox = await createSandbox({
		port: 0,
		seed: 'default',
		logLimit: 1_000_000,
		webhookTimeoutMs: config.webhookTimeoutMs,
	});
	const ids = Array.from({ length: config.burst }, (_, i) => String(FIRST_CHAT + i));
	sandbox.seed(newChats(WARMUP_CHAT, 4), { merge: true });
	const setup = {
		name: 'queue mode',
		mode: `main + ${WEBHOOKS} webhook (nginx) + ${WORKERS} workers, PostgreSQL 15, Redis 7`,
		template: config.clusterTemplate,
		templateIsTheQueueModeOne: config.clusterTemplate === QUEUE_TEMPLATE,
		kommoMaxRequestsPerSecond: config.clusterKommoLimit,
	};
	const dir = path.join(repoRoot, '.cache', 'bench-queue-cluster');
	let cluster;
	let counter;
	let workflow;
	try {
		cluster = await startCluster({
			installDir: install.dir,
			dir,
			logDir,
			webhooks: WEBHOOKS,
			workers: WORKERS,
			installInto: async (userFolder) =>
				cpSync(packageDir, path.join(userFolder, '.n8n', 'nodes'), { recursive: true }),
			prepareMain: async (main) => {
				workflow = await importChatTemplate(
					main,
					sandboxCredentials(sandbox, {
						kommoLimit: config.clusterKommoLimit,
						redis: { host: '127.0.0.1', port: main.shared.redisPort },
					}),
					config.clusterTemplate,
					path.join(dir, 'import'),
				);
			},
		});
		const { main } = cluster;
		await main.signIn(owner);
		// published on main once the cluster is up, as e2e/cluster.e2e.mjs does
		await publishChat(main, workflow, config);
		const url = (await productionUrl(main, workflow)).url.replace(main.baseUrl, cluster.publicUrl);
		// through nginx: once per webhook process, each learns of the publication on its own
		for (let i = 0; i < cluster.webhookProcesses.length * 2; i++) await waitForWebhook(url);
		log(`cluster: up behind ${cluster.publicUrl}; warming up both webhook processes and workers`);
		// four sequential chats: round-robin puts two on each webhook process
		const warmUpKommoCalls = await warmUp(sandbox, url, 4);
		counter = await redisCounter(cluster.redis.port);
		const roles = () => ({
			'n8n main': main.child?.pid,
			...Object.fromEntries(
				cluster.webhookProcesses.map((p) => [`n8n webhook-${p.index}`, p.child?.pid]),
			),
			...Object.fromEntries(
				cluster.workerProcesses.map((p) => [`n8n worker-${p.index}`, p.child?.pid]),
			),
			PostgreSQL: cluster.postgres.child.pid,
			Redis: cluster.redis.child.pid,
			nginx: cluster.nginx.child.pid,
		});
		const sharesBefore = workerShares(logDir);
		const sampler = startSampler(roles, () => counter.depth());
		log(`cluster: burst of ${config.burst} new chats (catch-up: ${config.catchUpChats} per check)`);
		const seededAt = Date.now();
		sandbox.seed(newChats(FIRST_CHAT, config.burst, Math.floor(seededAt / 1000)), { merge: true });
		const run = await burst({
			sandbox,
			url,
			ids,
			config,
			queueDepth: () => counter.depth(),
			webhookRunsLeft: () => unfinishedExecutions(main, workflow.id, 'webhook'),
		});
		const machine = await sampler.stop();
		const runs = await catchUpRuns(main, workflow.id, seededAt).catch((error) => {
			log(`cluster: the catch-up's runs not read (${error.message.slice(0, 200)})`);
			return [];
		});
		const figures = summarise({ sandbox, ids, run, config, runs, warmUpKommoCalls });
		const executions = await executionReport(main, workflow.id).catch((e) => ({
			error: String(e),
		}));
		const sharesAfter = workerShares(logDir);
		const workerExecutions = Object.fromEntries(
			Object.entries(sharesAfter).map(([k, v]) => [k, v - (sharesBefore[k] ?? 0)]),
		);
		const queueMax = machine.timeline.reduce((m, r) => Math.max(m, r.queueWait ?? 0), 0);
		return {
			...setup,
			...figures,
			executions,
			workerExecutions,
			bullQueueWaitMaxSampled: queueMax,
			machine,
			logs: logCounts(logDir),
		};
	} finally {
		counter?.close();
		await cluster?.stop().catch(() => undefined);
		writeFileSync(path.join(logDir, 'sandbox-log.json'), JSON.stringify(sandbox.log));
		await sandbox.close().catch(() => undefined);
	}
}

// ------------------------------------------------------------------ report

const fmtS = (s) => (s === null || s === undefined ? '—' : `${s} s`);

export function markdownTable(results) {
	const setups = results.setups.filter((s) => !s.error);
	const col = (fn) => setups.map(fn);
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

export async function queueModeLeg() {
	const config = settings();
	const started = Date.now();
	mkdirSync(outDir, { recursive: true });
	rmSync(logRoot, { recursive: true, force: true });
	mkdirSync(logRoot, { recursive: true });
	const results = {
		leg: 'burst with recovery by the catch-up: one process vs queue mode',
		n8n: VERSION,
		node: process.version,
		command: process.argv.slice(1).join(' '),
		machine: {
			cpus: os.cpus().length,
			model: os.cpus()[0]?.model,
			totalMemMb: Math.round(os.totalmem() / 2 ** 20),
			loadavgAtStart: loadavg(),
		},
		config,
		// N8N_* variables reach every n8n process of both set-ups (e.g. N8N_EXPRESSION_ENGINE)
		n8nEnv: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('N8N_'))),
		startedAt: new Date().toISOString(),
		setups: [],
	};
	const work = makeWorkDir('bench-queue');
	try {
		log(`queue-mode leg: n8n ${VERSION}, burst of ${config.burst}, set-ups ${config.setups}`);
		const install = await ensureN8n(VERSION, path.join(logRoot, 'install.log'));
		// one build and pack; its installed nodes folder is copied into every user folder
		const packageDir = path.join(work, 'installed', '.n8n', 'nodes');
		await installPackage(path.join(work, 'installed'), work, path.join(logRoot, 'package.log'));
		const legs = { one: oneProcess, cluster: queueCluster };
		for (const name of config.setups) {
			const legStarted = Date.now();
			try {
				const result = await legs[name]({
					install,
					config,
					packageDir,
					logDir: path.join(logRoot, name),
					work,
				});
				result.legSeconds = round((Date.now() - legStarted) / 1000, 0);
				results.setups.push(result);
			} catch (error) {
				log(`${name}: ${error?.stack ?? error}`);
				results.setups.push({ name, error: String(error?.stack ?? error) });
				process.exitCode = 1;
			}
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	results.totalSeconds = round((Date.now() - started) / 1000, 0);
	results.finishedAt = new Date().toISOString();
	writeFileSync(path.join(outDir, 'queue-mode.json'), JSON.stringify(results, null, '\t'));
	const table = markdownTable(results);
	writeFileSync(path.join(outDir, 'queue-mode.md'), `${table}\n`);
	process.stdout.write(
		`\nBurst with recovery: one process vs queue mode (${config.burst} new chats, catch-up ${config.catchUpChats} per check)\n\n${table}\n`,
	);
	for (const s of results.setups.filter((x) => x.error))
		process.stdout.write(`\n${s.name}: ERROR ${s.error}\n`);
	process.stdout.write(
		`\nRaw numbers: bench/results/queue-mode.json (total ${results.totalSeconds} s)\n`,
	);
	return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	process.env.GENERIC_TIMEZONE ??= 'UTC';
	await queueModeLeg();
}
