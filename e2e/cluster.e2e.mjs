// The template e2e suite on n8n's queue mode: the real local cluster of n8n-driver/cluster.mjs
// (PostgreSQL 15, Redis 7, nginx round-robin in front of two `n8n webhook` processes, n8n 2.41.1
// main and two workers, the packed package in every user folder) against the sandbox.
//
//   sh scripts/e2e.sh cluster               the queue-mode chat template (what a queue-mode user imports)
//   sh scripts/e2e.sh cluster one-process   the one-process template on the cluster: the
//                                           "mechanism switched off" run, expected to FAIL
//
// Set-up as the README tells a queue-mode user: every file of workflows/ imported as shipped, the
// queue-mode chat template and the stage template published, the credentials "Intercom account",
// "Kommo account" (Max Requests per Second 3: 7 ÷ 2 workers, rounded down) and "Redis account"
// (the cluster's Redis), one Stage → Intercom Tag row. With the one-process template the Kommo
// credential keeps 7 (what that template's user has) and there is no Redis credential.
//
// The same scenarios and assertions as the one-process suite (e2e/scenarios/scenarios.mjs), then what
// only a cluster shows: redeliveries on different webhook processes, 20 chats with concurrent
// notifications on both workers, a worker SIGKILLed in a burst of 50 chats and restarted, main
// restarted, the sum of Kommo calls per second. Figures: results.json and figures.json in
// e2e/.out/cluster-<template>/ (with every process's log, nginx's upstream log, sandbox state).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { ensureDebianPackages, startCluster } from '../n8n-driver/cluster.mjs';
import { checkRecorder } from './support/checks.mjs';
import {
	E2E_OWNER,
	ensureN8n,
	installPackage,
	log,
	makeWorkDir,
	repoRoot,
} from '../n8n-driver/n8n.mjs';
import { createScenarios } from './scenarios/scenarios.mjs';
import { createCatchUpScenarios } from './scenarios/catchUp.mjs';
import {
	TEMPLATE_FILES,
	importTemplates,
	nodesWithoutCredential,
	productionUrl,
	publishWithCli,
	readTemplate,
	sandboxCredentials,
	templatesDir,
	waitForWebhook,
	setCatchUp,
} from '../n8n-driver/templates.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');
const { IDS } = require('../sandbox/seed.js');

const version = '2.41.1';
const WORKERS = 2;
const queueModeFile = TEMPLATE_FILES.queueChat;
const template =
	process.argv[2] ??
	process.env.E2E_CLUSTER_TEMPLATE ??
	(existsSync(path.join(templatesDir, queueModeFile)) ? 'queue-mode' : 'one-process');
if (!['queue-mode', 'one-process'].includes(template))
	throw new Error(`unknown template "${template}" (queue-mode | one-process)`);
const queueMode = template === 'queue-mode';
const chatKey = queueMode ? 'queueChat' : 'chat';
const chatFile = TEMPLATE_FILES[chatKey];
// README, queue mode: Max Requests per Second = 7 ÷ workers, rounded down
const kommoLimit = queueMode ? Math.floor(7 / WORKERS) : 7;
const outDir = path.join(repoRoot, 'e2e', '.out', `cluster-${template}`);
const quietMs = Number(process.env.E2E_QUIET_MS ?? 4000);
const BURST_CHATS = Number(process.env.E2E_CLUSTER_BURST ?? 50);
const SPREAD_CHATS = Number(process.env.E2E_CLUSTER_SPREAD ?? 20);
const owner = E2E_OWNER;
process.env.GENERIC_TIMEZONE = 'UTC';

const transcriptNode = readTemplate(chatFile).nodes.find((n) => n.name === 'Transcript');
const linkAppId = transcriptNode?.parameters?.appId ? IDS.intercom.appId : '_';

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const { results, check, save, crashed } = checkRecorder(outDir);
const figures = { template, chatFile, kommoLimitPerWorker: kommoLimit, workers: WORKERS };
function figure(name, value) {
	figures[name] = value;
	log(`FIGURE ${name} = ${JSON.stringify(value)}`);
}

let cluster;
let publicUrl;
const toPublicUrl = (url) => url.replace(cluster.main.baseUrl, publicUrl);
const scenarios = createScenarios({
	check,
	save,
	linkAppId,
	quietMs,
	toPublicUrl,
	settleTimeoutMs: 180_000,
});
const catchUp = createCatchUpScenarios({
	check,
	save,
	sandboxState: scenarios.sandboxState,
	figure,
});
const {
	sandboxState,
	chatScenarios,
	duplicateContactScenario,
	visitorScenario,
	restartScenario,
	staticDataWipedScenario,
	stageScenarios,
} = scenarios;

// ------------------------------------------------------------------ cluster observation

/** A query on n8n's database (the cluster's own psql helper talks to the `postgres` database). */
function sql(query) {
	return execFileSync(
		'psql',
		[
			'-h',
			'127.0.0.1',
			'-p',
			String(cluster.postgres.port),
			'-U',
			'postgres',
			'-d',
			'n8n',
			'-v',
			'ON_ERROR_STOP=1',
			'-qAt',
			'-c',
			query,
		],
		{ stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 },
	).toString();
}

/** Executions of a workflow straight from PostgreSQL (the REST list stops at 100). */
/**
 * The executions of a workflow after `afterId`, by default those a webhook started: the chat
 * template's catch-up starts its own (mode `trigger`, and `integrated` for each chat it hands over
 * to the workflow itself), which the checks of webhook traffic leave out. `mode: null`: all.
 */
function dbExecutions(workflowId, afterId = 0, { mode = 'webhook' } = {}) {
	const byMode = mode ? ` and mode = '${mode}'` : '';
	const rows = sql(
		`select id, status, coalesce(to_char("stoppedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS'), '') from execution_entity where "workflowId" = '${workflowId}' and id > ${Number(afterId)}${byMode} order by id`,
	);
	return rows
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const [id, status, stoppedAt] = line.split('|');
			return { id: Number(id), status, stoppedAt };
		});
}

