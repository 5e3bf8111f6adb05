// End-to-end suite of the two template workflows (workflows/*.json) inside a real n8n (default
// 2.41.1; the 1.123 LTS line too), against the local Intercom + Kommo sandbox (sandbox/).
// Run it with scripts/e2e.sh [n8n-version]. Everything listens on 127.0.0.1.
// Logs, results and the n8n user folder of the last run: e2e/.out/templates-<version>/.
//
// The templates are set up as the README tells a user to (n8n-driver/templates.mjs): credentials
// under the names the templates use, `n8n import:workflow --separate --input=workflows/` on the
// unmodified files, published, the Production URL taken from the workflow n8n stored. The one edit
// a user makes in the canvas, one more Stage → Intercom Tag row (Qualified), is saved and published
// through n8n's REST API as the editor does it. The Kommo Trigger stays in Manual registration: its
// production URL is added to the sandbox's webhook list with POST /api/v4/webhooks, as a user
// would paste it in Kommo's settings.
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import {
	E2E_OWNER,
	N8N_VERSIONS,
	N8n,
	ensureN8n,
	installPackage,
	log,
	makeWorkDir,
	repoRoot,
} from '../n8n-driver/n8n.mjs';
import { checkRecorder } from './support/checks.mjs';
import { createScenarios } from './scenarios/scenarios.mjs';
import { createCatchUpScenarios } from './scenarios/catchUp.mjs';
import {
	CREDENTIAL_NAMES,
	TEMPLATE_FILES,
	importTemplates,
	importWorkflowFiles,
	nodesWithoutCredential,
	productionUrl,
	publishWithCli,
	readTemplate,
	sandboxCredentials,
	waitForWebhook,
	setCatchUp,
} from '../n8n-driver/templates.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');
const { IDS } = require('../sandbox/seed.js');

/** @typedef {import('../n8n-driver/templates.mjs').ImportedTemplates} ImportedTemplates */
/** @typedef {import('../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('../sandbox/index.js').Sandbox} Sandbox */

const version = process.env.N8N_VERSION ?? N8N_VERSIONS.current;
const legacyLine = version.startsWith('1.');
const outDir = path.join(repoRoot, 'e2e', '.out', `templates-${version}`);
const quietMs = Number(process.env.E2E_QUIET_MS ?? 4000);
const owner = E2E_OWNER;
// The link's app id: the Transcript's "Intercom App ID" parameter, else the input item's appId. In
// the template the Transcript reads Get conversation's output, which has no appId, so with the
// parameter empty the link uses Intercom's "_" placeholder (README, "Conversation link").
const transcriptNode = readTemplate(TEMPLATE_FILES.chat).nodes.find((n) => n.name === 'Transcript');
const linkAppId = transcriptNode?.parameters?.appId ? IDS.intercom.appId : '_';

// n8n renders the transcript times in the workflow's timezone, which defaults to GENERIC_TIMEZONE.
process.env.GENERIC_TIMEZONE = 'UTC';
if (legacyLine) process.env.N8N_EXPRESSION_ENGINE = 'legacy';

const { results, check, save, crashed } = checkRecorder(outDir);
const {
	settle,
	sandboxState,
	executionFailures,
	chatScenarios,
	duplicateContactScenario,
	visitorScenario,
	restartScenario,
	staticDataWipedScenario,
	stageScenarios,
	errorWorkflowScenario,
	kommoChatScenarios,
} = createScenarios({ check, save, linkAppId, quietMs });
/** @type {Record<string, unknown>} */
const figures = {};
const catchUp = createCatchUpScenarios({
	check,
	save,
	sandboxState,
	figure: (name, value) => {
		figures[name] = value;
		log(`FIGURE ${name} = ${JSON.stringify(value)}`);
	},
});
// The 1.x line runs the short catch-up scenarios; the long ones (n8n down 3 minutes, the import of
// 300 chats) run on the 2.x line here and on the cluster.
const onlyTwoWayChat = process.env.E2E_ONLY === '13';
const longCatchUp = process.env.E2E_LONG_CATCH_UP
	? process.env.E2E_LONG_CATCH_UP === '1'
	: !legacyLine;

