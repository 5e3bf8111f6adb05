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
// only a cluster shows (e2e/cluster/): redeliveries on different webhook processes, 20 chats with
// concurrent notifications on both workers (traffic.mjs), a worker SIGKILLed in a burst of 50
// chats and restarted (workerKilled.mjs), main restarted (mainRestarted.mjs), the sum of Kommo
// calls per second (observe.mjs). This file sets the cluster up and runs them in order. Figures:
// results.json and figures.json in e2e/.out/cluster-<template>/ (with every process's log,
// nginx's upstream log, sandbox state).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { ensureDebianPackages, startCluster } from '../n8n-driver/cluster.mjs';
import { checkRecorder } from './support/checks.mjs';
import {
	E2E_OWNER,
	N8N_VERSIONS,
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
import { mainRestarted } from './cluster/mainRestarted.mjs';
import { createClusterObservers, kommoRate } from './cluster/observe.mjs';
import { restartEveryN8nProcess, wipeStaticDataPostgres } from './cluster/restartAndWipe.mjs';
import { concurrentChats, redeliveryAcrossProcesses } from './cluster/traffic.mjs';
import { workerKilledInBurst } from './cluster/workerKilled.mjs';

/** @typedef {import('../n8n-driver/cluster.mjs').Cluster} Cluster */
/** @typedef {import('../n8n-driver/templates.mjs').ImportedTemplates} ImportedTemplates */
/** @typedef {import('../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('./cluster/observe.mjs').ClusterSuite} ClusterSuite */

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');
const { IDS } = require('../sandbox/seed.js');

const version = N8N_VERSIONS.current;
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
/** @type {Record<string, unknown>} */
const figures = { template, chatFile, kommoLimitPerWorker: kommoLimit, workers: WORKERS };
/**
 * Records a measurement in figures.json (and the log).
 * @param {string} name
 * @param {unknown} value
 */
function figure(name, value) {
	figures[name] = value;
	log(`FIGURE ${name} = ${JSON.stringify(value)}`);
}

/** @type {Cluster | undefined} */
let cluster;
/** The running cluster: every scenario runs after startCluster() resolved. */
function running() {
	if (!cluster) throw new Error('the cluster is not started');
	return cluster;
}
/** @param {string} url */
const toPublicUrl = (url) => url.replace(running().main.baseUrl, running().publicUrl);
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

/** @type {ClusterSuite} */
const suite = {
	cluster: running,
	outDir,
	owner,
	workers: WORKERS,
	spreadChats: SPREAD_CHATS,
	burstChats: BURST_CHATS,
	check,
	save,
	figure,
	sandboxState,
	...createClusterObservers({ cluster: running, outDir }),
};
const { dbExecutions } = suite;

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

		/** @type {ImportedTemplates | undefined} */
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
				const imported = await importTemplates(main, credentials, work);
				workflows = imported;
				// the chat workflow is published from the editor, after its catch-up is set (below)
				await publishWithCli(main, imported.stage.id);
			},
		});
		if (!workflows) throw new Error('the cluster started without importing the templates');
		figure('clusterStartSeconds', (Date.now() - clusterStarted) / 1000);
		const { main } = cluster;
		await main.signIn(owner);
		// each gets its Production URL (`url`) below, before any scenario runs
		const chat = /** @type {LiveWorkflow} */ ({ ...workflows[chatKey], key: 'chat' });
		const stage = /** @type {LiveWorkflow} */ (workflows.stage);
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

		/** @type {Record<string, number>} */
		const phaseSeconds = {};
		/**
		 * Runs one leg of the suite and records its duration in figures.phaseSeconds.
		 * @template T
		 * @param {string} name
		 * @param {() => Promise<T>} fn
		 * @returns {Promise<T>}
		 */
		const phase = async (name, fn) => {
			const t = Date.now();
			const result = await fn();
			phaseSeconds[name] = (Date.now() - t) / 1000;
			figures.phaseSeconds = { ...phaseSeconds };
			return result;
		};
		await phase('CU1 quiet workspace', () => catchUp.quietWorkspace(sandbox));
		const chatResult = await phase('shared chat scenarios', () =>
			chatScenarios(main, sandbox, chat),
		);
		await phase('shared duplicate contacts', () => duplicateContactScenario(main, sandbox, chat));
		await phase("a visitor with a customer's email", () => visitorScenario(main, sandbox, chat));
		await phase('shared 9 n8n restarted', () =>
			restartScenario(main, sandbox, chat, {
				restart: () => restartEveryN8nProcess(suite, chat, stage),
			}),
		);
		await phase('shared 10 static data wiped', () =>
			staticDataWipedScenario(main, sandbox, chat, {
				wipe: (workflowId) => wipeStaticDataPostgres(suite, workflowId),
			}),
		);
		await phase('C1 redelivery', () => redeliveryAcrossProcesses(suite, sandbox, chat));
		await phase('shared stage scenarios', () => stageScenarios(main, sandbox, stage, chatResult));
		await phase('C2 concurrent chats', () => concurrentChats(suite, sandbox, chat));
		const burst = await phase('C3 worker killed', () => workerKilledInBurst(suite, sandbox, chat));
		await phase('C4 main restarted', () => mainRestarted(suite, sandbox, chat, stage, burst));
		await phase('CU3 teammate closing', () => catchUp.teammateClosing(main, sandbox, chat));
		await phase('CU2 n8n down 3 minutes', () =>
			catchUp.outage(main, sandbox, chat, {
				outage: (during) => restartEveryN8nProcess(suite, chat, stage, during),
			}),
		);
		await phase('CU4 history import', () =>
			catchUp.historyImport(main, sandbox, chat, {
				restart: () => restartEveryN8nProcess(suite, chat, stage),
			}),
		);

		/** @type {Record<string, number>} */
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
