// Benchmark of the template workflows inside a real n8n (2.41.1 by default) against the local
// Intercom + Kommo sandbox, all in one run on one n8n and one sandbox:
//
//   1. latency floor: webhook → note latency of the chat template on the "existing open deal" path,
//      next to a bare workflow (plain Webhook + HTTP Request nodes) making the same calls;
//   2. burst: N new chats fired at once while the sandbox enforces Kommo's 7 requests/s;
//   3. Intercom and Kommo calls per event for each path (from the sandbox's request log);
//   4. resident memory of the n8n process, idle and during the burst;
//   5. the Transcript renderer bench (bench/transcript.bench.js) on the same build.
//
// No thresholds: it prints a table and writes the raw numbers to bench/results/n8n.json.
// Run: npm run bench         (BENCH_EVENTS=200 BENCH_BURST=500 N8N_VERSION=2.41.1 by default)
//
// Note latency is measured from the moment the bench POSTs the webhook to the moment the sandbox
// finished answering the note POST (its request log: start time + duration); the sandbox runs in
// this process, so both times come from the same clock.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { N8n, ensureN8n, installPackage, log, makeWorkDir, repoRoot } from '../e2e/lib/n8n.mjs';
import {
	importTemplates,
	productionUrl,
	publishWithCli,
	registerKommoWebhook,
	sandboxCredentials,
	waitForWebhook,
} from '../e2e/lib/templates.mjs';
import { queueModeLeg } from './queue-mode.bench.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');
const { IDS } = require('../sandbox/seed.js');

const version = process.env.N8N_VERSION ?? '2.41.1';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const BURST = Number(process.env.BENCH_BURST ?? 500);
const BURST_TIMEOUT_MS = Number(process.env.BENCH_BURST_TIMEOUT_S ?? 600) * 1000;
const KOMMO_LIMIT = 7;
// How long the sandbox waits for n8n to answer a webhook before it gives up (sandbox default 5 s).
const WEBHOOK_TIMEOUT_MS = Number(process.env.BENCH_WEBHOOK_TIMEOUT_S ?? 5) * 1000;
// Intercom retries a notification that got no 2xx within 5 s "only once after 1 minute"
// (reference intercom-api.md §2.3); the burst sender does the same unless BENCH_INTERCOM_RETRY=0.
const INTERCOM_RETRY = process.env.BENCH_INTERCOM_RETRY !== '0';
const INTERCOM_RETRY_AFTER_MS = 60_000;
// Latency events start at least this far apart, so one event's Kommo calls never meet the next
// one's inside a 1-second window: the latency part measures an idle account, the burst a busy one.
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 1100);
// n8n's own knob for production executions in regular mode (-1 = no limit, n8n's default).
const CONCURRENCY_LIMIT = process.env.N8N_CONCURRENCY_PRODUCTION_LIMIT ?? '-1';
const outDir = path.join(repoRoot, 'bench', 'results');
const logDir = path.join(outDir, 'n8n-logs');
const owner = {
	email: 'owner@bench.invalid',
	firstName: 'Bench',
	lastName: 'Owner',
	password: 'Bench-password-1',
};

process.env.GENERIC_TIMEZONE = 'UTC';

// ------------------------------------------------------------------ helpers

const percentile = (values, p) => {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (value, digits = 1) =>
	value === null || value === undefined ? null : Number(value.toFixed(digits));

function memory(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
		return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
	} catch {
		return { rssMb: NaN, hwmMb: NaN };
	}
}

/** Direct children's pids (n8n's task runner), for information. */
function childPids(pid) {
	try {
		return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
			.trim()
			.split(/\s+/)
			.filter(Boolean);
	} catch {
		return [];
	}
}

/** API calls (Intercom/Kommo) in the log after `seq`. */
const apiCalls = (sandbox, seq) =>
	sandbox.log.filter((e) => e.seq > seq && (e.api === 'intercom' || e.api === 'kommo'));
