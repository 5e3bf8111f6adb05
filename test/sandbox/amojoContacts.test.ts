/**
 * The CRM side of a Kommo chat: `POST /api/v4/contacts/chats` links a chat of the amojo stand-in to
 * a contact, which puts the chat on the contact's deals (once it has a message), or on the contact
 * when it has none. amojo calls are signed with the sandbox's signAmojoRequest, itself checked
 * against Kommo's published examples in amojoSigning.test.ts.
 */
import type { Sandbox } from '../../sandbox';
import { controlCall, kommoCall, startSandbox } from './helpers';
import { BASE, amojoCall, client, connectChannel, incoming } from './amojoKit';

const MARY_JANE = 20000001;
const OPEN_LEAD = 30000001;
const WON_LEAD = 30000002;

describe('sandbox Kommo: linking a chat to a contact (POST /api/v4/contacts/chats)', () => {
	let sandbox: Sandbox;
	let scope: string;
	let chatId: string;

	beforeAll(async () => {
		sandbox = await startSandbox({ kommoRateLimit: false });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(async () => {
		sandbox.reset();
		scope = await connectChannel(sandbox);
		const chat = await amojoCall(sandbox, 'POST', `${BASE}/${scope}/chats`, {
			conversation_id: 'intercom:1001',
			user: client,
		});
		chatId = chat.body.id;
	});

	it("links the chat; it then shows on the contact's deals once it has a message", async () => {
		const linked = await kommoCall(sandbox, 'POST', '/api/v4/contacts/chats', [
			{ contact_id: MARY_JANE, chat_id: chatId },
		]);
		expect(linked.status).toBe(200);
		expect(linked.body).toEqual({
			_total_items: 1,
			_embedded: {
				chats: [
					{ chat_id: chatId, contact_id: MARY_JANE, id: expect.any(Number), request_id: '0' },
				],
			},
		});
		expect(sandbox.state.kommo.chatLinks).toEqual([
			{ id: linked.body._embedded.chats[0].id, chat_id: chatId, contact_id: MARY_JANE },
		]);

		// "chats without messages will not be visible in the account"
		expect(sandbox.amojoChat(chatId)).toMatchObject({
			visible: false,
			shownOn: 'nowhere',
			contact: { id: MARY_JANE },
		});
		await amojoCall(
			sandbox,
			'POST',
			`${BASE}/${scope}`,
			incoming('intercom-part:1', 'Is annual billing available?', { silent: false }),
		);
		const view = sandbox.amojoChat('intercom:1001');
		expect(view).toMatchObject({
			visible: true,
			shownOn: 'leads',
			contact: { id: MARY_JANE },
			unsorted: null,
		});
		expect(view?.leads.map((lead) => lead.id)).toEqual([OPEN_LEAD, WON_LEAD]);
		// a linked chat opens no incoming lead
		expect(sandbox.state.amojo.unsorted).toHaveLength(0);

		const onLead = await controlCall(sandbox, 'GET', `/amojo/chats?lead_id=${OPEN_LEAD}`);
		expect(
			onLead.body.chats.map((entry: any) => [
				entry.chat.id,
				entry.messages.map((m: any) => m.message.text),
			]),
		).toEqual([[chatId, ['Is annual billing available?']]]);
		expect((await controlCall(sandbox, 'GET', `/amojo/chats/${chatId}`)).body.shownOn).toBe(
			'leads',
		);

		const read = await kommoCall(sandbox, 'GET', `/api/v4/contacts/chats?contact_id=${MARY_JANE}`);
		expect(read.body).toEqual({
			_total_items: 1,
			_embedded: {
				chats: [{ chat_id: chatId, contact_id: MARY_JANE, id: linked.body._embedded.chats[0].id }],
			},
		});
		expect(
			(await kommoCall(sandbox, 'GET', `/api/v4/contacts/chats?chat_id[]=${chatId}`)).body
				._total_items,
		).toBe(1);
	});

	it('moves a chat linked again to another contact (one contact per chat, a new link id)', async () => {
		const first = await kommoCall(sandbox, 'POST', '/api/v4/contacts/chats', [
			{ contact_id: MARY_JANE, chat_id: chatId },
		]);
		const created = await kommoCall(sandbox, 'POST', '/api/v4/contacts', [{ name: 'Jane Doe' }]);
		const jane = created.body._embedded.contacts[0].id;
		const moved = await kommoCall(sandbox, 'POST', '/api/v4/contacts/chats', [
			{ contact_id: jane, chat_id: chatId, request_id: 'jane' },
		]);
		expect(moved.body._embedded.chats[0]).toMatchObject({ contact_id: jane, request_id: 'jane' });
		expect(moved.body._embedded.chats[0].id).not.toBe(first.body._embedded.chats[0].id);
		expect(sandbox.state.kommo.chatLinks).toEqual([
			expect.objectContaining({ chat_id: chatId, contact_id: jane }),
		]);
		expect(
			(await kommoCall(sandbox, 'GET', `/api/v4/contacts/chats?contact_id=${MARY_JANE}`)).status,
		).toBe(204);
		await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, incoming('intercom-part:1', 'Hi'));
		// Jane has no deal: the chat is on her card
		expect(sandbox.amojoChat(chatId)).toMatchObject({
			shownOn: 'contact',
			contact: { id: jane },
			leads: [],
		});
		expect(sandbox.amojoChatsOn({ leadId: OPEN_LEAD })).toEqual([]);
	});

	it('refuses an unknown chat or contact (400), a missing filter (400), and a user who is not an administrator (403)', async () => {
		const unknown = await kommoCall(sandbox, 'POST', '/api/v4/contacts/chats', [
			{ contact_id: MARY_JANE, chat_id: '00000000-0000-4000-8000-000000000000' },
			{ contact_id: 1, chat_id: chatId },
		]);
		expect(unknown.status).toBe(400);
		expect(unknown.body['validation-errors']).toEqual([
			{
				request_id: '0',
				errors: [{ code: 'NotFound', path: 'chat_id', detail: 'Chat not found' }],
			},
			{
				request_id: '1',
				errors: [{ code: 'NotFound', path: 'contact_id', detail: 'Contact not found' }],
			},
		]);
		expect(sandbox.state.kommo.chatLinks).toEqual([]);
		expect((await kommoCall(sandbox, 'GET', '/api/v4/contacts/chats')).status).toBe(400);

		const account = sandbox.state.kommo.account as NonNullable<typeof sandbox.state.kommo.account>;
		account.current_user_id = 9100002; // Priya, not an administrator
		const forbidden = await kommoCall(sandbox, 'POST', '/api/v4/contacts/chats', [
			{ contact_id: MARY_JANE, chat_id: chatId },
		]);
		expect(forbidden.status).toBe(403);
	});
});
