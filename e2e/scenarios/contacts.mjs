// Scenarios about who wrote the chat, as Kommo knows them: 5b two Kommo contacts with one email
// (imports leave such duplicates) and 12 a visitor who typed an existing customer's email.
import { createRequire } from 'node:module';

import { editAndRepublish } from '../../n8n-driver/templates.mjs';

const require = createRequire(import.meta.url);
const { IDS } = require('../../sandbox/seed.js');

/** @typedef {import('./scenarios.mjs').ScenarioContext} ScenarioContext */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */

/** @param {ScenarioContext} context */
export function createContactScenarios({
	check,
	save,
	settle,
	sandboxState,
	notesOf,
	leadContacts,
	occurrences,
}) {
	/**
	 * 6. Duplicate Kommo contacts (two contacts with the same email, as imports leave them) and no
	 * open deal: one chat gives ONE new deal, linked to the most recently updated contact, and one note.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 */
	async function duplicateContactScenario(n8n, sandbox, chat) {
		const email = 'dana.duplicate@example.com';
		const intercomId = '65f0c0de0000000000000006';
		const conversationId = '1006';
		const now = Math.floor(Date.now() / 1000);
		// in-process: the suite runs the sandbox itself (POST /_sandbox/seed and
		// /_sandbox/kommo/contacts/:id/duplicate do the same over HTTP)
		sandbox.seed(
			{
				intercom: {
					contacts: [
						{ id: intercomId, role: 'user', name: 'Dana Duplicate', email, created_at: now - 3600 },
					],
					conversations: [
						{
							id: conversationId,
							created_at: now - 60,
							contacts: [intercomId],
							source: {
								id: '403900006',
								delivered_as: 'customer_initiated',
								author: { type: 'user', id: intercomId },
								body: '<p>Hello, is there a discount for nonprofits?</p>',
							},
							parts: [],
							tags: [],
						},
					],
				},
				kommo: {
					contacts: [
						{
							name: 'Dana Duplicate',
							created_at: now - 7200,
							custom_fields_values: [
								{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] },
							],
						},
					],
				},
			},
			{ merge: true },
		);
		const hasEmail = (contact) =>
			JSON.stringify(contact.custom_fields_values ?? []).includes(email);
		const original = sandbox.state.kommo.contacts.find(hasEmail);
		if (!original) throw new Error(`the seed did not store a Kommo contact with ${email}`);
		const duplicate = sandbox.duplicateKommoContact(original.id, {
			name: 'Dana Duplicate (import)',
		});

		const before = await sandboxState(sandbox);
		const executionsBefore = (await n8n.executions(chat.id, { mode: 'webhook' })).length;
		const created = await sandbox.sendIntercomWebhook({
			url: chat.url,
			topic: 'conversation.user.created',
			conversationId,
		});
		await settle(n8n, chat.id, executionsBefore + 1);
		const state = await sandboxState(sandbox);
		save('state-6-duplicates.json', state);
		const knownLeads = new Set(before.kommo.leads.map((lead) => lead.id));
		const newLeads = state.kommo.leads.filter((lead) => !knownLeads.has(lead.id));
		const notes = newLeads.flatMap((lead) => notesOf(state, lead.id));
		check(
			'5b. two Kommo contacts with the same email, no open deal → 200 and exactly one new deal',
			created.status === 200 && newLeads.length === 1,
			`${created.status}; ${newLeads.length} new lead(s) ${newLeads.map((l) => `${l.id} "${l.name}"`).join(', ')}`,
		);
		check(
			'5b. the deal is linked to the most recently updated of the two contacts, and no contact is created',
			newLeads.length === 1 &&
				JSON.stringify(leadContacts(state, newLeads[0].id)) === JSON.stringify([duplicate.id]) &&
				state.kommo.contacts.length === before.kommo.contacts.length,
			`contacts of the deal: ${newLeads.map((l) => leadContacts(state, l.id).join(',')).join(' / ')}; expected ${duplicate.id}; contacts ${before.kommo.contacts.length}→${state.kommo.contacts.length}`,
		);
		check(
			'5b. exactly one note, holding the chat',
			notes.length === 1 && notes[0].params.text?.includes('discount for nonprofits'),
			`${notes.length} note(s)`,
		);
	}

	/**
	 * 12. A visitor who typed an existing customer's email (docs/intercom.md): Intercom keeps the
	 * writer as a contact with role `lead`. As shipped, the chat goes on the customer's deal with a
	 * warning in each note's header; with "Start a new deal for it" set on Find contact by email (as
	 * a user sets it in the editor), it gets a deal of its own, found again for the next message,
	 * and the customer's deal is untouched. The setting is put back afterwards.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 */
	async function visitorScenario(n8n, sandbox, chat) {
		const email = 'vera.customer@example.com';
		const visitorId = '65f0c0de0000000000000011';
		const now = Math.floor(Date.now() / 1000);
		const hasEmail = (contact) =>
			JSON.stringify(contact.custom_fields_values ?? []).includes(email);
		sandbox.seed(
			{
				kommo: {
					contacts: [
						{
							name: 'Vera Customer',
							created_at: now - 7200,
							custom_fields_values: [
								{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] },
							],
						},
					],
				},
			},
			{ merge: true },
		);
		const customer = sandbox.state.kommo.contacts.find(hasEmail);
		if (!customer) throw new Error(`the seed did not store a Kommo contact with ${email}`);
		sandbox.seed(
			{
				kommo: {
					leads: [
						{
							name: 'Vera Customer - renewal',
							pipeline_id: IDS.kommo.sales,
							status_id: IDS.kommo.status.qualified,
							contacts: [customer.id],
						},
					],
				},
				intercom: {
					contacts: [{ id: visitorId, role: 'lead', name: 'Vera', email, created_at: now - 600 }],
				},
			},
			{ merge: true },
		);
		const customerDeal = sandbox.state.kommo.leads.find((lead) =>
			lead.name.startsWith('Vera Customer - renewal'),
		);
		if (!customerDeal) throw new Error("the seed did not store Vera Customer's deal");
		const visitorChat = (conversationId, text) => {
			sandbox.seed(
				{
					intercom: {
						conversations: [
							{
								id: conversationId,
								created_at: Math.floor(Date.now() / 1000) - 5,
								contacts: [visitorId],
								source: {
									id: `4039${conversationId}`,
									delivered_as: 'customer_initiated',
									author: { type: 'lead', id: visitorId },
									body: `<p>${text}</p>`,
								},
								parts: [],
								tags: [],
							},
						],
					},
				},
				{ merge: true },
			);
		};
		const deliver = async (topic, conversationId) => {
			const before = (await n8n.executions(chat.id, { mode: 'webhook' })).length;
			const sent = await sandbox.sendIntercomWebhook({ url: chat.url, topic, conversationId });
			await settle(n8n, chat.id, before + 1);
			return sent.status;
		};
		const chatNotes = (state, conversationId) =>
			state.kommo.notes.filter((note) =>
				String(note.params?.text ?? '').startsWith(`[Intercom] Chat #${conversationId} `),
			);
		const warned = (note) =>
			String(note.params?.text ?? '')
				.split('\n')[2]
				?.startsWith(
					`Warning: not verified. This chat was written in Intercom by a visitor who typed the email ${email}`,
				);

		visitorChat('1021', 'Please send the contract to my new address.');
		const marked = await deliver('conversation.user.created', '1021');
		let state = await sandboxState(sandbox);
		const markedNotes = chatNotes(state, '1021');
		check(
			"12. a visitor's chat with a customer's email (as shipped) → one note on the customer's deal, its header says the email is not verified",
			marked === 200 &&
				markedNotes.length === 1 &&
				Number(markedNotes[0].entity_id) === customerDeal.id &&
				warned(markedNotes[0]),
			`${marked}; ${markedNotes.length} note(s) on ${markedNotes.map((n) => n.entity_id).join(', ')} (customer's deal ${customerDeal.id}); header: ${String(markedNotes[0]?.params?.text ?? '').split('\n')[2] ?? '-'}`,
		);

		/** @param {'newDeal' | 'mark'} visitorMatch */
		const setChoice = (visitorMatch) =>
			editAndRepublish(n8n, chat.id, (nodes) => {
				const findContact = nodes.find((node) => node.name === 'Find contact by email');
				if (!findContact) throw new Error(`"${chat.name}" has no node "Find contact by email"`);
				findContact.parameters.options.visitorMatch = visitorMatch;
			});
		await setChoice('newDeal');
		try {
			const leadsBefore = new Set(state.kommo.leads.map((lead) => lead.id));
			visitorChat('1022', 'I am the new owner of this account, change the email please.');
			const first = await deliver('conversation.user.created', '1022');
			sandbox.appendIntercomPart('1022', {
				kind: 'customer',
				body: '<p>And send the invoices to me.</p>',
			});
			const second = await deliver('conversation.user.replied', '1022');
			state = await sandboxState(sandbox);
			save('state-12-visitor.json', state);
			const newLeads = state.kommo.leads.filter((lead) => !leadsBefore.has(lead.id));
			const notes = chatNotes(state, '1022');
			check(
				'12. with "Start a new deal for it": one new deal without a contact, both messages on it once, each note marked',
				first === 200 &&
					second === 200 &&
					newLeads.length === 1 &&
					leadContacts(state, newLeads[0].id).length === 0 &&
					notes.length === 2 &&
					notes.every((note) => Number(note.entity_id) === newLeads[0].id && warned(note)) &&
					occurrences(notes, ['And send the invoices to me.'])[0] === 1,
				`${first}/${second}; new deals ${newLeads.map((l) => `${l.id} "${l.name}" (contacts ${leadContacts(state, l.id).join(',') || 'none'})`).join(', ')}; notes on ${notes.map((n) => n.entity_id).join(', ')}`,
			);
			check(
				"12. … and the customer's deal is untouched",
				notesOf(state, customerDeal.id).length === 1,
				`${notesOf(state, customerDeal.id).length} note(s) on ${customerDeal.id}`,
			);
		} finally {
			await setChoice('mark');
		}
	}

	return { duplicateContactScenario, visitorScenario };
}