const lastSeq = (sandbox) => sandbox.log.at(-1)?.seq ?? 0;
const isNotePost = (e) => e.method === 'POST' && /\/api\/v4\/leads\/notes/.test(e.path);
const shape = (e) =>
	`${e.api} ${e.method} ${e.path.replace(/\/\d+(?=\/|\?|$)/g, '/:id').replace(/\?.*$/, '')}`;

function tally(calls) {
	const intercom = calls.filter((c) => c.api === 'intercom');
	const kommo = calls.filter((c) => c.api === 'kommo');
	return {
		intercom: intercom.length,
		kommo: kommo.length,
		kommo429: kommo.filter((c) => c.status === 429).length,
		calls: calls.map((c) => `${shape(c)} → ${c.status}`),
	};
}

/** Waits until the log has had no Intercom/Kommo call for `quietMs`. */
async function quiet(sandbox, quietMs = 1500, timeoutMs = 60_000) {
	const started = Date.now();
	let seen = lastSeq(sandbox);
	let since = Date.now();
	while (Date.now() - started < timeoutMs) {
		await delay(50);
		const now = lastSeq(sandbox);
		const open = sandbox.log.some((e) => e.status === null && e.api !== 'control');
		if (now !== seen || open) {
			seen = now;
			since = Date.now();
		} else if (Date.now() - since >= quietMs) return;
	}
}

/** Resolves with the moment (ms) the sandbox finished storing the first note POSTed after `seq`. */
async function noteStored(sandbox, seq, timeoutMs = 60_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const entry = sandbox.log.find(
			(e) => e.seq > seq && isNotePost(e) && e.status !== null && e.status < 300,
		);
		if (entry) return Date.parse(entry.time) + entry.durationMs;
		await delay(2);
	}
	throw new Error('no note was written within 60 s');
}

