// `npm start`'s steps 1–6: n8n installed (once), this package installed into it, the sandbox
// started, the credentials and templates imported and published, n8n started, and the sample chat
// sent as Intercom sends it, its Kommo note printed. startDemo() resolves to the running demo.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { ensureN8n, packageName, repoRoot } from '../../n8n-driver/n8n.mjs';
import {
	addStageTagRows,
	importTemplates,
	productionUrl,
	publishWithCli,
	registerKommoWebhook,
	sandboxCredentials,
	setUpChatToChat,
	waitForWebhook,
} from '../../n8n-driver/templates.mjs';
import { dim, say, seconds, step, withHeartbeat } from './console.mjs';
import { DemoN8n, pickPort } from './demoN8n.mjs';
import { ensurePackage, resetN8nData } from './package.mjs';
import {
	demoDir,
	logDir,
	owner,
	sampleConversationId,
	stateFile,
	userFolder,
	version,
} from './settings.mjs';
import { printNote, waitFor } from './watch.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../../sandbox/index.js');

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../n8n-driver/n8n.mjs').Owner} Owner */

/**
 * Where the demo's pages and webhooks are: the editor, each workflow (`forward`: the chat
 * template, `reverse`: the stage template, `queueForward`: the queue-mode chat template), both
 * Production URLs, the sandbox.
 * @typedef {{
 *   editor: string,
 *   forward: string,
 *   queueForward: string,
 *   reverse: string,
 *   intercomWebhook: string,
 *   kommoWebhook: string,
 *   chatToChat: string,
 *   chatToChatIntercomWebhook: string,
 *   kommoChatWebhook: string,
 *   sandbox: string,
 * }} DemoUrls
 */

/**
 * The running demo; `leadId`: the deal the sample chat went to (once it is in Kommo).
 * @typedef {object} Demo
 * @property {DemoN8n} n8n
 * @property {Sandbox} sandbox
 * @property {DemoUrls} urls
 * @property {Owner} owner
 * @property {{ forward: string, reverse: string, queueForward: string, chatToChat: string }} workflowIds
 * @property {() => Promise<void>} stop
 * @property {number | undefined} leadId
 */

/**
 * The stage rows a user adds for their own pipeline, next to the template's Won/Lost rows.
 * @param {Sandbox} sandbox
 * @returns {Array<{ stageId: number, tag: string }>}
 */
export function demoStageRows(sandbox) {
	const sales =
		sandbox.state.kommo.pipelines.find((pipeline) => pipeline.is_main) ??
		sandbox.state.kommo.pipelines[0];
	const statuses = sales?.statuses ?? [];
	const rows = [];
	for (const name of ['Qualified', 'Proposal']) {
		const status = statuses.find((entry) => entry.name === name);
		if (status) rows.push({ stageId: status.id, tag: `Kommo: ${name}` });
	}
	return rows;
}

/**
 * Starts everything and sends the sample chat. Resolves to the running demo:
 * `{ n8n, sandbox, urls, workflowIds, owner, stop() }`. `onStop(stop)` gets the stop function
 * at once, so that Ctrl-C during the start stops what is already running.
 * @param {{ sendSample?: boolean, onStop?: (stop: () => Promise<void>) => void }} [options]
 * @returns {Promise<Demo>}
 */
