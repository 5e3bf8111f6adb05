// What n8n itself says about a burst of bench/queue-mode.bench.mjs: its executions by status and
// mode with the failures' node and message (REST API on main), how many executions each worker
// started, and what its logs say about requests the door dropped or the database refused.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */

/**
 * Execution statuses and the failures' node + message, from n8n's REST API on main.
 * @param {N8n} n8n
 * @param {string} workflowId
 */
export async function executionReport(n8n, workflowId) {
	/** @param {string} status */
	const count = async (status) => {
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status: [status] }));
		const answer = await n8n.rest('GET', `/executions?filter=${filter}&limit=1`);
		return answer.data.count;
	};
	/** @type {Record<string, number | string>} */
	const statuses = {};
	for (const status of ['success', 'error', 'crashed', 'canceled', 'running', 'waiting', 'new'])
		statuses[status] = await count(status).catch((error) => String(error).slice(0, 80));
	// webhook: a notification; trigger: a check of the catch-up; integrated: a chat it handed over
	/** @type {Record<string, Record<string, number | null>>} */
	const byMode = {};
	for (const mode of ['webhook', 'trigger', 'integrated']) {
		for (const status of ['success', 'error', 'crashed']) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId, mode, status: [status] }));
			const answer = await n8n
				.rest('GET', `/executions?filter=${filter}&limit=1`)
				.catch(() => null);
			(byMode[mode] ??= {})[status] = answer?.data?.count ?? null;
		}
	}
	/** @type {Record<string, number>} */
	const failures = {};
	/** @type {{ id: string, status: string, node: string, message: string }[]} */
	const examples = [];
	for (const status of ['error', 'crashed']) {
		if (!statuses[status]) continue;
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status: [status] }));
		const list = (await n8n.rest('GET', `/executions?filter=${filter}&limit=50`)).data.results;
		for (const summary of list) {
			const execution = await n8n.execution(summary.id).catch(() => undefined);
			const result = execution?.data?.resultData ?? {};
			const node = result.lastNodeExecuted ?? result.error?.node?.name ?? '?';
			const message = String(result.error?.message ?? summary.status).slice(0, 200);
			const key = `${status} · ${node} · ${message}`;
			failures[key] = (failures[key] ?? 0) + 1;
			if (examples.length < 5) examples.push({ id: summary.id, status, node, message });
		}
	}
	return { statuses, byMode, failuresOfFirst50: failures, examples };
}

/**
 * How many executions each worker ran ("Worker started execution" lines in its log).
 * @param {string} logDir
 */
export function workerShares(logDir) {
	/** @type {Record<string, number>} */
	const shares = {};
	for (const file of readdirSync(logDir)) {
		const m = /^n8n-worker-(\d+)-\d+\.log$/.exec(file);
		if (!m) continue;
		const text = readFileSync(path.join(logDir, file), 'utf8');
		shares[`worker-${m[1]}`] = (text.match(/started execution/gi) ?? []).length;
	}
	return shares;
}

/**
 * "Request body stream was aborted" and friends: what n8n logged about the door.
 * @param {string} logDir
 */
export function logCounts(logDir) {
	const patterns = {
		bodyAborted: /Request body stream was aborted/g,
		dbPingFailed: /Database ping failed/g,
		connectionTimeout: /timeout exceeded when trying to connect/g,
		stalled: /\bstalled\b/gi,
		problemWithExecution: /Problem with execution/g,
	};
	/** @type {Record<string, Record<string, number>>} */
	const out = {};
	for (const file of readdirSync(logDir).filter((f) => f.endsWith('.log'))) {
		const text = readFileSync(path.join(logDir, file), 'utf8');
		for (const [key, re] of Object.entries(patterns)) {
			const n = (text.match(re) ?? []).length;
			if (n) (out[file] ??= {})[key] = n;
		}
	}
	return out;
}