function lastExecutionId() {
	return Number(sql('select coalesce(max(id), 0) from execution_entity').trim());
}

/** executionId → worker index, from the workers' "Worker started execution N" log lines. */
function executionsByWorker() {
	const byExecution = new Map();
	for (const file of readdirSync(outDir)) {
		const match = /^n8n-worker-(\d+)-\d+\.log$/.exec(file);
		if (!match) continue;
		const text = readFileSync(path.join(outDir, file), 'utf8');
		for (const m of text.matchAll(/Worker started execution (\d+) \(job (\d+)\)/g))
			byExecution.set(Number(m[1]), { worker: Number(match[1]), job: Number(m[2]), file });
	}
	return byExecution;
}

/** Waits until the executions after `afterId` number ≥ `atLeast` and none is new/running
 * (except `ignore`d ids), stable for `stableMs`. */
async function settleDb(
	workflowId,
	afterId,
	atLeast,
	{ ignore = new Set(), timeoutMs = 300_000, stableMs = 3000, mode = 'webhook' } = {},
) {
	const started = Date.now();
	let stableSince = Date.now();
	let last = '';
	let list = [];
	while (Date.now() - started < timeoutMs) {
		list = dbExecutions(workflowId, afterId, { mode });
		const open = list.filter(
			(e) => ['new', 'running', 'waiting'].includes(e.status) && !ignore.has(e.id),
		);
		const key = `${list.length}/${open.length}`;
		if (list.length >= atLeast && open.length === 0) {
			if (key !== last) stableSince = Date.now();
			else if (Date.now() - stableSince >= stableMs) return list;
		}
		last = key;
		await delay(1000);
	}
	log(`settleDb: timed out with ${list.length} execution(s)`);
	return list;
}

/** Kommo requests in [from, to]: total, 429s, max per calendar second, max in any 1000 ms. */
function kommoRate(sandbox, from, to) {
	const entries = sandbox.log.filter((entry) => {
		const t = Date.parse(entry.time);
		return entry.api === 'kommo' && t >= from && t <= to;
	});
	const times = entries.map((entry) => Date.parse(entry.time)).sort((a, b) => a - b);
	const perSecond = new Map();
	for (const t of times)
		perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
	let sliding = 0;
	for (let i = 0, j = 0; i < times.length; i++) {
		while (times[i] - times[j] >= 1000) j++;
		sliding = Math.max(sliding, i - j + 1);
	}
	const accepted = entries.filter((entry) => entry.status !== 429);
	const acceptedTimes = accepted.map((entry) => Date.parse(entry.time)).sort((a, b) => a - b);
	let slidingAccepted = 0;
	for (let i = 0, j = 0; i < acceptedTimes.length; i++) {
		while (acceptedTimes[i] - acceptedTimes[j] >= 1000) j++;
		slidingAccepted = Math.max(slidingAccepted, i - j + 1);
	}
	return {
		requests: entries.length,
		status429: entries.filter((entry) => entry.status === 429).length,
		maxPerCalendarSecond: Math.max(0, ...perSecond.values()),
		maxInAny1000ms: sliding,
		maxAcceptedInAny1000ms: slidingAccepted,
		seconds: perSecond.size,
	};
}

/** Executions after `afterId` that ended on a Kommo 429 (a rate-limit error their retries did not cure). */
async function rateLimitFailures(workflowId, afterId) {
	const failed = [];
	for (const e of dbExecutions(workflowId, afterId).filter((x) => x.status !== 'success')) {
		const error = (await cluster.main.execution(e.id).catch(() => undefined))?.data?.resultData
			?.error;
		if (/429|rate limit/i.test(`${error?.message ?? ''} ${error?.description ?? ''}`))
			failed.push(`#${e.id} ${error.node?.name ?? '?'}: ${String(error.message).slice(0, 120)}`);
	}
	return failed;
}

/**
 * The rate check: at most 7 Kommo calls in any 1000 ms, sliding (stricter than the sandbox's
 * per-calendar-second count, which is reported with it, from its request log), and no execution
 * lost to a 429.
 */
function rateDetail(rate, limitFailures) {
	return `${rate.requests} Kommo calls, max ${rate.maxPerCalendarSecond} per calendar second, max ${rate.maxInAny1000ms} in any sliding 1000 ms, ${rate.status429} × 429; executions failed on a 429: ${limitFailures.length ? limitFailures.join('; ') : 'none'}`;
}

// ------------------------------------------------------------------ what the shared scenarios 9 and 10 do here

/**
 * 9. Every n8n process of the cluster stopped (SIGTERM, as systemd or `docker compose restart`
 * stops them) and started again: main, both webhook processes, both workers. PostgreSQL, Redis and
 * nginx stay up, as they do when only n8n is restarted or upgraded.
 */
async function restartEveryN8nProcess(chat, stage, during = async () => {}) {
	const started = Date.now();
	const { main, webhookProcesses, workerProcesses } = cluster;
	for (const n8n of [...webhookProcesses, ...workerProcesses, main]) await n8n.stop();
	await during();
	const stoppedSeconds = (Date.now() - started) / 1000;
	await main.start();
	for (const n8n of [...webhookProcesses, ...workerProcesses]) await n8n.start();
	await main.signIn(owner);
	for (const workflow of [chat, stage]) {
		// through nginx: once per webhook process
		for (let i = 0; i < webhookProcesses.length * 2; i++) await waitForWebhook(workflow.url);
	}
	const seconds = (Date.now() - started) / 1000;
	figure('restartEveryN8nProcess', { stoppedSeconds, seconds });
	return `main, ${webhookProcesses.length} webhook processes and ${workerProcesses.length} workers stopped and started again (${seconds.toFixed(1)} s)`;
}

