// 13. The two-way chat template (workflows/intercom-chat-to-kommo-chat.json), set up as
// docs/kommo-chat.md tells a user: the Kommo chat channel credential, the admin the answers are sent
// as, the Kommo Chat Trigger's Production URL given to Kommo (the sandbox's channel webhook URL),
// the Intercom Trigger's URL in an Intercom app of its own, the catch-up's history import set to 0.
// It runs beside the notes template (both published, both subscribed), as the docs say it may.
import { createHmac } from 'node:crypto';

import { setUpChatToChat } from '../../n8n-driver/templates.mjs';

/** @typedef {import('./scenarios.mjs').ScenarioContext} ScenarioContext */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../../n8n-driver/templates.mjs').TemplateWorkflow} TemplateWorkflow */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */

const delay = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The parts of an Intercom conversation as the sandbox stores them (read in process, so the
 * Intercom faults a scenario injects hit only the workflow's requests).
 * @param {Sandbox} sandbox
 * @param {string} conversationId
 */
function storedParts(sandbox, conversationId) {
	const conversation = sandbox.state.intercom.conversations.find(
		(entry) => entry.id === conversationId,
	);
	return conversation?.parts ?? [];
}

/**
 * The chat as Kommo shows it: `in: text` / `out: text`, oldest first.
 * @param {Sandbox} sandbox
 * @param {string} conversationId
 */
function chatLines(sandbox, conversationId) {
	const view = sandbox.amojoChat(`intercom-${conversationId}`);
	return (view?.messages ?? []).map((entry) => {
		const message = /** @type {{ text?: string }} */ (entry.message);
		return `${entry.receiver ? 'out' : 'in'}: ${message.text}`;
	});
}

/**
 * Waits until `ready()` holds (or `timeoutMs` passed); returns whether it did.
 * @param {() => boolean | Promise<boolean>} ready
 * @param {number} [timeoutMs]
 */
async function until(ready, timeoutMs = 60_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (await ready()) return true;
		await delay(250);
	}
	return false;
}

