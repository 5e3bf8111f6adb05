// `npm start`: the whole product on this machine, with nothing to sign up for.
//
// A real n8n (2.41.1, installed once into a cache outside the repository) with this package installed
// as a community package and both template workflows published, talking to a local sandbox of the
// Intercom and Kommo APIs (sandbox/, demo seed). The demo then plays Intercom: it sends the sample chat
// as a signed `conversation.user.created` webhook, waits for the Kommo note and prints it, and keeps
// running (printing every note and tag the workflows write) until Ctrl-C.
//
// Everything listens on 127.0.0.1. State lives in `.cache/demo/` (git-ignored): the n8n user folder
// (database reset on every start, so n8n and the freshly seeded sandbox always agree) and logs.
//
// `npm start -- --check` does all of that, then sends the two requests the printed "Try it" lines
// show (a customer reply; the deal moved to Won), asserts the second note and the Intercom tag, stops
// everything and exits 0 or 1: the README's start command as CI runs it.
//
// Environment: DEMO_N8N_PORT (default 5678, or a free port if taken), DEMO_SANDBOX_PORT (default 5680,
// likewise), N8N_VERSION (default 2.41.1), N8N_CACHE_DIR (where n8n is installed).
import { createHash } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import {
	N8n,
	ensureN8n,
	freePort,
	installPackage,
	packageName,
	repoRoot,
	run,
} from '../n8n-driver/n8n.mjs';
import {
	addStageTagRows,
	importTemplates,
	productionUrl,
	publishWithCli,
	registerKommoWebhook,
	sandboxCredentials,
	waitForWebhook,
} from '../n8n-driver/templates.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');

export const demoDir = path.join(repoRoot, '.cache', 'demo');
export const stateFile = path.join(demoDir, 'running.json');
const logDir = path.join(demoDir, 'logs');
const userFolder = path.join(demoDir, 'n8n-user');
const version = process.env.N8N_VERSION ?? '2.41.1';

export const owner = {
	email: 'demo@example.com',
	firstName: 'Demo',
	lastName: 'User',
	password: 'Demo-password-1',
};

const sampleConversationId = '1001';

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const cyan = paint('36');
const yellow = paint('33');

function say(message = '') {
	process.stdout.write(`${message}\n`);
}

function step(number, total, message) {
	say(`${bold(`[${number}/${total}]`)} ${message}`);
}

