// BENCH_BASELINE_REF=<git ref>: the chat template as it was at that ref, run beside the current one
// in the same `npm run bench`.
//
// One n8n cannot load two versions of the same package (same package name, same node and
// credential type names), so the old one needs an n8n process of its own. A process that serves one
// workflow is not the first process, which serves five: in a control run with the same code in both
// (BENCH_BASELINE_REF=HEAD) the lone process was 10–20 % slower at p50, before any node ran. So the
// baseline is two side processes that see the same traffic: "ours-before" (the package and
// templates at the ref) and "ours-after" (the current build and templates). Each has its own user
// folder, port and task-runner port, the same n8n install, sandbox and credentials. The ref's
// package is built from `git archive <ref>` (the repository is only read: no worktree, nothing
// checked out), packed with `npm pack` and installed as n8n-driver/n8n.mjs installs the current one;
// the ref's whole workflows/ folder is imported as a user imports it, its chat template published:
// with the CLI before the start, or, when it has the catch-up ("Catch up every minute"), from the
// editor after the first start with Import History (Days) 0 (`catchUp: true`; n8n.bench.mjs does
// it), as the one-process template is, so that neither imports the seeded chats.
//
// node_modules: when the ref's package-lock.json is the working tree's, the build links the
// repository's node_modules, as packPackage() does for the current build (same lock, same tree);
// otherwise it runs `npm ci --prefer-offline` in the copy.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { N8n, installTarball, log, repoRoot, run } from '../n8n-driver/n8n.mjs';
import { CATCH_UP_NODE } from '../n8n-driver/templates.mjs';
import { TEMPLATE_FILES, publishWithCli, workflowIdByName } from '../n8n-driver/templates.mjs';

/** @typedef {import('../n8n-driver/templates.mjs').CredentialFile} CredentialFile */

export const BASELINE_REF = process.env.BENCH_BASELINE_REF?.trim() || undefined;

/** @param {...string} args */
const git = (...args) =>
	execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8' }).trim();

/**
 * Builds and packs the package as it was at `commit`; returns { tarball, workflowsDir, lockShared }.
 * @param {string} commit
 * @param {string} workDir
 * @param {string} logFile
 */
async function packAtRef(commit, workDir, logFile) {
	const src = path.join(workDir, 'baseline-src');
	rmSync(src, { recursive: true, force: true });
	mkdirSync(src, { recursive: true });
	execFileSync('sh', [
		'-c',
		'git -C "$1" archive "$2" | tar -x -C "$3"',
		'sh',
		repoRoot,
		commit,
		src,
	]);
	const lockHere = readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8');
	const lockThere = readFileSync(path.join(src, 'package-lock.json'), 'utf8');
	const lockShared = lockHere === lockThere;
	if (lockShared) {
		execFileSync('ln', ['-s', path.join(repoRoot, 'node_modules'), path.join(src, 'node_modules')]);
	} else {
		await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
			cwd: src,
			logFile,
		});
	}
	await run('npm', ['run', 'build'], { cwd: src, logFile });
	const packDir = path.join(workDir, 'baseline-pack');
	mkdirSync(packDir, { recursive: true });
	const packed = await run('npm', ['pack', '--pack-destination', packDir, '--loglevel=error'], {
		cwd: src,
		logFile,
	});
	return {
		src,
		// npm pack prints the tarball's name last
		tarball: path.join(packDir, packed.trim().split('\n').at(-1) ?? ''),
		workflowsDir: path.join(src, 'workflows'),
		lockShared,
	};
}

/**
 * A side n8n process: its own user folder, port and logs (bench/results/n8n-logs/<name>/), the same
 * n8n install and credentials; `tarball` installed, every template of `workflowsDir` imported as a
 * user imports them, the chat template published (unless it has the catch-up: `catchUp`, published
 * after the start). Stopped; returns
 * `{ name, n8n, chat: { key, file, name, id }, catchUp, nodeTypes, templateNodes }`.
 * @param {object} options
 * @param {string} options.name `before` or `after`
 * @param {string} options.tarball the package to install
 * @param {string} options.workflowsDir the templates to import
 * @param {string} options.installDir the n8n install
 * @param {string} options.workDir
 * @param {string} options.logDir
 * @param {CredentialFile[]} options.credentials
 */