export async function startDemo({ sendSample = true, onStop = () => undefined } = {}) {
	const total = 6;
	const started = Date.now();
	mkdirSync(logDir, { recursive: true });
	/** @type {Sandbox | undefined} */
	let sandbox;
	/** @type {DemoN8n | undefined} */
	let n8n;
	const stop = async () => {
		rmSync(stateFile, { force: true });
		await n8n?.stop().catch(() => undefined);
		await sandbox?.close().catch(() => undefined);
	};
	onStop(stop);
	try {
		step(1, total, `n8n ${version}`);
		const cached = existsSync(
			path.join(
				process.env.N8N_CACHE_DIR ?? path.join(process.env.HOME ?? '', '.cache', packageName),
				`n8n-${version}`,
				'.installed',
			),
		);
		if (!cached) {
			say(
				`      first run: installing n8n ${version} from the npm registry (about 6 min on 2 cores, ~1.8 GB;` +
					` later runs reuse it). Log: ${path.relative(repoRoot, path.join(logDir, 'install.log'))}`,
			);
		}
		const install = await withHeartbeat(
			ensureN8n(version, path.join(logDir, 'install.log')),
			'installing n8n',
		);
		say(`      ${cached ? 'cached' : 'installed'} in ${install.dir}`);

		step(2, total, 'this package: build, pack, install as a community package');
		const stepStarted = Date.now();
		resetN8nData();
		const pkg = await withHeartbeat(ensurePackage(), 'building', 20_000);
		say(
			pkg.rebuilt
				? `      ${pkg.tarball} installed into ${path.relative(repoRoot, path.join(userFolder, '.n8n', 'nodes'))} (${seconds(stepStarted)})`
				: '      sources unchanged since the last run: reusing the installed build',
		);

		step(3, total, 'Intercom + Kommo sandbox (demo seed)');
		sandbox = await createSandbox({
			port: await pickPort(Number(process.env.DEMO_SANDBOX_PORT ?? 5680)),
			seed: 'default',
		});
		say(`      ${sandbox.url}  (Intercom API under /intercom, Kommo API under /kommo)`);

		step(4, total, 'credentials, and the templates of workflows/ as shipped, into n8n');
		n8n = new DemoN8n({ installDir: install.dir, userFolder, outDir: logDir });
		await n8n.init();
		const importDir = path.join(demoDir, 'import');
		rmSync(importDir, { recursive: true, force: true });
		mkdirSync(importDir, { recursive: true });
		const workflows = await importTemplates(n8n, sandboxCredentials(sandbox), importDir);
		rmSync(importDir, { recursive: true, force: true });
		for (const workflow of [workflows.chat, workflows.stage])
			await publishWithCli(n8n, workflow.id);

		step(5, total, `starting n8n on ${n8n.baseUrl}`);
		const startSeconds = await withHeartbeat(n8n.start(), 'n8n is starting', 20_000);
		await n8n.signIn(owner);
		say(`      ready after ${startSeconds.toFixed(0)} s; owner account ${owner.email} created`);
		// What a user does next in the editor: stage rows for their own pipeline, saved and published.
		const rows = demoStageRows(sandbox);
		await addStageTagRows(n8n, workflows.stage, rows);
		say(
			dim(
				`      Kommo Trigger › Stage → Intercom Tag: added ${rows.map((row) => `"${row.tag}"`).join(', ')}; published again`,
			),
		);
		const intercomWebhookUrl = (await productionUrl(n8n, workflows.chat)).url;
		const kommoWebhookUrl = (await productionUrl(n8n, workflows.stage)).url;
		await waitForWebhook(intercomWebhookUrl);
		await waitForWebhook(kommoWebhookUrl);
		await registerKommoWebhook(sandbox, kommoWebhookUrl);
		say(dim(`      Kommo webhook "Lead status changed" → ${kommoWebhookUrl}`));
		// The two-way chat template, set up as docs/kommo-chat.md says: the admin answers go out as
		// (the first the account lists), published; its Kommo Chat Trigger URL is the sandbox
		// channel's webhook URL and its Intercom Trigger gets its own Intercom subscription.
		const admins = /** @type {Array<{ id: string, name: string }>} */ (
			sandbox.state.intercom.admins
		);
		const chatToChat = await setUpChatToChat(n8n, sandbox, workflows.chatToChat, {
			adminId: admins[0].id,
		});
		say(
			dim(
				`      Intercom chat ↔ Kommo chat: answers sent as ${admins[0].name}; Kommo chat channel webhook → ${chatToChat.hookUrl}`,
			),
		);

		const workflowIds = {
			forward: workflows.chat.id,
			reverse: workflows.stage.id,
			// imported as shipped, not published: the demo runs one process (no Redis)
			queueForward: workflows.queueChat.id,
			chatToChat: workflows.chatToChat.id,
		};
		const urls = {
			editor: `${n8n.baseUrl}/`,
			forward: `${n8n.baseUrl}/workflow/${workflowIds.forward}`,
			queueForward: `${n8n.baseUrl}/workflow/${workflowIds.queueForward}`,
			reverse: `${n8n.baseUrl}/workflow/${workflowIds.reverse}`,
			chatToChat: `${n8n.baseUrl}/workflow/${workflowIds.chatToChat}`,
			intercomWebhook: intercomWebhookUrl,
			kommoWebhook: kommoWebhookUrl,
			chatToChatIntercomWebhook: chatToChat.intercomUrl,
			kommoChatWebhook: chatToChat.hookUrl,
			sandbox: sandbox.url,
		};
		writeFileSync(
			stateFile,
			JSON.stringify({ pid: process.pid, urls, owner, workflowIds }, null, '\t'),
		);

		/** @type {Demo} */
		const demo = {
			n8n,
			sandbox,
			urls,
			owner,
			workflowIds,
			stop,
			leadId: undefined,
		};
		if (sendSample) {
			step(
				6,
				total,
				`Intercom → n8n: a signed conversation.user.created for chat ${sampleConversationId}`,
			);
			const conversation = sandbox.state.intercom.conversations.find(
				(entry) => entry.id === sampleConversationId,
			);
			const customer = sandbox.state.intercom.contacts.find(
				(contact) => contact.id === conversation?.contacts?.[0],
			);
			if (customer) say(`      from ${customer.name} <${customer.email}>`);
			const answer = await sandbox.sendIntercomWebhook({
				url: intercomWebhookUrl,
				topic: 'conversation.user.created',
				conversationId: sampleConversationId,
			});
			// The template's catch-up imports the last 30 days when it is published, so the chat
			// may be in Kommo already; the webhook's run then finds nothing new and writes nothing.
			say(dim(`      n8n answered ${answer.status}; waiting for the note in Kommo…`));
			const ofSample = () =>
				demo.sandbox.state.kommo.notes.filter((note) =>
					String(note.params?.text ?? '').startsWith(`[Intercom] Chat #${sampleConversationId} `),
				);
			const notes = await waitFor(() => (ofSample().length ? ofSample() : undefined), 60_000);
			if (!notes) {
				throw new Error(
					`no Kommo note within 60 s; open ${urls.forward} → Executions to see what happened`,
				);
			}
			// All notes of one run are written in one request; give it a moment to finish.
			await delay(1000);
			for (const note of ofSample()) printNote(sandbox, note);
			demo.leadId = notes[0].entity_id;
			// the same notification to the two-way chat template's Intercom app
			await sandbox.sendIntercomWebhook({
				url: chatToChat.intercomUrl,
				topic: 'conversation.user.created',
				conversationId: sampleConversationId,
			});
			const live = sandbox;
			const chatOfSample = () => {
				const view = live.amojoChat(`intercom-${sampleConversationId}`);
				return view && view.messages.length ? view : undefined;
			};
			const chat = await waitFor(chatOfSample, 60_000);
			if (!chat) {
				throw new Error(
					`no Kommo chat within 60 s; open ${urls.chatToChat} → Executions to see what happened`,
				);
			}
			say(
				`      Kommo chat of chat ${sampleConversationId}: ${chat.messages.length} message(s), on ${chat.shownOn === 'leads' ? `deal ${chat.leads.map((lead) => lead.id).join(', ')}` : chat.shownOn}`,
			);
		}
		say(dim(`      (everything up in ${seconds(started)})`));
		return demo;
	} catch (error) {
		await stop();
		throw error;
	}
}
