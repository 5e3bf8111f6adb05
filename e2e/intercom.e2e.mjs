// End-to-end check of the Intercom nodes inside a real n8n (default 2.41.1):
//   Intercom Trigger → Intercom Conversations › Get → Intercom Transcript,
// with a local stand-in for the Intercom API. Run it with scripts/n8n-smoke.sh (Node 24).
// Everything listens on 127.0.0.1. Logs and the n8n user folder of the last run: e2e/.out/intercom/.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { checkRecorder } from './support/checks.mjs';
import { staticDataIsEmpty } from './scenarios/scenarios.mjs';
import { fixture, startIntercomStub } from './support/intercom-stub.mjs';
import {
	E2E_OWNER,
	N8N_VERSIONS,
	N8n,
	ensureN8n,
	installPackage,
	log,
	makeWorkDir,
	packageName,
	repoRoot,
} from '../n8n-driver/n8n.mjs';

const version = process.env.N8N_VERSION ?? N8N_VERSIONS.current;
const outDir = path.join(repoRoot, 'e2e', '.out', 'intercom');
const workflowId = 'e2eIntercomFlow1';
const credentialId = 'e2eIntercomCred1';
const webhookId = randomUUID();
const clientSecret = 'e2e-client-secret';
const accessToken = 'e2e-access-token';
const owner = E2E_OWNER;
// How long a request that must NOT start an execution is given to (wrongly) produce one.
const quietMs = Number(process.env.E2E_QUIET_MS ?? 4000);

const { results, check, crashed } = checkRecorder(outDir);

function credentialFile(stubUrl) {
	return [
		{
			id: credentialId,
			name: 'Intercom (e2e stub)',
			type: 'intercomKommoIntercomApi',
			data: {
				accessToken,
				region: 'custom',
				baseUrl: stubUrl,
				clientSecret,
				apiVersion: '2.14',
			},
		},
	];
}

/**
 * Trigger → Get Conversation → "Delivered so far" → Transcript → "Record delivery". The Transcript is
 * stateless: it renders the messages after "Start After Transcript Key". The two HTTP steps stand in
 * for Kommo, the record of what is delivered in the templates (Find by Email's `transcriptKey`, Add
 * Note): they read and write the newest delivered key on the stub (intercom-stub.mjs).
 */
function workflowFile(stubUrl) {
	const credentials = {
		intercomKommoIntercomApi: { id: credentialId, name: 'Intercom (e2e stub)' },
	};
	return [
		{
			id: workflowId,
			name: 'E2E Intercom → Transcript',
			active: false,
			settings: { executionOrder: 'v1', timezone: 'UTC' },
			nodes: [
				{
					id: randomUUID(),
					name: 'Intercom Trigger',
					type: `${packageName}.intercomTrigger`,
					typeVersion: 1,
					position: [0, 0],
					webhookId,
					parameters: {
						topics: ['conversation.user.created', 'conversation.user.replied'],
						verifySignature: true,
					},
					credentials,
				},
				{
					id: randomUUID(),
					name: 'Get Conversation',
					type: `${packageName}.intercom`,
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						resource: 'conversation',
						operation: 'get',
						conversationId: { __rl: true, mode: 'id', value: '={{ $json.conversationId }}' },
						resolveCustomer: true,
						options: {},
					},
					credentials,
				},
				{
					// Stands in for "Kommo › Find by Email" with "Read Newest Transcript Note".
					id: randomUUID(),
					name: 'Delivered so far',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [440, 0],
					parameters: {
						method: 'GET',
						url: `=${stubUrl}/_e2e/delivered/{{ $json.id }}`,
						options: {},
					},
				},
				{
					id: randomUUID(),
					name: 'Transcript',
					type: `${packageName}.intercomTranscript`,
					typeVersion: 1,
					position: [660, 0],
					parameters: {
						operation: 'render',
						startAfterKey: '={{ $json.transcriptKey ?? "" }}',
						outputMode: 'perConversation',
						options: {
							timezone: 'UTC',
							conversation: "={{ $('Get Conversation').item.json }}",
						},
					},
				},
				{
					// Stands in for "Kommo › Add Note" succeeding: the newest note's key is what is delivered.
					id: randomUUID(),
					name: 'Record delivery',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [880, 0],
					parameters: {
						method: 'POST',
						url: `=${stubUrl}/_e2e/delivered/{{ $json.conversationId }}?key={{ encodeURIComponent($json.notes[$json.notes.length - 1].idempotencyKey) }}`,
						options: {},
					},
				},
			],
			connections: {
				'Intercom Trigger': { main: [[{ node: 'Get Conversation', type: 'main', index: 0 }]] },
				'Get Conversation': { main: [[{ node: 'Delivered so far', type: 'main', index: 0 }]] },
				'Delivered so far': { main: [[{ node: 'Transcript', type: 'main', index: 0 }]] },
				Transcript: { main: [[{ node: 'Record delivery', type: 'main', index: 0 }], []] },
			},
		},
	];
}