/**
 * 9. n8n stopped and started again, as an admin restarts it (or an update does).
 * @param {N8n} n8n
 * @param {LiveWorkflow} chat
 */
async function restartN8n(n8n, chat) {
	const started = Date.now();
	await n8n.stop();
	const seconds = await n8n.start();
	await n8n.signIn(owner);
	await waitForWebhook(chat.url);
	return `n8n stopped and started again (REST API after ${seconds.toFixed(1)} s, webhook live after ${((Date.now() - started) / 1000).toFixed(1)} s)`;
}

/**
 * 10. The workflow's static data wiped in n8n's SQLite database while n8n runs, as an admin with a
 * SQL shell could: UPDATE workflow_entity SET staticData = NULL. n8n reads a workflow's static data
 * from the database for every production webhook call, so the next execution sees the wipe without
 * a restart (which would be scenario 9 again). Done with n8n's own SQLite driver (its sqlite3
 * package, built for the Node that runs n8n and this suite): node:sqlite is not on Node 20, which
 * runs the 1.x line, and the image has no sqlite3 shell.
 * @param {N8n} n8n
 * @param {string} workflowId
 * @returns {Promise<import('./scenarios/betweenMessages.mjs').StaticDataWipe>}
 */
async function wipeStaticDataSqlite(n8n, workflowId) {
	const sqlite3 = n8n.requireFromN8n('sqlite3');
	const file = path.join(n8n.userFolder, '.n8n', 'database.sqlite');
	const db = await new Promise((resolve, reject) => {
		const opened = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, (error) =>
			error ? reject(error) : resolve(opened),
		);
	});
	db.configure('busyTimeout', 15_000);
	const get = (sql, params) =>
		new Promise((resolve, reject) =>
			db.get(sql, params, (error, row) => (error ? reject(error) : resolve(row))),
		);
	/**
	 * @param {string} sql
	 * @param {unknown[]} params
	 * @returns {Promise<number>} the rows it changed
	 */
	const run = (sql, params) =>
		new Promise((resolve, reject) =>
			// sqlite3 calls back with the statement as `this`: its `changes` is the row count
			db.run(
				sql,
				params,
				/** @this {{ changes: number }} */ function (error) {
					if (error) reject(error);
					else resolve(this.changes);
				},
			),
		);
	try {
		const row = await get('SELECT staticData FROM workflow_entity WHERE id = ?', [workflowId]);
		const rows = await run('UPDATE workflow_entity SET staticData = NULL WHERE id = ?', [
			workflowId,
		]);
		return {
			before: row?.staticData ?? null,
			rows,
			how: 'UPDATE workflow_entity SET staticData = NULL on database.sqlite, n8n running',
		};
	} finally {
		await new Promise((resolve) => db.close(resolve));
	}
}

/**
 * 8. The README's import command run a second time on the same n8n (a template upgrade, or a second
 * try). The files carry their workflow ids, so n8n updates the three workflows in place instead of
 * adding copies whose triggers would have the same Production URLs. n8n unpublishes what it
 * imports and replaces the workflow's static data (the chat template keeps none: what is delivered
 * is read from Kommo); the user publishes again.
 * @param {N8n} n8n
 * @param {Sandbox} sandbox
 * @param {ImportedTemplates} imported
 * @param {{ janeLeadId: number }} chatResult
 */
