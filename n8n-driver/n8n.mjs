// Drives a real n8n install (from scripts/n8n-install.sh) for the end-to-end suite: builds and installs
// this package as a community package, runs the n8n CLI, starts and stops the server, and talks to
// its internal REST API as the instance owner.
import { spawn, execFileSync } from 'node:child_process';
import {
	createWriteStream,
	cpSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The n8n versions everything here runs by default (n8n-driver/n8n-versions.json, also read by the
 * shell scripts): `current`, the newest 2.x release proven with this package, and `lts`, the 1.x LTS
 * line. Moving to a new n8n release is a change of that one file.
 * @type {{ current: string, lts: string }}
 */
export const N8N_VERSIONS = JSON.parse(
	readFileSync(path.join(repoRoot, 'n8n-driver', 'n8n-versions.json'), 'utf8'),
);
export const packageName = 'n8n-nodes-intercom-kommo';
/** The n8n owner every e2e suite signs up and signs in as. */
export const E2E_OWNER = {
	email: 'owner@e2e.invalid',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-password-1',
};

const localOnly = '127.0.0.1';

/**
 * A child process started by startProcess(): `exited` resolves with its exit code, or the signal
 * that ended it.
 * @typedef {import('node:child_process').ChildProcessWithoutNullStreams & {
 *   exited: Promise<number | NodeJS.Signals | null>,
 * }} StartedProcess
 */

// What n8n's REST API answers (StoredWorkflow, Execution, …): n8n-driver/rest-types.mjs.
/** @typedef {import('./rest-types.mjs').StoredNode} StoredNode */
/** @typedef {import('./rest-types.mjs').StoredWorkflow} StoredWorkflow */
/** @typedef {import('./rest-types.mjs').ExecutionSummary} ExecutionSummary */
/** @typedef {import('./rest-types.mjs').ExecutionError} ExecutionError */
/** @typedef {import('./rest-types.mjs').Execution} Execution */

/** @param {string} message */
export function log(message) {
	const time = new Date().toISOString().slice(11, 19);
	process.stdout.write(`[${time}] ${message}\n`);
}

/**
 * Runs a command, streaming stdout and stderr into `logFile`; resolves with stdout, rejects with the
 * tail of both on failure.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, logFile?: string, timeoutMs?: number }} [options]
 * @returns {Promise<string>}
 */
export function run(command, args, { cwd, env, logFile, timeoutMs = 15 * 60_000 } = {}) {
	return new Promise((resolve, reject) => {
		const out = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
		let captured = '';
		let stdout = '';
		const child = spawn(command, args, { cwd, env: env ?? process.env });
		const collect = (chunk) => {
			captured += chunk;
			if (captured.length > 200_000) captured = captured.slice(-100_000);
			out?.write(chunk);
		};
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			collect(chunk);
		});
		child.stderr.on('data', collect);
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			out?.end();
			if (code === 0) resolve(stdout);
			else {
				const tail = captured.split('\n').slice(-25).join('\n');
				reject(new Error(`${command} ${args.join(' ')} exited ${code ?? signal}\n${tail}`));
			}
		});
	});
}

/**
 * A child process in its own process group, its output in `logFile`; `.exited` resolves.
 * @param {string} command
 * @param {string[]} args
 * @param {{
 *   env: NodeJS.ProcessEnv, logFile: string, cwd?: string, uid?: number, gid?: number,
 *   append?: boolean,
 * }} options
 * @returns {StartedProcess}
 */
export function startProcess(command, args, { env, logFile, cwd, uid, gid, append = true }) {
	const out = createWriteStream(logFile, { flags: append ? 'a' : 'w' });
	const child = /** @type {StartedProcess} */ (
		spawn(command, args, { env, cwd, detached: true, uid, gid })
	);
	child.stdout.pipe(out);
	child.stderr.pipe(out);
	child.exited = new Promise((resolve) =>
		child.on('exit', (code, signal) => resolve(code ?? signal)),
	);
	return child;
}

/**
 * Signals the process group, and kills it when it has not exited after `graceMs`.
 * @param {StartedProcess | undefined} child
 * @param {NodeJS.Signals} [signal]
 * @param {number} [graceMs]
 */
