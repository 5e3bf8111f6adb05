// A real n8n queue-mode cluster on this machine, everything on 127.0.0.1 (docs/queue-mode.md):
//
//   PostgreSQL (Debian's 15) ── one database for every n8n process
//   Redis (Debian's 7)       ── n8n's Bull queue
//   nginx (Debian's)         ── the one address Intercom and Kommo call: /webhook/* round-robin to
//                               the two `n8n webhook` processes, everything else to main
//   n8n start                ── main: editor, REST API, publishing (serves no production webhooks)
//   n8n webhook × 2          ── receive webhooks, run the triggers' webhook(), enqueue executions
//   n8n worker × 2           ── run the executions
//
// Each n8n process has its own user folder with the packed package installed, as queue mode needs.
// Missing Debian packages are installed with apt-get (as root). `startCluster()` returns handles
// whose `stop()` ends every process it started, in reverse order.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { N8n, freePort, run, startProcess, stopProcess } from './n8n.mjs';

/** @typedef {import('./n8n.mjs').N8nOptions} N8nOptions */
/** @typedef {import('./n8n.mjs').StartedProcess} StartedProcess */

/**
 * What every process of the cluster is told about the shared services.
 * @typedef {{ postgresPort: number, redisPort: number, publicUrl: string }} ClusterShared
 */

/** @typedef {'main' | 'webhook' | 'worker'} ClusterRole */

/**
 * The running cluster startCluster() resolves to; `stop()` ends every process it started.
 * @typedef {object} Cluster
 * @property {ClusterN8n} main
 * @property {ClusterN8n[]} webhookProcesses
 * @property {ClusterN8n[]} workerProcesses
 * @property {{ child: StartedProcess, port: number, psql: (sql: string) => string }} postgres
 * @property {{ child: StartedProcess, port: number }} redis
 * @property {{ child: StartedProcess, port: number, baseUrl: string, upstreamLog: string }} nginx
 *   `upstreamLog`: one line per request, `$msec $request_method $request_uri $status
 *   $upstream_addr $request_time`
 * @property {string} publicUrl nginx's address, the WEBHOOK_URL of every n8n process
 * @property {() => Promise<void>} stop
 */

const localOnly = '127.0.0.1';
const PG_BIN = '/usr/lib/postgresql/15/bin';
const DEBIAN_PACKAGES = [
	{ binary: `${PG_BIN}/postgres`, package: 'postgresql' },
	{ binary: '/usr/bin/redis-server', package: 'redis-server' },
	{ binary: '/usr/sbin/nginx', package: 'nginx' },
];

/**
 * apt-get install what is missing (once `apt-get update`, as Debian's lists may be empty).
 * @param {string} logFile
 * @returns {Promise<string[]>} the packages it installed
 */
export async function ensureDebianPackages(logFile) {
	const missing = DEBIAN_PACKAGES.filter((entry) => !existsSync(entry.binary));
	if (missing.length === 0) return [];
	const names = missing.map((entry) => entry.package);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await run('apt-get', ['update', '-qq'], { env, logFile, timeoutMs: 10 * 60_000 });
	await run('apt-get', ['install', '-y', '-qq', ...names], {
		env,
		logFile,
		timeoutMs: 15 * 60_000,
	});
	for (const entry of missing) {
		if (!existsSync(entry.binary))
			throw new Error(`apt-get installed ${entry.package}, but ${entry.binary} is missing`);
	}
	return names;
}

/**
 * Polls `check` until it resolves truthy; a rejection counts as not yet.
 * @param {() => Promise<unknown>} check
 * @param {string} what
 * @param {number} [timeoutMs]
 */
async function waitUntil(check, what, timeoutMs = 60_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (await check().catch(() => false)) return;
		await delay(300);
	}
	throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
}

/**
 * A system user's uid and gid, from `id <user>`.
 * @param {string} user
 */
