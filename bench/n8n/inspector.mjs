// The benchmark's side of the trace rounds: a connection to the n8n process's inspector (n8n runs
// with `--inspect`), through which bench/n8n/trace-rounds.mjs starts and stops the profiler and the
// timers of the preload (bench/n8n/trace-preload.mjs) and reads what they recorded.
import { setTimeout as delay } from 'node:timers/promises';

/**
 * @typedef {object} InspectorSession
 * @property {(method: string, params?: object) => Promise<any>} send a protocol command
 * @property {(expression: string) => Promise<any>} evaluate an expression in the n8n process,
 *   awaited there; its value, as JSON
 * @property {() => void} close
 */

/**
 * A minimal Chrome DevTools Protocol client for the n8n process's inspector.
 * @param {number} port the inspector's (`--inspect=127.0.0.1:<port>`)
 * @returns {Promise<InspectorSession>}
 */
export async function inspectorSession(port) {
	/** @type {{ webSocketDebuggerUrl: string } | undefined} */
	let target;
	for (let attempt = 0; attempt < 20 && !target; attempt++) {
		target = await fetch(`http://127.0.0.1:${port}/json/list`)
			.then((r) => r.json())
			.then((list) => /** @type {{ webSocketDebuggerUrl: string }[]} */ (list)[0])
			.catch(() => undefined);
		if (!target) await delay(250);
	}
	if (!target) throw new Error(`no inspector on port ${port}`);
	const ws = new WebSocket(target.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => {
		ws.onopen = resolve;
		ws.onerror = () => reject(new Error('inspector WebSocket failed'));
	});
	let nextId = 0;
	/** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void }>} */
	const pending = new Map();
	ws.onmessage = (message) => {
		const data = JSON.parse(message.data);
		const waiting = data.id && pending.get(data.id);
		if (!waiting) return;
		pending.delete(data.id);
		if (data.error) waiting.reject(new Error(`${data.error.message} (${data.error.code})`));
		else waiting.resolve(data.result);
	};
	/**
	 * @param {string} method
	 * @param {object} [params]
	 * @returns {Promise<any>}
	 */
	const send = (method, params = {}) =>
		new Promise((resolve, reject) => {
			const id = ++nextId;
			pending.set(id, { resolve, reject });
			ws.send(JSON.stringify({ id, method, params }));
		});
	/** @param {string} expression */
	const evaluate = async (expression) => {
		const answer = await send('Runtime.evaluate', {
			expression,
			returnByValue: true,
			awaitPromise: true,
		});
		if (answer.exceptionDetails) throw new Error(JSON.stringify(answer.exceptionDetails));
		return answer.result.value;
	};
	return { send, evaluate, close: () => ws.close() };
}
