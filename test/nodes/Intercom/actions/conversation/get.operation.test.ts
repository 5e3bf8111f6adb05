import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { byId, byUrl, credentials, fixture, intercom, runIntercom, setupNock } from '../../helpers';
import { MARIA, author, contactList, withAuthors } from '../../../shared/intercomShapes';

setupNock();

const conversation = fixture('conversation');
const adminInitiated = fixture('conversation-admin-initiated');
const contact = fixture('contact');

const get = (conversationId: IDataObject | string, extra: IDataObject = {}): IDataObject => ({
	resource: 'conversation',
	operation: 'get',
	conversationId,
	...extra,
});

describe('Conversation → Get', () => {
	test('returns the conversation as Intercom sends it, plus the customer from the opening message', async () => {
		const scope = intercom().get('/conversations/215468').reply(200, conversation);

		const result = await runIntercom(get(byId('215468')));

		expect(result.nodeError).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			...conversation,
			customer: {
				id: '6762f1261bb69f9f2193bba7',
				email: 'maria.gonzalez@example.com',
				name: 'Maria Gonzalez',
				role: 'user',
			},
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		// no GET /contacts: the opening message already named the customer
		scope.done();
	});

	test("keeps the app id of the trigger's item, so later steps can link to the chat", async () => {
		const scope = intercom().get('/conversations/215468').times(2).reply(200, conversation);

		const started = await runIntercom(get(byId('215468'), { resolveCustomer: false }), {
			input: [{ json: { conversationId: '215468', appId: 'abc123' } }],
		});
		expect(started.items[0].json).toEqual({ ...conversation, appId: 'abc123' });

		const plain = await runIntercom(get(byId('215468'), { resolveCustomer: false }), {
			input: [{ json: { appId: null } }],
		});
		expect(plain.items[0].json).toEqual(conversation);
		scope.done();
	});

	test.each([
		['inbox link', 'https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468'],
		[
			'link with query and fragment',
			'https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468?view=List#part_id=30005',
		],
		['"conversations" link', 'https://app.eu.intercom.com/a/apps/abc123/conversations/215468'],
		[
			'shared-inbox link with trailing slash',
			'https://app.intercom.com/a/inbox/abc123/inbox/shared/all/conversation/215468/',
		],
	])('accepts the id as an %s', async (_label, url) => {
		const scope = intercom().get('/conversations/215468').reply(200, conversation);

		const result = await runIntercom(get(byUrl(url), { resolveCustomer: false }));

		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json.id).toBe('215468');
		scope.done();
	});

	test('accepts a URL pasted into the ID mode and an id mapped as a number', async () => {
		const scope = intercom()
			.get('/conversations/215468')
			.reply(200, conversation)
			.get('/conversations/503')
			.reply(200, adminInitiated);

		const result = await runIntercom(get(byId('={{ $json.ref }}'), { resolveCustomer: false }), {
			input: [
				{ json: { ref: ' https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468 ' } },
				{ json: { ref: 503 } },
			],
		});

		expect(result.nodeError).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual(['215468', '503']);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		scope.done();
	});

	test.each([
		['abc', '"abc" is not an Intercom conversation ID or conversation link'],
		[
			'https://example.com/conversation/215468',
			'"https://example.com/conversation/215468" is not an Intercom conversation ID or conversation link',
		],
		[
			'https://app.intercom.com/a/inbox/abc123/inbox/',
			'"https://app.intercom.com/a/inbox/abc123/inbox/" is not an Intercom conversation ID or conversation link',
		],
		['', 'No conversation ID given'],
	])('rejects a mapped %p with a clear message and makes no request', async (value, message) => {
		const result = await runIntercom(get(byId('={{ $json.ref }}')), {
			input: [{ json: { ref: value } }],
		});

		expect(result.nodeError?.name).toBe('NodeOperationError');
		expect(result.nodeError?.message).toBe(message);
		expect(result.nodeError?.description).toContain('e.g. 215468');
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('a typed-in value that is not an id is refused before the run, with the field hint', async () => {
		await expect(runIntercom(get(byId('abc')))).rejects.toThrow(
			'An Intercom conversation ID has digits only, e.g. 215468',
		);
		await expect(runIntercom(get(byUrl('https://example.com/conversation/1')))).rejects.toThrow(
			'Paste a conversation link from the Intercom inbox',
		);
	});

	test('fetches the contact when the conversation does not carry the email and name', async () => {
		const scope = intercom()
			.get('/conversations/503')
			.reply(200, adminInitiated)
			.get('/contacts/6762f1261bb69f9f2193bba7')
			.reply(200, contact);

		const result = await runIntercom(get(byId('503')));

		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json.customer).toEqual({
			id: '6762f1261bb69f9f2193bba7',
			email: 'maria.gonzalez@example.com',
			name: 'Maria Gonzalez',
			role: 'user',
		});
		expect(result.items[0].json.conversation_parts).toEqual(adminInitiated.conversation_parts);
		scope.done();
	});

	test('fetches the contact when only the email is known, keeping the email if the contact has none', async () => {
		const partial = {
			...conversation,
			source: {
				...(conversation.source as IDataObject),
				author: {
					type: 'lead',
					id: '6762f1261bb69f9f2193bba7',
					name: null,
					email: 'maria.gonzalez@example.com',
				},
			},
			conversation_parts: {
				type: 'conversation_part.list',
				conversation_parts: [],
				total_count: 0,
			},
		};
		const scope = intercom()
			.get('/conversations/215468')
			.reply(200, partial)
			.get('/contacts/6762f1261bb69f9f2193bba7')
			.reply(200, { ...contact, email: null, name: 'Maria G.' });

		const result = await runIntercom(get(byId('215468')));

		expect(result.items[0].json.customer).toEqual({
			id: '6762f1261bb69f9f2193bba7',
			email: 'maria.gonzalez@example.com',
			name: 'Maria G.',
			// the contact's role (a lead since converted) wins over the older message
			role: 'user',
		});
		scope.done();
	});

	test('keeps the conversation when the contact was deleted since (404 on the contact)', async () => {
		const scope = intercom()
			.get('/conversations/503')
			.reply(200, adminInitiated)
			.get('/contacts/6762f1261bb69f9f2193bba7')
			.reply(404, fixture('error-not-found'));

		const result = await runIntercom(get(byId('503')));

		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json.customer).toEqual({
			id: '6762f1261bb69f9f2193bba7',
			email: null,
			name: null,
			// the reply shows the role even with its name and email blank
			role: 'user',
		});
		scope.done();
	});

	describe('which customer, by the rule the Trigger and the Transcript share', () => {
		const maria = {
			id: MARIA,
			name: 'Maria Gonzalez',
			email: 'maria.gonzalez@example.com',
			role: 'user',
		};

		test.each<[string, IDataObject, IDataObject | null, IDataObject]>([
			[
				'a chat a teammate started, answered: the contact as the reply shows it, nothing fetched',
				fixture('real-shapes/conversation-reopened-by-reply'),
				null,
				{ id: MARIA, name: 'Ann Customer', email: 'ann@example.com', role: 'user' },
			],
			[
				'several contacts: the one who started the chat, even when Intercom lists another first',
				{ ...conversation, contacts: contactList('6762f1261bb69f9f2193ffff', MARIA) },
				null,
				maria,
			],
			[
				'a lead who became a user: the newest message names the customer',
				withAuthors(
					conversation,
					author('lead', MARIA, null, 'maria.g@mail.example'),
					author('bot', '814866', 'Fin', null),
					author('user', MARIA, 'Maria Gonzalez', 'maria.gonzalez@example.com'),
				),
				null,
				maria,
			],
			[
				'a lead since merged into the listed user: that user is fetched, nothing taken from the lead',
				withAuthors(
					conversation,
					author('lead', '6762f1261bb69f9f2193aaaa', 'Visitor', 'v@x.example'),
				),
				contact,
				maria,
			],
			[
				'an email the messages lack comes from the contact; the name they show stays when the contact has none',
				withAuthors(conversation, author('lead', MARIA, 'Maria', null)),
				{ ...contact, name: null, role: 'lead' },
				{ ...maria, name: 'Maria', role: 'lead' },
			],
			[
				'messages that show an author of type "contact" (no role): the contact is fetched for its role, which says whether the email was only typed by a visitor',
				withAuthors(conversation, author('contact', MARIA, 'Maria', 'maria.g@mail.example')),
				{ ...contact, name: 'Maria', email: 'maria.g@mail.example', role: 'lead' },
				{ ...maria, name: 'Maria', email: 'maria.g@mail.example', role: 'lead' },
			],
		])('%s', async (_label, found, fetched, expected) => {
			const scope = intercom()
				.get(`/conversations/${String(found.id)}`)
				.reply(200, found);
			if (fetched) scope.get(`/contacts/${MARIA}`).reply(200, fetched);

			const result = await runIntercom(get(byId(String(found.id))));

			expect(result.items[0].json.customer).toEqual(expected);
			scope.done();
		});
	});

	test('customer is null when the conversation has no contact', async () => {
		const scope = intercom()
			.get('/conversations/503')
			.reply(200, { ...adminInitiated, contacts: { type: 'contact.list', contacts: [] } });

		const result = await runIntercom(get(byId('503')));

		expect(result.items[0].json.customer).toBeNull();
		scope.done();
	});

	test('with "Resolve Customer" off the output is exactly the conversation and no contact is fetched', async () => {
		const scope = intercom().get('/conversations/503').reply(200, adminInitiated);

		const result = await runIntercom(get(byId('503'), { resolveCustomer: false }));

		expect(result.items[0].json).toEqual(adminInitiated);
		expect(result.items[0].json).not.toHaveProperty('customer');
		scope.done();
	});

	test('asks for plain text bodies only when that option is chosen', async () => {
		const scope = intercom()
			.get('/conversations/215468')
			.query({ display_as: 'plaintext' })
			.reply(200, conversation);

		const result = await runIntercom(
			get(byId('215468'), { resolveCustomer: false, options: { displayAs: 'plaintext' } }),
		);

		expect(result.nodeError).toBeUndefined();
		scope.done();
	});

	test('a missing conversation is explained in plain words', async () => {
		const scope = intercom().get('/conversations/999').reply(404, fixture('error-not-found'));

		const result = await runIntercom(get(byId('999')));

		expect(result.nodeError?.name).toBe('NodeApiError');
		expect(result.nodeError?.message).toBe(
			'Conversation not found — check the id (and the region: an EU workspace needs the EU region)',
		);
		expect(result.nodeError?.description).toContain('not_found: Conversation not found');
		scope.done();
	});

	test('uses the EU host for an EU credential', async () => {
		const scope = intercom('https://api.eu.intercom.io')
			.get('/conversations/215468')
			.reply(200, conversation);

		const result = await runIntercom(get(byId('215468')), {
			credentials: credentials({ region: 'eu' }),
		});

		expect(result.nodeError).toBeUndefined();
		scope.done();
	});
});