/**
 * 10. The static data wiped in PostgreSQL while the cluster runs, as an admin with psql could. The
 * webhook processes read a workflow (and its static data) from the database for every call.
 */
async function wipeStaticDataPostgres(workflowId) {
	const id = String(workflowId).replace(/'/g, "''");
	const before = sql(
		`select coalesce("staticData"::text, 'null') from workflow_entity where id = '${id}'`,
	).trim();
	const updated = sql(
		`with changed as (update workflow_entity set "staticData" = NULL where id = '${id}' returning 1) select count(*) from changed`,
	).trim();
	return {
		before: before === '' ? null : JSON.parse(before),
		rows: Number(updated),
		how: 'UPDATE workflow_entity SET "staticData" = NULL in PostgreSQL, cluster running',
	};
}

// ------------------------------------------------------------------ chats of the cluster scenarios

/** Seeds `count` new customers, each with one new chat (source message), ids `base+1…`. */
function seedChats(sandbox, base, count, label) {
	const now = Math.floor(Date.now() / 1000);
	const chats = [];
	const contacts = [];
	const conversations = [];
	for (let i = 1; i <= count; i++) {
		const id = String(base + i);
		const intercomId = `65f0c0de00000000${id.padStart(8, '0')}`;
		const email = `customer-${id}@${label}.example`;
		const text = `Chat ${id}: hello from customer ${id}, do you have a ${label} plan?`;
		contacts.push({
			id: intercomId,
			role: 'user',
			name: `Customer ${id}`,
			email,
			created_at: now - 3600,
		});
		conversations.push({
			id,
			created_at: now - 30,
			contacts: [intercomId],
			source: {
				id: `4${id.padStart(8, '0')}`,
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: intercomId },
				body: `<p>${text}</p>`,
			},
			parts: [],
			tags: [],
		});
		chats.push({ id, email, texts: [text] });
	}
	sandbox.seed({ intercom: { contacts, conversations } }, { merge: true });
	return chats;
}

/** Every message of every chat counted over all Kommo notes of that chat. */
function messageCounts(state, chats) {
	const perChat = [];
	let duplicated = 0;
	let lost = 0;
	for (const chat of chats) {
		const notes = state.kommo.notes.filter((note) =>
			String(note.params?.text ?? '').startsWith(`[Intercom] Chat #${chat.id} `),
		);
		const all = notes.map((note) => note.params.text).join('\n');
		const counts = chat.texts.map((text) => all.split(`]: ${text}`).length - 1);
		duplicated += counts.reduce((sum, c) => sum + Math.max(0, c - 1), 0);
		lost += counts.filter((c) => c === 0).length;
		const leads = new Set(notes.map((note) => Number(note.entity_id)));
		perChat.push({ id: chat.id, counts, notes: notes.length, leads: [...leads] });
	}
	return {
		messages: chats.reduce((sum, chat) => sum + chat.texts.length, 0),
		duplicated,
		lost,
		perChat,
		chatsWithDuplicates: perChat.filter((c) => c.counts.some((n) => n > 1)).map((c) => c.id),
		chatsWithLosses: perChat.filter((c) => c.counts.some((n) => n === 0)).map((c) => c.id),
		chatsOnSeveralDeals: perChat.filter((c) => c.leads.length > 1).map((c) => c.id),
	};
}

const send = (sandbox, url, topic, conversationId, extra = {}) =>
	sandbox.sendIntercomWebhook({ url, topic, conversationId, ...extra }).catch((error) => ({
		status: `error ${error.code ?? error.message}`,
	}));

function upstreamLines(fromOffset, urlPath) {
	const file = cluster.nginx.upstreamLog;
	const text = readFileSync(file, 'utf8').slice(fromOffset);
	return text
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const [msec, method, uri, status, upstream, requestTime] = line.split(' ');
			return {
				msec: Number(msec),
				method,
				uri,
				status: Number(status),
				upstream,
				requestTime: Number(requestTime),
			};
		})
		.filter((line) => line.method === 'POST' && line.uri.startsWith(urlPath));
}
const logOffset = () =>
	existsSync(cluster.nginx.upstreamLog) ? statSync(cluster.nginx.upstreamLog).size : 0;

// ------------------------------------------------------------------ cluster-only scenarios

/** The webhook answers' times as nginx logged them ($request_time). */
function answerTimes(lines) {
	const times = lines.map((line) => line.requestTime).sort((a, b) => a - b);
	return {
		answeredWithin5s: times.filter((t) => t <= 5).length,
		answerP50Seconds: times[Math.floor(times.length / 2)] ?? null,
		answerMaxSeconds: times.at(-1) ?? null,
	};
}

/** C1. One notification delivered 3 times at once: three webhook processes' answers, one note. */
async function redeliveryAcrossProcesses(sandbox, chat) {
	const conversationId = '1003';
	const text = 'Redelivered: can the three extra seats start on Monday?';
	sandbox.appendIntercomPart(conversationId, { kind: 'customer', body: `<p>${text}</p>` });
	const afterId = lastExecutionId();
	const offset = logOffset();
	await delay(1000); // nginx writes its log line when the answer is sent
	const notificationId = `notif_cluster_${Date.now()}`;
	const answers = await Promise.all(
		[1, 2, 3].map((attempt) =>
			send(sandbox, chat.url, 'conversation.user.replied', conversationId, {
				notificationId,
				deliveryAttempts: attempt,
			}),
		),
	);
	await delay(1000);
	const lines = upstreamLines(offset, new URL(chat.url).pathname);
	const upstreams = [...new Set(lines.map((line) => line.upstream))];
	const executions = await settleDb(chat.id, afterId, 1);
	const state = await sandboxState(sandbox);
	const counts = messageCounts(state, [{ id: conversationId, texts: [text] }]);
	figure('redelivery', {
		statuses: answers.map((a) => a.status),
		upstreams: lines.map((line) => line.upstream),
		executions: executions.length,
		messageCount: counts.perChat[0].counts[0],
	});
	check(
		'C1. 3× the same notification at once → all 200, nginx sent them to both webhook processes',
		answers.every((a) => a.status === 200) &&
			lines.length === 3 &&
			upstreams.length === cluster.webhookProcesses.length,
		`statuses ${answers.map((a) => a.status).join(',')}; nginx: ${lines.map((l) => `${l.status}→${l.upstream}`).join(', ')}; webhook processes on ${cluster.webhookProcesses.map((n) => n.port).join(', ')}`,
	);
	check(
		'C1. … and its message is in Kommo exactly once',
		counts.perChat[0].counts[0] === 1,
		`found ${counts.perChat[0].counts[0]}×; ${executions.length} execution(s)`,
	);
}

