// The depth of the cluster's queue during a burst of bench/queue-mode.bench.mjs: how many executions
// wait for a worker in Redis. The burst is not over while the queue holds any, and the machine
// sampler records it in its timeline.
import { createConnection } from 'node:net';

/**
 * A minimal Redis client for LLEN (Bull's queue depth); integer replies only.
 * @param {number} port Redis on 127.0.0.1
 */
export async function redisCounter(port) {
	const socket = createConnection({ host: '127.0.0.1', port });
	await new Promise((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	/** @type {{ resolve: (value: number) => void, reject: (error: Error) => void }[]} */
	const waiting = [];
	let buffer = '';
	socket.on('data', (chunk) => {
		buffer += chunk;
		let end;
		while ((end = buffer.indexOf('\r\n')) >= 0) {
			const line = buffer.slice(0, end);
			buffer = buffer.slice(end + 2);
			const next = waiting.shift();
			if (line.startsWith(':')) next?.resolve(Number(line.slice(1)));
			else next?.reject(new Error(line));
		}
	});
	socket.on('error', () => undefined);
	/**
	 * @param {...string} args
	 * @returns {Promise<number>}
	 */
	const command = (...args) =>
		new Promise((resolve, reject) => {
			waiting.push({ resolve, reject });
			socket.write(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
		});
	return {
		/** Jobs waiting for a worker and jobs a worker holds (Bull's lists of n8n's `jobs` queue). */
		async depth() {
			const [wait, active] = await Promise.all([
				command('LLEN', 'bull:jobs:wait'),
				command('LLEN', 'bull:jobs:active'),
			]);
			return { queueWait: wait, queueActive: active };
		},
		close: () => socket.destroy(),
	};
}