function idsOf(user) {
	const line = execFileSync('id', [user]).toString();
	const uid = /uid=(\d+)/.exec(line);
	const gid = /gid=(\d+)/.exec(line);
	if (!uid || !gid) throw new Error(`\`id ${user}\` printed no uid and gid: ${line}`);
	return { uid: Number(uid[1]), gid: Number(gid[1]) };
}

/**
 * PostgreSQL in its own data folder (run as the `postgres` user: the server refuses root).
 * @param {string} dir
 * @param {string} logDir
 */
async function startPostgres(dir, logDir) {
	const port = await freePort();
	const data = path.join(dir, 'pgdata');
	const owner = idsOf('postgres');
	mkdirSync(dir, { recursive: true });
	chmodSync(dir, 0o755);
	rmSync(data, { recursive: true, force: true });
	mkdirSync(data, { recursive: true });
	execFileSync('chown', ['-R', 'postgres:postgres', data]);
	execFileSync(
		'runuser',
		[
			'-u',
			'postgres',
			'--',
			`${PG_BIN}/initdb`,
			'-D',
			data,
			'-A',
			'trust',
			'-U',
			'postgres',
			'-E',
			'UTF8',
		],
		{
			stdio: 'ignore',
		},
	);
	const child = startProcess(
		`${PG_BIN}/postgres`,
		[
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			data,
			'-c',
			`listen_addresses=${localOnly}`,
			'-c',
			'max_connections=200',
			'-c',
			'fsync=off',
		],
		{
			env: { PATH: process.env.PATH },
			logFile: path.join(logDir, 'postgres.log'),
			cwd: data,
			...owner,
		},
	);
	/** @param {string} sql */
	const psql = (sql) =>
		execFileSync(
			'psql',
			[
				'-h',
				localOnly,
				'-p',
				String(port),
				'-U',
				'postgres',
				'-v',
				'ON_ERROR_STOP=1',
				'-qAt',
				'-c',
				sql,
			],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		).toString();
	await waitUntil(async () => psql('select 1').trim() === '1', 'PostgreSQL');
	psql('create database n8n');
	return { child, port, psql };
}

/**
 * Redis without persistence, answering PING.
 * @param {string} dir
 * @param {string} logDir
 */
async function startRedis(dir, logDir) {
	const port = await freePort();
	mkdirSync(dir, { recursive: true });
	const child = startProcess(
		'/usr/bin/redis-server',
		['--port', String(port), '--bind', localOnly, '--save', '', '--appendonly', 'no', '--dir', dir],
		{ env: { PATH: process.env.PATH }, logFile: path.join(logDir, 'redis.log') },
	);
	const { createConnection } = await import('node:net');
	await waitUntil(
		() =>
			new Promise((resolve) => {
				const socket = createConnection({ host: localOnly, port }, () => socket.write('PING\r\n'));
				socket.on('data', (data) => {
					socket.end();
					resolve(String(data).startsWith('+PONG'));
				});
				socket.on('error', () => resolve(false));
			}),
		'Redis',
	);
	return { child, port };
}

/**
 * nginx on `port`: /webhook/ round-robin to the webhook processes, the rest to main.
 * @param {string} dir
 * @param {string} logDir
 * @param {{ port: number, mainPort: number, webhookPorts: number[] }} ports
 */