function seconds(since) {
	return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

/** Runs `promise` while printing a heartbeat, so a long first install does not look stuck. */
async function withHeartbeat(promise, label, everyMs = 30_000) {
	const started = Date.now();
	const timer = setInterval(
		() => say(dim(`      … ${label} (${seconds(started)} so far)`)),
		everyMs,
	);
	try {
		return await promise;
	} finally {
		clearInterval(timer);
	}
}

async function portIsFree(port) {
	return await new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The preferred port when it is free, else any free one. */
async function pickPort(preferred) {
	if (preferred && (await portIsFree(preferred))) return preferred;
	return await freePort();
}

class DemoN8n extends N8n {
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

// ------------------------------------------------------------------------------------ package

const packageSources = [
	'nodes',
	'credentials',
	'icons',
	'package.json',
	'tsconfig.json',
	'gulpfile.js',
];

function listFiles(entry) {
	const full = path.join(repoRoot, entry);
	if (!existsSync(full)) return [];
	if (!statSync(full).isDirectory()) return [entry];
	return readdirSync(full, { recursive: true })
		.map((name) => path.join(entry, String(name)))
		.filter((name) => statSync(path.join(repoRoot, name)).isFile())
		.sort();
}

/** A fingerprint of everything the built package is made from: unchanged → no rebuild. */
function sourceHash() {
	const hash = createHash('sha256');
	for (const file of packageSources.flatMap(listFiles)) {
		hash.update(file);
		hash.update(readFileSync(path.join(repoRoot, file)));
	}
	return hash.digest('hex');
}

async function ensurePackage() {
	const hashFile = path.join(demoDir, 'package.sha256');
	const installed = path.join(
		userFolder,
		'.n8n',
		'nodes',
		'node_modules',
		packageName,
		'package.json',
	);
	const hash = sourceHash();
	if (existsSync(installed) && existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash) {
		return { rebuilt: false };
	}
	const work = path.join(demoDir, 'work');
	rmSync(work, { recursive: true, force: true });
	rmSync(path.join(userFolder, '.n8n', 'nodes'), { recursive: true, force: true });
	const tarball = await installPackage(userFolder, work, path.join(logDir, 'package.log'));
	rmSync(work, { recursive: true, force: true });
	writeFileSync(hashFile, hash);
	return { rebuilt: true, tarball: path.basename(tarball) };
}

/** A fresh n8n database every start (the sandbox starts from its seed every time too). */
function resetN8nData() {
	const dotN8n = path.join(userFolder, '.n8n');
	mkdirSync(dotN8n, { recursive: true });
	for (const entry of readdirSync(dotN8n)) {
		if (entry !== 'nodes') rmSync(path.join(dotN8n, entry), { recursive: true, force: true });
	}
}

// ------------------------------------------------------------------------------------ n8n data

/** The stage rows a user adds for their own pipeline, next to the template's Won/Lost rows. */
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

// ------------------------------------------------------------------------------------ printing

function indent(text, prefix = '      ') {
	return text
		.split('\n')
		.map((line) => `${prefix}${line}`)
		.join('\n');
}

function leadName(sandbox, leadId) {
	return sandbox.state.kommo.leads.find((lead) => lead.id === leadId)?.name ?? `lead ${leadId}`;
}

function tagNames(sandbox, conversation) {
	return conversation.tags
		.map((ref) => sandbox.state.intercom.tags.find((tag) => tag.id === ref.id)?.name ?? ref.id)
		.sort();
}

function stageName(sandbox, lead) {
	const pipeline = sandbox.state.kommo.pipelines.find((entry) => entry.id === lead.pipeline_id);
	const status = pipeline?.statuses.find((entry) => entry.id === lead.status_id);
	return `${pipeline?.name ?? lead.pipeline_id} › ${status?.name ?? lead.status_id}`;
}

/** What changed since the last look: new Kommo notes, deal stages, Intercom tags. */
function watchSandbox(sandbox, { onNote, onTags, onStage }) {
	let notesSeen = sandbox.state.kommo.notes.length;
	const stagesSeen = new Map(
		sandbox.state.kommo.leads.map((lead) => [lead.id, stageName(sandbox, lead)]),
	);
	const tagsSeen = new Map(
		sandbox.state.intercom.conversations.map((c) => [c.id, tagNames(sandbox, c).join('|')]),
	);
	const look = () => {
		const notes = sandbox.state.kommo.notes;
		for (const note of notes.slice(notesSeen)) onNote(note);
		notesSeen = notes.length;
		for (const lead of sandbox.state.kommo.leads) {
			const stage = stageName(sandbox, lead);
			const before = stagesSeen.get(lead.id);
			stagesSeen.set(lead.id, stage);
			if (before !== undefined && before !== stage) onStage(lead, before, stage);
		}
		for (const conversation of sandbox.state.intercom.conversations) {
			const now = tagNames(sandbox, conversation);
			const before = tagsSeen.get(conversation.id) ?? '';
			if (now.join('|') !== before) {
				tagsSeen.set(conversation.id, now.join('|'));
				onTags(conversation, now, before ? before.split('|') : []);
			}
		}
	};
	const timer = setInterval(look, 500);
	return { look, stop: () => clearInterval(timer) };
}

export function printNote(sandbox, note) {
	const text = String(note.params?.text ?? '');
	say(
		`${green('  Kommo note')} on ${note.entity_type === 'leads' ? 'deal' : note.entity_type} ` +
			`${bold(`"${leadName(sandbox, note.entity_id)}"`)} (lead ${note.entity_id}, note ${note.id}):`,
	);
	say(dim(indent(text.trimEnd(), '    │ ')));
}

function printTags(conversation, now, before) {
	const added = now.filter((tag) => !before.includes(tag));
	const removed = before.filter((tag) => !now.includes(tag));
	const changes = [...added.map((tag) => `+ "${tag}"`), ...removed.map((tag) => `- "${tag}"`)].join(
		', ',
	);
	say(
		`${green('  Intercom tags')} of conversation ${conversation.id}: ${changes}  → now ${now.map((t) => `"${t}"`).join(', ')}`,
	);
}

// ------------------------------------------------------------------------------------ demo

/**
 * Starts everything and sends the sample chat. Resolves to the running demo:
 * `{ n8n, sandbox, urls, workflowIds, owner, stop() }`.
 */
export async function startDemo({ sendSample = true, onStop = () => undefined } = {}) {
	const total = 6;
	const started = Date.now();
	mkdirSync(logDir, { recursive: true });
	let sandbox;
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

		const workflowIds = {
			forward: workflows.chat.id,
			reverse: workflows.stage.id,
			// imported as shipped, not published: the demo runs one process (no Redis)
			queueForward: workflows.queueChat.id,
		};
		const urls = {
			editor: `${n8n.baseUrl}/`,
			forward: `${n8n.baseUrl}/workflow/${workflowIds.forward}`,
			queueForward: `${n8n.baseUrl}/workflow/${workflowIds.queueForward}`,
			reverse: `${n8n.baseUrl}/workflow/${workflowIds.reverse}`,
			intercomWebhook: intercomWebhookUrl,
			kommoWebhook: kommoWebhookUrl,
			sandbox: sandbox.url,
		};
		writeFileSync(
			stateFile,
			JSON.stringify({ pid: process.pid, urls, owner, workflowIds }, null, '\t'),
		);

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
				sandbox.state.kommo.notes.filter((note) =>
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
		}
		say(dim(`      (everything up in ${seconds(started)})`));
		return demo;
	} catch (error) {
		await stop();
		throw error;
	}
}

export async function waitFor(check, timeoutMs) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const value = check();
		if (value) return value;
		await delay(250);
	}
	return undefined;
}

