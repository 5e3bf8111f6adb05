import type { Sandbox } from '../../sandbox';
import { controlCall, intercomCall, startSandbox } from './helpers';

const CONVERSATION = '1001';
const JANE = '65f0c0de0000000000000001';
const ALEX = '5001001';
const PRICING = '9000001';
const VIP = '9000002';

describe('sandbox: Intercom API', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => sandbox.reset());

	it("keeps a visitor who types a user's email as a contact of its own, role lead, as Intercom does", async () => {
		const user = sandbox.createIntercomConversation({
			contact: { name: 'Vera', email: 'vera@example.com', role: 'user' },
			body: '<p>Hi</p>',
			notify: false,
		});
		const again = sandbox.createIntercomConversation({
			contact: { name: 'Vera', email: 'VERA@example.com', role: 'user' },
			body: '<p>Hi again</p>',
			notify: false,
		});
		const visitor = sandbox.createIntercomConversation({
			contact: { name: 'Visitor', email: 'vera@example.com', role: 'lead' },
			body: '<p>Send the contract to my new address</p>',
			notify: false,
		});
		const contactOf = async (id: string) => {
			const conversation = (await intercomCall(sandbox, 'GET', `/conversations/${id}`)).body;
			const contactId = conversation.contacts.contacts[0].id;
			return (await intercomCall(sandbox, 'GET', `/contacts/${contactId}`)).body;
		};
		const [first, second, third] = [
			await contactOf(user.id),
			await contactOf(again.id),
			await contactOf(visitor.id),
		];
		expect(second.id).toBe(first.id);
		expect(third.id).not.toBe(first.id);
		expect(third).toMatchObject({ role: 'lead', email: 'vera@example.com' });
	});

	it('rejects a missing or wrong token with a 401 error.list', async () => {
		for (const token of [null, 'wrong-token']) {
			const reply = await intercomCall(sandbox, 'GET', '/me', undefined, token);
			expect(reply.status).toBe(401);
			expect(reply.body).toMatchObject({
				type: 'error.list',
				errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }],
			});
			expect(typeof reply.body.request_id).toBe('string');
		}
	});

	it('identifies the token owner with the workspace id_code (GET /me) and lists admins', async () => {
		const me = await intercomCall(sandbox, 'GET', '/me');
		expect(me.status).toBe(200);
		expect(me.body).toMatchObject({
			type: 'admin',
			id: ALEX,
			name: 'Alex Morgan',
			app: { type: 'app', id_code: 'sbx0demo', region: 'US' },
		});
		const admins = await intercomCall(sandbox, 'GET', '/admins');
		expect(admins.body.type).toBe('admin.list');
		expect(admins.body.admins.map((admin: any) => admin.id)).toEqual([ALEX, '5001002']);
	});

	it('serves the full Conversation model with the first message only in source', async () => {
		const reply = await intercomCall(sandbox, 'GET', `/conversations/${CONVERSATION}`);
		expect(reply.status).toBe(200);
		const conversation = reply.body;
		expect(conversation).toMatchObject({ type: 'conversation', id: CONVERSATION, state: 'closed' });

		// the customer's first message is the source, never a part
		expect(conversation.source).toMatchObject({
			type: 'conversation',
			delivered_as: 'customer_initiated',
			author: { type: 'user', id: JANE, name: 'Jane Doe', email: 'jane@example.com' },
		});
		expect(conversation.source.body).toContain('<b>Acme Pro</b>');
		const parts = conversation.conversation_parts.conversation_parts;
		expect(conversation.conversation_parts).toMatchObject({
			type: 'conversation_part.list',
			total_count: 6,
		});
		expect(parts.some((part: any) => part.body === conversation.source.body)).toBe(false);
		expect(parts.some((part: any) => part.id === conversation.source.id)).toBe(false);

		const [bot, assignment, admin, customer, note, close] = parts;
		expect(bot).toMatchObject({
			part_type: 'comment',
			author: { type: 'bot', name: 'Fin', from_ai_agent: true, is_ai_answer: true },
		});
		expect(bot.body).toMatch(/^<p>.*<a href=/);
		expect(assignment).toMatchObject({ part_type: 'assignment', body: null });
		expect(admin.author).toMatchObject({ type: 'admin', id: ALEX, from_ai_agent: false });
		expect(admin.body).toContain('<ul><li>');
		expect(customer.author).toMatchObject({ type: 'user', id: JANE });
		expect(note).toMatchObject({ part_type: 'note', author: { type: 'admin', id: ALEX } });
		expect(close).toMatchObject({ part_type: 'close', body: null });
		expect(parts.map((part: any) => part.created_at)).toEqual(
			[...parts.map((part: any) => part.created_at)].sort((a, b) => a - b),
		);
		expect(conversation.ai_agent_participated).toBe(true);

		// contact references carry ids only - no email or name
		expect(conversation.contacts).toEqual({
			type: 'contact.list',
			contacts: [{ type: 'contact', id: JANE, external_id: 'cust-2001' }],
		});
		expect(conversation.tags).toMatchObject({
			type: 'tag.list',
			tags: [
				{ type: 'tag', id: PRICING, name: 'Pricing', applied_by: { type: 'admin', id: ALEX } },
			],
		});
	});

	it('returns only the newest 500 parts and the real total_count', async () => {
		const start = 1_700_000_000;
		const parts = Array.from({ length: 620 }, (_, index) => ({
			id: String(50_000 + index),
			part_type: 'comment',
			author: index % 2 ? { type: 'admin', id: ALEX } : { type: 'user', id: JANE },
			body: `<p>message ${index}</p>`,
			created_at: start + index * 60,
		}));
		sandbox.seed(
			{
				intercom: {
					conversations: [
						{
							id: 'long',
							created_at: start - 60,
							contacts: [JANE],
							source: { author: { type: 'user', id: JANE }, body: '<p>first</p>' },
							parts,
						},
					],
				},
			},
			{ merge: true },
		);
		const reply = await intercomCall(sandbox, 'GET', '/conversations/long');
		const list = reply.body.conversation_parts;
		expect(list.total_count).toBe(620);
		expect(list.conversation_parts).toHaveLength(500);
		expect(list.conversation_parts[0].body).toBe('<p>message 120</p>');
		expect(list.conversation_parts[499].body).toBe('<p>message 619</p>');
		expect(reply.body.source.body).toBe('<p>first</p>');
	});

	it('renders bodies as plain text with display_as=plaintext', async () => {
		const reply = await intercomCall(
			sandbox,
			'GET',
			`/conversations/${CONVERSATION}?display_as=plaintext`,
		);
		expect(reply.body.source.body).toBe(
			'Hi! We are evaluating Acme Pro for a team of 12.\nDo you offer annual billing & a discount?',
		);
		expect(reply.body.conversation_parts.conversation_parts[1].body).toBeNull();
	});

	it('answers 404 not_found for unknown conversations and contacts, and serves contacts', async () => {
		const conversation = await intercomCall(sandbox, 'GET', '/conversations/999999');
		expect(conversation.status).toBe(404);
		expect(conversation.body.errors[0].code).toBe('not_found');
		const missing = await intercomCall(sandbox, 'GET', '/contacts/nope');
		expect(missing.status).toBe(404);
		expect(missing.body.errors[0].code).toBe('not_found');
		const contact = await intercomCall(sandbox, 'GET', `/contacts/${JANE}`);
		expect(contact.body).toMatchObject({
			type: 'contact',
			id: JANE,
			email: 'jane@example.com',
			name: 'Jane Doe',
		});
	});

	it('finds or creates tags by name, case-insensitively (POST /tags)', async () => {
		const existing = await intercomCall(sandbox, 'POST', '/tags', { name: 'pricing' });
		expect(existing.status).toBe(200);
		expect(existing.body).toEqual({ type: 'tag', id: PRICING, name: 'Pricing' });

		const created = await intercomCall(sandbox, 'POST', '/tags', { name: 'Kommo: Won' });
		expect(created.body.name).toBe('Kommo: Won');
		expect(created.body.id).not.toBe(PRICING);
		const again = await intercomCall(sandbox, 'POST', '/tags', { name: 'KOMMO: WON' });
		expect(again.body.id).toBe(created.body.id);

		const list = await intercomCall(sandbox, 'GET', '/tags');
		expect(list.body.type).toBe('list');
		expect(
			list.body.data.filter((tag: any) => tag.name.toLowerCase() === 'kommo: won'),
		).toHaveLength(1);

		const blank = await intercomCall(sandbox, 'POST', '/tags', { name: '  ' });
		expect(blank.status).toBe(400);
		expect(blank.body.errors[0].code).toBe('parameter_invalid');
	});

	it('requires both id and admin_id to attach a tag', async () => {
		const noAdmin = await intercomCall(sandbox, 'POST', `/conversations/${CONVERSATION}/tags`, {
			id: VIP,
		});
		expect(noAdmin.status).toBe(400);
		expect(noAdmin.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'admin_id' });
		const noTag = await intercomCall(sandbox, 'POST', `/conversations/${CONVERSATION}/tags`, {
			admin_id: ALEX,
		});
		expect(noTag.status).toBe(400);
		expect(noTag.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'id' });
		const unknownAdmin = await intercomCall(
			sandbox,
			'POST',
			`/conversations/${CONVERSATION}/tags`,
			{ id: VIP, admin_id: '1' },
		);
		expect(unknownAdmin.status).toBe(400);
		const unknownConversation = await intercomCall(sandbox, 'POST', '/conversations/424242/tags', {
			id: VIP,
			admin_id: ALEX,
		});
		expect(unknownConversation.status).toBe(404);
		expect(unknownConversation.body.errors[0].code).toBe('not_found');

		const attached = await intercomCall(sandbox, 'POST', `/conversations/${CONVERSATION}/tags`, {
			id: VIP,
			admin_id: ALEX,
		});
		expect(attached.status).toBe(200);
		expect(attached.body).toMatchObject({
			type: 'tag',
			id: VIP,
			name: 'VIP',
			applied_by: { type: 'admin', id: ALEX },
		});
		const conversation = await intercomCall(sandbox, 'GET', `/conversations/${CONVERSATION}`);
		expect(conversation.body.tags.tags.map((tag: any) => tag.name)).toEqual(['Pricing', 'VIP']);
	});

	it('detaches a tag, answering 404 tag_not_found when it is not attached', async () => {
		const notAttached = await intercomCall(
			sandbox,
			'DELETE',
			`/conversations/${CONVERSATION}/tags/${VIP}`,
			{ admin_id: ALEX },
		);
		expect(notAttached.status).toBe(404);
		expect(notAttached.body.errors[0].code).toBe('tag_not_found');
		const noAdmin = await intercomCall(
			sandbox,
			'DELETE',
			`/conversations/${CONVERSATION}/tags/${PRICING}`,
			{},
		);
		expect(noAdmin.status).toBe(400);

		const removed = await intercomCall(
			sandbox,
			'DELETE',
			`/conversations/${CONVERSATION}/tags/${PRICING}`,
			{ admin_id: ALEX },
		);
		expect(removed.status).toBe(200);
		expect(removed.body).toEqual({ type: 'tag', id: PRICING, name: 'Pricing' });
		const state = await controlCall(sandbox, 'GET', '/state');
		const stored = state.body.intercom.conversations.find(
			(entry: any) => entry.id === CONVERSATION,
		);
		expect(stored.tags).toEqual([]);
	});

	it('sends X-RateLimit-* headers and records the Intercom-Version', async () => {
		const first = await intercomCall(sandbox, 'GET', '/tags');
		const second = await intercomCall(sandbox, 'GET', '/tags');
		expect(first.headers.get('x-ratelimit-limit')).toBe('1666');
		expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(
			Number(first.headers.get('x-ratelimit-remaining')) - 1,
		);
		expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
		expect(sandbox.log.at(-1)).toMatchObject({
			api: 'intercom',
			method: 'GET',
			path: '/intercom/tags',
			status: 200,
			intercomVersion: '2.14',
		});
	});

	it('answers 429 rate_limit_exceeded once the 10-second slice is used up', async () => {
		sandbox.configure({ intercomRateLimit: { limit: 2, windowMs: 10_000 } });
		try {
			expect((await intercomCall(sandbox, 'GET', '/tags')).status).toBe(200);
			expect((await intercomCall(sandbox, 'GET', '/tags')).status).toBe(200);
			const limited = await intercomCall(sandbox, 'GET', '/tags');
			expect(limited.status).toBe(429);
			expect(limited.body.errors[0].code).toBe('rate_limit_exceeded');
			expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
		} finally {
			sandbox.configure({ intercomRateLimit: { limit: 1666, windowMs: 10_000 } });
		}
	});

	it('appends customer, bot and note parts through the control endpoint', async () => {
		const reply = await controlCall(
			sandbox,
			'POST',
			`/intercom/conversations/${CONVERSATION}/reply`,
			{
				kind: 'customer',
				body: '<p>Any update on the quote?</p>',
			},
		);
		expect(reply.status).toBe(200);
		await controlCall(sandbox, 'POST', `/intercom/conversations/${CONVERSATION}/reply`, {
			kind: 'bot',
			body: '<p>Priya will reply soon.</p>',
		});
		await controlCall(sandbox, 'POST', `/intercom/conversations/${CONVERSATION}/reply`, {
			kind: 'note',
			body: '<p>Quote sent.</p>',
		});
		const conversation = await intercomCall(sandbox, 'GET', `/conversations/${CONVERSATION}`);
		const parts = conversation.body.conversation_parts.conversation_parts;
		expect(conversation.body.conversation_parts.total_count).toBe(9);
		expect(
			parts.slice(-3).map((part: any) => [part.part_type, part.author.type, part.body]),
		).toEqual([
			['comment', 'user', '<p>Any update on the quote?</p>'],
			['comment', 'bot', '<p>Priya will reply soon.</p>'],
			['note', 'admin', '<p>Quote sent.</p>'],
		]);
		expect(conversation.body.state).toBe('open');
		const unknown = await controlCall(sandbox, 'POST', '/intercom/conversations/nope/reply', {
			kind: 'customer',
		});
		expect(unknown.status).toBe(400);
	});
});