async function reimportScenario(n8n, sandbox, imported, { janeLeadId }) {
	const { chat } = imported;
	await n8n.stop();
	const again = await importWorkflowFiles(n8n);
	const rows = again.listing.split('\n').filter((line) => line.includes('|'));
	check(
		'8. a second import:workflow of workflows/ updates the same workflows, adds no copy',
		rows.length === Object.keys(TEMPLATE_FILES).length &&
			Object.keys(TEMPLATE_FILES).every((key) => again[key].id === imported[key].id),
		rows.join(' ; '),
	);
	await publishWithCli(n8n, again.chat.id);
	await n8n.start();
	await n8n.signIn(owner);
	const { url } = await productionUrl(n8n, again.chat);
	check('8. the Production URL is the same after the second import', url === chat.url, url);
	await waitForWebhook(url);

	const before = (await n8n.executions(chat.id, { mode: 'webhook' })).length;
	const text = 'After the re-import: please also send the invoice.';
	sandbox.appendIntercomPart(IDS.intercom.conversation, {
		kind: 'customer',
		body: `<p>${text}</p>`,
	});
	const replied = await sandbox.sendIntercomWebhook({
		url,
		topic: 'conversation.user.replied',
		conversationId: IDS.intercom.conversation,
	});
	const list = await settle(n8n, chat.id, before + 1);
	const state = await sandboxState(sandbox);
	// Jane's deal is Won by now, so the reply goes to a new open deal of hers: count over every note.
	const notes = state.kommo.notes.filter((note) =>
		String(note.params?.text ?? '').startsWith(`[Intercom] Chat #${IDS.intercom.conversation} `),
	);
	const all = notes.map((n) => n.params.text).join('\n');
	const earlier = [
		'Any news on the quote?',
		'Also: can we pay by invoice?',
		'Fifth: and a DPA, please.',
	];
	const counts = [text, ...earlier].map((t) => all.split(`]: ${t}`).length - 1);
	const newLeads = new Set(notes.map((note) => note.entity_id).filter((id) => id !== janeLeadId));
	check(
		'8. after it, the next reply lands once (on a new deal: the first is Won), nothing is written twice',
		replied.status === 200 && counts.every((c) => c === 1) && newLeads.size === 1,
		`${replied.status}; counts ${counts.join(',')}; ${notes.length} note(s) of chat ${IDS.intercom.conversation}; other deals ${[...newLeads].join(',')}`,
	);
	const failures = await executionFailures(n8n, list);
	check(
		`8. chat workflow: all ${list.length} executions succeeded`,
		failures.length === 0,
		failures.join(' | '),
	);
}

// ------------------------------------------------------------------ main