/** C2. 20 new chats, each with its created and replied notification at the same moment. */
async function concurrentChats(sandbox, chat) {
	const chats = seedChats(sandbox, 2000, SPREAD_CHATS, 'spread');
	for (const c of chats) {
		const reply = `Chat ${c.id}: and a second question right after the first.`;
		sandbox.appendIntercomPart(c.id, { kind: 'customer', body: `<p>${reply}</p>` });
		c.texts.push(reply);
	}
	const before = await sandboxState(sandbox);
	const afterId = lastExecutionId();
	const offset = logOffset();
	const started = Date.now();
	const answers = await Promise.all(
		chats.flatMap((c) => [
			send(sandbox, chat.url, 'conversation.user.created', c.id),
			send(sandbox, chat.url, 'conversation.user.replied', c.id),
		]),
	);
	const answered = Date.now();
	const executions = await settleDb(chat.id, afterId, answers.length);
	const drained = Date.now();
	const state = await sandboxState(sandbox);
	save('state-C2.json', state);
	const counts = messageCounts(state, chats);
	const byWorker = executionsByWorker();
	const perWorker = {};
	for (const e of executions) {
		const worker = byWorker.get(e.id)?.worker ?? 'unknown';
		perWorker[worker] = (perWorker[worker] ?? 0) + 1;
	}
	const newLeads = state.kommo.leads.length - before.kommo.leads.length;
	const newContacts = state.kommo.contacts.length - before.kommo.contacts.length;
	const rate = kommoRate(sandbox, started, drained);
	const lines = upstreamLines(offset, new URL(chat.url).pathname);
	const perWebhookProcess = {};
	for (const line of lines)
		perWebhookProcess[line.upstream] = (perWebhookProcess[line.upstream] ?? 0) + 1;
	const statuses = {};
	for (const e of executions) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
	figure('concurrent20', {
		chats: chats.length,
		notifications: answers.length,
		answered200: answers.filter((a) => a.status === 200).length,
		...answerTimes(lines),
		answerSeconds: (answered - started) / 1000,
		drainSeconds: (drained - started) / 1000,
		executions: executions.length,
		executionStatuses: statuses,
		executionsPerWorker: perWorker,
		notificationsPerWebhookProcess: perWebhookProcess,
		messages: counts.messages,
		duplicated: counts.duplicated,
		lost: counts.lost,
		newLeads,
		newContacts,
		kommo: rate,
	});
	check(
		`C2. ${chats.length} chats × (created + replied) at once → all ${answers.length} answered 200`,
		answers.every((a) => a.status === 200),
		`${answers.filter((a) => a.status === 200).length}/${answers.length} in ${((answered - started) / 1000).toFixed(1)} s`,
	);
	check(
		`C2. both workers ran executions`,
		Object.keys(perWorker).filter((w) => w !== 'unknown').length === WORKERS,
		JSON.stringify(perWorker),
	);
	check(
		`C2. 0 duplicated, 0 lost of ${counts.messages} messages`,
		counts.duplicated === 0 && counts.lost === 0,
		`duplicated ${counts.duplicated} (chats ${counts.chatsWithDuplicates.join(',') || '-'}), lost ${counts.lost} (chats ${counts.chatsWithLosses.join(',') || '-'})`,
	);
	check(
		`C2. one new deal and one new contact per chat`,
		newLeads === chats.length &&
			newContacts === chats.length &&
			counts.chatsOnSeveralDeals.length === 0,
		`${newLeads} lead(s), ${newContacts} contact(s) for ${chats.length} chats; chats on several deals: ${counts.chatsOnSeveralDeals.join(',') || '-'}`,
	);
	const limitFailures = await rateLimitFailures(chat.id, afterId);
	check(
		`C2. Kommo calls of all workers together ≤ 7 per second; every 429 retried without loss`,
		rate.maxInAny1000ms <= 7 && limitFailures.length === 0 && counts.lost === 0,
		`${rateDetail(rate, limitFailures)}; drained in ${((drained - started) / 1000).toFixed(1)} s`,
	);
	check(
		'C2. every execution succeeded',
		executions.every((e) => e.status === 'success'),
		JSON.stringify(statuses),
	);
	return chats;
}