/**
 * The two things the printed instructions invite a user to try, as requests: the `curl` lines are
 * made from them, and `npm start -- --check` sends exactly these.
 */
function tryItRequests(demo) {
	const { urls, sandbox } = demo;
	const leadId = demo.leadId ?? 30000001;
	return {
		reply: {
			method: 'POST',
			url: `${sandbox.url}/_sandbox/intercom/conversations/${sampleConversationId}/reply`,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				kind: 'customer',
				body: 'Can we also add 5 more seats?',
				webhook: { url: urls.intercomWebhook },
			}),
		},
		won: {
			method: 'PATCH',
			url: `${sandbox.kommoUrl}/api/v4/leads/${leadId}`,
			headers: {
				authorization: `Bearer ${sandbox.tokens.kommo}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({ status_id: wonStage }),
		},
	};
}
const wonStage = 142;
const wonTag = 'Kommo: Won';

function asCurl({ method, url, headers, body }) {
	const flags = Object.entries(headers).map(([name, value]) => `-H '${name}: ${value}'`);
	return `curl -sS -o /dev/null -w '%{http_code}\\n' -X ${method} ${url} ${flags.join(' ')} -d '${body}'`;
}

function printInstructions(demo) {
	const { urls, sandbox } = demo;
	const requests = tryItRequests(demo);
	say();
	say(bold('The demo is running.'));
	say();
	say(`  n8n editor   ${cyan(urls.editor)}`);
	say(`  login        ${owner.email} / ${owner.password}`);
	say(`  workflows    ${urls.forward}`);
	say(`               ${urls.reverse}`);
	say(
		`  sandbox      ${sandbox.url}/_sandbox  (Intercom + Kommo stand-in; GET /_sandbox/state shows everything)`,
	);
	say();
	say(bold('Try it'));
	say();
	say(
		`  The customer writes again (Intercom sends conversation.user.replied; only the new message becomes a note):`,
	);
	say(yellow(`    ${asCurl(requests.reply)}`));
	say();
	const lead = sandbox.state.kommo.leads.find((entry) => entry.id === (demo.leadId ?? 30000001));
	say(
		`  Move the deal${lead ? ` (now in ${stageName(sandbox, lead)})` : ''} to Won in Kommo` +
			` (Kommo calls the Kommo Trigger; the chat gets the Intercom tag "${wonTag}"):`,
	);
	say(yellow(`    ${asCurl(requests.won)}`));
	const rows = demoStageRows(sandbox)
		.map((row) => `${row.tag.replace(/^Kommo: /, '')} ${row.stageId}`)
		.concat(['Lost 143']);
	say(
		dim(
			`    Other stages with a tag row (Kommo Trigger → Stage → Intercom Tag): ${rows.join(', ')}.` +
				' A stage without a row starts nothing.',
		),
	);
	say();
	say(
		`  What the workflows write is printed below as it happens. Logs: ${path.relative(repoRoot, logDir)}/`,
	);
	say(`  Ctrl-C stops n8n and the sandbox.`);
	say();
}

/**
 * `npm start -- --check`: what a newcomer sees, asserted. The sample chat became one note on a new
 * deal (startDemo waited for it); then the two "Try it" requests: the reply becomes a second note
 * holding only the new message, and the deal moved to Won tags the chat. Returns the failures.
 */
export async function checkDemo(demo) {
	const { sandbox } = demo;
	const failures = [];
	const check = (name, ok, detail = '') => {
		say(`  ${ok ? green('PASS') : yellow('FAIL')} ${name}${ok || !detail ? '' : ` — ${detail}`}`);
		if (!ok) failures.push(name);
	};
	const notesOnDeal = () =>
		sandbox.state.kommo.notes.filter(
			(note) => note.entity_type === 'leads' && note.entity_id === demo.leadId,
		);
	say();
	say(bold('Checking the demo (--check)'));

	const first = notesOnDeal();
	const firstText = String(first[0]?.params?.text ?? '');
	check(
		"the sample chat is one note on a new deal: header, both of Jane's messages, marker",
		first.length === 1 &&
			firstText.startsWith(`[Intercom] Chat #${sampleConversationId} from `) &&
			firstText.includes('Jane Doe]: Hi! We are evaluating Acme Pro for a team of 12.') &&
			firstText.includes('Jane Doe]: Sounds good. Could you send a formal quote') &&
			/\n#intercom-kommo key=intercom:1001:\S+$/.test(firstText),
		`${first.length} note(s) on lead ${demo.leadId}`,
	);

	const requests = tryItRequests(demo);
	const send = async ({ url, ...init }) => (await fetch(url, init)).status;
	const replyStatus = await send(requests.reply);
	const second = await waitFor(
		() => (notesOnDeal().length >= 2 ? notesOnDeal() : undefined),
		60_000,
	);
	const secondText = String(second?.[1]?.params?.text ?? '');
	check(
		'the reply (first curl line) becomes a second note holding only the new message',
		replyStatus === 200 &&
			second?.length === 2 &&
			secondText.includes('Jane Doe]: Can we also add 5 more seats?') &&
			!secondText.includes('evaluating Acme Pro'),
		`answer ${replyStatus}; ${second?.length ?? notesOnDeal().length} note(s); the second holds the reply: ${secondText.includes('Can we also add 5 more seats?')}, repeats the first message: ${secondText.includes('evaluating Acme Pro')}`,
	);

	const wonStatus = await send(requests.won);
	const conversation = () =>
		sandbox.state.intercom.conversations.find((entry) => entry.id === sampleConversationId);
	const tagged = await waitFor(
		() => (tagNames(sandbox, conversation()).includes(wonTag) ? true : undefined),
		60_000,
	);
	check(
		`the deal moved to Won (second curl line) tags the chat "${wonTag}"`,
		wonStatus === 200 && tagged === true,
		`Kommo answered ${wonStatus}; chat tags now ${tagNames(sandbox, conversation()).join(', ') || 'none'}`,
	);
	return failures;
}

