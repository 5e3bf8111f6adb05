// The catch-up's cost (docs/catch-up.md), on one n8n process (regular mode, SQLite) with the shipped
// `workflows/intercom-chat-to-kommo-deal.json` and its own sandbox (Kommo's 7 requests/s enforced):
//
//   1. quiet workspace: a catch-up period (75 s) with no change in Intercom; Intercom searches and
//      Kommo calls (0 expected);
//   2. sweep of chats already in Kommo: BENCH_SWEEP_CHATS new chats, delivered by webhook (the
//      sandbox's Intercom subscription to the README's two topics, right after a check), then the
//      catch-up hands each over (its re-check 10 min later costs the same): Kommo calls in that window ÷ chats
//      it looked at (its runs, executions of mode `integrated` in the window), notes written (0);
//   3. history import: BENCH_HISTORY chats of the last 20 days (sandbox/seed.js historySeed), none
//      in Kommo; Import History (Days) set to 25 and Chats per Check to BENCH_HISTORY_CHATS, then
//      published, as docs/catch-up.md tells a user; until every message of them is in Kommo: Kommo
//      calls per second ÷ 7 (the fraction of Kommo's limit it takes) and chats per minute.
//
// The workflow is published from the editor after n8n started, with the catch-up's settings a user
// sets first: Import History (Days) 0 (nothing seeded is imported at activation), Chats per Check
// BENCH_CATCH_UP_CHATS (20, as shipped).
//
// Baselines: none beyond the expected zeros above (no Kommo call in a quiet workspace, no note
// written again by the sweep) and Kommo's own limit, 7 requests/s, that the import takes a share of.
// The helpers shared with the other legs (sandbox log, n8n's executions) are in bench/lib/.
//
// Run alone:  sh scripts/node24.sh node bench/catch-up.bench.mjs
// Part of:    npm run bench   (BENCH_CATCH_UP=0 skips this leg)
// Knobs:      BENCH_CATCH_UP_CHATS (20), BENCH_SWEEP_CHATS (20; up to BENCH_CATCH_UP_CHATS keeps it
//             to one hand-over check), BENCH_HISTORY (300; 0 skips the import), BENCH_HISTORY_CHATS
//             (100), BENCH_HISTORY_TIMEOUT_S (900, at least 3 s a chat), N8N_VERSION (2.41.1).
// Output:     bench/results/catch-up.json (raw), bench/results/catch-up.md (the table), logs in
//             bench/results/catch-up-logs/. Nothing in it fails on a figure.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { INTERCOM_RETRY_MS, countDelivered } from '../n8n-driver/delivered.mjs';
import {
	N8N_VERSIONS,
	N8n,
	ensureN8n,
	installPackage,
	log,
	makeWorkDir,
	repoRoot,
} from '../n8n-driver/n8n.mjs';
import {
	README_TOPICS,
	TEMPLATE_FILES,
	productionUrl,
	sandboxCredentials,
	waitForWebhook,
	setCatchUp,
} from '../n8n-driver/templates.mjs';
import { catchUpRuns, executionsOf } from './lib/executions.mjs';
import { BENCH_OWNER, importChatTemplate } from './lib/n8n-setup.mjs';
import { histogram, round } from './lib/numbers.mjs';
import {
	isCatchUpSearch,
	isNotePost,
	kommoQuiet,
	lastSeq,
	logAfter,
	nextCatchUpCheck,
	shape,
} from './lib/sandbox-log.mjs';

/** @typedef {import('../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../n8n-driver/n8n.mjs').N8n} N8nProcess */
/** @typedef {import('../n8n-driver/templates.mjs').TemplateWorkflow} TemplateWorkflow */
/** @typedef {ReturnType<typeof settings>} CatchUpConfig */

// index.js, not seed.js: sandbox/index.d.ts types what index.js exports (historySeed among it)
const require = createRequire(import.meta.url);
const { createSandbox, historySeed } = require('../sandbox/index.js');