async function startNginx(dir, logDir, { port, mainPort, webhookPorts }) {
	mkdirSync(path.join(dir, 'temp'), { recursive: true });
	const conf = path.join(dir, 'nginx.conf');
	writeFileSync(
		conf,
		`# written by n8n-driver/cluster.mjs
worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(logDir, 'nginx-error.log')} warn;
events { worker_connections 4096; }
http {
	access_log ${path.join(logDir, 'nginx-access.log')};
	# which n8n process served each request (the cluster e2e reads it)
	log_format upstream '$msec $request_method $request_uri $status $upstream_addr $request_time';
	access_log ${path.join(logDir, 'nginx-upstream.log')} upstream;
	client_body_temp_path ${path.join(dir, 'temp')};
	proxy_temp_path ${path.join(dir, 'temp')};
	fastcgi_temp_path ${path.join(dir, 'temp')};
	uwsgi_temp_path ${path.join(dir, 'temp')};
	scgi_temp_path ${path.join(dir, 'temp')};
	client_max_body_size 16m;
	upstream n8n_webhooks { ${webhookPorts.map((p) => `server ${localOnly}:${p};`).join(' ')} }
	upstream n8n_main { server ${localOnly}:${mainPort}; }
	map $http_upgrade $connection_upgrade { default upgrade; '' close; }
	server {
		listen ${localOnly}:${port};
		location /webhook/ {
			proxy_pass http://n8n_webhooks;
			proxy_set_header Host $host;
			proxy_set_header X-Forwarded-For $remote_addr;
			proxy_buffering off;
		}
		location / {
			proxy_pass http://n8n_main;
			proxy_http_version 1.1;
			proxy_set_header Upgrade $http_upgrade;
			proxy_set_header Connection $connection_upgrade;
			proxy_set_header Host $host;
		}
	}
}
`,
	);
	const child = startProcess('/usr/sbin/nginx', ['-c', conf, '-p', dir, '-g', 'daemon off;'], {
		env: { PATH: process.env.PATH },
		logFile: path.join(logDir, 'nginx.log'),
	});
	await waitUntil(
		async () => (await fetch(`http://${localOnly}:${port}/healthz`)).ok,
		'nginx → n8n main',
	);
	return {
		child,
		port,
		baseUrl: `http://${localOnly}:${port}`,
		upstreamLog: path.join(logDir, 'nginx-upstream.log'),
	};
}

/** One n8n process of the cluster: main, webhook or worker. */
export class ClusterN8n extends N8n {
	/** @param {N8nOptions & { role: ClusterRole, index?: number, shared: ClusterShared }} options */
	constructor({ role, index = 0, shared, ...options }) {
		super(options);
		this.role = role;
		this.index = index;
		this.shared = shared;
	}

	env() {
		const { postgresPort, redisPort, publicUrl } = this.shared;
		return {
			...super.env(),
			WEBHOOK_URL: `${publicUrl}/`,
			N8N_EDITOR_BASE_URL: `${publicUrl}/`,
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: localOnly,
			DB_POSTGRESDB_PORT: String(postgresPort),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_POOL_SIZE: '10',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: localOnly,
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			// main hands production webhooks to the webhook processes (nginx routes /webhook/ there)
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			QUEUE_HEALTH_CHECK_ACTIVE: this.role === 'worker' ? 'true' : 'false',
			QUEUE_HEALTH_CHECK_PORT: String(this.port),
			N8N_ENCRYPTION_KEY: 'cluster-only-encryption-key-not-a-secret',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		};
	}

	/**
	 * Ends the process group at once (`SIGKILL`: no shutdown hooks, as a crash or OOM kill).
	 * @param {NodeJS.Signals} [signal]
	 */
	async kill(signal = 'SIGKILL') {
		if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
		// no pid: the spawn failed, there is no process to kill
		if (this.child.pid === undefined) return;
		try {
			process.kill(-this.child.pid, signal);
		} catch {
			return;
		}
		await this.child.exited;
	}

	/**
	 * `n8n start` | `n8n webhook` | `n8n worker`, healthy on /healthz; the seconds that took.
	 * @returns {Promise<number>}
	 */
	async start() {
		if (this.role === 'main') return await super.start();
		this.starts += 1;
		this.logFile = path.join(this.outDir, `n8n-${this.role}-${this.index}-${this.starts}.log`);
		const child = startProcess(this.bin, [this.role], { env: this.env(), logFile: this.logFile });
		this.child = child;
		this.exited = child.exited;
		const started = Date.now();
		await waitUntil(
			async () => {
				if (child.exitCode !== null)
					throw new Error(`n8n ${this.role} exited; see ${this.logFile}`);
				const response = await fetch(`http://${localOnly}:${this.port}/healthz`);
				return response.ok;
			},
			`n8n ${this.role} ${this.index}`,
			240_000,
		);
		return (Date.now() - started) / 1000;
	}
}