export async function stopProcess(child, signal = 'SIGTERM', graceMs = 30_000) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	// no pid: the spawn failed, there is no process to stop
	if (child.pid === undefined) return;
	const pid = child.pid;
	try {
		process.kill(-pid, signal);
	} catch {
		return;
	}
	const timeout = delay(graceMs).then(() => 'timeout');
	if ((await Promise.race([child.exited, timeout])) === 'timeout') {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// already gone
		}
		await child.exited;
	}
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago.
 * @returns {Promise<number>}
 */
export async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, localOnly, () => {
			// listening on a TCP port: address() is an AddressInfo
			const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

/**
 * Installs n8n (or finds the cached install) and returns its folder.
 * @param {string} version
 * @param {string} logFile
 * @returns {Promise<{ dir: string, seconds: number }>}
 */
export async function ensureN8n(version, logFile) {
	const started = Date.now();
	const output = await run('sh', [path.join(repoRoot, 'scripts', 'n8n-install.sh'), version], {
		logFile,
		timeoutMs: 30 * 60_000,
	});
	const dir = lastLine(output);
	if (!existsSync(path.join(dir, 'node_modules', '.bin', 'n8n'))) {
		throw new Error(`n8n-install.sh did not produce an n8n in ${dir}`);
	}
	return { dir, seconds: (Date.now() - started) / 1000 };
}

/**
 * The last line of a command's output (what install scripts and `npm pack` print last).
 * @param {string} output
 */
export function lastLine(output) {
	return output.trim().split('\n').at(-1) ?? '';
}

/**
 * Builds and packs the package from a copy of the working tree, so the build never races with other
 * work on the repository's own dist/ folder. Resolves to the tarball's path.
 * @param {string} workDir
 * @param {string} logFile
 * @returns {Promise<string>}
 */
export async function packPackage(workDir, logFile) {
	const stage = path.join(workDir, 'package-src');
	const skip = new Set(['node_modules', 'dist', '.git', '.cache', 'e2e', 'coverage', '.e2e']);
	mkdirSync(stage, { recursive: true });
	for (const entry of readdirSync(repoRoot)) {
		if (skip.has(entry) || entry.endsWith('.tgz')) continue;
		cpSync(path.join(repoRoot, entry), path.join(stage, entry), {
			recursive: true,
			filter: (source) => !source.includes(`${path.sep}results${path.sep}`),
		});
	}
	execFileSync('ln', ['-s', path.join(repoRoot, 'node_modules'), path.join(stage, 'node_modules')]);

	await run('npm', ['run', 'build'], { cwd: stage, logFile });
	const packDir = path.join(workDir, 'pack');
	mkdirSync(packDir, { recursive: true });
	const packed = await run('npm', ['pack', '--pack-destination', packDir, '--loglevel=error'], {
		cwd: stage,
		logFile,
	});
	return path.join(packDir, lastLine(packed));
}

/**
 * Packs the package (packPackage) and installs the tarball where n8n looks for community packages.
 * @param {string} userFolder
 * @param {string} workDir
 * @param {string} logFile
 * @returns {Promise<string>} the tarball's path
 */
export async function installPackage(userFolder, workDir, logFile) {
	const tarball = await packPackage(workDir, logFile);
	await installTarball(userFolder, tarball, logFile);
	return tarball;
}

/**
 * Installs a packed package where n8n looks for community packages (`<userFolder>/.n8n/nodes`).
 * @param {string} userFolder
 * @param {string} tarball
 * @param {string} logFile
 */
export async function installTarball(userFolder, tarball, logFile) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, '\t'),
	);
	// n8n-workflow is a peer dependency the running n8n provides; npm must not fetch a second copy.
	await run(
		'npm',
		[
			'install',
			tarball,
			'--ignore-scripts',
			'--legacy-peer-deps',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
		],
		{ cwd: nodesDir, logFile },
	);
}

/**
 * `installDir`: an n8n install (ensureN8n); `userFolder`: N8N_USER_FOLDER (database, installed
 * packages); `outDir`: where its logs go; `extraEnv`: environment on top of N8n#env()'s.
 * @typedef {object} N8nOptions
 * @property {string} installDir
 * @property {string} userFolder
 * @property {string} outDir
 * @property {Record<string, string>} [extraEnv]
 */

/**
 * The n8n owner account (N8n#signIn).
 * @typedef {{ email: string, firstName: string, lastName: string, password: string }} Owner
 */