async function kommoApi(sandbox, method, urlPath, body) {
	const response = await fetch(`${sandbox.kommoUrl}${urlPath}`, {
		method,
		headers: {
			authorization: `Bearer ${sandbox.tokens.kommo}`,
			'content-type': 'application/json',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} /kommo${urlPath} → ${response.status}: ${text}`);
	return text ? JSON.parse(text) : undefined;
}

// ------------------------------------------------------------------ seed data

const now = Math.floor(Date.now() / 1000);
const intercomContactId = (prefix, i) => `65f0be${prefix}${String(i).padStart(16, '0')}`;

/** `count` Intercom chats whose customers have a Kommo contact with an open deal. */
function existingDealSeed(count) {
	const intercom = { contacts: [], conversations: [] };
	const kommo = { contacts: [], leads: [] };
	for (let i = 0; i < count; i++) {
		const email = `existing${i}@bench.example`;
		const contactId = intercomContactId('01', i);
		intercom.contacts.push({
			id: contactId,
			role: 'user',
			name: `Existing ${i}`,
			email,
			created_at: now - 7200,
		});
		intercom.conversations.push({
			id: String(700000 + i),
			created_at: now - 600,
			contacts: [contactId],
			source: {
				id: String(800000000 + i),
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: contactId },
				body: `<p>Question ${i}: can we add 3 seats?</p>`,
			},
			parts: [],
			tags: [],
		});
		kommo.contacts.push({
			id: 26000000 + i,
			name: `Existing ${i}`,
			custom_fields_values: [
				{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] },
			],
		});
		kommo.leads.push({
			id: 36000000 + i,
			name: `Existing ${i} - Team plan`,
			pipeline_id: IDS.kommo.sales,
			status_id: IDS.kommo.status.proposal,
			contacts: [26000000 + i],
		});
	}
	return { intercom, kommo };
}

/** `count` Intercom chats from customers Kommo does not know. */
function newChatSeed(prefix, firstId, count) {
	const intercom = { contacts: [], conversations: [] };
	for (let i = 0; i < count; i++) {
		const contactId = intercomContactId(prefix, i);
		intercom.contacts.push({
			id: contactId,
			role: 'user',
			name: `New ${prefix}-${i}`,
			email: `new${prefix}-${i}@bench.example`,
			created_at: now - 3600,
		});
		intercom.conversations.push({
			id: String(firstId + i),
			created_at: now - 300,
			contacts: [contactId],
			source: {
				id: String(810000000 + firstId + i),
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: contactId },
				body: `<p>Hello, I am interested in the annual plan (${i}).</p>`,
			},
			parts: [],
			tags: [],
		});
	}
	return { intercom };
}

// ------------------------------------------------------------------ the bare workflow

/**
 * Webhook (respond immediately) → one HTTP Request node per call the template made for one
 * "existing open deal" event, in the same order, to the same endpoints. The webhook body carries
 * the URLs and bodies, so each event touches its own conversation and deal.
 */
function bareWorkflow(callShapes, sandbox, webhookId) {
	const nodes = [
		{
			parameters: { httpMethod: 'POST', path: webhookId, responseMode: 'onReceived', options: {} },
			id: randomUUID(),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId,
		},
	];
	const connections = {};
	callShapes.forEach((call, index) => {
		const name = `Call ${index + 1}`;
		const token = call.api === 'intercom' ? sandbox.tokens.intercom : sandbox.tokens.kommo;
		const headers = [{ name: 'Authorization', value: `Bearer ${token}` }];
		if (call.api === 'intercom') headers.push({ name: 'Intercom-Version', value: '2.14' });
		const withBody = call.method !== 'GET' && call.method !== 'DELETE';
		nodes.push({
			parameters: {
				method: call.method,
				url: `={{ $('Webhook').first().json.body.calls[${index}].url }}`,
				sendHeaders: true,
				headerParameters: { parameters: headers },
				...(withBody
					? {
							sendBody: true,
							specifyBody: 'json',
							jsonBody: `={{ JSON.stringify($('Webhook').first().json.body.calls[${index}].body) }}`,
						}
					: {}),
				options: { response: { response: { neverError: true } } },
			},
			id: randomUUID(),
			name,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [220 * (index + 1), 0],
			executeOnce: true,
		});
		const previous = index === 0 ? 'Webhook' : `Call ${index}`;
		connections[previous] = { main: [[{ node: name, type: 'main', index: 0 }]] };
	});
	return {
		name: 'Bench: bare Webhook + HTTP Request',
		nodes,
		connections,
		settings: {},
		pinData: {},
	};
}

/** The concrete calls of the bare workflow for existing-deal chat `i`. */
function bareCalls(callShapes, sandbox, i) {
	const conversationId = String(700000 + i);
	const leadId = 36000000 + i;
	const contactId = intercomContactId('01', i);
	return callShapes.map((call) => {
		const base = call.api === 'intercom' ? sandbox.intercomUrl : sandbox.kommoUrl;
		const urlPath = call.path
			.replace(/^\/(intercom|kommo)/, '')
			.replaceAll(call.ids.conversationId, conversationId)
			.replaceAll(call.ids.contactId, contactId)
			.replaceAll(String(call.ids.leadId), String(leadId))
			.replaceAll(call.ids.email, encodeURIComponent(`existing${i}@bench.example`));
		let body;
		if (isNotePost(call)) {
			body = [
				{
					entity_id: leadId,
					note_type: 'common',
					params: { text: `[bare] Chat #${conversationId}\nQuestion ${i}: can we add 3 seats?` },
				},
			];
		} else if (call.method === 'PATCH') body = { tags_to_add: [{ name: 'Bench' }] };
		else if (call.method === 'POST') body = {};
		return { url: `${base}${urlPath}`, body };
	});
}

// ------------------------------------------------------------------ main