async function sideProcess({
	name,
	tarball,
	workflowsDir,
	installDir,
	workDir,
	logDir,
	credentials,
}) {
	const outDir = path.join(logDir, name);
	mkdirSync(outDir, { recursive: true });
	const userFolder = path.join(logDir, `n8n-user-${name}`);
	await installTarball(userFolder, tarball, path.join(outDir, 'package.log'));
	const n8n = new N8n({ installDir, userFolder, outDir });
	await n8n.init();
	const credentialsPath = path.join(workDir, `${name}-credentials.json`);
	writeFileSync(credentialsPath, JSON.stringify(credentials, null, '\t'));
	await n8n.cli(['import:credentials', `--input=${credentialsPath}`], 'cli-import-credentials.log');
	await n8n.cli(
		['import:workflow', '--separate', `--input=${workflowsDir}`],
		'cli-import-workflows.log',
	);
	const listing = await n8n.cli(['list:workflow'], 'cli-list-workflow.log');
	const file = TEMPLATE_FILES.chat;
	const template = JSON.parse(readFileSync(path.join(workflowsDir, file), 'utf8'));
	const chat = {
		key: 'chat',
		file,
		name: template.name,
		id: workflowIdByName(listing, template.name),
	};
	const catchUp = template.nodes.some((node) => node.name === CATCH_UP_NODE);
	if (!catchUp) await publishWithCli(n8n, chat.id);
	return {
		name,
		n8n,
		chat,
		catchUp,
		nodeTypes: Object.fromEntries(template.nodes.map((node) => [node.name, node.type])),
		templateNodes: template.nodes
			.filter((node) => !node.type.endsWith('.stickyNote'))
			.map((node) => node.name),
	};
}

/**
 * The two side processes of a baseline run, each serving one chat template and nothing else:
 * `oursBefore`, the package and templates at `ref`, and `oursAfter`, the current build (`tarball`,
 * the one the first process runs) with the current templates. Both see the same traffic, so their
 * difference is the templates'; the first process's "ours" beside `after` shows what the process
 * it runs in adds (the same code in both).
 * @param {object} options
 * @param {string} options.ref a git ref of this repository
 * @param {string} options.tarball the current build, as the first process runs it
 * @param {string} options.installDir the n8n install
 * @param {string} options.workDir
 * @param {string} options.logDir
 * @param {CredentialFile[]} options.credentials
 */
export async function prepareBaseline({ ref, tarball, installDir, workDir, logDir, credentials }) {
	const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
	log(`baseline: building, packing and installing the package at ${ref} (${commit.slice(0, 7)})`);
	mkdirSync(path.join(logDir, 'before'), { recursive: true });
	const packed = await packAtRef(commit, workDir, path.join(logDir, 'before', 'build.log'));
	const common = { installDir, workDir, logDir, credentials };
	const before = await sideProcess({
		name: 'before',
		tarball: packed.tarball,
		workflowsDir: packed.workflowsDir,
		...common,
	});
	// the copy of the ref's sources is no longer needed (its tarball is installed)
	rmSync(packed.src, { recursive: true, force: true });
	const after = await sideProcess({
		name: 'after',
		tarball,
		workflowsDir: path.join(repoRoot, 'workflows'),
		...common,
	});
	log(`baseline: ${before.chat.file} at ${commit.slice(0, 7)} and as it is now, one process each`);
	return {
		ref,
		commit,
		lockShared: packed.lockShared,
		tarball: path.basename(packed.tarball),
		oursBefore: before,
		oursAfter: after,
	};
}