/** C3. A burst of 50 new chats; worker 1 is SIGKILLed in the middle of it and restarted. */
async function workerKilledInBurst(sandbox, chat) {
	const chats = seedChats(sandbox, 3000, BURST_CHATS, 'burst');
	const afterId = lastExecutionId();
	const offset = logOffset();
	const started = Date.now();
	const answersPromise = Promise.all(
		chats.map((c) => send(sandbox, chat.url, 'conversation.user.created', c.id)),
	);
	const victim = cluster.workerProcesses[0];
	const victimStartsBeforeKill = victim.starts;
	// kill when the victim runs executions of the burst and some chats are already in Kommo
	let runningOnVictim = [];
	const notesAtStart = sandbox.state.kommo.notes.length;
	while (Date.now() - started < 120_000) {
		const byWorker = executionsByWorker();
		const list = dbExecutions(chat.id, afterId);
		runningOnVictim = list.filter(
			(e) => e.status === 'running' && byWorker.get(e.id)?.worker === victim.index,
		);
		const written = sandbox.state.kommo.notes.length - notesAtStart;
		if (runningOnVictim.length >= 2 && written >= Math.max(3, Math.floor(chats.length / 5))) break;
		await delay(250);
	}
	const statusAtKill = new Map(dbExecutions(chat.id, afterId).map((e) => [e.id, e.status]));
	const notesAtKill = sandbox.state.kommo.notes.length - notesAtStart;
	await victim.kill('SIGKILL');
	const killedAt = Date.now();
	const byWorkerAtKill = executionsByWorker();
	const unfinishedOnVictim = [...statusAtKill]
		.filter(
			([id, status]) =>
				byWorkerAtKill.get(id)?.worker === victim.index && ['new', 'running'].includes(status),
		)
		.map(([id]) => id);
	const conversationAtKill = new Map(unfinishedOnVictim.map((id) => [id, conversationOf(id)]));
	log(
		`SIGKILL worker ${victim.index} after ${((killedAt - started) / 1000).toFixed(1)} s; running there: ${unfinishedOnVictim.join(',')}`,
	);
	const answers = await answersPromise;
	const answered = Date.now();
	await delay(3000);
	const restartSeconds = await victim.start();
	log(`worker ${victim.index} restarted in ${restartSeconds.toFixed(1)} s`);

	// Everything else finishes; the killed worker's executions stay "running" in the DB.
	let executions = await settleDb(
		chat.id,
		afterId,
		answers.filter((a) => a.status === 200).length,
		{
			ignore: new Set(unfinishedOnVictim),
		},
	);
	const drained = Date.now();
	let stillRunning = [];
	// n8n 2.41.1 runs Bull with maxStalledCount 0: once the dead worker's job lock (60 s) ran out,
	// a live worker's stalled-job check (every 30 s) fails the job ("job stalled more than
	// maxStalledCount"), and the webhook process that enqueued it (WorkflowRunner, waiting on
	// job.finished()) stores the execution as "error" (MaxStalledCountError). Nothing re-runs it.
	const killedStatus = new Map();
	while (Date.now() - killedAt < 240_000) {
		const list = dbExecutions(chat.id, afterId);
		for (const e of list) if (unfinishedOnVictim.includes(e.id)) killedStatus.set(e.id, e.status);
		if (unfinishedOnVictim.every((id) => !['new', 'running'].includes(killedStatus.get(id)))) break;
		await delay(2000);
	}
	const killedSettledSeconds = (Date.now() - killedAt) / 1000;
	const failedReasons = [];
	for (const id of unfinishedOnVictim) {
		const execution = await cluster.main.execution(id).catch(() => undefined);
		save(`execution-killed-${id}.json`, execution ?? null);
		const error = execution?.data?.resultData?.error;
		failedReasons.push({
			executionId: id,
			conversationId: conversationAtKill.get(id),
			status: killedStatus.get(id),
			error: error ? `${error.name ?? ''} ${error.message ?? ''}`.trim().slice(0, 240) : null,
			lastNode: execution?.data?.resultData?.lastNodeExecuted ?? null,
		});
	}
	executions = dbExecutions(chat.id, afterId);
	stillRunning = executions.filter((e) => ['new', 'running'].includes(e.status)).map((e) => e.id);
	const rerun = [...executionsByWorker()].filter(
		([id, where]) => unfinishedOnVictim.includes(id) && where.worker !== victim.index,
	);
	const state = await sandboxState(sandbox);
	save('state-C3-after-kill.json', state);
	const counts = messageCounts(state, chats);
	const rate = kommoRate(sandbox, started, drained);
	const byWorker = executionsByWorker();
	const perWorker = {};
	for (const e of executions) {
		const where = byWorker.get(e.id);
		// the log of the start after the kill (n8n-worker-<index>-<start>.log)
		const restarted =
			where?.worker === victim.index &&
			Number(/-(\d+)\.log$/.exec(where.file)?.[1]) > victimStartsBeforeKill;
		const key = where
			? `worker-${where.worker}${restarted ? ' (restarted)' : ''}`
			: 'never started';
		perWorker[key] = (perWorker[key] ?? 0) + 1;
	}
	figure('burst50', {
		chats: chats.length,
		answered200: answers.filter((a) => a.status === 200).length,
		...answerTimes(upstreamLines(offset, new URL(chat.url).pathname)),
		answerSeconds: (answered - started) / 1000,
		killedAfterSeconds: (killedAt - started) / 1000,
		notesWrittenAtKill: notesAtKill,
		workerRestartSeconds: restartSeconds,
		drainSeconds: (drained - started) / 1000,
		executions: executions.length,
		executionsPerWorker: perWorker,
		stillRunningInDbAfterDrain: stillRunning,
		killedExecutionsSettledAfterSeconds: killedSettledSeconds,
		killedExecutionsOutcome: failedReasons,
		reRunByN8n: rerun.map(([id]) => id),
		beforeRecovery: {
			messages: counts.messages,
			duplicated: counts.duplicated,
			lost: counts.lost,
			chatsWithLosses: counts.chatsWithLosses,
			// a chat is "killed" when its execution died with the worker; others failed by themselves
			lostInKilledExecutions: counts.chatsWithLosses.filter((id) =>
				[...conversationAtKill.values()].includes(id),
			),
			lostElsewhere: counts.chatsWithLosses.filter(
				(id) => ![...conversationAtKill.values()].includes(id),
			),
		},
		kommo: rate,
	});
	check(
		`C3. burst of ${chats.length} chats → all answered 200 although worker ${victim.index} was killed`,
		answers.every((a) => a.status === 200),
		`${answers.filter((a) => a.status === 200).length}/${answers.length}`,
	);
	check(
		`C3. worker ${victim.index} was SIGKILLed while running executions of the burst`,
		unfinishedOnVictim.length > 0,
		`after ${((killedAt - started) / 1000).toFixed(1)} s, ${notesAtKill} note(s) written; running on it: ${unfinishedOnVictim.join(',') || 'none'}`,
	);
	check(
		`C3. after the kill and restart: no message written twice`,
		counts.duplicated === 0 && counts.chatsOnSeveralDeals.length === 0,
		`duplicated ${counts.duplicated} (chats ${counts.chatsWithDuplicates.join(',') || '-'}); chats on several deals ${counts.chatsOnSeveralDeals.join(',') || '-'}`,
	);
	const limitFailures = await rateLimitFailures(chat.id, afterId);
	check(
		`C3. Kommo calls of all workers together ≤ 7 per second during the burst; every 429 retried without loss`,
		rate.maxInAny1000ms <= 7 && limitFailures.length === 0,
		rateDetail(rate, limitFailures),
	);
	const lostElsewhere = counts.chatsWithLosses.filter(
		(id) => ![...conversationAtKill.values()].includes(id),
	);
	check(
		`C3. messages are missing only from chats whose execution died with the worker`,
		lostElsewhere.length === 0,
		`missing: ${counts.chatsWithLosses.join(',') || 'none'}; killed with the worker: ${[...conversationAtKill.values()].join(',')}; other chats missing messages: ${lostElsewhere.join(',') || 'none'}`,
	);
	// What the webhook path lost with the worker, the catch-up brings: no customer writes again.
	const recoveryStarted = Date.now();
	let recovered = counts;
	while (Date.now() - recoveryStarted < 240_000) {
		recovered = messageCounts(await sandboxState(sandbox), chats);
		if (recovered.lost === 0) break;
		await delay(2000);
	}
	figure('burst50Recovery', {
		lostBeforeCatchUp: counts.lost,
		secondsUntilComplete: recovered.lost === 0 ? (Date.now() - recoveryStarted) / 1000 : null,
		lost: recovered.lost,
		duplicated: recovered.duplicated,
	});
	check(
		'C3. after the catch-up, with no further customer message: every message of the burst in Kommo exactly once',
		recovered.lost === 0 &&
			recovered.duplicated === 0 &&
			recovered.chatsOnSeveralDeals.length === 0,
		`${counts.lost} missing before the catch-up; after ${((Date.now() - recoveryStarted) / 1000).toFixed(0)} s: missing ${recovered.lost} (chats ${recovered.chatsWithLosses.join(',') || '-'}), doubled ${recovered.duplicated}`,
	);
	// Reported, not asserted: what n8n itself did with the killed executions.
	log(
		`C3. n8n with the killed executions: ${JSON.stringify(failedReasons)}; re-run by n8n: ${rerun.length ? rerun.map(([id]) => id).join(',') : 'none'}; still "running" in the DB: ${stillRunning.join(',') || 'none'}; messages missing before any recovery: ${counts.lost} (chats ${counts.chatsWithLosses.join(',') || '-'})`,
	);
	return { chats, afterId, unfinishedOnVictim, lostBefore: counts };

	function conversationOf(executionId) {
		try {
			const text = sql(
				`select data from execution_data where "executionId" = ${Number(executionId)}`,
			);
			const { parse } = cluster.main.requireFromN8n('flatted');
			return findKey(parse(text.trim()), 'conversationId');
		} catch {
			return undefined;
		}
	}
}