async function main() {
	const started = Date.now();
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(outDir, { recursive: true });
	const userFolder = path.join(outDir, 'n8n-user');
	const work = makeWorkDir(`templates-${version}`);
	let sandbox;
	let n8n;
	try {
		log(`installing n8n ${version} (cached after the first run) on Node ${process.version}`);
		const install = await ensureN8n(version, path.join(outDir, 'install.log'));
		log(`n8n ready in ${install.dir} (${install.seconds.toFixed(1)} s)`);

		log('building, packing and installing the package as a community package');
		const tarball = await installPackage(userFolder, work, path.join(outDir, 'package.log'));
		log(`installed ${path.basename(tarball)}`);

		sandbox = await createSandbox({ port: 0, seed: 'default' });
		log(`sandbox on ${sandbox.url} (Kommo limit 7 req/s as in Kommo)`);

		n8n = new N8n({ installDir: install.dir, userFolder, outDir });
		await n8n.init();
		const imported = await importTemplates(n8n, sandboxCredentials(sandbox), work);
		// each gets its Production URL (`url`) below, before any scenario runs
		const { chat, stage } = /** @type {Record<'chat' | 'stage', LiveWorkflow>} */ (imported);
		const credentials = sandboxCredentials(sandbox);
		await publishWithCli(n8n, stage.id);

		const startSeconds = await n8n.start();
		log(`n8n REST API up after ${startSeconds.toFixed(1)} s (port ${n8n.port})`);
		await n8n.signIn(owner);
		// Published from the editor after setting the catch-up's "Import History (Days)" to 0, as
		// docs/catch-up.md tells a user who wants no history: the seeded chats stay for the
		// scenarios' webhooks; the history import is CU4.
		await setCatchUp(n8n, chat, { importDays: 0 });
		// The credential's "Test" button (its test request, built by an n8n expression in the
		// credential type, which n8n evaluates with its own expression engine).
		// the chat channel's credential has no Test: amojo needs the account's id from Kommo first
		// (docs/kommo-chat.md); Kommo › Chat › Connect Channel is its test, run in scenario 13
		for (const credential of credentials.filter((c) => c.type !== 'intercomKommoKommoChatApi')) {
			const tested = await n8n
				.rest('POST', '/credentials/test', { credentials: credential })
				.catch((error) => ({ data: { status: 'Error', message: error.message } }));
			check(
				`the "${credential.name}" credential's Test succeeds against the sandbox`,
				tested?.data?.status === 'OK',
				JSON.stringify(tested?.data ?? tested).slice(0, 300),
			);
		}
		for (const workflow of [chat, stage]) {
			const template = readTemplate(workflow.file);
			const shippedId = template.nodes.find((node) => node.webhookId)?.webhookId;
			Object.assign(workflow, await productionUrl(n8n, workflow));
			check(
				`"${workflow.name}": the Production URL uses the template's own webhook id`,
				shippedId && workflow.webhookId === shippedId,
				`${workflow.url} (template: ${shippedId})`,
			);
			const waited = await waitForWebhook(workflow.url);
			log(`${workflow.url} answers (${waited.toFixed(1)} s after the REST API)`);
		}
		log(`both production webhooks registered (Kommo Trigger registration: manual)`);

		for (const workflow of [chat, stage, imported.chatToChat]) {
			const stored = await n8n.workflow(workflow.id);
			save(`workflow-${workflow.id}.json`, stored);
			const unbound = nodesWithoutCredential(stored);
			check(
				`import attached the credentials by name in "${workflow.name}" (${Object.values(CREDENTIAL_NAMES).join(', ')})`,
				unbound.length === 0,
				unbound.length ? `without a credential: ${unbound.join(', ')}` : '',
			);
			if (workflow !== imported.chatToChat)
				check(`"${workflow.name}" is active`, stored.active === true);
		}

		// E2E_ONLY=13 runs only the two-way chat scenario after the set-up (for working on it)
		if (!onlyTwoWayChat) {
			await catchUp.quietWorkspace(sandbox);
			const chatResult = await chatScenarios(n8n, sandbox, chat);
			await duplicateContactScenario(n8n, sandbox, chat);
			await visitorScenario(n8n, sandbox, chat);
			await restartScenario(n8n, sandbox, chat, { restart: () => restartN8n(n8n, chat) });
			await staticDataWipedScenario(n8n, sandbox, chat, {
				wipe: (workflowId) => wipeStaticDataSqlite(n8n, workflowId),
			});
			await stageScenarios(n8n, sandbox, stage, chatResult);
			await reimportScenario(n8n, sandbox, imported, chatResult);
			await errorWorkflowScenario(n8n, sandbox, chat, imported.errorReport);
			await catchUp.teammateClosing(n8n, sandbox, chat);
			if (longCatchUp) {
				await catchUp.outage(n8n, sandbox, chat, {
					outage: async (during) => {
						await n8n.stop();
						await during();
						await n8n.start();
						await n8n.signIn(owner);
						await waitForWebhook(chat.url);
					},
				});
				await catchUp.historyImport(n8n, sandbox, chat, { restart: () => restartN8n(n8n, chat) });
			}
		}
		// last: its Intercom subscription and catch-up add traffic the scenarios above do not expect
		await kommoChatScenarios(n8n, sandbox, imported.chatToChat);
		save('figures.json', figures);
		save('sandbox-log.json', sandbox.log);
	} catch (error) {
		crashed(error);
	} finally {
		if (sandbox) save('sandbox-state-final.json', await sandboxState(sandbox).catch(() => null));
		await n8n?.stop().catch(() => undefined);
		await sandbox?.close().catch(() => undefined);
		rmSync(work, { recursive: true, force: true });
	}

	const failed = results.filter((r) => !r.ok);
	process.stdout.write(
		`\nn8n ${version}: ${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
	);
	for (const r of results) process.stdout.write(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}\n`);
	process.stdout.write(`Logs: ${path.relative(repoRoot, outDir)}/\n`);
	save('results.json', results);
	process.exitCode = failed.length ? 1 : 0;
}

await main();
