// The demo's n8n (steps 1, 4 and 5 of `npm start`): on the ports a user expects (5678, else a free
// one), with the user's timezone and community packages on, its CLI output kept in the log with
// one dim line per call.
import { createServer } from 'node:net';
import path from 'node:path';

import { N8n, freePort, repoRoot, run } from '../../n8n-driver/n8n.mjs';
import { dim, say, seconds, withHeartbeat } from './console.mjs';

/**
 * Whether 127.0.0.1:`port` can be listened on now.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
async function portIsFree(port) {
	return await new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/**
 * The preferred port when it is free, else any free one.
 * @param {number} preferred 0: any
 * @returns {Promise<number>}
 */
export async function pickPort(preferred) {
	if (preferred && (await portIsFree(preferred))) return preferred;
	return await freePort();
}

/** n8n for the demo: see the top of this file. */
export class DemoN8n extends N8n {
	async init() {
		this.port = await pickPort(Number(process.env.DEMO_N8N_PORT ?? 5678));
		this.brokerPort = await pickPort(this.port === 5678 ? 5679 : 0);
		this.baseUrl = `http://127.0.0.1:${this.port}`;
	}

	env() {
		return {
			...super.env(),
			N8N_ENCRYPTION_KEY: 'local-demo-only-encryption-key',
			N8N_LOG_LEVEL: process.env.DEMO_N8N_LOG_LEVEL ?? 'info',
			GENERIC_TIMEZONE: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		};
	}

	/** The n8n CLI, output only into the log, one dim line per call (the e2e helper logs louder). */
	async cli(args, logName) {
		const started = Date.now();
		const output = await withHeartbeat(
			run(this.bin, args, {
				env: this.env(),
				logFile: path.join(this.outDir, logName),
				timeoutMs: 5 * 60_000,
			}),
			`n8n ${args[0]}`,
			20_000,
		);
		say(
			dim(`      n8n ${args.join(' ').replaceAll(repoRoot + path.sep, '')} (${seconds(started)})`),
		);
		return output;
	}
}