/** One n8n process on 127.0.0.1: its CLI, its start and stop, its REST API as the owner. */
export class N8n {
	// Set by init() (the ports and the URL) and start() (the rest); empty until then.
	/** REST API and editor port. */
	port = 0;
	/** The task runners' broker port. */
	brokerPort = 0;
	/** `http://127.0.0.1:<port>` */
	baseUrl = '';
	/** The running process of the last start(). @type {StartedProcess | undefined} */
	child = undefined;
	/** Resolves when that process exits. @type {Promise<unknown> | undefined} */
	exited = undefined;
	/** The log of the last start(). */
	logFile = '';
	/** Seconds from the last start() to a healthy /healthz. @type {number | undefined} */
	healthySeconds = undefined;

	/** @param {N8nOptions} options */
	constructor({ installDir, userFolder, outDir, extraEnv = {} }) {
		this.installDir = installDir;
		this.extraEnv = extraEnv;
		this.userFolder = userFolder;
		this.outDir = outDir;
		this.bin = path.join(installDir, 'node_modules', '.bin', 'n8n');
		this.starts = 0;
		/** The session cookie signIn() got. @type {string | undefined} */
		this.cookie = undefined;
		this.requireFromN8n = createRequire(
			path.join(installDir, 'node_modules', 'n8n', 'package.json'),
		);
		this.version = this.requireFromN8n('./package.json').version;
		// The 1.x LTS line: other CLI verbs, and saving an active workflow re-publishes it.
		this.legacyLine = this.version.startsWith('1.');
	}

	/** Picks the free ports; before any CLI call or start(). */
	async init() {
		this.port = await freePort();
		this.brokerPort = await freePort();
		this.baseUrl = `http://${localOnly}:${this.port}`;
	}

	/**
	 * The environment of every n8n process and CLI call of this instance.
	 * @returns {NodeJS.ProcessEnv}
	 */
	env() {
		return {
			...process.env,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: localOnly,
			N8N_HOST: localOnly,
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: localOnly,
			N8N_ENCRYPTION_KEY: 'e2e-only-encryption-key-not-a-secret',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: process.env.E2E_N8N_LOG_LEVEL ?? 'info',
			N8N_LOG_OUTPUT: 'console',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			DB_SQLITE_POOL_SIZE: '2',
			...this.extraEnv,
		};
	}

