// The workflows of bench/workflows/ that the latency rounds of bench/n8n.bench.mjs compare the chat
// template with: the floor (n8n's Webhook + 5 HTTP Request nodes making the template's calls), the
// peer (the same job from n8n's built-in nodes) and the two empty ones (our Intercom Trigger alone,
// n8n's Webhook node alone). They are imported as a user would build them: URLs and tokens typed in.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../../n8n-driver/n8n.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/**
 * A bench workflow as written for import: its file, id, name and nodes.
 * @typedef {{ key: string, file: string, id: string, name: string, nodes: any[] }} BenchWorkflow
 */

const benchWorkflowsDir = path.join(repoRoot, 'bench', 'workflows');
export const BENCH_FILES = {
	floor: 'floor-webhook-http.json',
	peer: 'peer-built-in-nodes.json',
	emptyTrigger: 'empty-intercom-trigger.json',
	emptyWebhook: 'empty-webhook.json',
};

/**
 * The credentials the peer uses, as a user would create them: Header Auth and Crypto.
 * @param {Sandbox} sandbox
 */
export function peerCredentials(sandbox) {
	return [
		{
			id: 'bnchIntercomHeader01',
			name: 'Bench: Intercom token header',
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${sandbox.tokens.intercom}` },
		},
		{
			id: 'bnchKommoHeader00001',
			name: 'Bench: Kommo token header',
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${sandbox.tokens.kommo}` },
		},
		{
			id: 'bnchIntercomSecret01',
			name: 'Bench: Intercom client secret',
			type: 'crypto',
			data: { hmacSecret: sandbox.tokens.intercomClientSecret },
		},
	];
}

/**
 * bench/workflows/*.json with the sandbox's addresses and tokens in place of the placeholders (what
 * a user types into the URL and header fields), written to `dir` for `n8n import:workflow`.
 * @param {Sandbox} sandbox
 * @param {string} dir
 * @returns {Record<string, BenchWorkflow>} by key of BENCH_FILES
 */
export function writeBenchWorkflows(sandbox, dir) {
	mkdirSync(dir, { recursive: true });
	/** @type {Record<string, BenchWorkflow>} */
	const out = {};
	for (const [key, file] of Object.entries(BENCH_FILES)) {
		const text = readFileSync(path.join(benchWorkflowsDir, file), 'utf8')
			.replaceAll('__INTERCOM_URL__', sandbox.intercomUrl)
			.replaceAll('__KOMMO_URL__', sandbox.kommoUrl)
			.replaceAll('__INTERCOM_TOKEN__', sandbox.tokens.intercom)
			.replaceAll('__KOMMO_TOKEN__', sandbox.tokens.kommo);
		writeFileSync(path.join(dir, file), text);
		const workflow = JSON.parse(text);
		out[key] = { key, file, id: workflow.id, name: workflow.name, nodes: workflow.nodes };
	}
	const unknown = readdirSync(benchWorkflowsDir).filter(
		(file) => file.endsWith('.json') && !Object.values(BENCH_FILES).includes(file),
	);
	if (unknown.length)
		throw new Error(`bench/workflows/ has files this bench does not use: ${unknown}`);
	return out;
}

/**
 * Production URL of a bench workflow's trigger, as the editor shows it.
 * @param {N8n} n8n
 * @param {BenchWorkflow} workflow
 */
export function benchUrl(n8n, workflow) {
	const trigger = workflow.nodes[0];
	if (trigger.type === 'n8n-nodes-base.webhook')
		return `${n8n.baseUrl}/webhook/${trigger.parameters.path}`;
	return `${n8n.baseUrl}/webhook/${trigger.webhookId}/webhook`;
}
