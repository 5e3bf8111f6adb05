// The two set-ups of bench/queue-mode.bench.mjs, one after the other (never at the same time: two
// shared cores are all there is), each with its own sandbox and the same burst (burst.mjs):
// `one` (one n8n process, regular mode, SQLite, as `npm start` runs it) and `cluster` (queue mode,
// n8n-driver/cluster.mjs). Both import their template as a user imports it and set its catch-up
// from the editor; both warm up before the burst, and the warm-up measures what a new chat costs.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { ensureDebianPackages, startCluster } from '../../n8n-driver/cluster.mjs';
import { N8n, log, repoRoot } from '../../n8n-driver/n8n.mjs';
import {
	TEMPLATE_FILES,
	productionUrl,
	sandboxCredentials,
	setCatchUp,
	waitForWebhook,
} from '../../n8n-driver/templates.mjs';
import { catchUpRuns, unfinishedExecutions } from '../lib/executions.mjs';
import { BENCH_OWNER, importChatTemplate } from '../lib/n8n-setup.mjs';
import { kommoQuiet, lastSeq, logAfter } from '../lib/sandbox-log.mjs';
import { burst } from './burst.mjs';
import { startSampler } from './machine-sampler.mjs';
import { executionReport, logCounts, workerShares } from './n8n-reports.mjs';
import { redisCounter } from './redis-queue-depth.mjs';
import {
	FIRST_CHAT,
	KOMMO_LIMIT,
	QUEUE_TEMPLATE,
	SEEDED_BEFORE_S,
	VERSION,
	WARMUP_CHAT,
	WEBHOOKS,
	WORKERS,
} from './settings.mjs';
import { summarise } from './summary.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../../sandbox/index.js');

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8nProcess */
/** @typedef {import('../../n8n-driver/templates.mjs').TemplateWorkflow} TemplateWorkflow */
/** @typedef {import('./settings.mjs').QueueModeConfig} QueueModeConfig */

// ------------------------------------------------------------------ seed

// read when the benchmark starts (npm run bench imports this first): the warm-up chats are seeded
// SEEDED_BEFORE_S before that, long before the catch-up's look-back when this leg runs
const seedNow = Math.floor(Date.now() / 1000);

/**
 * `count` chats from customers Kommo does not know, ids from `firstId`, started at `createdAt`
 * (unix seconds): the burst's at its start (the catch-up sees them), the warm-up's an hour before
 * (it never does).
 * @param {number} firstId
 * @param {number} count
 * @param {number} [createdAt]
 */
