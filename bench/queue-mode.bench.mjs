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
//
// Where each part is: this file runs the set-ups in order and writes the results;
// bench/queue-mode/settings.mjs reads the knobs; setups.mjs starts each set-up, warms it up and
// runs the burst (burst.mjs) while machine-sampler.mjs and redis-queue-depth.mjs watch; summary.mjs
// and n8n-reports.mjs make the figures, report.mjs the table.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureN8n, installPackage, log, makeWorkDir } from '../n8n-driver/n8n.mjs';
import { round } from './lib/numbers.mjs';
import { loadavg } from './queue-mode/machine-sampler.mjs';
import { markdownTable } from './queue-mode/report.mjs';
import { VERSION, logRoot, outDir, settings } from './queue-mode/settings.mjs';
import { oneProcess, queueCluster } from './queue-mode/setups.mjs';

/** @typedef {import('./queue-mode/setups.mjs').SetupOptions} SetupOptions */

// the table was this file's export before the split; it stays importable from here
export { markdownTable };

/**
 * The leg: every set-up of BENCH_QUEUE_SETUPS in turn (a failed one is recorded and the next runs),
 * then bench/results/queue-mode.json and .md and the table on stdout.
 */
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
		/** @type {Record<string, any>[]} */
		setups: [],
	};
	const work = makeWorkDir('bench-queue');
	try {
		log(`queue-mode leg: n8n ${VERSION}, burst of ${config.burst}, set-ups ${config.setups}`);
		const install = await ensureN8n(VERSION, path.join(logRoot, 'install.log'));
		// one build and pack; its installed nodes folder is copied into every user folder
		const packageDir = path.join(work, 'installed', '.n8n', 'nodes');
		await installPackage(path.join(work, 'installed'), work, path.join(logRoot, 'package.log'));
		/** @type {Record<string, (options: SetupOptions) => Promise<Record<string, any>>>} */
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