const VERSION = process.env.N8N_VERSION ?? N8N_VERSIONS.current;
const KOMMO_LIMIT = 7;
/** The catch-up's Poll Times (every minute) and the time a check needs, as the e2e suites wait. */
const PERIOD_MS = 75_000;
const HISTORY_FIRST_ID = 880001;
const outDir = path.join(repoRoot, 'bench', 'results');
const logRoot = path.join(outDir, 'catch-up-logs');

/** The knobs (BENCH_* variables, see the header) with their defaults. */
function settings() {
	const env = process.env;
	const history = Number(env.BENCH_HISTORY ?? 300);
	return {
		catchUpChats: Number(env.BENCH_CATCH_UP_CHATS ?? 20),
		sweepChats: Number(env.BENCH_SWEEP_CHATS ?? 20),
		history,
		historyChats: Number(env.BENCH_HISTORY_CHATS ?? 100),
		historyTimeoutMs:
			Number(env.BENCH_HISTORY_TIMEOUT_S ?? Math.max(900, Math.ceil(history * 3))) * 1000,
	};
}

// ------------------------------------------------------------------ the three measurements

/**
 * 1. A catch-up period with no change in Intercom.
 * @param {Sandbox} sandbox
 */
async function quietPeriod(sandbox) {
	const from = lastSeq(sandbox);
	await delay(PERIOD_MS);
	const window = logAfter(sandbox, from);
	return {
		seconds: PERIOD_MS / 1000,
		searches: window.filter(isCatchUpSearch).length,
		intercomCalls: window.filter((e) => e.api === 'intercom').length,
		kommoCalls: window.filter((e) => e.api === 'kommo').length,
	};
}

/**
 * `count` new chats started in Intercom now (subscriptions notified); their ids.
 * @param {Sandbox} sandbox
 * @param {number} count
 * @param {string} label
 * @returns {string[]}
 */
function newChats(sandbox, count, label) {
	return Array.from({ length: count }, (_, index) => {
		const email = `${label}-${index}-${Date.now().toString(36)}@bench.example`;
		return sandbox.createIntercomConversation({
			contact: { name: `${label} customer ${index}`, email, role: 'user' },
			body: `<p>${label} chat ${index}: I would like a quote for the annual plan.</p>`,
		}).id;
	});
}

/**
 * When every message of `ids` was in Kommo (epoch ms), or null after `timeoutMs`.
 * @param {Sandbox} sandbox
 * @param {string[]} ids
 * @param {number} timeoutMs
 */
async function waitDelivered(sandbox, ids, timeoutMs) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (countDelivered(sandbox.state, ids).missing.length === 0) return Date.now();
		await delay(1000);
	}
	return null;
}

/**
 * 2. Chats delivered by webhook, then the catch-up's hand-over and re-check of each.
 * @param {N8nProcess} n8n
 * @param {Sandbox} sandbox
 * @param {TemplateWorkflow} chat
 * @param {CatchUpConfig} config
 */