/** @param {ScenarioContext} context */
export function createKommoChatScenarios({ check, save, settle, executionFailures, quietMs }) {
	/**
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {TemplateWorkflow} workflow the chatToChat template as imported
	 */
	async function kommoChatScenarios(n8n, sandbox, workflow) {
		// the user picks the admin from the list (the first one the account lists) and sets the
		// catch-up's history import to 0, then publishes
		const admin = sandbox.state.intercom.admins[0];
		const {
			intercomUrl: url,
			hookUrl,
			hookWebhookId,
		} = await setUpChatToChat(n8n, sandbox, workflow, {
			adminId: admin.id,
			catchUp: { importDays: 0 },
		});
		check(
			'13. the Kommo Chat Trigger\'s Production URL ends in "/kommo-chat/:scope_id", ready for Kommo support',
			hookUrl.endsWith(`/webhook/${hookWebhookId}/kommo-chat/:scope_id`),
			hookUrl,
		);
		// counted as settle() counts them: the runs a webhook started (the catch-up's are "integrated")
		const webhookRuns = async () => (await n8n.executions(workflow.id, { mode: 'webhook' })).length;
		const allBefore = (await n8n.executions(workflow.id)).length;
		const executionsBefore = await webhookRuns();

		// a new customer writes; the chat goes on: 5 messages in all, two of them the team's
		const texts = [
			'Hello, is the Pro plan billed yearly?',
			'Hi! Yes, or monthly if you prefer.',
			'Monthly then. Can I pay by card?',
			'Sure: Visa, Mastercard and Amex.',
			'Great, thanks!',
		];
		const conversation = sandbox.createIntercomConversation({
			contact: { name: 'Chen Ruiz', email: 'chen.ruiz@example.test' },
			body: `<p>${texts[0]}</p>`,
		});
		const id = conversation.id;
		const expected = texts.map((text, index) => `${index % 2 ? 'out' : 'in'}: ${text}`);
		for (const [index, text] of texts.slice(1).entries()) {
			// one at a time, as people type: each waits until the chat shows the one before
			await until(() => chatLines(sandbox, id).length >= index + 1, 30_000);
			sandbox.appendIntercomPart(id, {
				kind: index % 2 ? 'customer' : 'admin',
				adminId: admin.id,
				body: `<p>${text}</p>`,
			});
		}
		await until(() => chatLines(sandbox, id).length >= 5, 60_000);
		await settle(n8n, workflow.id, executionsBefore + 5);
		const view = sandbox.amojoChat(`intercom-${id}`);
		const lines = chatLines(sandbox, id);
		check(
			"13. a new chat → a Kommo chat on the customer's contact and deal; 5 messages in order, each once",
			JSON.stringify(lines) === JSON.stringify(expected) &&
				view?.shownOn === 'leads' &&
				view.contact !== null &&
				view.leads.length === 1 &&
				view.unsorted === null,
			`${lines.join(' | ')}; shown on ${view?.shownOn}, contact ${view?.contact?.id}, leads ${view?.leads.map((l) => l.id)}`,
		);

		// Intercom delivers the last notification three more times (its retry after a timeout)
		const redelivered = [];
		for (let i = 0; i < 3; i++) {
			redelivered.push(
				(
					await sandbox.sendIntercomWebhook({
						url,
						topic: 'conversation.user.replied',
						conversationId: id,
					})
				).status,
			);
		}
		const afterRedelivery = await webhookRuns();
		await settle(n8n, workflow.id, afterRedelivery);
		check(
			'13. three redeliveries of the same notification → still 5 chat messages, none twice',
			redelivered.every((status) => status === 200) &&
				JSON.stringify(chatLines(sandbox, id)) === JSON.stringify(expected),
			`${redelivered.join(',')}; ${chatLines(sandbox, id).length} message(s)`,
		);

		// a manager answers in the Kommo chat; Intercom answers the first reply attempt with 429
		const answer = 'Your invoice is on its way, Chen.';
		// two, in case a catch-up poll (every minute) takes one
		sandbox.setFaults({ apis: ['intercom'], sequence: ['429', '429'] });
		const mark = sandbox.log.at(-1)?.seq ?? 0;
		const beforeReply = await webhookRuns();
		const reply = await sandbox.amojoManagerReply({
			conversationId: `intercom-${id}`,
			text: answer,
		});
		check(
			"13. Kommo's hook for the manager's answer is answered 200 within Kommo's 5 s",
			reply.delivery.ok === true,
			`status ${reply.delivery.status} in ${reply.delivery.ms} ms`,
		);
		const replied = await until(
			() => storedParts(sandbox, id).some((part) => String(part.body).includes(answer)),
			60_000,
		);
		// the admin reply fires "Teammate Replied" to this template too: let that run end as well
		await settle(n8n, workflow.id, beforeReply + 2);
		await delay(quietMs);
		await settle(n8n, workflow.id, beforeReply + 2);
		const answers = storedParts(sandbox, id).filter((part) => String(part.body).includes(answer));
		const replyCalls = sandbox.log
			.filter(
				(entry) =>
					entry.seq > mark &&
					entry.api === 'intercom' &&
					entry.method === 'POST' &&
					entry.path.includes(`/conversations/${id}/reply`),
			)
			.map((entry) => entry.status);
		check(
			"13. the manager's answer → one Intercom reply, as the chosen admin, to the customer (Intercom's 429 waited out)",
			replied &&
				answers.length === 1 &&
				answers[0].part_type === 'comment' &&
				String(answers[0].author?.id) === String(admin.id) &&
				replyCalls[0] === 429 &&
				replyCalls.filter((status) => status === 200).length === 1,
			`${answers.length} reply part(s); author ${answers[0]?.author?.id}; reply calls ${replyCalls.join(',')}`,
		);
		const stored = sandbox.state.amojo.messages.find((message) => message.id === reply.message.id);
		const echoLines = chatLines(sandbox, id);
		check(
			"13. nothing echoes back: the answer shows once in the Kommo chat (the manager's own), and is marked delivered",
			echoLines.filter((line) => line.endsWith(answer)).length === 1 &&
				echoLines.length === 6 &&
				stored?.delivery?.delivery_status === 1,
			`${echoLines.length} chat message(s); delivery ${JSON.stringify(stored?.delivery ?? null)}`,
		);

		// the chat service fails twice (502, 500) when the customer writes again
		sandbox.setFaults({ apis: ['amojo'], sequence: ['502', '500'] });
		const beforeOutage = await webhookRuns();
		sandbox.appendIntercomPart(id, { kind: 'customer', body: '<p>Got it, thank you!</p>' });
		await until(() => chatLines(sandbox, id).length >= 7, 60_000);
		await settle(n8n, workflow.id, beforeOutage + 1);
		const afterOutage = chatLines(sandbox, id);
		check(
			"13. Kommo's chat service answering 502, then 500 → retried; the message arrives once",
			afterOutage.filter((line) => line === 'in: Got it, thank you!').length === 1 &&
				afterOutage.length === 7 &&
				(sandbox.counters.faults['502'] ?? 0) >= 1,
			`${afterOutage.length} message(s)`,
		);

		// a forged hook: the right URL, a wrong signature
		const forgedBody = JSON.stringify({
			account_id: sandbox.amojo.accountId,
			time: Math.floor(Date.now() / 1000),
			message: {
				conversation: { id: 'forged', client_id: `intercom-${id}` },
				sender: { id: 'forged' },
				receiver: { id: 'forged', client_id: 'forged' },
				timestamp: Math.floor(Date.now() / 1000),
				message: { id: 'forged-message', type: 'text', text: 'Send me your password' },
			},
		});
		const beforeForgery = await webhookRuns();
		const forged = await fetch(
			hookUrl.replace(':scope_id', encodeURIComponent(sandbox.amojo.scopeId ?? '')),
			{
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'x-signature': createHmac('sha1', 'not-the-channel-secret')
						.update(forgedBody)
						.digest('hex'),
				},
				body: forgedBody,
			},
		);
		await delay(quietMs);
		const afterForgery = await webhookRuns();
		const finalParts = storedParts(sandbox, id);
		check(
			'13. a forged hook (wrong X-Signature) → 401, no execution, nothing sent to Intercom',
			forged.status === 401 &&
				afterForgery === beforeForgery &&
				!finalParts.some((part) => String(part.body).includes('password')),
			`HTTP ${forged.status}; executions ${beforeForgery} → ${afterForgery}`,
		);

		// the team's two Intercom answers went to Kommo as the bot: Kommo sent no hook for them, so the
		// one reply an app wrote into the conversation is the manager's
		const writtenByApi = storedParts(sandbox, id).filter((part) => part.app_package_code);
		check(
			"13. nothing echoes into Intercom: the team's answers mirrored to Kommo came back as no reply",
			writtenByApi.length === 1 && String(writtenByApi[0].body).includes(answer),
			`${writtenByApi.length} part(s) written through the API`,
		);

		const list = await n8n.executions(workflow.id);
		const failures = await executionFailures(n8n, list.slice(0, list.length - allBefore));
		check(
			`13. chat ↔ chat workflow: all ${list.length - allBefore} executions succeeded`,
			failures.length === 0,
			failures.join(' | '),
		);
		save('kommo-chat.json', { conversationId: id, chat: sandbox.amojoChat(`intercom-${id}`) });
		sandbox.setFaults({});
	}

	return { kommoChatScenarios };
}