	/**
	 * Runs an n8n CLI command (`import:workflow`, `publish:workflow`, …) with n8n stopped; its
	 * output goes to `<outDir>/<logName>`. Resolves with its stdout.
	 * @param {string[]} args
	 * @param {string} logName
	 * @returns {Promise<string>}
	 */
	async cli(args, logName) {
		const started = Date.now();
		const output = await run(this.bin, args, {
			env: this.env(),
			logFile: path.join(this.outDir, logName),
			timeoutMs: 5 * 60_000,
		});
		log(`n8n ${args[0]} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		return output;
	}

	/**
	 * Starts `n8n start` in its own process group and waits for /healthz and the REST API; returns the
	 * seconds until the REST API answered (`healthySeconds` holds the time to /healthz).
	 * @returns {Promise<number>}
	 */
	async start() {
		this.starts += 1;
		this.healthySeconds = undefined;
		this.logFile = path.join(this.outDir, `n8n-start-${this.starts}.log`);
		const started = Date.now();
		this.child = startProcess(this.bin, ['start'], {
			env: this.env(),
			logFile: this.logFile,
			append: false,
		});
		this.exited = this.child.exited;
		/** @type {number | NodeJS.Signals | null | undefined} */
		let exitCode;
		this.child.exited.then((code) => (exitCode = code));

		const deadline = Date.now() + 240_000;
		while (Date.now() < deadline) {
			if (exitCode !== undefined)
				throw new Error(`n8n exited (${exitCode}) before it was healthy; see ${this.logFile}`);
			try {
				const response = await fetch(`${this.baseUrl}/healthz`);
				const healthy =
					response.ok && /** @type {{ status?: string }} */ (await response.json()).status === 'ok';
				if (healthy) {
					this.healthySeconds = (Date.now() - started) / 1000;
					break;
				}
			} catch {
				// not listening yet
			}
			await delay(500);
		}
		if (this.healthySeconds === undefined) {
			throw new Error(`n8n was not healthy within 240 s; see ${this.logFile}`);
		}
		// /healthz answers before the REST controllers are mounted: wait for those too.
		while (Date.now() < deadline) {
			if (exitCode !== undefined) throw new Error(`n8n exited (${exitCode}); see ${this.logFile}`);
			const response = await fetch(`${this.baseUrl}/rest/settings`).catch(() => undefined);
			// until the controllers are mounted the editor's HTML page answers every path with 200
			const json = response?.ok && /json/.test(response.headers.get('content-type') ?? '');
			if (json) return (Date.now() - started) / 1000;
			await delay(500);
		}
		throw new Error(`n8n's REST API did not come up within 240 s; see ${this.logFile}`);
	}

	async stop() {
		await stopProcess(this.child);
	}

	/**
	 * The n8n log so far (for assertions about loading errors).
	 * @returns {Promise<string>}
	 */
	async readLog() {
		const { readFile } = await import('node:fs/promises');
		return await readFile(this.logFile, 'utf8');
	}

	/**
	 * A call to n8n's internal REST API (`/rest<urlPath>`) with the session cookie; its JSON answer
	 * (each endpoint has its own shape: callers read the fields they need), or undefined for an
	 * answer that is not JSON. Rejects on a status that is not 2xx.
	 * @param {string} method
	 * @param {string} urlPath
	 * @param {unknown} [body]
	 * @returns {Promise<any>}
	 */
	async rest(method, urlPath, body) {
		const response = await fetch(`${this.baseUrl}/rest${urlPath}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': 'e2e-browser',
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth = setCookie.find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth.split(';')[0];
		const text = await response.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		if (!response.ok) {
			throw new Error(`${method} /rest${urlPath} → ${response.status}: ${text.slice(0, 300)}`);
		}
		return json;
	}

	/**
	 * Creates the owner on a fresh instance, or logs in as it after a restart.
	 * @param {Owner} owner
	 */
	async signIn(owner) {
		this.cookie = undefined;
		const settings = (await this.rest('GET', '/settings')).data;
		if (settings?.userManagement?.showSetupOnFirstLoad !== false) {
			await this.rest('POST', '/owner/setup', owner);
		} else {
			await this.rest('POST', '/login', {
				emailOrLdapLoginId: owner.email,
				password: owner.password,
			});
		}
		if (!this.cookie) throw new Error('n8n did not hand out an auth cookie');
	}

	/**
	 * Names of the node or credential types the editor is offered (`kind`: nodes | credentials).
	 * @param {'nodes' | 'credentials'} kind
	 * @returns {Promise<string[]>}
	 */
	async typeNames(kind) {
		const response = await fetch(`${this.baseUrl}/types/${kind}.json`, {
			headers: { ...(this.cookie ? { cookie: this.cookie } : {}), 'browser-id': 'e2e-browser' },
		});
		if (!response.ok) throw new Error(`GET /types/${kind}.json → ${response.status}`);
		const types = /** @type {Array<{ name: string }>} */ (await response.json());
		return types.map((type) => type.name);
	}

	/**
	 * The newest 100 executions of a workflow; with `mode`, only those started that way: `webhook`
	 * (a notification), `trigger` (a check of the catch-up), `integrated` (a chat the catch-up handed
	 * over, run by the workflow itself), `error`. 2.x filters on the server; 1.x ignores the filter
	 * field, so the list is filtered here as well.
	 * @param {string} workflowId
	 * @param {{ mode?: string }} [options]
	 * @returns {Promise<ExecutionSummary[]>}
	 */
	async executions(workflowId, { mode } = {}) {
		const filter = encodeURIComponent(JSON.stringify(mode ? { workflowId, mode } : { workflowId }));
		const answer = await this.rest('GET', `/executions?filter=${filter}&limit=100`);
		/** @type {ExecutionSummary[]} */
		const results = answer.data.results;
		return mode ? results.filter((execution) => execution.mode === mode) : results;
	}

	/**
	 * One execution with its run data, decoded from n8n's `flatted` storage format.
	 * @param {string | number} id
	 * @returns {Promise<Execution>}
	 */
	async execution(id) {
		const answer = await this.rest('GET', `/executions/${id}`);
		const { parse } = this.requireFromN8n('flatted');
		const record = answer.data;
		return { ...record, data: typeof record.data === 'string' ? parse(record.data) : record.data };
	}

	/**
	 * @param {string} id
	 * @returns {Promise<StoredWorkflow>}
	 */
	async workflow(id) {
		return (await this.rest('GET', `/workflows/${id}`)).data;
	}
}

/**
 * A scratch folder for one run of a suite, under the system's temp folder.
 * @param {string} name
 */
export function makeWorkDir(name) {
	const dir = path.join(tmpdir(), `${packageName}-e2e-${name}-${process.pid}`);
	mkdirSync(dir, { recursive: true });
	return dir;
}