async function sweep(n8n, sandbox, chat, config) {
	const chats = config.sweepChats;
	// right after a check: the webhooks are done long before the next one
	await nextCatchUpCheck(sandbox);
	const createdAt = Date.now();
	const ids = newChats(sandbox, chats, 'sweep');
	const deliveredAt = await waitDelivered(sandbox, ids, 120_000);
	await kommoQuiet(sandbox, 2000);
	const windowSeq = lastSeq(sandbox);
	const windowStart = Date.now();
	// each chat is handed over once here, and once more 10 minutes later (Look Again After) at the
	// same cost per look: the bench waits for the first looks only
	const checks = Math.ceil(chats / config.catchUpChats) + 1;
	const deadline = windowStart + checks * 60_000 + 45_000;
	let looked = 0;
	while (Date.now() < deadline) {
		await delay(5000);
		const list = await executionsOf(n8n, chat.id, {
			mode: 'integrated',
			startedAfter: windowStart,
		}).catch(() => []);
		looked = list.length;
		if (looked >= chats && list.every((e) => !['new', 'running'].includes(e.status))) break;
	}
	await kommoQuiet(sandbox, 3000);
	const windowEnd = Date.now();
	const window = logAfter(sandbox, windowSeq);
	const kommo = window.filter((e) => e.api === 'kommo');
	const runs = await catchUpRuns(n8n, chat.id, windowStart);
	const ofTheseChats = runs.filter(
		(run) => run.conversationId !== null && ids.includes(run.conversationId),
	);
	const before = await executionsOf(n8n, chat.id, {
		mode: 'integrated',
		startedAfter: createdAt,
	}).catch(() => []);
	return {
		chats,
		chatsPerCheck: config.catchUpChats,
		webhookDeliverySeconds: deliveredAt ? round((deliveredAt - createdAt) / 1000, 1) : null,
		// the catch-up's runs that started while the webhooks were delivering (0 expected)
		catchUpRunsBeforeWindow: before.filter((e) => Date.parse(e.startedAt) < windowStart).length,
		windowSeconds: round((windowEnd - windowStart) / 1000, 0),
		searches: window.filter(isCatchUpSearch).length,
		catchUpRuns: runs.length,
		catchUpRunsOfTheseChats: ofTheseChats.length,
		catchUpRunsByReason: histogram(runs.map((run) => run.reason)),
		catchUpRunsByStatus: histogram(runs.map((run) => run.status)),
		// answered ones only: `null < 300` is true, so an open request would count as written
		notesWritten: window.filter((e) => isNotePost(e) && e.status !== null && e.status < 300).length,
		intercomCalls: window.filter((e) => e.api === 'intercom' && !isCatchUpSearch(e)).length,
		kommoCalls: kommo.length,
		kommo429: kommo.filter((e) => e.status === 429).length,
		kommoCallsPerLook: runs.length ? round(kommo.length / runs.length, 2) : null,
		kommoCallsPerChat: round(kommo.length / chats, 2),
		kommoCallsByShape: histogram(kommo.map(shape)),
		doubledMessages: countDelivered(sandbox.state, ids).doubled.length,
	};
}

/**
 * 3. The history import: Import History 25 days, BENCH_HISTORY_CHATS per check.
 * @param {N8nProcess} n8n
 * @param {Sandbox} sandbox
 * @param {TemplateWorkflow} chat
 * @param {CatchUpConfig} config
 */
async function historyImport(n8n, sandbox, chat, config) {
	const count = config.history;
	sandbox.seed(historySeed({ count, days: 20, startId: HISTORY_FIRST_ID }), { merge: true });
	const ids = Array.from({ length: count }, (_, index) => String(HISTORY_FIRST_ID + index));
	const idSet = new Set(ids);
	const importDays = 25;
	const from = Math.floor(Date.now() / 1000) - importDays * 86_400;
	// the other chats of those 25 days (the demo seed's, the sweep's): looked at too, after these
	const otherChats = sandbox.state.intercom.conversations.filter(
		(c) => c.updated_at >= from && !idSet.has(c.id),
	).length;
	const seq = lastSeq(sandbox);
	const started = Date.now();
	await setCatchUp(n8n, chat, { importDays, maxChats: config.historyChats });
	const publishedAt = Date.now();
	const timeline = [];
	let doneAt = null;
	while (Date.now() - started < config.historyTimeoutMs) {
		const counts = countDelivered(sandbox.state, ids);
		const missingChats = new Set(counts.missing.map((line) => line.split(':')[0])).size;
		timeline.push({ t: round((Date.now() - started) / 1000, 0), chatsIn: count - missingChats });
		if (missingChats === 0) {
			doneAt = Date.now();
			break;
		}
		await delay(2000);
	}
	// the moment the last note was stored, not the poll that saw it
	const window = logAfter(sandbox, seq).filter(
		(e) => doneAt === null || Date.parse(e.time) <= doneAt,
	);
	const notes = window.filter((e) => isNotePost(e) && e.status !== null && e.status < 300);
	const lastNote = notes.at(-1);
	const endMs = lastNote ? Date.parse(lastNote.time) + (lastNote.durationMs ?? 0) : Date.now();
	const seconds = (endMs - started) / 1000;
	const kommo = window.filter((e) => e.api === 'kommo' && Date.parse(e.time) <= endMs);
	await kommoQuiet(sandbox, 3000);
	const counts = countDelivered(sandbox.state, ids);
	return {
		chats: count,
		days: 20,
		importDays,
		chatsPerCheck: config.historyChats,
		otherChatsInTheImportWindow: otherChats,
		messages: counts.messages,
		complete: doneAt !== null,
		publishSeconds: round((publishedAt - started) / 1000, 1),
		secondsUntilLastMessage: round(seconds, 0),
		chatsPerMinute: doneAt ? round(count / (seconds / 60), 1) : null,
		kommoCalls: kommo.length,
		kommo429: kommo.filter((e) => e.status === 429).length,
		kommoCallsPerSecond: round(kommo.length / seconds, 2),
		fractionOfKommoLimit: round(kommo.length / seconds / KOMMO_LIMIT, 2),
		kommoCallsPerChat: round(kommo.length / count, 2),
		searches: window.filter(isCatchUpSearch).length,
		missing: counts.missing.length,
		doubled: counts.doubled.length,
		timeline: timeline.filter((_, i) => i % 5 === 0),
	};
}

