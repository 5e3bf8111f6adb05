// C1 and C2: notifications spread over the cluster. One notification delivered 3 times at once
// reaches both webhook processes and is written once; 20 new chats, each with two notifications
// at once, run on both workers within Kommo's 7 requests per second, each message written once.
import { setTimeout as delay } from 'node:timers/promises';

import { messageCounts, seedChats, send } from './chats.mjs';
import { answerTimes, kommoRate, rateDetail } from './observe.mjs';

/** @typedef {import('./observe.mjs').ClusterSuite} ClusterSuite */
/** @typedef {import('../../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('./chats.mjs').SeededChat} SeededChat */

/**
 * C1. One notification delivered 3 times at once: three webhook processes' answers, one note.
 * @param {ClusterSuite} suite
 * @param {Sandbox} sandbox
 * @param {LiveWorkflow} chat
 */
export async function redeliveryAcrossProcesses(suite, sandbox, chat) {
	const { check, figure, sandboxState, lastExecutionId, logOffset, upstreamLines, settleDb } =
		suite;
	const cluster = suite.cluster();
	const conversationId = '1003';
	const text = 'Redelivered: can the three extra seats start on Monday?';
	sandbox.appendIntercomPart(conversationId, { kind: 'customer', body: `<p>${text}</p>` });
	const afterId = lastExecutionId();
	const offset = logOffset();
	await delay(1000); // nginx writes its log line when the answer is sent
	const notificationId = `notif_cluster_${Date.now()}`;
	const answers = await Promise.all(
		[1, 2, 3].map((attempt) =>
			send(sandbox, chat.url, 'conversation.user.replied', conversationId, {
				notificationId,
				deliveryAttempts: attempt,
			}),
		),
	);
	await delay(1000);
	const lines = upstreamLines(offset, new URL(chat.url).pathname);
	const upstreams = [...new Set(lines.map((line) => line.upstream))];
	const executions = await settleDb(chat.id, afterId, 1);
	const state = await sandboxState(sandbox);
	const counts = messageCounts(state, [{ id: conversationId, texts: [text] }]);
	figure('redelivery', {
		statuses: answers.map((a) => a.status),
		upstreams: lines.map((line) => line.upstream),
		executions: executions.length,
		messageCount: counts.perChat[0].counts[0],
	});
	check(
		'C1. 3× the same notification at once → all 200, nginx sent them to both webhook processes',
		answers.every((a) => a.status === 200) &&
			lines.length === 3 &&
			upstreams.length === cluster.webhookProcesses.length,
		`statuses ${answers.map((a) => a.status).join(',')}; nginx: ${lines.map((l) => `${l.status}→${l.upstream}`).join(', ')}; webhook processes on ${cluster.webhookProcesses.map((n) => n.port).join(', ')}`,
	);
	check(
		'C1. … and its message is in Kommo exactly once',
		counts.perChat[0].counts[0] === 1,
		`found ${counts.perChat[0].counts[0]}×; ${executions.length} execution(s)`,
	);
}

/**
 * C2. 20 new chats, each with its created and replied notification at the same moment.
 * @param {ClusterSuite} suite
 * @param {Sandbox} sandbox
 * @param {LiveWorkflow} chat
 * @returns {Promise<SeededChat[]>}
 */
export async function concurrentChats(suite, sandbox, chat) {
	const { check, save, figure, sandboxState } = suite;
	const { lastExecutionId, logOffset, upstreamLines, settleDb, executionsByWorker } = suite;
	const { rateLimitFailures } = suite;
	const chats = seedChats(sandbox, 2000, suite.spreadChats, 'spread');
	for (const c of chats) {
		const reply = `Chat ${c.id}: and a second question right after the first.`;
		sandbox.appendIntercomPart(c.id, { kind: 'customer', body: `<p>${reply}</p>` });
		c.texts.push(reply);
	}
	const before = await sandboxState(sandbox);
	const afterId = lastExecutionId();
	const offset = logOffset();
	const started = Date.now();
	const answers = await Promise.all(
		chats.flatMap((c) => [
			send(sandbox, chat.url, 'conversation.user.created', c.id),
			send(sandbox, chat.url, 'conversation.user.replied', c.id),
		]),
	);
	const answered = Date.now();
	const executions = await settleDb(chat.id, afterId, answers.length);
	const drained = Date.now();
	const state = await sandboxState(sandbox);
	save('state-C2.json', state);
	const counts = messageCounts(state, chats);
	const byWorker = executionsByWorker();
	const perWorker = {};
	for (const e of executions) {
		const worker = byWorker.get(e.id)?.worker ?? 'unknown';
		perWorker[worker] = (perWorker[worker] ?? 0) + 1;
	}
	const newLeads = state.kommo.leads.length - before.kommo.leads.length;
	const newContacts = state.kommo.contacts.length - before.kommo.contacts.length;
	const rate = kommoRate(sandbox, started, drained);
	const lines = upstreamLines(offset, new URL(chat.url).pathname);
	const perWebhookProcess = {};
	for (const line of lines)
		perWebhookProcess[line.upstream] = (perWebhookProcess[line.upstream] ?? 0) + 1;
	const statuses = {};
	for (const e of executions) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
	figure('concurrent20', {
		chats: chats.length,
		notifications: answers.length,
		answered200: answers.filter((a) => a.status === 200).length,
		...answerTimes(lines),
		answerSeconds: (answered - started) / 1000,
		drainSeconds: (drained - started) / 1000,
		executions: executions.length,
		executionStatuses: statuses,
		executionsPerWorker: perWorker,
		notificationsPerWebhookProcess: perWebhookProcess,
		messages: counts.messages,
		duplicated: counts.duplicated,
		lost: counts.lost,
		newLeads,
		newContacts,
		kommo: rate,
	});
	check(
		`C2. ${chats.length} chats × (created + replied) at once → all ${answers.length} answered 200`,
		answers.every((a) => a.status === 200),
		`${answers.filter((a) => a.status === 200).length}/${answers.length} in ${((answered - started) / 1000).toFixed(1)} s`,
	);
	check(
		`C2. both workers ran executions`,
		Object.keys(perWorker).filter((w) => w !== 'unknown').length === suite.workers,
		JSON.stringify(perWorker),
	);
	check(
		`C2. 0 duplicated, 0 lost of ${counts.messages} messages`,
		counts.duplicated === 0 && counts.lost === 0,
		`duplicated ${counts.duplicated} (chats ${counts.chatsWithDuplicates.join(',') || '-'}), lost ${counts.lost} (chats ${counts.chatsWithLosses.join(',') || '-'})`,
	);
	check(
		`C2. one new deal and one new contact per chat`,
		newLeads === chats.length &&
			newContacts === chats.length &&
			counts.chatsOnSeveralDeals.length === 0,
		`${newLeads} lead(s), ${newContacts} contact(s) for ${chats.length} chats; chats on several deals: ${counts.chatsOnSeveralDeals.join(',') || '-'}`,
	);
	const limitFailures = await rateLimitFailures(chat.id, afterId);
	check(
		`C2. Kommo calls of all workers together ≤ 7 per second; every 429 retried without loss`,
		rate.maxInAny1000ms <= 7 && limitFailures.length === 0 && counts.lost === 0,
		`${rateDetail(rate, limitFailures)}; drained in ${((drained - started) / 1000).toFixed(1)} s`,
	);
	check(
		'C2. every execution succeeded',
		executions.every((e) => e.status === 'success'),
		JSON.stringify(statuses),
	);
	return chats;
}
