// A local npm registry for the UI-install e2e: Verdaccio (installed by scripts/verdaccio-install.sh
// into a cache folder) on 127.0.0.1, storage in a temp folder, no uplinks: it serves only what is
// published to it (this package has no runtime dependencies, and n8n's installer strips the peer
// dependency n8n-workflow before its `npm install`).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { freePort, lastLine, repoRoot, run } from './n8n.mjs';

/**
 * Installs (once) and starts Verdaccio with one publishing user; `publish(tarball)` publishes to it
 * and resolves with the package's registry metadata.
 * @param {string} workDir
 * @param {string} logFile
 */
export async function startVerdaccio(workDir, logFile) {
	const installed = await run('sh', [path.join(repoRoot, 'scripts', 'verdaccio-install.sh')], {
		logFile,
		timeoutMs: 10 * 60_000,
	});
	const installDir = lastLine(installed);
	const dir = path.join(workDir, 'verdaccio');
	mkdirSync(path.join(dir, 'storage'), { recursive: true });
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const config = [
		`storage: ${path.join(dir, 'storage')}`,
		'auth:',
		'  htpasswd:',
		`    file: ${path.join(dir, 'htpasswd')}`,
		'    max_users: 1',
		'uplinks: {}',
		'packages:',
		"  '**':",
		'    access: $all',
		'    publish: $authenticated',
		'    unpublish: $authenticated',
		'server:',
		'  keepAliveTimeout: 60',
		'web:',
		'  enable: false',
		'log: { type: stdout, format: pretty, level: warn }',
		'',
	].join('\n');
	writeFileSync(path.join(dir, 'config.yaml'), config);
	const out = createWriteStream(logFile, { flags: 'a' });
	// Verdaccio 6 needs Node >= 22: run it on the Node 24 of scripts/node24.sh (which execs node).
	const child = spawn(
		'sh',
		[
			path.join(repoRoot, 'scripts', 'node24.sh'),
			'node',
			path.join(installDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio'),
			'--config',
			path.join(dir, 'config.yaml'),
			'--listen',
			`127.0.0.1:${port}`,
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	child.stdout.pipe(out);
	child.stderr.pipe(out);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(`verdaccio exited (${child.exitCode}); see ${logFile}`);
		const ok = await fetch(`${url}/-/ping`)
			.then((r) => r.ok)
			.catch(() => false);
		if (ok) break;
		if (Date.now() > deadline)
			throw new Error(`verdaccio did not answer within 60 s; see ${logFile}`);
		await delay(300);
	}
	// One user, as `npm adduser` creates it; its token publishes.
	const user = { name: 'e2e', password: 'e2e-password-not-a-secret' };
	const response = await fetch(`${url}/-/user/org.couchdb.user:${user.name}`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ ...user, type: 'user', roles: [], date: new Date().toISOString() }),
	});
	const { token } = /** @type {{ token?: string }} */ (await response.json());
	if (!token) throw new Error(`verdaccio did not create the publishing user (${response.status})`);

	const npmAuth = [`--registry=${url}/`, `--//127.0.0.1:${port}/:_authToken=${token}`];
	return {
		url,
		port,
		installDir,
		/**
		 * `npm publish <tarball>` to this registry.
		 * @param {string} tarball
		 * @returns {Promise<any>} the package's metadata (`dist-tags`, `versions`, …)
		 */
		async publish(tarball) {
			await run('npm', ['publish', tarball, ...npmAuth, '--ignore-scripts', '--loglevel=error'], {
				logFile,
				cwd: workDir,
			});
			const meta = await fetch(`${url}/${path.basename(tarball).replace(/-\d+\.\d+\.\d+.*$/, '')}`);
			return await meta.json();
		},
		async stop() {
			if (child.exitCode === null) {
				child.kill('SIGTERM');
				await Promise.race([exited, delay(10_000)]);
				if (child.exitCode === null) child.kill('SIGKILL');
			}
		},
	};
}