// ------------------------------------------------------------------ report

/**
 * The figures of bench/results/catch-up.md: one row per measurement that ran.
 * @param {Record<string, any>} r the leg's results
 */
function markdownTable(r) {
	const rows = [['Figure', 'Value']];
	const q = r.quiet;
	if (q)
		rows.push([
			`Quiet workspace: ${q.seconds} s without a change in Intercom`,
			`${q.searches} search(es), ${q.kommoCalls} Kommo call(s)`,
		]);
	const s = r.sweep;
	if (s) {
		rows.push(
			[
				`Sweep: ${s.chats} chats delivered by webhook, then ${s.windowSeconds} s of catch-up (${s.chatsPerCheck} per check)`,
				`${s.catchUpRuns} runs (${Object.entries(s.catchUpRunsByReason)
					.map(([k, v]) => `${k} ${v}`)
					.join(', ')}), ${s.notesWritten} note(s) written`,
			],
			[
				'Sweep: Kommo calls ÷ chats looked at (runs)',
				`${s.kommoCalls} ÷ ${s.catchUpRuns} = ${s.kommoCallsPerLook} (${s.kommoCallsPerChat} per chat; 429s ${s.kommo429})`,
			],
			['Sweep: Intercom calls besides the searches', `${s.intercomCalls} (${s.searches} searches)`],
		);
	}
	const h = r.history;
	if (h) {
		rows.push(
			[
				`History import: ${h.chats} chats of ${h.days} days, Import History ${h.importDays} days, ${h.chatsPerCheck} per check`,
				h.complete
					? `all ${h.messages} messages in ${h.secondsUntilLastMessage} s (missing ${h.missing}, doubled ${h.doubled})`
					: `not complete after ${h.secondsUntilLastMessage} s (missing ${h.missing})`,
			],
			['History import: chats per minute', String(h.chatsPerMinute ?? '—')],
			[
				'History import: Kommo calls per second ÷ 7 (fraction of the limit)',
				`${h.kommoCallsPerSecond} ÷ 7 = ${h.fractionOfKommoLimit} (${h.kommoCalls} calls, ${h.kommoCallsPerChat} per chat, 429s ${h.kommo429})`,
			],
		);
	}
	return rows
		.map((row, i) => `| ${row.join(' | ')} |${i === 0 ? '\n| --- | --- |' : ''}`)
		.join('\n');
}

// ------------------------------------------------------------------ the leg

