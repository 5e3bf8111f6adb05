// The template workflows set up the way the README tells a user to, shared by `npm start`, the e2e
// suite and the benchmark, so none of them can drift from what a user gets:
//
// - credentials created under the names the templates reference ("Intercom account", "Kommo
//   account"), here pointing at the sandbox;
// - `n8n import:workflow --separate --input=workflows/` on the repository's own files, unmodified;
// - published with the CLI (`publish:workflow`, or `update:workflow --active` on the 1.x line);
// - the Production URL read off the workflow as n8n stored it (what the editor shows);
// - the only edits a user makes in the canvas (the Kommo Trigger's Stage → Intercom Tag rows) made
//   through n8n's REST API, as the editor saves and publishes them.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { packageName, repoRoot } from './n8n.mjs';

/** @typedef {import('../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('./n8n.mjs').N8n} N8n */
/** @typedef {import('./n8n.mjs').StoredNode} StoredNode */
/** @typedef {import('./n8n.mjs').StoredWorkflow} StoredWorkflow */

/**
 * A template imported into n8n: `key` (of TEMPLATE_FILES), its file, name and workflow id. The
 * suites add `url`, its Production URL as the sandbox calls it, once n8n runs (productionUrl()).
 * @typedef {object} TemplateWorkflow
 * @property {string} key
 * @property {string} file
 * @property {string} name
 * @property {string} id
 * @property {string} [url]
 * @property {string} [webhookId]
 */

/**
 * A template with its Production URL: what the scenarios send notifications to.
 * @typedef {TemplateWorkflow & { url: string }} LiveWorkflow
 */

/**
 * Every template of workflows/ as imported, by TEMPLATE_FILES key, and `n8n list:workflow`'s output.
 * @typedef {Record<keyof typeof TEMPLATE_FILES, TemplateWorkflow> & { listing: string }} ImportedTemplates
 */

/**
 * A credential as `n8n import:credentials` reads it.
 * @typedef {{ id: string, name: string, type: string, data: Record<string, unknown> }} CredentialFile
 */

export const templatesDir = path.join(repoRoot, 'workflows');
export const TEMPLATE_FILES = {
	chat: 'intercom-chat-to-kommo-deal.json',
	// what a queue-mode user imports instead of `chat` (README, docs/queue-mode.md)
	queueChat: 'intercom-chat-to-kommo-deal.queue-mode.json',
	stage: 'kommo-stage-to-intercom-tag.json',
	errorReport: 'error-report.json',
	// beside `chat` when the user has a Kommo chat channel (docs/kommo-chat.md)
	chatToChat: 'intercom-chat-to-kommo-chat.json',
};
export const CREDENTIAL_NAMES = {
	intercom: 'Intercom account',
	kommo: 'Kommo account',
	kommoChat: 'Kommo chat channel',
	redis: 'Redis account',
};
/** @type {Record<string, string>} */
const TRIGGERS = {
	chat: `${packageName}.intercomTrigger`,
	queueChat: `${packageName}.intercomTrigger`,
	stage: `${packageName}.kommoTrigger`,
	chatToChat: `${packageName}.intercomTrigger`,
};

/**
 * A template file of workflows/, parsed.
 * @param {string} file
 * @returns {{ name: string, nodes: StoredNode[], [field: string]: unknown }}
 */
export function readTemplate(file) {
	return JSON.parse(readFileSync(path.join(templatesDir, file), 'utf8'));
}

/**
 * The credentials, under the names the templates reference, pointing at the sandbox; with `redis`
 * (`{ host, port }`) also the Redis credential of the queue-mode template.
 * @param {Sandbox} sandbox
 * @param {{ kommoLimit?: number, redis?: { host: string, port: number } }} [options]
 * @returns {CredentialFile[]}
 */
export function sandboxCredentials(sandbox, { kommoLimit = 7, redis } = {}) {
	const redisCredential = redis
		? [
				{
					id: 'clusterRedisCred01',
					name: CREDENTIAL_NAMES.redis,
					type: 'redis',
					data: { host: redis.host, port: redis.port, database: 0, password: '' },
				},
			]
		: [];
	return [
		...redisCredential,
		{
			id: 'sandboxIntercomCred',
			name: CREDENTIAL_NAMES.intercom,
			type: 'intercomKommoIntercomApi',
			data: {
				accessToken: sandbox.tokens.intercom,
				region: 'custom',
				baseUrl: sandbox.intercomUrl,
				clientSecret: sandbox.tokens.intercomClientSecret,
				apiVersion: '2.14',
			},
		},
		{
			id: 'sandboxKommoCred01',
			name: CREDENTIAL_NAMES.kommo,
			type: 'intercomKommoKommoApi',
			data: {
				subdomain: 'demo',
				domain: 'custom',
				baseUrl: sandbox.kommoUrl,
				maxRequestsPerSecond: kommoLimit,
				accessToken: sandbox.tokens.kommo,
			},
		},
		{
			id: 'sandboxKommoChat01',
			name: CREDENTIAL_NAMES.kommoChat,
			type: 'intercomKommoKommoChatApi',
			data: {
				channelId: sandbox.amojo.channelId,
				channelSecret: sandbox.amojo.secret,
				botId: sandbox.amojo.botId,
				host: 'custom',
				baseUrl: sandbox.amojoUrl,
			},
		},
	];
}