function findKey(value, key, seen = new Set()) {
	if (!value || typeof value !== 'object' || seen.has(value)) return undefined;
	seen.add(value);
	if (typeof value[key] === 'string' || typeof value[key] === 'number') return String(value[key]);
	for (const child of Object.values(value)) {
		const found = findKey(child, key, seen);
		if (found) return found;
	}
	return undefined;
}

/**
 * C4. Main restarted: while it is down a new chat still goes through (webhook processes and
 * workers do not need main); at its start n8n's queue recovery marks the killed executions
 * "crashed". Then the admin's recovery of those: "Retry" in the executions list (REST
 * POST /executions/:id/retry, as the editor's button). Every message exactly once after it.
 */
async function mainRestarted(sandbox, chat, stage, burst) {
	const main = cluster.main;
	const [late] = seedChats(sandbox, 4000, 1, 'restart');
	const afterId = lastExecutionId();
	const stopStarted = Date.now();
	await main.stop();
	const whileDown = await send(sandbox, chat.url, 'conversation.user.created', late.id);
	const startSeconds = await main.start();
	const downSeconds = (Date.now() - stopStarted) / 1000;
	await main.signIn(owner);
	await delay(3000);
	// (the restarted worker's event-log recovery marked its killed executions "crashed" already;
	// main's queue recovery at start looks only at executions still new/running)
	const crashed = dbExecutions(chat.id, burst.afterId)
		.filter((e) => e.status === 'crashed')
		.map((e) => e.id);
	const mainLog = await main.readLog();
	const recoveryLine = mainLog
		.split('\n')
		.find((line) => /recovered dangling executions|Marked executions as `crashed`/.test(line));
	check(
		'C4. while main was down a new chat was answered 200 (webhook processes + workers need no main)',
		whileDown.status === 200,
		`${whileDown.status}; main down ${downSeconds.toFixed(1)} s, back in ${startSeconds.toFixed(1)} s`,
	);
	let executions = await settleDb(chat.id, afterId, 1, { ignore: new Set() });
	let state = await sandboxState(sandbox);
	let lateCounts = messageCounts(state, [late]);
	check(
		'C4. … and its note was written once',
		lateCounts.duplicated === 0 && lateCounts.lost === 0,
		`${JSON.stringify(lateCounts.perChat[0])}; ${executions.length} execution(s)`,
	);
	// a reply after the restart
	const reply = `Chat ${late.id}: one more question after main came back.`;
	sandbox.appendIntercomPart(late.id, { kind: 'customer', body: `<p>${reply}</p>` });
	late.texts.push(reply);
	const replyAfterId = lastExecutionId();
	const replied = await send(sandbox, chat.url, 'conversation.user.replied', late.id);
	await settleDb(chat.id, replyAfterId, 1);
	state = await sandboxState(sandbox);
	lateCounts = messageCounts(state, [late]);
	check(
		'C4. after main restarted, a reply → 200, only the new message added (nothing written twice)',
		replied.status === 200 &&
			lateCounts.duplicated === 0 &&
			lateCounts.lost === 0 &&
			lateCounts.perChat[0].notes === 2,
		JSON.stringify(lateCounts.perChat[0]),
	);
	const activeAfter = await Promise.all(
		[chat, stage].map(async (w) => (await main.workflow(w.id)).active),
	);
	check(
		'C4. both workflows still active after main restarted',
		activeAfter.every(Boolean),
		`${activeAfter}`,
	);

	figure('mainRestart', {
		downSeconds,
		startSeconds,
		crashedAfterMainRestart: crashed,
		recoveryLogLine: recoveryLine?.slice(0, 300) ?? null,
	});
	log(
		`C4. executions of the burst in status crashed after main restarted: ${crashed.join(',') || 'none'}`,
	);

	// What an admin tries first: "Retry" (with the original workflow) on each killed execution in
	// n8n's executions list. Reported; asserted only that it writes nothing twice.
	const retried = [];
	for (const id of burst.unfinishedOnVictim) {
		try {
			const answer = await main.rest('POST', `/executions/${id}/retry`, { loadWorkflow: false });
			retried.push({ id, ok: true, status: answer?.data?.status ?? answer?.data });
		} catch (error) {
			retried.push({ id, ok: false, error: String(error.message).slice(0, 200) });
		}
	}
	await delay(2000);
	executions = await settleDb(chat.id, burst.afterId, 1, { timeoutMs: 180_000 });
	state = await sandboxState(sandbox);
	save('state-C4-after-retry.json', state);
	let after = messageCounts(state, burst.chats);
	const afterRetry = {
		lost: after.lost,
		duplicated: after.duplicated,
		chatsWithLosses: after.chatsWithLosses,
	};
	check(
		`C4. Retry of the ${burst.unfinishedOnVictim.length} killed execution(s) in n8n writes nothing twice`,
		after.duplicated === 0 && after.chatsOnSeveralDeals.length === 0,
		`retries ${retried.map((r) => `${r.id}:${r.ok ? r.status : r.error}`).join(' ')}; still missing after them: ${afterRetry.lost} message(s) (chats ${afterRetry.chatsWithLosses.join(',') || '-'})`,
	);
	// What recovers a chat whatever n8n did: its next notification. Each chat still missing a
	// message gets the customer's next message; Kommo's notes tell the Transcript what is there, so
	// the missing first message and the new one are written, each once.
	const followedUp = after.chatsWithLosses;
	const recoveryStarted = Date.now();
	if (followedUp.length) {
		for (const id of followedUp) {
			const text = `Chat ${id}: hello again, any answer?`;
			sandbox.appendIntercomPart(id, { kind: 'customer', body: `<p>${text}</p>` });
			burst.chats.find((c) => c.id === id).texts.push(text);
		}
		const followAfterId = lastExecutionId();
		const answers = await Promise.all(
			followedUp.map((id) => send(sandbox, chat.url, 'conversation.user.replied', id)),
		);
		await settleDb(chat.id, followAfterId, answers.filter((a) => a.status === 200).length);
		state = await sandboxState(sandbox);
		save('state-C4-after-next-message.json', state);
		after = messageCounts(state, burst.chats);
	}
	figure('recovery', {
		retried,
		afterRetry,
		nextMessageFor: followedUp,
		nextMessageSeconds: (Date.now() - recoveryStarted) / 1000,
		duplicated: after.duplicated,
		lost: after.lost,
		chatsWithLosses: after.chatsWithLosses,
		chatsWithDuplicates: after.chatsWithDuplicates,
	});
	check(
		`C4. after the next customer message of each of the ${followedUp.length} chat(s) missing messages: every message of the ${burst.chats.length}-chat burst exactly once`,
		after.duplicated === 0 && after.lost === 0 && after.chatsOnSeveralDeals.length === 0,
		`duplicated ${after.duplicated} (chats ${after.chatsWithDuplicates.join(',') || '-'}), lost ${after.lost} (chats ${after.chatsWithLosses.join(',') || '-'}); ${((Date.now() - recoveryStarted) / 1000).toFixed(1)} s`,
	);
}