export async function catchUpLeg() {
	const config = settings();
	const started = Date.now();
	mkdirSync(outDir, { recursive: true });
	rmSync(logRoot, { recursive: true, force: true });
	mkdirSync(logRoot, { recursive: true });
	const results = {
		leg: 'catch-up: quiet workspace, sweep of delivered chats, history import',
		n8n: VERSION,
		node: process.version,
		command: process.argv.slice(1).join(' '),
		machine: {
			cpus: os.cpus().length,
			model: os.cpus()[0]?.model,
			loadavgAtStart: os.loadavg().map((v) => round(v, 2)),
		},
		config,
		startedAt: new Date().toISOString(),
	};
	const work = makeWorkDir('bench-catch-up');
	let sandbox;
	let n8n;
	try {
		log(
			`catch-up leg: n8n ${VERSION}, ${config.sweepChats} chats swept, history of ${config.history}`,
		);
		const install = await ensureN8n(VERSION, path.join(logRoot, 'install.log'));
		const userFolder = path.join(logRoot, 'n8n-user');
		await installPackage(userFolder, work, path.join(logRoot, 'package.log'));
		sandbox = await createSandbox({ port: 0, seed: 'default', logLimit: 1_000_000 });
		n8n = new N8n({ installDir: install.dir, userFolder, outDir: logRoot });
		await n8n.init();
		const chat = await importChatTemplate(
			n8n,
			sandboxCredentials(sandbox, { kommoLimit: KOMMO_LIMIT }),
			TEMPLATE_FILES.chat,
			work,
		);
		await n8n.start();
		await n8n.signIn(BENCH_OWNER);
		// docs/catch-up.md: Import History 0 starts from now; published from the editor
		await setCatchUp(n8n, chat, { importDays: 0, maxChats: config.catchUpChats });
		const url = (await productionUrl(n8n, chat)).url;
		await waitForWebhook(url);
		log(`catch-up leg: n8n on ${n8n.baseUrl} (pid ${n8n.child?.pid}), chat workflow published`);
		// what a user ticks in the Developer Hub; Intercom's one retry a minute later
		sandbox.configure({ intercomWebhookRetryDelayMs: INTERCOM_RETRY_MS });
		sandbox.subscribeIntercom({ url, topics: README_TOPICS });

		log(`catch-up leg: a quiet period (${PERIOD_MS / 1000} s)`);
		results.quiet = await quietPeriod(sandbox);
		log(`catch-up leg: sweep of ${config.sweepChats} chats delivered by webhook`);
		results.sweep = await sweep(n8n, sandbox, chat, config);
		if (config.history > 0) {
			log(
				`catch-up leg: history import of ${config.history} chats, ${config.historyChats} per check`,
			);
			results.history = await historyImport(n8n, sandbox, chat, config);
		}
		results.executions = histogram(
			(await executionsOf(n8n, chat.id).catch(() => [])).map((e) => `${e.mode} ${e.status}`),
		);
	} catch (error) {
		results.error = String(error?.stack ?? error);
		log(`catch-up leg stopped: ${results.error}`);
		process.exitCode = 1;
	} finally {
		await n8n?.stop().catch(() => undefined);
		if (sandbox) writeFileSync(path.join(logRoot, 'sandbox-log.json'), JSON.stringify(sandbox.log));
		await sandbox?.close().catch(() => undefined);
		rmSync(work, { recursive: true, force: true });
	}
	results.totalSeconds = round((Date.now() - started) / 1000, 0);
	writeFileSync(path.join(outDir, 'catch-up.json'), JSON.stringify(results, null, '\t'));
	const table = markdownTable(results);
	writeFileSync(path.join(outDir, 'catch-up.md'), `${table}\n`);
	process.stdout.write(`\nCatch-up (one process)\n\n${table}\n`);
	if (results.error) process.stdout.write(`\nERROR: ${results.error}\n`);
	process.stdout.write(
		`\nRaw numbers: bench/results/catch-up.json (total ${results.totalSeconds} s)\n`,
	);
	return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	process.env.GENERIC_TIMEZONE ??= 'UTC';
	await catchUpLeg();
}