/**
 * The names of a stored workflow's nodes (as n8n's API returns it) with a credential slot that has
 * no credential id, i.e. that import or the editor left unbound. Disabled nodes do not count.
 * @param {StoredWorkflow} stored
 * @returns {string[]}
 */
export function nodesWithoutCredential(stored) {
	return stored.nodes
		.filter((node) => node.credentials && !node.disabled)
		.filter((node) => Object.values(node.credentials ?? {}).some((credential) => !credential?.id))
		.map((node) => node.name);
}

/**
 * `n8n list:workflow` prints `id|name` lines.
 * @param {string} listing
 * @param {string} name
 */
export function workflowIdByName(listing, name) {
	const line = listing
		.split('\n')
		.map((l) => l.trim())
		.find((l) => l.endsWith(`|${name}`));
	if (!line) throw new Error(`workflow "${name}" not in n8n list:workflow:\n${listing}`);
	return line.slice(0, line.length - name.length - 1);
}

/**
 * With n8n stopped: the credentials, then every file of `workflows/` exactly as shipped. Returns
 * `{ chat, stage, errorReport }`, each `{ key, file, name, id }`.
 * @param {N8n} n8n
 * @param {CredentialFile[]} credentials
 * @param {string} workDir
 * @returns {Promise<ImportedTemplates>}
 */
export async function importTemplates(n8n, credentials, workDir) {
	const credentialsPath = path.join(workDir, 'credentials.json');
	writeFileSync(credentialsPath, JSON.stringify(credentials, null, '\t'));
	await n8n.cli(['import:credentials', `--input=${credentialsPath}`], 'cli-import-credentials.log');
	return await importWorkflowFiles(n8n);
}

/**
 * With n8n stopped: `n8n import:workflow --separate --input=workflows/`, then the ids by name.
 * @param {N8n} n8n
 * @returns {Promise<ImportedTemplates>}
 */
export async function importWorkflowFiles(n8n) {
	await n8n.cli(
		['import:workflow', '--separate', `--input=${templatesDir}`],
		`cli-import-workflows-${Date.now()}.log`,
	);
	const listing = await n8n.cli(['list:workflow'], `cli-list-workflow-${Date.now()}.log`);
	// filled in by the loop below, one entry per key
	const imported = /** @type {ImportedTemplates} */ ({ listing });
	for (const [key, file] of /** @type {Array<[keyof typeof TEMPLATE_FILES, string]>} */ (
		Object.entries(TEMPLATE_FILES)
	)) {
		const { name } = readTemplate(file);
		imported[key] = { key, file, name, id: workflowIdByName(listing, name) };
	}
	// Every file in workflows/ is one of the templates above: a new one must be added here.
	const shipped = readdirSync(templatesDir).filter((file) => file.endsWith('.json'));
	const known = Object.values(TEMPLATE_FILES);
	const unknown = shipped.filter((file) => !known.includes(file));
	if (unknown.length) {
		throw new Error(`workflows/ holds templates this helper does not know: ${unknown}`);
	}
	return imported;
}

/**
 * With n8n stopped: makes the workflow active on the next start (the CLI form of "Publish").
 * @param {N8n} n8n
 * @param {string} workflowId
 */
export async function publishWithCli(n8n, workflowId) {
	await n8n.cli(
		n8n.legacyLine
			? ['update:workflow', `--id=${workflowId}`, '--active=true']
			: ['publish:workflow', `--id=${workflowId}`],
		`cli-publish-${workflowId}.log`,
	);
}

/**
 * The trigger's Production URL as the editor shows it: `<WEBHOOK_URL>webhook/<webhookId>/<path>`,
 * from the webhook id n8n stored for the node. Returns `{ url, webhookId }`.
 * @param {N8n} n8n
 * @param {TemplateWorkflow} workflow
 * @returns {Promise<{ url: string, webhookId: string }>}
 */
export async function productionUrl(n8n, workflow) {
	const stored = await n8n.workflow(workflow.id);
	const trigger = stored.nodes.find((node) => node.type === TRIGGERS[workflow.key]);
	if (!trigger?.webhookId) {
		throw new Error(`"${workflow.name}" has no trigger with a webhook id after the import`);
	}
	return {
		url: `${n8n.baseUrl}/webhook/${trigger.webhookId}/webhook`,
		webhookId: trigger.webhookId,
	};
}

