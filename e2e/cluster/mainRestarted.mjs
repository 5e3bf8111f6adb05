// C4: n8n main stopped and started again, after the burst of C3. Webhook processes and workers go
// on without main; then an admin's "Retry" of the killed executions, and each chat's next message,
// must leave every message of the burst in Kommo exactly once.
import { setTimeout as delay } from 'node:timers/promises';

import { log } from '../../n8n-driver/n8n.mjs';
import { messageCounts, seedChats, send } from './chats.mjs';

/** @typedef {import('./observe.mjs').ClusterSuite} ClusterSuite */
/** @typedef {import('../../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */

/**
 * C4. Main restarted: while it is down a new chat still goes through (webhook processes and
 * workers do not need main); at its start n8n's queue recovery marks the killed executions
 * "crashed". Then the admin's recovery of those: "Retry" in the executions list (REST
 * POST /executions/:id/retry, as the editor's button). Every message exactly once after it.
 * @param {ClusterSuite} suite
 * @param {Sandbox} sandbox
 * @param {LiveWorkflow} chat
 * @param {LiveWorkflow} stage
 * @param {import('./workerKilled.mjs').Burst} burst what C3 left
 */
export async function mainRestarted(suite, sandbox, chat, stage, burst) {
	const { check, save, figure, sandboxState, owner } = suite;
	const { lastExecutionId, settleDb, dbExecutions } = suite;
	const main = suite.cluster().main;
	const [late] = seedChats(sandbox, 4000, 1, 'restart');
	const afterId = lastExecutionId();
	const stopStarted = Date.now();
	await main.stop();
	const whileDown = await send(sandbox, chat.url, 'conversation.user.created', late.id);
	const startSeconds = await main.start();
	const downSeconds = (Date.now() - stopStarted) / 1000;
	await main.signIn(owner);
	await delay(3000);
	// (the restarted worker's event-log recovery marked its killed executions "crashed" already;
	// main's queue recovery at start looks only at executions still new/running)
	const crashed = dbExecutions(chat.id, burst.afterId)
		.filter((e) => e.status === 'crashed')
		.map((e) => e.id);
	const mainLog = await main.readLog();
	const recoveryLine = mainLog
		.split('\n')
		.find((line) => /recovered dangling executions|Marked executions as `crashed`/.test(line));
	check(
		'C4. while main was down a new chat was answered 200 (webhook processes + workers need no main)',
		whileDown.status === 200,
		`${whileDown.status}; main down ${downSeconds.toFixed(1)} s, back in ${startSeconds.toFixed(1)} s`,
	);
	let executions = await settleDb(chat.id, afterId, 1, { ignore: new Set() });
	let state = await sandboxState(sandbox);
	let lateCounts = messageCounts(state, [late]);
	check(
		'C4. … and its note was written once',
		lateCounts.duplicated === 0 && lateCounts.lost === 0,
		`${JSON.stringify(lateCounts.perChat[0])}; ${executions.length} execution(s)`,
	);
	// a reply after the restart
	const reply = `Chat ${late.id}: one more question after main came back.`;
	sandbox.appendIntercomPart(late.id, { kind: 'customer', body: `<p>${reply}</p>` });
	late.texts.push(reply);
	const replyAfterId = lastExecutionId();
	const replied = await send(sandbox, chat.url, 'conversation.user.replied', late.id);
	await settleDb(chat.id, replyAfterId, 1);
	state = await sandboxState(sandbox);
	lateCounts = messageCounts(state, [late]);
	check(
		'C4. after main restarted, a reply → 200, only the new message added (nothing written twice)',
		replied.status === 200 &&
			lateCounts.duplicated === 0 &&
			lateCounts.lost === 0 &&
			lateCounts.perChat[0].notes === 2,
		JSON.stringify(lateCounts.perChat[0]),
	);
	const activeAfter = await Promise.all(
		[chat, stage].map(async (w) => (await main.workflow(w.id)).active),
	);
	check(
		'C4. both workflows still active after main restarted',
		activeAfter.every(Boolean),
		`${activeAfter}`,
	);

	figure('mainRestart', {
		downSeconds,
		startSeconds,
		crashedAfterMainRestart: crashed,
		recoveryLogLine: recoveryLine?.slice(0, 300) ?? null,
	});
	log(
		`C4. executions of the burst in status crashed after main restarted: ${crashed.join(',') || 'none'}`,
	);

	// What an admin tries first: "Retry" (with the original workflow) on each killed execution in
	// n8n's executions list. Reported; asserted only that it writes nothing twice.
	const retried = [];
	for (const id of burst.unfinishedOnVictim) {
		try {
			const answer = await main.rest('POST', `/executions/${id}/retry`, { loadWorkflow: false });
			retried.push({ id, ok: true, status: answer?.data?.status ?? answer?.data });
		} catch (error) {
			retried.push({ id, ok: false, error: String(error.message).slice(0, 200) });
		}
	}
	await delay(2000);
	executions = await settleDb(chat.id, burst.afterId, 1, { timeoutMs: 180_000 });
	state = await sandboxState(sandbox);
	save('state-C4-after-retry.json', state);
	let after = messageCounts(state, burst.chats);
	const afterRetry = {
		lost: after.lost,
		duplicated: after.duplicated,
		chatsWithLosses: after.chatsWithLosses,
	};
	check(
		`C4. Retry of the ${burst.unfinishedOnVictim.length} killed execution(s) in n8n writes nothing twice`,
		after.duplicated === 0 && after.chatsOnSeveralDeals.length === 0,
		`retries ${retried.map((r) => `${r.id}:${r.ok ? r.status : r.error}`).join(' ')}; still missing after them: ${afterRetry.lost} message(s) (chats ${afterRetry.chatsWithLosses.join(',') || '-'})`,
	);
	// What recovers a chat whatever n8n did: its next notification. Each chat still missing a
	// message gets the customer's next message; Kommo's notes tell the Transcript what is there, so
	// the missing first message and the new one are written, each once.
	const followedUp = after.chatsWithLosses;
	const recoveryStarted = Date.now();
	if (followedUp.length) {
		for (const id of followedUp) {
			const text = `Chat ${id}: hello again, any answer?`;
			sandbox.appendIntercomPart(id, { kind: 'customer', body: `<p>${text}</p>` });
			const burstChat = burst.chats.find((c) => c.id === id);
			if (!burstChat) throw new Error(`chat ${id} is not one of the burst's`);
			burstChat.texts.push(text);
		}
		const followAfterId = lastExecutionId();
		const answers = await Promise.all(
			followedUp.map((id) => send(sandbox, chat.url, 'conversation.user.replied', id)),
		);
		await settleDb(chat.id, followAfterId, answers.filter((a) => a.status === 200).length);
		state = await sandboxState(sandbox);
		save('state-C4-after-next-message.json', state);
		after = messageCounts(state, burst.chats);
	}
	figure('recovery', {
		retried,
		afterRetry,
		nextMessageFor: followedUp,
		nextMessageSeconds: (Date.now() - recoveryStarted) / 1000,
		duplicated: after.duplicated,
		lost: after.lost,
		chatsWithLosses: after.chatsWithLosses,
		chatsWithDuplicates: after.chatsWithDuplicates,
	});
	check(
		`C4. after the next customer message of each of the ${followedUp.length} chat(s) missing messages: every message of the ${burst.chats.length}-chat burst exactly once`,
		after.duplicated === 0 && after.lost === 0 && after.chatsOnSeveralDeals.length === 0,
		`duplicated ${after.duplicated} (chats ${after.chatsWithDuplicates.join(',') || '-'}), lost ${after.lost} (chats ${after.chatsWithLosses.join(',') || '-'}); ${((Date.now() - recoveryStarted) / 1000).toFixed(1)} s`,
	);
}
