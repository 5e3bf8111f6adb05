// Scenarios 9 and 10: something happens to n8n between two messages of a chat (9: n8n restarted;
// 10: the workflow's static data wiped in its database). Kommo is the only record of what is
// delivered, so the reply's note must hold only the new message either way. What "restarted" and
// "wiped" mean is the suite's (one process, or every process of the cluster; SQLite or PostgreSQL).
import { CATCH_UP_STATIC_DATA } from '../../n8n-driver/templates.mjs';
import { staticDataIsEmpty } from './observe.mjs';

/** @typedef {import('./scenarios.mjs').ScenarioContext} ScenarioContext */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */

/**
 * What a suite's wipe of the static data did: the stored value it replaced (`before`), the rows it
 * changed, and how (for the check's detail).
 * @typedef {{ before: unknown, rows: number, how: string }} StaticDataWipe
 */

/** @param {ScenarioContext} context */
export function createBetweenMessagesScenarios({
	check,
	save,
	expectedNote,
	firstDifference,
	settle,
	sandboxState,
	notesOf,
	executionFailures,
}) {
	/**
	 * 9. / 10. Kommo is the only record of what is delivered. A new customer's chat (their message
	 * and a teammate's answer) becomes one note on a new deal; then something happens to n8n between
	 * that and the customer's reply: `between()` (9: n8n restarted; 10: the workflow's static data
	 * wiped in n8n's database), which resolves to a description of what it did. The reply's note
	 * must hold only the new message (exact text), on the same deal, and nothing is written twice.
	 *
	 * `number` names the checks; `conversationId` (four digits, unused elsewhere) seeds the chat.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 * @param {{
	 *   number: string,
	 *   what: string,
	 *   conversationId: string,
	 *   between: () => Promise<string>,
	 * }} options
	 */
	async function betweenTwoMessagesScenario(
		n8n,
		sandbox,
		chat,
		{ number, what, conversationId, between },
	) {
		const intercomId = `65f0c0de0000000000${conversationId.padStart(6, '0')}`;
		const name = `Casey Between-${conversationId}`;
		const email = `casey.${conversationId}@between.example`;
		const firstText = `Chat ${conversationId}: do you ship to Norway?`;
		const replyText = `Chat ${conversationId}: thanks, and what does shipping cost?`;
		const createdAt = Math.floor(Date.now() / 1000) - 120;
		sandbox.seed(
			{
				intercom: {
					contacts: [{ id: intercomId, role: 'user', name, email, created_at: createdAt - 3600 }],
					conversations: [
						{
							id: conversationId,
							created_at: createdAt,
							contacts: [intercomId],
							source: {
								id: `4039${conversationId.padStart(5, '0')}`,
								delivered_as: 'customer_initiated',
								author: { type: 'user', id: intercomId },
								body: `<p>${firstText}</p>`,
							},
							parts: [],
							tags: [],
						},
					],
				},
			},
			{ merge: true },
		);
		const answer = sandbox.appendIntercomPart(conversationId, {
			kind: 'admin',
			body: '<p>Yes, we ship to Norway.</p>',
		});
		const adminName = sandbox.state.intercom.admins.find(
			(admin) => admin.id === sandbox.state.intercom.me,
		)?.name;
		const before = await sandboxState(sandbox);
		const knownLeads = new Set(before.kommo.leads.map((lead) => lead.id));
		const executionsBefore = await n8n.executions(chat.id, { mode: 'webhook' });
		const lastBefore = Math.max(0, ...executionsBefore.map((e) => Number(e.id)));

		const created = await sandbox.sendIntercomWebhook({
			url: chat.url,
			topic: 'conversation.user.created',
			conversationId,
		});
		await settle(n8n, chat.id, executionsBefore.length + 1);
		let state = await sandboxState(sandbox);
		const newLeads = state.kommo.leads.filter((lead) => !knownLeads.has(lead.id));
		const lead = newLeads[0];
		let notes = lead ? notesOf(state, lead.id) : [];
		const expectedFirst = expectedNote(conversationId, createdAt, [
			{ id: `4039${conversationId.padStart(5, '0')}`, t: createdAt, author: name, text: firstText },
			{ id: answer.id, t: answer.created_at, author: adminName, text: 'Yes, we ship to Norway.' },
		]);
		save(`expected-note-${number}-1.txt`, expectedFirst);
		if (notes[0]) save(`actual-note-${number}-1.txt`, notes[0].params.text);
		check(
			`${number}. new chat → 200, one new deal holding one note with the whole chat (exact text)`,
			created.status === 200 &&
				newLeads.length === 1 &&
				notes.length === 1 &&
				notes[0].params.text === expectedFirst,
			`${created.status}; ${newLeads.length} new lead(s); ${notes.length} note(s); ${firstDifference(notes[0]?.params?.text, expectedFirst)}`,
		);
		if (!lead)
			throw new Error(`scenario ${number}: no deal was created for chat ${conversationId}`);

		const happened = await between();
		const executionsBetween = await n8n.executions(chat.id, { mode: 'webhook' });
		const reply = sandbox.appendIntercomPart(conversationId, {
			kind: 'customer',
			body: `<p>${replyText}</p>`,
		});
		const replied = await sandbox.sendIntercomWebhook({
			url: chat.url,
			topic: 'conversation.user.replied',
			conversationId,
		});
		const list = await settle(n8n, chat.id, executionsBetween.length + 1);
		state = await sandboxState(sandbox);
		save(`state-${number}.json`, state);
		notes = notesOf(state, lead.id);
		const expectedReply = expectedNote(conversationId, createdAt, [
			{ id: reply.id, t: reply.created_at, author: name, text: replyText },
		]);
		save(`expected-note-${number}-2.txt`, expectedReply);
		if (notes[1]) save(`actual-note-${number}-2.txt`, notes[1].params.text);
		const ofChat = state.kommo.notes.filter((note) =>
			String(note.params?.text ?? '').startsWith(`[Intercom] Chat #${conversationId} `),
		);
		check(
			`${number}. ${what}, then a reply → 200 and a second note on the same deal holding only the new message (exact text)`,
			replied.status === 200 &&
				notes.length === 2 &&
				notes[1].params.text === expectedReply &&
				ofChat.length === 2,
			`${happened}; reply ${replied.status}; ${notes.length} note(s) on lead ${lead.id}, ${ofChat.length} note(s) of chat ${conversationId} in Kommo; ${firstDifference(notes[1]?.params?.text, expectedReply)}`,
		);
		const mine = list.filter((e) => Number(e.id) > lastBefore);
		const failures = await executionFailures(n8n, mine);
		check(
			`${number}. chat workflow: all ${mine.length} executions of the scenario succeeded`,
			failures.length === 0,
			failures.join(' | '),
		);
	}

	/**
	 * 9. n8n restarted between two messages of a chat: `restart()` stops and starts every n8n
	 * process of the suite (and signs in again), resolving to a description. Whatever a process
	 * remembered (the trigger's notification ids, the customer locks, caches) is gone; Kommo is not.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 * @param {{ restart: () => Promise<string> }} options
	 */
	async function restartScenario(n8n, sandbox, chat, { restart }) {
		await betweenTwoMessagesScenario(n8n, sandbox, chat, {
			number: '9',
			what: 'n8n restarted',
			conversationId: '1009',
			between: restart,
		});
	}

	/**
	 * 10. The chat workflow's static data wiped in n8n's database between two messages, as an admin
	 * could (n8n running): `wipe(workflowId)` runs the database's own UPDATE and resolves to
	 * `{ before, rows, how }` (the stored value it replaced, the rows it changed). The template keeps
	 * nothing there, so the wipe must change nothing in what is written.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 * @param {{ wipe: (workflowId: string) => Promise<StaticDataWipe> }} options
	 */
	async function staticDataWipedScenario(n8n, sandbox, chat, { wipe }) {
		await betweenTwoMessagesScenario(n8n, sandbox, chat, {
			number: '10',
			what: "the workflow's static data wiped in n8n's database",
			conversationId: '1010',
			between: async () => {
				const { before, rows, how } = await wipe(chat.id);
				const after = (await n8n.workflow(chat.id))?.staticData ?? null;
				const cursorOnly = { except: [CATCH_UP_STATIC_DATA] };
				check(
					"10. the chat path keeps no static data (Kommo holds what is delivered; only the catch-up's cursor is there), and the wipe reached n8n's database",
					staticDataIsEmpty(before, cursorOnly) && rows === 1 && staticDataIsEmpty(after),
					`stored before the wipe: ${JSON.stringify(before)}; ${how}: ${rows} row(s); n8n's API after: ${JSON.stringify(after)}`,
				);
				return `static data wiped (${how}, ${rows} row)`;
			},
		});
	}

	return { restartScenario, staticDataWipedScenario };
}