/**
 * The Kommo Chat Trigger's Production URL as the editor shows it and a user gives it to Kommo
 * support: `<WEBHOOK_URL>webhook/<webhookId>/kommo-chat/:scope_id`, `:scope_id` left for Kommo to
 * fill in.
 * @param {N8n} n8n
 * @param {TemplateWorkflow} workflow
 * @returns {Promise<{ url: string, webhookId: string }>}
 */
export async function kommoChatHookUrl(n8n, workflow) {
	const stored = await n8n.workflow(workflow.id);
	const trigger = stored.nodes.find((node) => node.type === `${packageName}.kommoChatTrigger`);
	if (!trigger?.webhookId) {
		throw new Error(`"${workflow.name}" has no Kommo Chat Trigger with a webhook id`);
	}
	return {
		url: `${n8n.baseUrl}/webhook/${trigger.webhookId}/kommo-chat/:scope_id`,
		webhookId: trigger.webhookId,
	};
}

/**
 * Production webhooks register a few seconds after n8n is healthy; a GET answers once they are.
 * Resolves with the seconds it waited.
 * @param {string} url
 * @param {number} [timeoutMs]
 * @returns {Promise<number>}
 */
export async function waitForWebhook(url, timeoutMs = 120_000) {
	const started = Date.now();
	let last = '';
	while (Date.now() - started < timeoutMs) {
		const response = await fetch(url).catch(() => undefined);
		last = response ? `${response.status} ${(await response.text()).slice(0, 200)}` : 'no answer';
		if (response && (response.status !== 404 || /POST|HEAD/.test(last))) {
			return (Date.now() - started) / 1000;
		}
		await delay(500);
	}
	throw new Error(`n8n did not register ${url} within ${timeoutMs / 1000} s; last answer: ${last}`);
}

/**
 * What a user does in the editor on a published workflow: change a node, save, publish. `change`
 * gets the stored nodes and edits them in place. Signed in as the owner, n8n running.
 * @param {N8n} n8n
 * @param {string} workflowId
 * @param {(nodes: StoredNode[]) => void} change
 * @returns {Promise<StoredWorkflow>} the saved workflow
 */
export async function editAndRepublish(n8n, workflowId, change) {
	const stored = await n8n.workflow(workflowId);
	change(stored.nodes);
	const body = {
		name: stored.name,
		nodes: stored.nodes,
		connections: stored.connections,
		settings: stored.settings,
		versionId: stored.versionId,
	};
	if (n8n.legacyLine) {
		// 1.x: saving an active workflow re-registers its webhooks with the saved nodes.
		const saved = await n8n.rest('PATCH', `/workflows/${workflowId}`, { ...body, active: true });
		return saved.data;
	}
	// 2.x: a save creates a draft; "Publish" makes that version the active one. n8n 2.41 applies a
	// publication in the background (an outbox drained every few seconds): until then webhooks still
	// run the previous version, so wait, as the editor does, until the new version is live.
	const saved = await n8n.rest('PATCH', `/workflows/${workflowId}`, body);
	const versionId = saved.data.versionId;
	await n8n.rest('POST', `/workflows/${workflowId}/activate`, { versionId });
	const started = Date.now();
	let status;
	while (Date.now() - started < 60_000) {
		status = (await n8n.rest('GET', `/workflows/${workflowId}/publication-status`)).data;
		if (status?.status === 'published' && status.liveVersionId === versionId) return saved.data;
		await delay(250);
	}
	throw new Error(
		`version ${versionId} of ${workflowId} not live after 60 s: ${JSON.stringify(status)}`,
	);
}

/**
 * One call to the sandbox's Kommo with its token, as a person working in Kommo makes it (a 429 is
 * waited out: fetchPastKommoLimit).
 * @param {Sandbox} sandbox
 * @param {string} method
 * @param {string} urlPath
 * @param {unknown} [body]
 */
