// Scenarios 1–5 and 7 of the chat template (e2e/README.md): a new chat, a customer reply, one
// notification delivered 3 times, two notifications at once, a chat from a customer with an open
// deal, a forged signature. They run first and in this order: each builds on what the one before
// wrote in Kommo.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const { IDS } = require('../../sandbox/seed.js');

/** @typedef {import('./scenarios.mjs').ScenarioContext} ScenarioContext */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */

/** @param {ScenarioContext} context */
export function createChatScenarios({
	check,
	save,
	quietMs,
	SEEDED_MESSAGES,
	expectedNote,
	firstDifference,
	settle,
	sandboxState,
	notesOf,
	noteKey,
	leadContacts,
	storedPart,
	occurrences,
	executionFailures,
}) {
	/**
	 * 1–5 and 7 on the seeded chat 1001 (Jane) and the new chat 1003 (Mary Jane); resolves to the
	 * lead Jane's chat got, which the stage scenarios move.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 * @returns {Promise<{ janeLeadId: number }>}
	 */
	async function chatScenarios(n8n, sandbox, chat) {
		const url = chat.url;
		const seedLeads = new Set(sandbox.state.kommo.leads.map((lead) => lead.id));
		const seedContacts = new Set(sandbox.state.kommo.contacts.map((c) => c.id));
		const conversationId = IDS.intercom.conversation;
		let executions = 0;

		// 1. A new chat → lead + contact + ONE note with the exact transcript.
		const created = await sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.created',
			conversationId,
		});
		check('1. signed conversation.user.created → 200', created.status === 200, `${created.status}`);
		executions += 1;
		let list = await settle(n8n, chat.id, executions);
		let state = await sandboxState(sandbox);
		save('state-1.json', state);
		const newLeads = state.kommo.leads.filter((lead) => !seedLeads.has(lead.id));
		const newContacts = state.kommo.contacts.filter((c) => !seedContacts.has(c.id));
		const janeLead = newLeads[0];
		const janeContact = newContacts[0];
		check(
			'1. one new Kommo lead and one new contact (Jane, not fuzzy-matched Mary Jane)',
			newLeads.length === 1 &&
				newContacts.length === 1 &&
				JSON.stringify(janeContact).includes('jane@example.com') &&
				leadContacts(state, janeLead.id).includes(janeContact.id),
			`${newLeads.length} lead(s) ${newLeads.map((l) => `${l.id} "${l.name}"`).join(', ')}; ${newContacts.length} contact(s) ${newContacts.map((c) => `"${c.name}"`).join(', ')}`,
		);
		const maryJaneNotes = notesOf(state, IDS.kommo.openLead);
		check(
			"1. nothing written on Mary Jane's open deal",
			maryJaneNotes.length === 1,
			`${maryJaneNotes.length} note(s)`,
		);
		const conv = state.intercom.conversations.find((c) => c.id === conversationId);
		if (!conv) throw new Error(`the sandbox lost conversation ${conversationId}`);
		const seeded = ['403900001', '40000001', '40000003', '40000004'].map((id) => ({
			id,
			t: id === '403900001' ? conv.created_at : storedPart(state, conversationId, id).created_at,
			...SEEDED_MESSAGES[id],
		}));
		const expectedFirst = expectedNote(conversationId, conv.created_at, seeded);
		save('expected-note-1.txt', expectedFirst);
		let notes = janeLead ? notesOf(state, janeLead.id) : [];
		if (notes[0]) save('actual-note-1.txt', notes[0].params.text);
		check(
			'1. exactly one note on the new lead, of type common',
			notes.length === 1 && notes[0].note_type === 'common',
			`${notes.length} note(s)`,
		);
		check(
			"1. the note's text equals the Transcript rendering (header, link, date, every message, marker)",
			notes[0]?.params?.text === expectedFirst,
			firstDifference(notes[0]?.params?.text, expectedFirst),
		);
		if (!janeLead) throw new Error('no lead was created for the new chat; later scenarios need it');

		// 2. A customer reply → a second note with ONLY the new message.
		const reply = sandbox.appendIntercomPart(conversationId, {
			kind: 'customer',
			body: '<p>Any news on the quote?</p>',
		});
		const replied = await sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.replied',
			conversationId,
		});
		executions += 1;
		list = await settle(n8n, chat.id, executions);
		state = await sandboxState(sandbox);
		notes = notesOf(state, janeLead.id);
		const expectedReply = expectedNote(conversationId, conv.created_at, [
			{ id: reply.id, t: reply.created_at, author: 'Jane Doe', text: 'Any news on the quote?' },
		]);
		save('expected-note-2.txt', expectedReply);
		if (notes[1]) save('actual-note-2.txt', notes[1].params.text);
		check(
			'2. reply → 200 and a second note holding only the new message',
			replied.status === 200 && notes.length === 2 && notes[1].params.text === expectedReply,
			`${replied.status}, ${notes.length} note(s); ${firstDifference(notes[1]?.params?.text, expectedReply)}`,
		);

		// 3. The same notification delivered 3 times → one note for it.
		const third = sandbox.appendIntercomPart(conversationId, {
			kind: 'customer',
			body: '<p>Also: can we pay by invoice?</p>',
		});
		const notificationId = `notif_${randomUUID()}`;
		const triple = await Promise.all(
			[0, 1, 2].map((attempt) =>
				sandbox.sendIntercomWebhook({
					url,
					topic: 'conversation.user.replied',
					conversationId,
					notificationId,
					deliveryAttempts: attempt + 1,
				}),
			),
		);
		list = await settle(n8n, chat.id, executions + 1);
		const tripleExecutions = list.length - executions;
		executions = list.length;
		state = await sandboxState(sandbox);
		notes = notesOf(state, janeLead.id);
		const [thirdCount] = occurrences(notes, ['Also: can we pay by invoice?']);
		check(
			'3. one notification delivered 3 times → all 200, its message in exactly one note',
			triple.every((r) => r.status === 200) && thirdCount === 1 && notes.length === 3,
			`statuses ${triple.map((r) => r.status).join(',')}; ${tripleExecutions} execution(s); message found ${thirdCount}×; ${notes.length} note(s) on the lead`,
		);
		void third;

		// 4. Two different notifications, concurrently, after two new parts → every message once.
		const texts = ['Fourth: we need SSO for 14 seats.', 'Fifth: and a DPA, please.'];
		for (const text of texts)
			sandbox.appendIntercomPart(conversationId, { kind: 'customer', body: `<p>${text}</p>` });
		const pair = await Promise.all(
			[0, 1].map(() =>
				sandbox.sendIntercomWebhook({ url, topic: 'conversation.user.replied', conversationId }),
			),
		);
		executions += 2;
		list = await settle(n8n, chat.id, executions);
		state = await sandboxState(sandbox);
		notes = notesOf(state, janeLead.id);
		save('notes-jane-lead.json', notes);
		const everyText = [
			...Object.values(SEEDED_MESSAGES).map((m) => m.text.split('\n')[0]),
			'Any news on the quote?',
			'Also: can we pay by invoice?',
			...texts,
		];
		const all = notes.map((n) => n.params.text).join('\n');
		const counts = everyText.map((text) => all.split(`]: ${text}`).length - 1);
		check(
			'4. two concurrent notifications → all 200; every message of the chat in Kommo exactly once',
			pair.every((r) => r.status === 200) && counts.every((c) => c === 1),
			`statuses ${pair.map((r) => r.status).join(',')}; counts ${counts.join(',')}; ${notes.length} note(s)`,
		);
		const keys = notes.map(noteKey);
		check(
			'4. every note carries a distinct idempotency marker',
			keys.every(Boolean) && new Set(keys).size === keys.length,
			keys.join(' '),
		);

		// 5. A chat from an existing Kommo contact with an open deal → note on that deal, no new lead.
		const maryJaneIntercomId = '65f0c0de0000000000000003';
		const now = Math.floor(Date.now() / 1000);
		const seedResponse = await fetch(`${sandbox.url}/_sandbox/seed`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				merge: true,
				intercom: {
					contacts: [
						{
							id: maryJaneIntercomId,
							role: 'user',
							name: 'Mary Jane Watson',
							email: 'maryjane@example.com',
							created_at: now - 3600,
						},
					],
					conversations: [
						{
							id: '1003',
							created_at: now - 60,
							contacts: [maryJaneIntercomId],
							source: {
								id: '403900003',
								delivered_as: 'customer_initiated',
								author: { type: 'user', id: maryJaneIntercomId },
								body: '<p>We would like to add 3 seats to our team plan.</p>',
							},
							parts: [],
							tags: [],
						},
					],
				},
			}),
		});
		if (!seedResponse.ok)
			throw new Error(`seeding conversation 1003: ${await seedResponse.text()}`);
		const before5 = await sandboxState(sandbox);
		const existing = await sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.created',
			conversationId: '1003',
		});
		executions += 1;
		list = await settle(n8n, chat.id, executions);
		state = await sandboxState(sandbox);
		const openNotes = notesOf(state, IDS.kommo.openLead);
		const expectedExisting = expectedNote('1003', now - 60, [
			{
				id: '403900003',
				t: now - 60,
				author: 'Mary Jane Watson',
				text: 'We would like to add 3 seats to our team plan.',
			},
		]);
		check(
			'5. existing contact with an open deal → the note lands on that deal (30000001), exact text',
			existing.status === 200 &&
				openNotes.length === 2 &&
				openNotes[1].params.text === expectedExisting,
			`${existing.status}, ${openNotes.length} note(s) on 30000001; ${firstDifference(openNotes[1]?.params?.text, expectedExisting)}`,
		);
		check(
			'5. no new lead and no new contact',
			state.kommo.leads.length === before5.kommo.leads.length &&
				state.kommo.contacts.length === before5.kommo.contacts.length,
			`leads ${before5.kommo.leads.length}→${state.kommo.leads.length}, contacts ${before5.kommo.contacts.length}→${state.kommo.contacts.length}`,
		);

		// 7. A forged signature → 401, no execution, nothing written.
		const notesBefore = state.kommo.notes.length;
		const forged = await sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.created',
			conversationId: IDS.intercom.secondConversation,
			clientSecret: 'not-the-client-secret',
		});
		await delay(quietMs);
		list = await n8n.executions(chat.id, { mode: 'webhook' });
		state = await sandboxState(sandbox);
		check(
			'7. forged X-Hub-Signature → 401, no execution, no note',
			forged.status === 401 &&
				list.length === executions &&
				state.kommo.notes.length === notesBefore,
			`${forged.status} ${String(forged.body).slice(0, 100)}; executions ${executions}→${list.length}; notes ${notesBefore}→${state.kommo.notes.length}`,
		);

		const failures = await executionFailures(n8n, list);
		check(
			`chat workflow: all ${list.length} executions succeeded`,
			failures.length === 0,
			failures.join(' | '),
		);
		return { janeLeadId: janeLead.id };
	}

	return { chatScenarios };
}