function newChats(firstId, count, createdAt = seedNow - SEEDED_BEFORE_S) {
	/** @type {{ contacts: object[], conversations: object[] }} */
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
 * n8n running, signed in: the catch-up set as docs/catch-up.md tells a user (Import History 0, so the
 * seeded chats stay out; Chats per Check from the knob), then published from the editor.
 * @param {N8nProcess} n8n
 * @param {TemplateWorkflow} workflow
 * @param {QueueModeConfig} config
 */
async function publishChat(n8n, workflow, config) {
	await setCatchUp(n8n, workflow, { importDays: 0, maxChats: config.catchUpChats });
}

/**
 * `count` new chats, one after the other (the next once the last one's note is in and Kommo is
 * quiet); returns the Kommo calls each made: what a new chat needs.
 * @param {Sandbox} sandbox
 * @param {string} url
 * @param {number} count
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

/**
 * The options of both set-ups.
 * @typedef {object} SetupOptions
 * @property {{ dir: string }} install the n8n install (ensureN8n)
 * @property {QueueModeConfig} config
 * @property {string} packageDir the installed package's nodes folder, copied into each user folder
 * @property {string} logDir this set-up's logs
 * @property {string} work the leg's scratch folder
 */

/**
 * The sandbox both setups burst into: the default seed, a request log long enough for the burst, four
 * warm-up chats; `ids` are the burst's conversation ids (seeded later, when the burst starts).
 * @param {SetupOptions['config']} config
 */
async function burstSandbox(config) {
	const sandbox = await createSandbox({
		port: 0,
		seed: 'default',
		logLimit: 1_000_000,
		webhookTimeoutMs: config.webhookTimeoutMs,
	});
	const ids = Array.from({ length: config.burst }, (_, i) => String(FIRST_CHAT + i));
	sandbox.seed(newChats(WARMUP_CHAT, 4), { merge: true });
	return { sandbox, ids };
}

/**
 * One process: n8n in regular mode with SQLite, as `npm start` runs it, the shipped one-process
 * template, Kommo's Max Requests per Second at 7.
 * @param {SetupOptions} options
 */
export async function oneProcess({ install, config, packageDir, logDir, work }) {
	mkdirSync(logDir, { recursive: true });
	const { sandbox, ids } = await burstSandbox(config);
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
		await n8n.signIn(BENCH_OWNER);
		await publishChat(n8n, workflow, config);
		const url = (await productionUrl(n8n, workflow)).url;
		await waitForWebhook(url);
		log(`one process: n8n ${VERSION} on ${n8n.baseUrl} (pid ${n8n.child?.pid}); warming up`);
		const warmUpKommoCalls = await warmUp(sandbox, url, 2);
		const roles = () => ({ n8n: n8n.child?.pid });
		const sampler = startSampler(roles);
		log(
			`one process: burst of ${config.burst} new chats (catch-up: ${config.catchUpChats} per check)`,
		);
		const seededAt = Date.now();
		sandbox.seed(newChats(FIRST_CHAT, config.burst, Math.floor(seededAt / 1000)), { merge: true });
		const webhookRunsLeft = () => unfinishedExecutions(n8n, workflow.id, 'webhook');
		// no queueDepth: one process has no queue, the burst waits for the notes alone
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

/**
 * Queue mode (n8n-driver/cluster.mjs): PostgreSQL 15, Redis 7, main, two `n8n webhook` processes
 * behind nginx, two workers; the template of BENCH_QUEUE_CLUSTER_TEMPLATE, Kommo's Max Requests
 * per Second at 7 ÷ workers.
 * @param {SetupOptions} options
 */
export async function queueCluster({ install, config, packageDir, logDir }) {
	mkdirSync(logDir, { recursive: true });
	await ensureDebianPackages(path.join(logDir, 'apt.log'));
	const { sandbox, ids } = await burstSandbox(config);
	const setup = {
		name: 'queue mode',
		mode: `main + ${WEBHOOKS} webhook (nginx) + ${WORKERS} workers, PostgreSQL 15, Redis 7`,
		template: config.clusterTemplate,
		templateIsTheQueueModeOne: config.clusterTemplate === QUEUE_TEMPLATE,
		kommoMaxRequestsPerSecond: config.clusterKommoLimit,
	};
	const dir = path.join(repoRoot, '.cache', 'bench-queue-cluster');
	/** @type {(() => Promise<void>) | undefined} */
	let stopCluster;
	/** @type {Awaited<ReturnType<typeof redisCounter>> | undefined} */
	let counter;
	/** @type {TemplateWorkflow | undefined} */
	let workflow;
	try {
		const cluster = await startCluster({
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
		stopCluster = cluster.stop;
		const { main } = cluster;
		// set by prepareMain, which startCluster runs before it starts main
		if (!workflow) throw new Error('cluster: the chat template was not imported');
		const chat = workflow;
		await main.signIn(BENCH_OWNER);
		// published on main once the cluster is up, as e2e/cluster.e2e.mjs does
		await publishChat(main, chat, config);
		const url = (await productionUrl(main, chat)).url.replace(main.baseUrl, cluster.publicUrl);
		// through nginx: once per webhook process, each learns of the publication on its own
		for (let i = 0; i < cluster.webhookProcesses.length * 2; i++) await waitForWebhook(url);
		log(`cluster: up behind ${cluster.publicUrl}; warming up both webhook processes and workers`);
		// four sequential chats: round-robin puts two on each webhook process
		const warmUpKommoCalls = await warmUp(sandbox, url, 4);
		const queue = await redisCounter(cluster.redis.port);
		counter = queue;
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
		const sampler = startSampler(roles, () => queue.depth());
		log(`cluster: burst of ${config.burst} new chats (catch-up: ${config.catchUpChats} per check)`);
		const seededAt = Date.now();
		sandbox.seed(newChats(FIRST_CHAT, config.burst, Math.floor(seededAt / 1000)), { merge: true });
		const run = await burst({
			sandbox,
			url,
			ids,
			config,
			queueDepth: () => queue.depth(),
			webhookRunsLeft: () => unfinishedExecutions(main, chat.id, 'webhook'),
		});
		const machine = await sampler.stop();
		const runs = await catchUpRuns(main, chat.id, seededAt).catch((error) => {
			log(`cluster: the catch-up's runs not read (${error.message.slice(0, 200)})`);
			return [];
		});
		const figures = summarise({ sandbox, ids, run, config, runs, warmUpKommoCalls });
		const executions = await executionReport(main, chat.id).catch((e) => ({
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
		await stopCluster?.().catch(() => undefined);
		writeFileSync(path.join(logDir, 'sandbox-log.json'), JSON.stringify(sandbox.log));
		await sandbox.close().catch(() => undefined);
	}
}