async function main() {
	const started = Date.now();
	mkdirSync(outDir, { recursive: true });
	rmSync(logDir, { recursive: true, force: true });
	mkdirSync(logDir, { recursive: true });
	const userFolder = path.join(logDir, 'n8n-user');
	const work = makeWorkDir(`bench-${version}`);
	const results = {
		version,
		node: process.version,
		machine: {
			cpus: os.cpus().length,
			model: os.cpus()[0]?.model,
			totalMemMb: Math.round(os.totalmem() / 2 ** 20),
		},
		startedAt: new Date().toISOString(),
	};
	let sandbox;
	let n8n;
	try {
		log(`installing n8n ${version} (cached after the first run)`);
		const install = await ensureN8n(version, path.join(logDir, 'install.log'));
		log('building, packing and installing the package');
		await installPackage(userFolder, work, path.join(logDir, 'package.log'));

		sandbox = await createSandbox({ port: 0, seed: 'default', logLimit: 1_000_000 });
		// chat 0: calls per path; 1..EVENTS: latency; EVENTS + 1: warm-up
		sandbox.seed(existingDealSeed(EVENTS + 2), { merge: true });
		sandbox.seed(newChatSeed('02', 900000, 2), { merge: true });
		sandbox.seed(newChatSeed('03', 1000000, BURST), { merge: true });
		log(`sandbox on ${sandbox.url}`);

		n8n = new N8n({ installDir: install.dir, userFolder, outDir: logDir });
		await n8n.init();
		// The templates exactly as a user imports them (e2e/lib/templates.mjs).
		const imported = await importTemplates(
			n8n,
			sandboxCredentials(sandbox, { kommoLimit: KOMMO_LIMIT }),
			work,
		);
		const chatId = imported.chat.id;
		const stageId = imported.stage.id;
		for (const id of [chatId, stageId]) await publishWithCli(n8n, id);

		await n8n.start();
		await n8n.signIn(owner);
		const chatUrl = (await productionUrl(n8n, imported.chat)).url;
		const stageUrl = (await productionUrl(n8n, imported.stage)).url;
		await waitForWebhook(chatUrl);
		await waitForWebhook(stageUrl);
		log(`n8n ${version} up on ${n8n.baseUrl} (pid ${n8n.child.pid})`);
		await registerKommoWebhook(sandbox, stageUrl);

		// Warm-up (first execution loads the nodes), on the spare existing-deal chat.
		sandbox.configure({ kommoRateLimit: false });
		await sandbox.sendIntercomWebhook({
			url: chatUrl,
			topic: 'conversation.user.created',
			conversationId: String(700000 + EVENTS + 1),
		});
		await quiet(sandbox);

		// ---------------------------------------------------- 3. calls per path
		const perPath = {};
		const measurePath = async (name, fire, exclude = () => false) => {
			const seq = lastSeq(sandbox);
			await fire();
			await sandbox.flushWebhooks();
			await quiet(sandbox, 2000);
			perPath[name] = tally(apiCalls(sandbox, seq).filter((e) => !exclude(e)));
			return apiCalls(sandbox, seq);
		};
		const existingCalls = await measurePath('existing deal', () =>
			sandbox.sendIntercomWebhook({
				url: chatUrl,
				topic: 'conversation.user.created',
				conversationId: '700000',
			}),
		);
		await measurePath('new lead', () =>
			sandbox.sendIntercomWebhook({
				url: chatUrl,
				topic: 'conversation.user.created',
				conversationId: '900000',
			}),
		);
		sandbox.appendIntercomPart('700000', {
			kind: 'customer',
			body: '<p>Any news on the quote?</p>',
		});
		await measurePath('reply (existing deal)', () =>
			sandbox.sendIntercomWebhook({
				url: chatUrl,
				topic: 'conversation.user.replied',
				conversationId: '700000',
			}),
		);
		const newLead = sandbox.state.kommo.notes.find((n) =>
			/Chat #900000 /.test(n.params?.text ?? ''),
		);
		// The PATCH that moves the lead is the bench's own call, not the workflow's.
		const measureStageChange = (name, statusId) => {
			let patchSeq = 0;
			return measurePath(
				name,
				async () => {
					patchSeq = lastSeq(sandbox) + 1;
					await kommoApi(sandbox, 'PATCH', `/api/v4/leads/${newLead.entity_id}`, {
						status_id: statusId,
					});
				},
				(e) => e.seq === patchSeq,
			);
		};
		await measureStageChange('stage change (→ Won)', IDS.kommo.status.won);
		// the same path again: the account id, pipeline names and Intercom's token owner are now
		// remembered by the n8n process, as they are for every stage change after the first
		await measureStageChange('stage change, later ones (→ Lost)', IDS.kommo.status.lost);
		results.callsPerPath = perPath;

		// ---------------------------------------------------- 1. latency floor
		// The calls the template made for one existing-deal event, replayed by the bare workflow.
		const callShapes = existingCalls.map((e) => ({
			api: e.api,
			method: e.method,
			path: e.path,
			ids: {
				conversationId: '700000',
				contactId: intercomContactId('01', 0),
				leadId: 36000000,
				email: encodeURIComponent('existing0@bench.example'),
			},
		}));
		const bareHook = `bench-bare-${randomUUID()}`;
		const bare = bareWorkflow(callShapes, sandbox, bareHook);
		// Imported and published through the REST API so n8n registers the webhook without a restart.
		const created = await n8n.rest('POST', '/workflows', { ...bare, active: false });
		const bareId = created.data.id;
		await n8n.rest('POST', `/workflows/${bareId}/activate`, { versionId: created.data.versionId });
		const bareUrl = `${n8n.baseUrl}/webhook/${bareHook}`;
		await waitForWebhook(bareUrl);

		const fireBare = (i) =>
			fetch(bareUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ calls: bareCalls(callShapes, sandbox, i) }),
			});
		await fireBare(EVENTS + 1); // warm-up
		await quiet(sandbox, 1000);

		const latency = { template: [], bare: [] };
		log(`latency: ${EVENTS} sequential existing-deal events, template then bare (Kommo limit off)`);
		for (const [kind, fire] of [
			[
				'template',
				(i) =>
					sandbox.sendIntercomWebhook({
						url: chatUrl,
						topic: 'conversation.user.created',
						conversationId: String(700000 + i),
					}),
			],
			['bare', fireBare],
		]) {
			const callsBefore = lastSeq(sandbox);
			for (let index = 1; index <= EVENTS; index++) {
				const seq = lastSeq(sandbox);
				const sent = Date.now();
				await fire(index);
				const stored = await noteStored(sandbox, seq);
				latency[kind].push(stored - sent);
				await quiet(sandbox, 150, 10_000);
				const rest = sent + PACE_MS - Date.now();
				if (rest > 0) await delay(rest);
			}
			latency[`${kind}Calls`] = tally(apiCalls(sandbox, callsBefore));
		}
		// Where a template execution spends its time: n8n's own per-node executionTime of the last
		// 20 latency executions (the webhook door and n8n's work between nodes are not in it)
		const nodeTimes = {};
		const recent = (await n8n.executions(chatId).catch(() => [])).slice(0, 20);
		for (const summary of recent) {
			const execution = await n8n.execution(summary.id).catch(() => undefined);
			const runData = execution?.data?.resultData?.runData ?? {};
			for (const [node, runs] of Object.entries(runData)) {
				for (const run of runs) (nodeTimes[node] ??= []).push(run.executionTime ?? 0);
			}
			const started = Date.parse(execution?.startedAt ?? '');
			const stopped = Date.parse(execution?.stoppedAt ?? '');
			if (Number.isFinite(started) && Number.isFinite(stopped))
				(nodeTimes['(whole execution, startedAt → stoppedAt)'] ??= []).push(stopped - started);
		}
		results.templateNodeMs = Object.fromEntries(
			Object.entries(nodeTimes).map(([node, times]) => [
				node,
				{ median: percentile(times, 50), runs: times.length },
			]),
		);
		results.latency = {
			events: { template: latency.template.length, bare: latency.bare.length },
			paceMs: PACE_MS,
			method:
				'POST sent (bench clock) → note POST answered by the sandbox (request log start + duration)',
			templateMs: {
				p50: percentile(latency.template, 50),
				p95: percentile(latency.template, 95),
				mean: round(latency.template.reduce((a, b) => a + b, 0) / latency.template.length),
			},
			bareMs: {
				p50: percentile(latency.bare, 50),
				p95: percentile(latency.bare, 95),
				mean: round(latency.bare.reduce((a, b) => a + b, 0) / latency.bare.length),
			},
			bareCallsPerEvent: callShapes.map(shape),
			raw: latency,
		};
		results.latency.ratioP50 = round(
			results.latency.templateMs.p50 / results.latency.bareMs.p50,
			2,
		);
		results.latency.ratioP95 = round(
			results.latency.templateMs.p95 / results.latency.bareMs.p95,
			2,
		);

		// ---------------------------------------------------- 2 + 4. burst and memory
		sandbox.configure({
			kommoRateLimit: { perSecond: KOMMO_LIMIT, windowMs: 1000 },
			webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
		});
		await quiet(sandbox, 1000);
		const pid = n8n.child.pid;
		const idle = memory(pid);
		log(
			`burst: ${BURST} new chats at once, Kommo limit ${KOMMO_LIMIT}/s; idle RSS ${idle.rssMb.toFixed(0)} MB`,
		);
		const burstSeq = lastSeq(sandbox);
		let peakRss = idle.rssMb;
		let sampling = true;
		const sampler = (async () => {
			while (sampling) {
				peakRss = Math.max(peakRss, memory(pid).rssMb);
				await delay(200);
			}
		})();
		const burstIds = Array.from({ length: BURST }, (_, i) => String(1000000 + i));
		const burstStart = Date.now();
		const deliver = (conversationId, notificationId, deliveryAttempts) =>
			sandbox
				.sendIntercomWebhook({
					url: chatUrl,
					topic: 'conversation.user.created',
					conversationId,
					notificationId,
					deliveryAttempts,
				})
				.then((r) => r.status)
				.catch(() => 'error');
		const retryAnswers = [];
		const answers = await Promise.all(
			burstIds.map(async (conversationId) => {
				const sentAt = Date.now();
				const notificationId = `notif_burst_${conversationId}`;
				const status = await deliver(conversationId, notificationId, 1);
				if (INTERCOM_RETRY && !(typeof status === 'number' && status < 300)) {
					// the same notification again, as Intercom does, one minute after the first try
					await delay(Math.max(0, sentAt + INTERCOM_RETRY_AFTER_MS - Date.now()));
					retryAnswers.push(await deliver(conversationId, notificationId, 2));
				}
				return status;
			}),
		);
		const acceptedMs = Date.now() - burstStart;
		const noteCount = () => {
			const counts = new Map(burstIds.map((id) => [id, 0]));
			for (const note of sandbox.state.kommo.notes) {
				const id = /^\[Intercom\] Chat #(\d+) /.exec(note.params?.text ?? '')?.[1];
				if (counts.has(id)) counts.set(id, counts.get(id) + 1);
			}
			return counts;
		};
		let counts = noteCount();
		// Stops at the timeout, or after 60 s without any Intercom/Kommo call (nothing left to do).
		while (Date.now() - burstStart < BURST_TIMEOUT_MS) {
			counts = noteCount();
			if ([...counts.values()].every((c) => c >= 1)) break;
			const last = sandbox.log.at(-1);
			if (last && Date.now() - Date.parse(last.time) > 60_000) break;
			await delay(500);
		}
		await quiet(sandbox, 3000, 120_000);
		sampling = false;
		await sampler;
		counts = noteCount();
		const burstCalls = apiCalls(sandbox, burstSeq);
		const lastCall = burstCalls.at(-1);
		const drainMs = lastCall
			? Date.parse(lastCall.time) + (lastCall.durationMs ?? 0) - burstStart
			: null;
		const kommoCalls = burstCalls.filter((c) => c.api === 'kommo');
		const kommoAccepted = kommoCalls.filter((c) => c.status !== 429).length;
		const after = memory(pid);
		const executions = await n8n.executions(chatId).catch(() => []);
		results.burst = {
			chats: BURST,
			webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
			webhookAnswers: Object.fromEntries(
				[...new Set(answers)].map((s) => [s, answers.filter((a) => a === s).length]),
			),
			intercomRetry: INTERCOM_RETRY,
			retryAnswers: Object.fromEntries(
				[...new Set(retryAnswers)].map((s) => [s, retryAnswers.filter((a) => a === s).length]),
			),
			n8nConcurrencyProductionLimit: Number(CONCURRENCY_LIMIT),
			// n8n 2.x evaluates expressions in isolates ('vm', its default); 'legacy' is the 1.x evaluator
			n8nExpressionEngine: process.env.N8N_EXPRESSION_ENGINE ?? 'vm (default)',
			n8nExpressionEnginePoolSize: process.env.N8N_EXPRESSION_ENGINE_POOL_SIZE ?? '1 (default)',
			allAcceptedMs: acceptedMs,
			notesWritten: [...counts.values()].filter((c) => c >= 1).length,
			chatsWithMoreThanOneNote: [...counts.values()].filter((c) => c > 1).length,
			chatsWithoutNote: [...counts.values()].filter((c) => c === 0).length,
			intercomCalls: burstCalls.filter((c) => c.api === 'intercom').length,
			kommoCalls: kommoCalls.length,
			kommoAccepted,
			kommo429: kommoCalls.length - kommoAccepted,
			drainSeconds: round(drainMs / 1000, 1),
			// how close the run came to the best possible: Kommo calls ÷ (7/s × drain time)
			rateLimitUtilisation: round(kommoCalls.length / (KOMMO_LIMIT * (drainMs / 1000)), 2),
			acceptedKommoUtilisation: round(kommoAccepted / (KOMMO_LIMIT * (drainMs / 1000)), 2),
			recentExecutionStatuses: Object.fromEntries(
				[...new Set(executions.map((e) => e.status))].map((s) => [
					s,
					executions.filter((e) => e.status === s).length,
				]),
			),
		};
		results.memory = {
			pid,
			idleRssMb: round(idle.rssMb),
			peakRssDuringBurstMb: round(peakRss),
			vmHwmAfterBurstMb: round(after.hwmMb),
			rssAfterBurstMb: round(after.rssMb),
			sampledEveryMs: 200,
			taskRunnerPids: childPids(pid),
		};

		// ---------------------------------------------------- 5. transcript bench (same build)
		await n8n.stop();
		n8n = undefined;
		try {
			const stage = path.join(work, 'package-src');
			const output = execFileSync(
				process.execPath,
				[path.join(stage, 'bench', 'transcript.bench.js')],
				{
					cwd: stage,
					encoding: 'utf8',
					timeout: 180_000,
				},
			);
			results.transcriptBench = {
				output,
				results: JSON.parse(
					readFileSync(path.join(stage, 'bench', 'results', 'transcript.json'), 'utf8'),
				),
			};
		} catch (error) {
			results.transcriptBench = { error: String(error).slice(0, 500) };
		}
	} catch (error) {
		results.error = String(error?.stack ?? error);
		log(`bench stopped: ${results.error}`);
		process.exitCode = 1;
	} finally {
		await n8n?.stop().catch(() => undefined);
		if (sandbox) writeFileSync(path.join(logDir, 'sandbox-log.json'), JSON.stringify(sandbox.log));
		await sandbox?.close().catch(() => undefined);
		rmSync(work, { recursive: true, force: true });
	}
	results.totalSeconds = round((Date.now() - started) / 1000, 0);
	writeFileSync(path.join(outDir, 'n8n.json'), JSON.stringify(results, null, '\t'));
	printTable(results);
}