function kommoRequest(sandbox, method, urlPath, body) {
	return fetchPastKommoLimit(`${sandbox.kommoUrl}${urlPath}`, {
		method,
		headers: {
			authorization: `Bearer ${sandbox.tokens.kommo}`,
			'content-type': 'application/json',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

/**
 * A call to the sandbox's Kommo API as an integration makes it (bearer token, JSON); its answer.
 * @param {Sandbox} sandbox
 * @param {string} method
 * @param {string} urlPath
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function kommoApi(sandbox, method, urlPath, body) {
	const response = await kommoRequest(sandbox, method, urlPath, body);
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} /kommo${urlPath} → ${response.status}: ${text}`);
	return text ? JSON.parse(text) : undefined;
}

/**
 * A request to the sandbox's Kommo that stands in for a person working in Kommo (moving a deal, adding
 * a contact): Kommo's 7 requests a second are the account's, and the workflows may be using all of
 * them at that moment, so a 429 is waited out (a second, up to ten times) as a person would retry.
 * @param {string} url
 * @param {RequestInit} init
 */
export async function fetchPastKommoLimit(url, init) {
	for (let attempt = 1; ; attempt++) {
		const response = await fetch(url, init);
		if (response.status !== 429 || attempt === 10) return response;
		await response.arrayBuffer();
		await delay(1000);
	}
}

/**
 * The Kommo Trigger in Manual registration: what a user does in Kommo → Settings → Integrations →
 * Webhooks (paste the Production URL, tick "Lead status changed"), here against the sandbox.
 * @param {Sandbox} sandbox
 * @param {string} url
 */
export async function registerKommoWebhook(sandbox, url) {
	const response = await kommoRequest(sandbox, 'POST', '/api/v4/webhooks', {
		destination: url,
		settings: ['status_lead'],
	});
	if (response.status !== 201) {
		throw new Error(
			`the sandbox refused the Kommo webhook (${response.status}): ${await response.text()}`,
		);
	}
}

/**
 * The Kommo Trigger's Stage → Intercom Tag rows, added in front of the template's own.
 * @param {N8n} n8n
 * @param {TemplateWorkflow} stageWorkflow
 * @param {Array<{ stageId: number, tag: string }>} rows
 */
export async function addStageTagRows(n8n, stageWorkflow, rows) {
	return await editAndRepublish(n8n, stageWorkflow.id, (nodes) => {
		const trigger = nodes.find((node) => node.type === TRIGGERS.stage);
		if (!trigger) throw new Error(`"${stageWorkflow.name}" has no Kommo Trigger`);
		trigger.parameters.options.stageTags.mapping.unshift(...rows);
	});
}

/** What the README tells a user to tick in the Developer Hub. */
export const README_TOPICS = ['conversation.user.created', 'conversation.user.replied'];

/** The topics docs/kommo-chat.md tells a user to tick for the two-way chat template's Intercom app. */
export const CHAT_TOPICS = [
	...README_TOPICS,
	'conversation.admin.replied',
	'conversation.operator.replied',
];

/**
 * What docs/kommo-chat.md tells a user to do after importing the two-way chat template, on n8n
 * running: choose the admin "Reply in Intercom" answers as (Act As › Chosen Admin; the default is the
 * token's admin), optionally change the catch-up, publish.
 * Then the Kommo Chat Trigger's URL goes to Kommo support (here: the sandbox's channel webhook URL)
 * and the Intercom Trigger's URL into an Intercom app (here: a sandbox subscription).
 * @param {N8n} n8n
 * @param {Sandbox} sandbox
 * @param {TemplateWorkflow} workflow
 * @param {{ adminId: string, catchUp?: Record<string, unknown> }} choices
 * @returns {Promise<{ intercomUrl: string, hookUrl: string, hookWebhookId: string }>}
 */
export async function setUpChatToChat(n8n, sandbox, workflow, { adminId, catchUp = {} }) {
	await editAndRepublish(n8n, workflow.id, (nodes) => {
		for (const node of nodes) {
			if (node.name === 'Reply in Intercom')
				Object.assign(node.parameters, { actAs: 'chosenAdmin', adminId });
			if (node.name === CATCH_UP_NODE) Object.assign(node.parameters, catchUp);
		}
	});
	const intercomUrl = (await productionUrl(n8n, workflow)).url;
	const hook = await kommoChatHookUrl(n8n, workflow);
	sandbox.configure({ amojoChannel: { webhookUrl: hook.url } });
	sandbox.subscribeIntercom({ url: intercomUrl, topics: CHAT_TOPICS });
	await waitForWebhook(intercomUrl);
	return { intercomUrl, hookUrl: hook.url, hookWebhookId: hook.webhookId };
}

/** The chat template's one static data: the catch-up's cursor (node static data, by node name). */
export const CATCH_UP_NODE = 'Catch up every minute';
export const CATCH_UP_STATIC_DATA = `node:${CATCH_UP_NODE}`;

/**
 * The catch-up node's settings, changed in the canvas and published, as docs/catch-up.md says.
 * @param {N8n} n8n
 * @param {TemplateWorkflow} chat
 * @param {Record<string, unknown>} parameters
 */
export async function setCatchUp(n8n, chat, parameters) {
	return await editAndRepublish(n8n, chat.id, (nodes) => {
		const node = nodes.find((entry) => entry.name === CATCH_UP_NODE);
		if (!node) throw new Error(`"${chat.name}" has no node "${CATCH_UP_NODE}"`);
		Object.assign(node.parameters, parameters);
	});
}
