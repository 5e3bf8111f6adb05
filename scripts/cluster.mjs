// `npm run cluster`: the product on n8n's queue mode, on this machine (docs/queue-mode.md).
//
// PostgreSQL, Redis and nginx from Debian (apt-get installs what is missing), n8n 2.41.1 as main,
// two `n8n webhook` processes behind nginx (round-robin) and two `n8n worker` processes, the packed
// package in every process's user folder, the templates of workflows/ imported as shipped and
// published, the local sandbox as Intercom and Kommo. Then it sends the sample chat through nginx,
// prints the Kommo note, and keeps running until Ctrl-C (or `npm run cluster -- stop` from another
// terminal) stops every process it started.
//
// `npm run cluster -- --check`: the same, then the reply and the stage change of `npm start -- --check`
// are sent and checked, everything is stopped, and it exits 0 or 1.
//
// State and logs: .cache/cluster/ (git-ignored); a fresh database every start.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { ensureDebianPackages, startCluster } from '../n8n-driver/cluster.mjs';
import { N8N_VERSIONS, ensureN8n, installPackage, repoRoot } from '../n8n-driver/n8n.mjs';
import {
	addStageTagRows,
	importTemplates,
	productionUrl,
	publishWithCli,
	registerKommoWebhook,
	sandboxCredentials,
	waitForWebhook,
} from '../n8n-driver/templates.mjs';
import { owner } from './demo/settings.mjs';
import { demoStageRows } from './demo/start.mjs';
import { checkDemo } from './demo/tryIt.mjs';
import { printNote, waitFor } from './demo/watch.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');

const clusterDir = path.join(repoRoot, '.cache', 'cluster');
const logDir = path.join(clusterDir, 'logs');
const stateFile = path.join(clusterDir, 'running.json');
const version = N8N_VERSIONS.current;

function say(message = '') {
	process.stdout.write(`${message}\n`);
}

async function stopRunning() {
	if (!existsSync(stateFile)) {
		say('no cluster is running (no .cache/cluster/running.json)');
		return;
	}
	const { pid } = JSON.parse(readFileSync(stateFile, 'utf8'));
	try {
		process.kill(pid, 'SIGTERM');
	} catch {
		say(`the cluster's process ${pid} is gone`);
		rmSync(stateFile, { force: true });
		return;
	}
	for (let i = 0; i < 120 && existsSync(stateFile); i++) await delay(500);
	say(existsSync(stateFile) ? `process ${pid} did not stop within 60 s` : 'stopped.');
}

async function main() {
	const args = process.argv.slice(2);
	if (args.includes('stop')) return await stopRunning();
	const checkOnly = args.includes('--check');
	mkdirSync(logDir, { recursive: true });

	say('[1/5] PostgreSQL, Redis, nginx from Debian; n8n 2.41.1');
	const installed = await ensureDebianPackages(path.join(logDir, 'apt.log'));
	if (installed.length) say(`      apt-get installed ${installed.join(', ')}`);
	const install = await ensureN8n(version, path.join(logDir, 'install.log'));

	say('[2/5] Intercom + Kommo sandbox');
	const sandbox = await createSandbox({ port: 0, seed: 'default' });
	say(`      ${sandbox.url}`);

	/** @type {import('../n8n-driver/cluster.mjs').Cluster | undefined} */
	let cluster;
	let stopping = false;
	const shutdown = async (code) => {
		if (stopping) return;
		stopping = true;
		say('stopping the cluster…');
		await cluster?.stop();
		await sandbox.close().catch(() => undefined);
		rmSync(stateFile, { force: true });
		say('stopped.');
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	say('[3/5] queue mode: main, 2 webhook processes, 2 workers, nginx in front');
	/** @type {import('../n8n-driver/templates.mjs').ImportedTemplates | undefined} */
	let workflows;
	try {
		cluster = await startCluster({
			installDir: install.dir,
			dir: clusterDir,
			logDir,
			installInto: async (userFolder) => {
				await installPackage(
					userFolder,
					path.join(clusterDir, 'work'),
					path.join(logDir, 'package.log'),
				);
				rmSync(path.join(clusterDir, 'work'), { recursive: true, force: true });
			},
			prepareMain: async (main) => {
				mkdirSync(path.join(clusterDir, 'import'), { recursive: true });
				// what docs/queue-mode.md tells an admin: the Redis credential for the queue-mode
				// template, and the Kommo budget split between the two workers (7 ÷ 2, rounded down)
				workflows = await importTemplates(
					main,
					sandboxCredentials(sandbox, {
						kommoLimit: 3,
						redis: { host: '127.0.0.1', port: main.shared.redisPort },
					}),
					path.join(clusterDir, 'import'),
				);
				for (const workflow of [workflows.queueChat, workflows.stage])
					await publishWithCli(main, workflow.id);
			},
		});
	} catch (error) {
		process.stderr.write(
			`\nThe cluster could not start: ${error?.message ?? error}\nLogs: .cache/cluster/logs/\n`,
		);
		await shutdown(1);
		return;
	}
	if (!workflows) throw new Error('the cluster started without importing the templates');
	const { main } = cluster;
	await main.signIn(owner);
	await addStageTagRows(main, workflows.stage, demoStageRows(sandbox));
	// the URLs the editor shows: WEBHOOK_URL is nginx's address
	const intercomWebhook = (await productionUrl(main, workflows.queueChat)).url.replace(
		main.baseUrl,
		cluster.publicUrl,
	);
	const kommoWebhook = (await productionUrl(main, workflows.stage)).url.replace(
		main.baseUrl,
		cluster.publicUrl,
	);
	await waitForWebhook(intercomWebhook);
	await waitForWebhook(kommoWebhook);
	await registerKommoWebhook(sandbox, kommoWebhook);
	writeFileSync(
		stateFile,
		JSON.stringify({ pid: process.pid, publicUrl: cluster.publicUrl }, null, '\t'),
	);

	say('[4/5] Intercom → nginx → n8n webhook process → Redis → worker: the sample chat 1001');
	const notesBefore = sandbox.state.kommo.notes.length;
	await sandbox.sendIntercomWebhook({
		url: intercomWebhook,
		topic: 'conversation.user.created',
		conversationId: '1001',
	});
	const note = await waitFor(() => sandbox.state.kommo.notes[notesBefore], 60_000);
	if (!note) {
		process.stderr.write('no Kommo note within 60 s; see .cache/cluster/logs/\n');
		await shutdown(1);
		return;
	}
	await delay(1000);
	printNote(sandbox, note);

	say('[5/5] running');
	say(`  n8n editor   ${cluster.publicUrl}/   (login ${owner.email} / ${owner.password})`);
	say(`  webhooks     ${intercomWebhook}`);
	say(`               ${kommoWebhook}`);
	say(
		`  processes    main :${main.port}, webhook :${cluster.webhookProcesses.map((n) => n.port).join(' :')}, worker :${cluster.workerProcesses.map((n) => n.port).join(' :')}, PostgreSQL :${cluster.postgres.port}, Redis :${cluster.redis.port}`,
	);
	say('  Ctrl-C (or `npm run cluster -- stop`) stops every process.');

	if (checkOnly) {
		const failures = await checkDemo({
			sandbox,
			urls: { intercomWebhook },
			leadId: note.entity_id,
		});
		await shutdown(failures.length ? 1 : 0);
	}
}

await main();