function printTable(r) {
	const rows = [];
	const add = (section, metric, value) => rows.push([section, metric, String(value ?? '—')]);
	if (r.latency) {
		const l = r.latency;
		add(
			'latency',
			`template p50 / p95 (${l.events.template} events)`,
			`${l.templateMs.p50} / ${l.templateMs.p95} ms`,
		);
		add(
			'latency',
			`bare Webhook+HTTP p50 / p95 (${l.events.bare} events)`,
			`${l.bareMs.p50} / ${l.bareMs.p95} ms`,
		);
		add('latency', 'ratio template ÷ bare (p50 / p95)', `${l.ratioP50}× / ${l.ratioP95}×`);
	}
	for (const [node, t] of Object.entries(r.templateNodeMs ?? {}))
		add('node ms', node, `${t.median} ms (median of ${t.runs})`);
	if (r.burst) {
		const b = r.burst;
		add(
			'burst',
			'chats fired at once (sender timeout)',
			`${b.chats} (${b.webhookTimeoutMs / 1000} s)`,
		);
		add('burst', 'n8n N8N_EXPRESSION_ENGINE', b.n8nExpressionEngine);
		add('burst', 'n8n N8N_EXPRESSION_ENGINE_POOL_SIZE', b.n8nExpressionEnginePoolSize);
		add('burst', 'n8n N8N_CONCURRENCY_PRODUCTION_LIMIT', b.n8nConcurrencyProductionLimit);
		add('burst', 'webhook answers, first try', JSON.stringify(b.webhookAnswers));
		if (b.intercomRetry)
			add('burst', "answers to Intercom's retry after 1 min", JSON.stringify(b.retryAnswers));
		add(
			'burst',
			'notes written (chats with ≥1 / >1 / 0)',
			`${b.notesWritten} / ${b.chatsWithMoreThanOneNote} / ${b.chatsWithoutNote}`,
		);
		add(
			'burst',
			'Intercom calls / Kommo calls / Kommo 429s',
			`${b.intercomCalls} / ${b.kommoCalls} / ${b.kommo429}`,
		);
		add('burst', 'time to drain', `${b.drainSeconds} s`);
		add('burst', 'Kommo calls ÷ (7/s × drain)', b.rateLimitUtilisation);
		add('burst', 'accepted Kommo calls ÷ (7/s × drain)', b.acceptedKommoUtilisation);
	}
	for (const [name, t] of Object.entries(r.callsPerPath ?? {}))
		add('calls/event', name, `Intercom ${t.intercom}, Kommo ${t.kommo}`);
	if (r.memory) {
		add('memory', 'n8n RSS idle', `${r.memory.idleRssMb} MB`);
		add('memory', 'n8n RSS peak during burst (sampled)', `${r.memory.peakRssDuringBurstMb} MB`);
		add('memory', 'n8n VmHWM after burst', `${r.memory.vmHwmAfterBurstMb} MB`);
	}
	for (const t of r.transcriptBench?.results?.results ?? [])
		add('transcript', `${t.parts} parts`, JSON.stringify(t).slice(0, 120));
	const width = [0, 1].map((i) => Math.max(...rows.map((row) => row[i].length)));
	process.stdout.write(`\nn8n ${r.version} on ${r.machine.cpus} CPU(s), Node ${r.node}\n`);
	for (const row of rows)
		process.stdout.write(`  ${row[0].padEnd(width[0])}  ${row[1].padEnd(width[1])}  ${row[2]}\n`);
	for (const [name, t] of Object.entries(r.callsPerPath ?? {}))
		process.stdout.write(`\n  ${name}:\n${t.calls.map((c) => `    ${c}`).join('\n')}\n`);
	if (r.transcriptBench?.output) process.stdout.write(`\n${r.transcriptBench.output}`);
	if (r.error) process.stdout.write(`\nERROR: ${r.error}\n`);
	process.stdout.write(`\nRaw numbers: bench/results/n8n.json (total ${r.totalSeconds} s)\n`);
}

await main();
// issue 11: the same burst on one process and on a queue-mode cluster (BENCH_QUEUE=0 skips it)
if (process.env.BENCH_QUEUE !== '0') await queueModeLeg();