// ------------------------------------------------------------------ main

async function main() {
	const started = Date.now();
	const work = makeWorkDir(`cluster-${template}`);
	let sandbox;
	try {
		log(
			`cluster e2e, chat template ${chatFile} (Kommo Max Requests per Second ${kommoLimit} per worker)`,
		);
		await ensureDebianPackages(path.join(outDir, 'apt.log'));
		const install = await ensureN8n(version, path.join(outDir, 'install.log'));
		// Intercom gives a webhook 5 s; the suite waits 60 s for an answer, so that a slow answer on two
		// shared cores is not a lost notification here (nginx's log has each answer's time: figures)
		sandbox = await createSandbox({
			port: 0,
			seed: 'default',
			logLimit: 500_000,
			webhookTimeoutMs: 60_000,
		});
		log(`sandbox on ${sandbox.url} (Kommo limit 7 req/s as in Kommo)`);

		let workflows;
		const clusterStarted = Date.now();
		cluster = await startCluster({
			installDir: install.dir,
			dir: path.join(work, 'cluster'),
			logDir: outDir,
			workers: WORKERS,
			installInto: async (userFolder) => {
				const tarball = await installPackage(
					userFolder,
					path.join(work, 'pack'),
					path.join(outDir, 'package.log'),
				);
				log(`installed ${path.basename(tarball)}`);
			},
			prepareMain: async (main, { redisPort }) => {
				// docs/queue-mode.md: a Redis credential on the queue's Redis, Kommo's 7/s split per worker
				const credentials = sandboxCredentials(sandbox, {
					kommoLimit,
					redis: queueMode ? { host: '127.0.0.1', port: redisPort } : undefined,
				});
				workflows = await importTemplates(main, credentials, work);
				// the chat workflow is published from the editor, after its catch-up is set (below)
				await publishWithCli(main, workflows.stage.id);
			},
		});
		publicUrl = cluster.publicUrl;
		figure('clusterStartSeconds', (Date.now() - clusterStarted) / 1000);
		const { main } = cluster;
		await main.signIn(owner);
		const chat = { ...workflows[chatKey], key: 'chat' };
		const stage = workflows.stage;
		// docs/catch-up.md: "Import History (Days)" 0 starts from now (the history import is CU4)
		await setCatchUp(main, chat, { importDays: 0 });
		for (const workflow of [chat, stage]) {
			workflow.url = toPublicUrl((await productionUrl(main, workflow)).url);
			// through nginx: once per webhook process
			for (let i = 0; i < cluster.webhookProcesses.length * 2; i++)
				await waitForWebhook(workflow.url);
			const stored = await main.workflow(workflow.id);
			save(`workflow-${workflow.id}.json`, stored);
			const unbound = nodesWithoutCredential(stored);
			check(
				`"${workflow.name}": credentials attached by name, active`,
				unbound.length === 0 && stored.active === true,
				unbound.join(', '),
			);
		}
		log(`chat ${chat.url}\n           stage ${stage.url}`);

		const phase = async (name, fn) => {
			const t = Date.now();
			const result = await fn();
			figures.phaseSeconds = { ...(figures.phaseSeconds ?? {}), [name]: (Date.now() - t) / 1000 };
			return result;
		};
		await phase('CU1 quiet workspace', () => catchUp.quietWorkspace(sandbox));
		const chatResult = await phase('shared chat scenarios', () =>
			chatScenarios(main, sandbox, chat),
		);
		await phase('shared duplicate contacts', () => duplicateContactScenario(main, sandbox, chat));
		await phase("a visitor with a customer's email", () => visitorScenario(main, sandbox, chat));
		await phase('shared 9 n8n restarted', () =>
			restartScenario(main, sandbox, chat, { restart: () => restartEveryN8nProcess(chat, stage) }),
		);
		await phase('shared 10 static data wiped', () =>
			staticDataWipedScenario(main, sandbox, chat, { wipe: wipeStaticDataPostgres }),
		);
		await phase('C1 redelivery', () => redeliveryAcrossProcesses(sandbox, chat));
		await phase('shared stage scenarios', () => stageScenarios(main, sandbox, stage, chatResult));
		await phase('C2 concurrent chats', () => concurrentChats(sandbox, chat));
		const burst = await phase('C3 worker killed', () => workerKilledInBurst(sandbox, chat));
		await phase('C4 main restarted', () => mainRestarted(sandbox, chat, stage, burst));
		await phase('CU3 teammate closing', () => catchUp.teammateClosing(main, sandbox, chat));
		await phase('CU2 n8n down 3 minutes', () =>
			catchUp.outage(main, sandbox, chat, {
				outage: (during) => restartEveryN8nProcess(chat, stage, during),
			}),
		);
		await phase('CU4 history import', () =>
			catchUp.historyImport(main, sandbox, chat, {
				restart: () => restartEveryN8nProcess(chat, stage),
			}),
		);

		const statuses = {};
		for (const e of dbExecutions(chat.id, 0, { mode: null }))
			statuses[e.status] = (statuses[e.status] ?? 0) + 1;
		figure('chatExecutionStatuses', statuses);
		const notOk = dbExecutions(chat.id, 0, { mode: null }).filter((e) => e.status !== 'success');
		figure('chatExecutionsNotSuccessful', await scenarios.executionFailures(main, notOk));
		const state = await sandboxState(sandbox);
		const keys = state.kommo.notes
			.map((note) => /#intercom-kommo key=(\S+)\s*$/.exec(note.params?.text ?? '')?.[1])
			.filter(Boolean);
		check(
			'every Intercom note in Kommo carries a distinct marker',
			new Set(keys).size === keys.length,
			`${keys.length} marker(s), ${new Set(keys).size} distinct`,
		);
		figure('kommoWhole', {
			...kommoRate(sandbox, started, Date.now()),
			counters: sandbox.counters,
		});
	} catch (error) {
		crashed(error);
	} finally {
		if (sandbox) save('sandbox-state-final.json', await sandboxState(sandbox).catch(() => null));
		if (sandbox) save('sandbox-log.json', sandbox.log);
		await cluster?.stop().catch(() => undefined);
		await sandbox?.close().catch(() => undefined);
		rmSync(work, { recursive: true, force: true });
	}
	figure('totalSeconds', (Date.now() - started) / 1000);
	save('figures.json', figures);
	const failed = results.filter((r) => !r.ok);
	process.stdout.write(
		`\nn8n ${version} queue mode, ${chatFile}: ${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
	);
	for (const r of results)
		process.stdout.write(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.ok ? '' : ` — ${r.detail}`}\n`);
	process.stdout.write(`Figures: ${path.relative(repoRoot, outDir)}/figures.json\n`);
	save('results.json', results);
	process.exitCode = failed.length ? 1 : 0;
}

await main();