/** A `conversation.user.created` notification about the fixture conversation, with a fresh id. */
function notification(conversationId, id = `notif_${randomUUID()}`) {
	const body = fixture('webhooks', 'conversation-user-created.json');
	body.id = id;
	body.data.item.id = conversationId;
	return body;
}

function sign(raw, secret = clientSecret) {
	return `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`;
}

/** The first sentence of the fixture's opening message, as plain text. */
function firstMessageText(conversation) {
	return conversation.source.body
		.replace(/<\/p>.*$/s, '')
		.replace(/<[^>]+>/g, '')
		.replace(/&amp;/g, '&')
		.split(/(?<=[.!?])\s/)
		.slice(0, 2)
		.join(' ')
		.trim();
}

async function main() {
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(outDir, { recursive: true });
	const userFolder = path.join(outDir, 'n8n-user');
	const work = makeWorkDir('intercom');
	let stub;
	let n8n;
	try {
		log(`installing n8n ${version} (cached after the first run)`);
		const install = await ensureN8n(version, path.join(outDir, 'install.log'));
		log(`n8n ready in ${install.dir} (${install.seconds.toFixed(1)} s)`);

		log('building, packing and installing the package as a community package');
		const tarball = await installPackage(userFolder, work, path.join(outDir, 'package.log'));
		log(`installed ${path.basename(tarball)}`);

		stub = await startIntercomStub();
		log(`Intercom stub on ${stub.baseUrl}`);

		n8n = new N8n({ installDir: install.dir, userFolder, outDir });
		await n8n.init();
		const credentialsPath = path.join(work, 'credentials.json');
		const workflowPath = path.join(work, 'workflow.json');
		writeFileSync(credentialsPath, JSON.stringify(credentialFile(stub.baseUrl), null, '\t'));
		const workflow = workflowFile(stub.baseUrl);
		writeFileSync(workflowPath, JSON.stringify(workflow, null, '\t'));
		writeFileSync(path.join(outDir, 'workflow.json'), JSON.stringify(workflow, null, '\t'));
		await n8n.cli(
			['import:credentials', `--input=${credentialsPath}`],
			'cli-import-credentials.log',
		);
		await n8n.cli(['import:workflow', `--input=${workflowPath}`], 'cli-import-workflow.log');
		await n8n.cli(['publish:workflow', `--id=${workflowId}`], 'cli-publish-workflow.log');

		const startSeconds = await n8n.start();
		log(
			`n8n /healthz ok after ${n8n.healthySeconds?.toFixed(1)} s, REST API after ${startSeconds.toFixed(1)} s (port ${n8n.port})`,
		);
		const webhookUrl = `${n8n.baseUrl}/webhook/${webhookId}/webhook`;
		const registeredAfter = await waitForWebhook(webhookUrl);
		log(`production webhook registered ${registeredAfter.toFixed(1)} s after /healthz`);

		await n8n.signIn(owner);
		log('signed in to the REST API as the owner');
		await loadingChecks(n8n, install.dir);

		const delivered = await runChecks(n8n, stub, webhookUrl);
		check(
			'exactly one transcript delivered (recorded once) before the restart',
			(stub.delivered.get(String(stub.conversation.id)) ?? []).length === 1,
			JSON.stringify(stub.delivered.get(String(stub.conversation.id)) ?? []),
		);

		// The trigger's notification ids live in process memory: after a restart a redelivery may
		// start an execution, and the record of what is delivered must still stop a second write.
		await n8n.stop();
		const restartSeconds = await n8n.start();
		log(
			`n8n restarted: /healthz ok after ${n8n.healthySeconds?.toFixed(1)} s, REST API after ${restartSeconds.toFixed(1)} s`,
		);
		await waitForWebhook(webhookUrl);
		await n8n.signIn(owner);
		await afterRestartChecks(n8n, webhookUrl, delivered);
		check(
			'after restart: still exactly one transcript delivered',
			(stub.delivered.get(String(stub.conversation.id)) ?? []).length === 1,
			JSON.stringify(stub.delivered.get(String(stub.conversation.id)) ?? []),
		);
	} catch (error) {
		crashed(error);
	} finally {
		await n8n?.stop().catch(() => undefined);
		await stub?.close().catch(() => undefined);
		rmSync(work, { recursive: true, force: true });
	}

	const failed = results.filter((r) => !r.ok);
	process.stdout.write(
		`\nSummary: ${results.length - failed.length}/${results.length} checks passed\n`,
	);
	for (const r of results) process.stdout.write(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}\n`);
	process.stdout.write(`Logs: ${path.relative(repoRoot, outDir)}/\n`);
	writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, '\t'));
	process.exitCode = failed.length ? 1 : 0;
}

/**
 * Production webhooks are registered a few seconds after /healthz turns ok. Until then n8n answers
 * 404 "not registered"; once registered, a GET (a method the trigger does not serve) is refused with a
 * hint naming the registered methods. GET never reaches the node, so polling does not disturb the checks.
 */
async function waitForWebhook(url) {
	const started = Date.now();
	let last = '';
	while (Date.now() - started < 120_000) {
		const response = await fetch(url);
		last = `${response.status} ${(await response.text()).slice(0, 200)}`;
		if (response.status !== 404 || /POST|HEAD/.test(last)) return (Date.now() - started) / 1000;
		await delay(500);
	}
	throw new Error(`webhook ${url} not registered after 120 s; last answer: ${last}`);
}

/** Our node and credential types as the editor sees them, and no complaint about them in the log. */
async function loadingChecks(n8n, installDir) {
	const nodeTypes = await n8n.typeNames('nodes');
	const ours = nodeTypes.filter((name) => name.startsWith(`${packageName}.`));
	const wanted = ['intercomTrigger', 'intercom', 'intercomTranscript'].map(
		(n) => `${packageName}.${n}`,
	);
	check(
		'n8n loaded the Intercom node types from the community package',
		wanted.every((name) => ours.includes(name)),
		`loaded: ${ours.map((name) => name.slice(packageName.length + 1)).join(', ') || 'none'}`,
	);
	const credentialTypes = await n8n.typeNames('credentials');
	check(
		'n8n loaded the intercomKommoIntercomApi credential type',
		credentialTypes.includes('intercomKommoIntercomApi'),
	);
	// The install folder's own name contains the package name; take it out before looking.
	const complaints = (await n8n.readLog())
		.split('\n')
		.map((line) => line.split(installDir).join('<n8n>'))
		.filter((line) => /n8n-nodes-intercom-kommo|intercomKommo/i.test(line))
		.filter((line) => /error|fail|warn|could not|unrecognized|unknown/i.test(line));
	check(
		'n8n log: no error or warning about the package',
		complaints.length === 0,
		complaints.slice(0, 5).join(' | '),
	);
}

async function post(url, raw, signature) {
	const response = await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(signature ? { 'x-hub-signature': signature } : {}),
		},
		body: raw,
	});
	return { status: response.status, text: await response.text() };
}

async function waitForExecutions(n8n, count, timeoutMs = 60_000) {
	const started = Date.now();
	let executions = [];
	while (Date.now() - started < timeoutMs) {
		executions = await n8n.executions(workflowId);
		const done = executions.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
		if (done.length >= count) return executions;
		await delay(500);
	}
	return executions;
}

async function quietCount(n8n) {
	await delay(quietMs);
	return (await n8n.executions(workflowId)).length;
}

function transcriptItems(execution) {
	const runs = execution.data?.resultData?.runData?.Transcript;
	return runs?.[0]?.data?.main?.[0]?.map((item) => item.json) ?? [];
}

async function runChecks(n8n, stub, url) {
	// HEAD: Intercom probes the URL this way when it is saved in the Developer Hub.
	const head = await fetch(url, { method: 'HEAD' });
	check('HEAD webhook URL → 200', head.status === 200, `got ${head.status}`);
	check('HEAD started no execution', (await quietCount(n8n)) === 0);

	const first = JSON.stringify(notification(stub.conversation.id));

	const forged = await post(url, first, sign(first, 'not-the-client-secret'));
	check(
		'POST with forged X-Hub-Signature → 401',
		forged.status === 401,
		`got ${forged.status} ${forged.text.slice(0, 120)}`,
	);
	check('forged POST started no execution', (await quietCount(n8n)) === 0);

	const unsigned = await post(url, first);
	check('POST without X-Hub-Signature → 401', unsigned.status === 401, `got ${unsigned.status}`);

	const requestsBefore = stub.requests.length;
	const valid = await post(url, first, sign(first));
	check(
		'POST with valid sha1 HMAC → 200',
		valid.status === 200,
		`got ${valid.status} ${valid.text.slice(0, 120)}`,
	);
	const executions = await waitForExecutions(n8n, 1);
	check(
		'valid POST started exactly one execution',
		executions.length === 1,
		`${executions.length} execution(s)`,
	);
	const execution = executions[0] && (await n8n.execution(executions[0].id));
	writeFileSync(
		path.join(outDir, 'execution-1.json'),
		JSON.stringify(execution ?? null, null, '\t'),
	);
	check(
		'execution succeeded',
		execution?.status === 'success',
		`status ${execution?.status}${execution?.data?.resultData?.error ? `: ${execution.data.resultData.error.message}` : ''}`,
	);
	const apiCalls = stub.requests.slice(requestsBefore);
	const get = apiCalls.find(
		(r) => r.method === 'GET' && r.path === `/conversations/${stub.conversation.id}`,
	);
	check(
		'Get Conversation called the stub with the token and Intercom-Version',
		get?.headers.authorization === `Bearer ${accessToken}` &&
			get?.headers['intercom-version'] === '2.14',
		apiCalls.map((r) => `${r.method} ${r.path}${r.query}`).join(', ') ||
			'no request reached the stub',
	);
	const items = execution ? transcriptItems(execution) : [];
	const expected = firstMessageText(stub.conversation);
	check(
		'Transcript text contains the first message',
		items.length > 0 && items[0].text?.includes(expected),
		items.length ? `looked for "${expected}"` : 'no Transcript output',
	);
	if (items[0]?.text) writeFileSync(path.join(outDir, 'transcript.txt'), items[0].text);

	const again = await post(url, first, sign(first));
	check(
		'same notification id again → 200',
		again.status === 200,
		`got ${again.status} ${again.text.slice(0, 120)}`,
	);
	check('redelivery started no second execution', (await quietCount(n8n)) === 1);

	const ping = JSON.stringify({ ...fixture('webhooks', 'ping.json') });
	const pong = await post(url, ping, sign(ping));
	check('ping topic → 200', pong.status === 200, `got ${pong.status} ${pong.text.slice(0, 80)}`);
	check('ping started no execution', (await quietCount(n8n)) === 1);

	// A second notification, strictly after the first one's execution: no concurrency involved.
	const second = JSON.stringify(notification(stub.conversation.id));
	const secondAnswer = await post(url, second, sign(second));
	const afterSecond = await waitForExecutions(n8n, 2);
	check(
		'a second, sequential notification → 200 and a second execution',
		secondAnswer.status === 200 && afterSecond.length === 2,
		`got ${secondAnswer.status}, ${afterSecond.length} execution(s)`,
	);

	const staticData = (await n8n.workflow(workflowId))?.staticData;
	writeFileSync(
		path.join(outDir, 'static-data-before-burst.json'),
		JSON.stringify(staticData ?? null, null, '\t'),
	);
	// The Transcript is stateless and the trigger keeps its notification ids in process memory:
	// nothing of the package is in the workflow's static data.
	check(
		'no static data written (the Transcript is stateless; delivered = the recorded transcript key)',
		staticDataIsEmpty(staticData),
		`${JSON.stringify(staticData ?? null).slice(0, 200)}; recorded keys: ${JSON.stringify(stub.delivered.get(String(stub.conversation.id)) ?? [])}`,
	);
	// The trigger's id memory is reliable within one n8n process only. What must hold everywhere is
	// that nothing is written twice: the Transcript renders nothing after the delivered key.
	const secondExecution = await n8n.execution(newest(afterSecond, 1)[0].id);
	check(
		'second notification with no new message → Transcript sends nothing to be written',
		secondExecution?.status === 'success' && transcriptItems(secondExecution).length === 0,
		`status ${secondExecution?.status}, ${transcriptItems(secondExecution ?? {}).length} transcript item(s)`,
	);

	return [first, second, ...(await burstChecks(n8n, stub, url))];
}

/**
 * Intercom retries, and busy workspaces send many notifications at once: concurrent executions must
 * all find the conversation delivered, and the workflow's static data must stay empty.
 */
async function burstChecks(n8n, stub, url) {
	const before = (await n8n.executions(workflowId)).length;

	const repeated = JSON.stringify(notification(stub.conversation.id));
	const copies = await Promise.all(
		Array.from({ length: 5 }, () => post(url, repeated, sign(repeated))),
	);
	check(
		'5 concurrent deliveries of one id → all 200',
		copies.every((r) => r.status === 200),
		copies.map((r) => r.status).join(','),
	);
	await waitForExecutions(n8n, before + 1);
	const afterRepeated = await quietCount(n8n);
	check(
		'5 concurrent deliveries of one id started exactly one execution',
		afterRepeated === before + 1,
		`${afterRepeated - before} execution(s)`,
	);

	const distinct = Array.from({ length: 5 }, () =>
		JSON.stringify(notification(stub.conversation.id)),
	);
	const answers = await Promise.all(distinct.map((raw) => post(url, raw, sign(raw))));
	check(
		'5 concurrent distinct notifications → all 200',
		answers.every((r) => r.status === 200),
		answers.map((r) => r.status).join(','),
	);
	const executions = await waitForExecutions(n8n, afterRepeated + 5);
	check(
		'5 concurrent distinct notifications started 5 executions, all successful',
		executions.length === afterRepeated + 5 && executions.every((e) => e.status === 'success'),
		`${executions.length - afterRepeated} new, statuses ${[...new Set(executions.map((e) => e.status))].join('/')}`,
	);

	const staticData = (await n8n.workflow(workflowId))?.staticData;
	writeFileSync(
		path.join(outDir, 'static-data-after-burst.json'),
		JSON.stringify(staticData ?? null, null, '\t'),
	);
	check(
		'after the burst: still no static data written',
		staticDataIsEmpty(staticData),
		JSON.stringify(staticData ?? null).slice(0, 200),
	);
	const rendered = await renderedItems(n8n, newest(executions, executions.length - before));
	check(
		'the burst (nothing new in the chat) rendered nothing to write again',
		rendered === 0,
		`${rendered} transcript item(s)`,
	);
	return [repeated, ...distinct];
}

async function afterRestartChecks(n8n, url, delivered) {
	const before = (await n8n.executions(workflowId)).length;
	// The trigger's ids were in process memory only; a redelivery that starts an execution must
	// still find nothing new to write.
	const answers = [];
	for (const raw of delivered) answers.push(await post(url, raw, sign(raw)));
	check(
		'after restart: redeliveries → all 200',
		answers.every((r) => r.status === 200),
		answers.map((r) => r.status).join(','),
	);
	const after = await quietCount(n8n);
	const executions = await n8n.executions(workflowId);
	const rendered = await renderedItems(n8n, newest(executions, after - before));
	log(`after restart: ${delivered.length} redeliveries started ${after - before} execution(s)`);
	check(
		'after restart: redeliveries rendered nothing to write twice',
		rendered === 0,
		`${rendered} transcript item(s)`,
	);
}

/** The `count` most recent executions (ids grow with every execution). */
function newest(executions, count) {
	return [...executions].sort((a, b) => Number(b.id) - Number(a.id)).slice(0, Math.max(0, count));
}

/** Transcript items (notes to write) across executions. */
async function renderedItems(n8n, executions) {
	let count = 0;
	for (const summary of executions) {
		const execution = await n8n.execution(summary.id);
		count += execution ? transcriptItems(execution).length : 0;
	}
	return count;
}

await main();