async function main() {
	// --check: start, run the "Try it" steps, assert what they write, stop (exit 0 or 1). For CI.
	const checkOnly = process.argv.slice(2).includes('--check');
	say(bold('Intercom ↔ Kommo sync: local demo'));
	say(
		dim('A real n8n with this package and both template workflows, against a local sandbox of the'),
	);
	say(
		dim('Intercom and Kommo APIs. Nothing leaves this machine; everything listens on 127.0.0.1.'),
	);
	say();

	let demo;
	let stopping = false;
	const shutdown = async (signal) => {
		if (stopping) {
			// Second Ctrl-C: do not wait for n8n's graceful shutdown.
			if (demo?.n8n?.child?.pid) {
				try {
					process.kill(-demo.n8n.child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			process.exit(130);
		}
		stopping = true;
		say();
		say(`${signal}: stopping n8n and the sandbox…`);
		watcher?.stop();
		await (demo?.stop ?? stopEarly)();
		say('stopped.');
		process.exit(0);
	};
	let watcher;
	let stopEarly = async () => undefined;
	process.on('SIGINT', () => void shutdown('Ctrl-C'));
	process.on('SIGTERM', () => void shutdown('SIGTERM'));

	try {
		demo = await startDemo({ onStop: (stop) => (stopEarly = stop) });
	} catch (error) {
		process.stderr.write(`\nThe demo could not start: ${error?.message ?? error}\n`);
		process.stderr.write(`Logs: ${path.relative(repoRoot, logDir)}/\n`);
		process.exit(1);
	}
	printInstructions(demo);
	if (checkOnly) {
		const failures = await checkDemo(demo);
		say();
		say(
			failures.length
				? `--check: ${failures.length} check(s) failed. Logs: ${path.relative(repoRoot, logDir)}/`
				: '--check: the demo works; stopping it.',
		);
		stopping = true;
		await demo.stop();
		process.exit(failures.length ? 1 : 0);
	}
	watcher = watchSandbox(demo.sandbox, {
		onNote: (note) => printNote(demo.sandbox, note),
		onTags: printTags,
		onStage: (lead, before, now) =>
			say(`${green('  Kommo deal')} "${lead.name}" (lead ${lead.id}) moved: ${before} → ${now}`),
	});
	// n8n exiting on its own ends the demo too.
	demo.n8n.exited.then((code) => {
		if (stopping) return;
		process.stderr.write(`n8n exited (${code}); see ${demo.n8n.logFile}\n`);
		void shutdown('n8n exited');
	});
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	await main();
}