/**
 * Starts PostgreSQL, Redis, n8n main (after `prepareMain(main)` ran the CLI set-up with main
 * stopped), two webhook processes, two workers and nginx. `installInto(userFolder)` puts the
 * package into one process's user folder (called once, then copied to the others).
 * @param {{
 *   installDir: string,
 *   dir: string,
 *   logDir: string,
 *   installInto: (userFolder: string) => Promise<unknown>,
 *   prepareMain: (main: ClusterN8n, cluster: ClusterShared) => Promise<unknown>,
 *   webhooks?: number,
 *   workers?: number,
 * }} options
 * @returns {Promise<Cluster>}
 */
export async function startCluster({
	installDir,
	dir,
	logDir,
	installInto,
	prepareMain,
	webhooks = 2,
	workers = 2,
}) {
	mkdirSync(logDir, { recursive: true });
	/** @type {Array<{ name: string, stop: () => Promise<unknown> }>} */
	const started = [];
	const stop = async () => {
		for (const entry of started.reverse()) await entry.stop().catch(() => undefined);
		started.length = 0;
	};
	try {
		const postgres = await startPostgres(path.join(dir, 'postgres'), logDir);
		started.push({ name: 'postgres', stop: () => stopProcess(postgres.child, 'SIGINT') });
		const redis = await startRedis(path.join(dir, 'redis'), logDir);
		started.push({ name: 'redis', stop: () => stopProcess(redis.child) });

		const publicPort = await freePort();
		const shared = {
			postgresPort: postgres.port,
			redisPort: redis.port,
			publicUrl: `http://${localOnly}:${publicPort}`,
		};
		/**
		 * @param {ClusterRole} role
		 * @param {number} index
		 */
		const make = (role, index) =>
			new ClusterN8n({
				role,
				index,
				shared,
				installDir,
				userFolder: path.join(dir, `n8n-${role}-${index}`),
				outDir: logDir,
			});
		const main = make('main', 0);
		const webhookProcesses = Array.from({ length: webhooks }, (_, i) => make('webhook', i + 1));
		const workerProcesses = Array.from({ length: workers }, (_, i) => make('worker', i + 1));
		const all = [main, ...webhookProcesses, ...workerProcesses];
		for (const n8n of all) {
			rmSync(n8n.userFolder, { recursive: true, force: true });
			await n8n.init();
		}
		await installInto(main.userFolder);
		for (const n8n of all.slice(1)) {
			cpSync(
				path.join(main.userFolder, '.n8n', 'nodes'),
				path.join(n8n.userFolder, '.n8n', 'nodes'),
				{ recursive: true },
			);
		}

		// the second argument (additive): what a set-up needs to know of the cluster, e.g. Redis's port
		await prepareMain(main, {
			redisPort: redis.port,
			postgresPort: postgres.port,
			publicUrl: shared.publicUrl,
		});
		await main.start();
		started.push({ name: 'main', stop: () => main.stop() });
		for (const n8n of [...webhookProcesses, ...workerProcesses]) {
			await n8n.start();
			started.push({ name: `${n8n.role}-${n8n.index}`, stop: () => n8n.stop() });
		}
		// nginx listens on the port the n8n processes were told is public (WEBHOOK_URL)
		const nginx = await startNginx(path.join(dir, 'nginx'), logDir, {
			port: publicPort,
			mainPort: main.port,
			webhookPorts: webhookProcesses.map((n8n) => n8n.port),
		});
		started.push({ name: 'nginx', stop: () => stopProcess(nginx.child, 'SIGQUIT', 10_000) });
		return {
			main,
			webhookProcesses,
			workerProcesses,
			postgres,
			redis,
			nginx,
			publicUrl: shared.publicUrl,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
