// What bench/n8n.bench.mjs sets up once, before its engine legs: n8n installed, the package built
// and installed, the sandbox seeded with every chat the run will use, the templates imported as a
// user imports them with the bench-only workflows beside them (bench/n8n/bench-workflows.mjs), the
// tracer's preload written, and with BENCH_BASELINE_REF the two side processes (bench/baseline.mjs).
import { createRequire } from 'node:module';
import path from 'node:path';

import { N8n, ensureN8n, installPackage, log } from '../../n8n-driver/n8n.mjs';
import {
	TEMPLATE_FILES,
	importTemplates,
	publishWithCli,
	readTemplate,
	sandboxCredentials,
} from '../../n8n-driver/templates.mjs';
import { BASELINE_REF, prepareBaseline } from '../baseline.mjs';
import { peerCredentials, writeBenchWorkflows } from './bench-workflows.mjs';
import {
	BURST,
	ENGINES,
	EVENTS,
	KOMMO_LIMIT,
	SIDES,
	TRACE_ROUNDS,
	WARMUP,
	logDir,
	version,
} from './config.mjs';
import { existingDealSeed, newChatSeed } from './seed.mjs';
import { writeTracePreload } from './trace-preload.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../../sandbox/index.js');

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {Awaited<ReturnType<typeof prepareBaseline>>} Baseline */
/**
 * What the engine legs share (bench/n8n/engine-leg.mjs).
 * @typedef {object} BenchContext
 * @property {Sandbox} sandbox
 * @property {N8n} n8n the first process: ours and the bench workflows
 * @property {Baseline | undefined} baseline the side processes, with BENCH_BASELINE_REF
 * @property {import('../../n8n-driver/templates.mjs').ImportedTemplates} imported
 * @property {Record<string, import('./bench-workflows.mjs').BenchWorkflow>} bench
 * @property {Record<string, Record<string, string>>} nodeTypes per workflow: node name → node type
 * @property {Record<string, string>} workflowIds per workflow
 * @property {string} preloadPath the tracer's preload, for `--require`
 * @property {() => number} freshChat the next existing-deal chat no event has used
 * @property {import('./seed.mjs').CallShape[] | undefined} callShapes set by leg 1 (the first engine)
 */
/**
 * What a run has started so far: the clean-up stops and closes it, whatever failed.
 * @typedef {{ sandbox?: Sandbox, n8n?: N8n, baseline?: Baseline }} Started
 */

/**
 * Sets the run up; fills `started` as each part starts and `results.baseline` with a baseline.
 * @param {object} options
 * @param {Record<string, any>} options.results
 * @param {string} options.work the run's scratch folder (removed at the end)
 * @param {string} options.userFolder the first process's n8n user folder
 * @param {Started} options.started
 * @returns {Promise<BenchContext>}
 */
export async function setUp({ results, work, userFolder, started }) {
	log(`installing n8n ${version} (cached after the first run)`);
	const install = await ensureN8n(version, path.join(logDir, 'install.log'));
	log('building, packing and installing the package');
	const tarball = await installPackage(userFolder, work, path.join(logDir, 'package.log'));

	// Chats: 0 for the calls per path; each event of ours, the floor and the peer gets a fresh one
	// (the template writes only new messages, so a chat it has delivered would take another path),
	// and so does each engine's warm-up. With a baseline: each side process's warm-up and latency
	// events and its warm-up per engine, and ours-before's calls per path.
	const perWorkflow = WARMUP + EVENTS + TRACE_ROUNDS;
	const baselineChats = BASELINE_REF ? 1 + 2 * ENGINES.length * (1 + WARMUP + EVENTS) : 0;
	const chatCount = 1 + ENGINES.length * (1 + 3 * perWorkflow) + baselineChats;
	/** @type {Sandbox} */
	const sandbox = await createSandbox({ port: 0, seed: 'default', logLimit: 2_000_000 });
	started.sandbox = sandbox;
	sandbox.seed(existingDealSeed(chatCount), { merge: true });
	sandbox.seed(newChatSeed('02', 900000, 2), { merge: true });
	if (BURST > 0) sandbox.seed(newChatSeed('03', 1000000, BURST), { merge: true });
	log(`sandbox on ${sandbox.url} (${chatCount} existing-deal chats)`);
	let nextChat = 1;
	const freshChat = () => nextChat++;

	const n8n = new N8n({ installDir: install.dir, userFolder, outDir: logDir });
	started.n8n = n8n;
	await n8n.init();
	// The templates exactly as a user imports them (n8n-driver/templates.mjs), plus the peer's own
	// credentials; then the bench-only workflows.
	const imported = await importTemplates(
		n8n,
		[...sandboxCredentials(sandbox, { kommoLimit: KOMMO_LIMIT }), ...peerCredentials(sandbox)],
		work,
	);
	const benchDir = path.join(work, 'bench-workflows');
	const bench = writeBenchWorkflows(sandbox, benchDir);
	await n8n.cli(
		['import:workflow', '--separate', `--input=${benchDir}`],
		'cli-import-bench-workflows.log',
	);
	// the chat template is published after the first start, its catch-up set first (engine-leg.mjs)
	for (const id of [imported.stage.id, ...Object.values(bench).map((w) => w.id)])
		await publishWithCli(n8n, id);
	/** @type {Record<string, Record<string, string>>} */
	const nodeTypes = {
		ours: Object.fromEntries(
			readTemplate(TEMPLATE_FILES.chat).nodes.map((node) => [node.name, node.type]),
		),
		...Object.fromEntries(
			Object.entries(bench).map(([key, w]) => [
				key,
				Object.fromEntries(w.nodes.map((node) => [node.name, node.type])),
			]),
		),
	};
	/** @type {Record<string, string>} */
	const workflowIds = {
		ours: imported.chat.id,
		...Object.fromEntries(Object.entries(bench).map(([key, w]) => [key, w.id])),
	};
	const preloadPath = writeTracePreload(work);
	let baseline;
	if (BASELINE_REF) {
		baseline = await prepareBaseline({
			ref: BASELINE_REF,
			tarball,
			installDir: install.dir,
			workDir: work,
			logDir,
			credentials: sandboxCredentials(sandbox, { kommoLimit: KOMMO_LIMIT }),
		});
		started.baseline = baseline;
		for (const key of SIDES) {
			nodeTypes[key] = baseline[key].nodeTypes;
			workflowIds[key] = baseline[key].chat.id;
		}
		results.baseline = {
			ref: baseline.ref,
			commit: baseline.commit,
			tarball: baseline.tarball,
			nodeModules: baseline.lockShared ? 'linked (same package-lock.json)' : 'npm ci',
			templateNodes: {
				oursAfter: baseline.oursAfter.templateNodes,
				oursBefore: baseline.oursBefore.templateNodes,
			},
			processes:
				'ours-after and ours-before: one n8n process each (own user folder and port), the same install and sandbox; ours runs in the first process with the four other workflows',
			rounds: 'warm-up and latency rounds, not trace rounds',
		};
	}
	return {
		sandbox,
		n8n,
		baseline,
		imported,
		bench,
		nodeTypes,
		workflowIds,
		preloadPath,
		freshChat,
		callShapes: undefined,
	};
}
