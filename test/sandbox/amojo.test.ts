/**
 * The amojo stand-in (Kommo's Chat API) behind the sandbox: connecting the channel, chats (created
 * once per conversation id), messages (kept in order, a msgid taken once), delivery statuses, the
 * history. (The CRM side, linking a chat to a contact, is in amojoContacts.test.ts.) Calls are signed with the sandbox's signAmojoRequest, itself checked against Kommo's published
 * examples in amojoSigning.test.ts.
 */
import type { Sandbox } from '../../sandbox';
import { signAmojoRequest } from '../../sandbox';
import { kommoCall, startSandbox } from './helpers';
import { BASE, amojoCall, client, connectChannel, incoming } from './amojoKit';

describe('sandbox amojo: chats and messages', () => {
	let sandbox: Sandbox;
	let scope: string;
	const connect = async (body: Record<string, unknown>) =>
		await amojoCall(sandbox, 'POST', `${BASE}/${sandbox.amojo.channelId}/connect`, body);

	beforeAll(async () => {
		sandbox = await startSandbox({ kommoRateLimit: false });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(async () => {
		sandbox.reset();
		scope = await connectChannel(sandbox);
	});

	it('connects the account Kommo names in GET /api/v4/account?with=amojo_id; the scope is {channel}_{account}', async () => {
		const account = await kommoCall(sandbox, 'GET', '/api/v4/account?with=amojo_id');
		expect(account.body.amojo_id).toBe(sandbox.amojo.accountId);
		expect((await kommoCall(sandbox, 'GET', '/api/v4/account')).body).not.toHaveProperty(
			'amojo_id',
		);
		expect(scope).toBe(`${sandbox.amojo.channelId}_${account.body.amojo_id}`);
		expect(scope).toBe(sandbox.amojo.scopeId);

		// hook_api_version defaults to v1; connecting again answers the same scope with the new settings
		const again = await connect({ account_id: sandbox.amojo.accountId, title: 'Intercom' });
		expect(again).toEqual({
			status: 200,
			body: {
				account_id: sandbox.amojo.accountId,
				scope_id: scope,
				title: 'Intercom',
				hook_api_version: 'v1',
			},
		});
		expect(sandbox.state.amojo.connections).toEqual([
			expect.objectContaining({ scope_id: scope, hook_api_version: 'v1', connected: true }),
		]);

		const users = await kommoCall(sandbox, 'GET', '/api/v4/users?with=amojo_id');
		expect(users.body._embedded.users.map((user: any) => typeof user.amojo_id)).toEqual([
			'string',
			'string',
		]);
		expect(
			(await kommoCall(sandbox, 'GET', '/api/v4/users')).body._embedded.users[0],
		).not.toHaveProperty('amojo_id');
	});

	it('refuses a connect without account_id, with a bad hook version, or for an account the private channel does not list: 400', async () => {
		expect((await connect({ hook_api_version: 'v2' })).status).toBe(400);
		expect(
			(await connect({ account_id: sandbox.amojo.accountId, hook_api_version: 'v3' })).status,
		).toBe(400);
		const foreign = await connect({
			account_id: '11111111-2222-4333-8444-555555555555',
			hook_api_version: 'v2',
		});
		expect(foreign).toMatchObject({
			status: 400,
			body: {
				error_code: 400,
				error_description: expect.stringContaining('not among the accounts'),
			},
		});
	});

	it('creates a chat once per conversation_id: the same id again, even for another user', async () => {
		const body = { conversation_id: 'intercom:1001', user: client };
		const first = await amojoCall(sandbox, 'POST', `${BASE}/${scope}/chats`, body);
		expect(first.status).toBe(200);
		expect(first.body).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			user: {
				id: expect.any(String),
				client_id: client.id,
				name: 'Jane Doe',
				avatar: '',
				email: 'jane@example.com',
			},
		});
		const second = await amojoCall(sandbox, 'POST', `${BASE}/${scope}/chats`, {
			...body,
			user: { id: 'someone-else', name: 'Sam' },
		});
		expect(second.body.id).toBe(first.body.id);
		expect(sandbox.state.amojo.chats).toHaveLength(1);

		const missing = await amojoCall(sandbox, 'POST', `${BASE}/${scope}/chats`, {
			conversation_id: 'c-2',
			user: { id: 'u-2' },
		});
		expect(missing).toMatchObject({
			status: 400,
			body: { error_description: 'user.name is required' },
		});
		const longSource = await amojoCall(sandbox, 'POST', `${BASE}/${scope}/chats`, {
			...body,
			source: { external_id: 'x'.repeat(41) },
		});
		expect(longSource.status).toBe(400);
	});

	it('keeps messages in the order they came; the history is newest first, at most 50 a page', async () => {
		for (const [index, text] of ['one', 'two', 'three'].entries()) {
			const sent = await amojoCall(
				sandbox,
				'POST',
				`${BASE}/${scope}`,
				incoming(`intercom-part:${index + 1}`, text, { timestamp: 1_700_000_000 + index }),
			);
			expect(sent.status).toBe(200);
			expect(sent.body.new_message).toEqual({
				conversation_id: 'intercom:1001',
				sender_id: client.id,
				receiver_id: null,
				msgid: expect.stringMatching(/^[0-9a-f-]{36}$/),
				ref_id: `intercom-part:${index + 1}`,
			});
		}
		const stored = sandbox.state.amojo.messages;
		expect(
			stored.map((message) => [message.msgid, message.message.text, message.direction]),
		).toEqual([
			['intercom-part:1', 'one', 'incoming'],
			['intercom-part:2', 'two', 'incoming'],
			['intercom-part:3', 'three', 'incoming'],
		]);
		// the first message opened the chat
		expect(sandbox.state.amojo.chats).toEqual([
			expect.objectContaining({ conversation_id: 'intercom:1001', origin: 'message' }),
		]);

		const chatId = stored[0].chat_id;
		const history = await amojoCall(sandbox, 'GET', `${BASE}/${scope}/chats/${chatId}/history`);
		expect(
			history.body.messages.map((entry: any) => [entry.message.client_id, entry.timestamp]),
		).toEqual([
			['intercom-part:3', 1_700_000_002],
			['intercom-part:2', 1_700_000_001],
			['intercom-part:1', 1_700_000_000],
		]);
		expect(history.body.messages[0].sender).toEqual({
			id: stored[0].sender.id,
			client_id: client.id,
			name: 'Jane Doe',
			email: 'jane@example.com',
		});
		const signedPath = `${BASE}/${scope}/chats/${chatId}/history`;
		const page = await fetch(`${sandbox.amojoUrl}${signedPath}?offset=1&limit=1`, {
			headers: {
				...signAmojoRequest({ secret: sandbox.amojo.secret, method: 'GET', path: signedPath }),
			},
		});
		const pageBody = (await page.json()) as { messages: Array<{ message: { text: string } }> };
		expect(pageBody.messages.map((entry) => entry.message.text)).toEqual(['two']);
		const tooMany = await fetch(`${sandbox.amojoUrl}${signedPath}?limit=51`, {
			headers: {
				...signAmojoRequest({ secret: sandbox.amojo.secret, method: 'GET', path: signedPath }),
			},
		});
		expect(tooMany.status).toBe(400);
	});

	it('refuses a repeated msgid (400) and does not store the message twice, in any conversation of the scope', async () => {
		expect(
			(await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, incoming('intercom-part:7', 'once')))
				.status,
		).toBe(200);
		const again = await amojoCall(
			sandbox,
			'POST',
			`${BASE}/${scope}`,
			incoming('intercom-part:7', 'once'),
		);
		expect(again).toEqual({
			status: 400,
			body: {
				error_code: 400,
				error_type: 'DUPLICATE_MSGID',
				error_description: expect.stringContaining('intercom-part:7'),
			},
		});
		const elsewhere = await amojoCall(
			sandbox,
			'POST',
			`${BASE}/${scope}`,
			incoming('intercom-part:7', 'other chat', { conversation_id: 'intercom:1002' }),
		);
		expect(elsewhere.status).toBe(400);
		expect(sandbox.state.amojo.messages.map((message) => message.msgid)).toEqual([
			'intercom-part:7',
		]);
		expect(sandbox.state.amojo.chats).toHaveLength(1);
	});

	it('refuses messages amojo would refuse: 400 with the reasons', async () => {
		const cases: Array<[unknown, string]> = [
			[{ event_type: 'delete_message', payload: {} }, 'event_type'],
			[incoming('m-1', ''), 'text is required'],
			[
				{
					...incoming('m-2', 'x'),
					payload: {
						...incoming('m-2', 'x').payload,
						message: { type: 'picture', media: 'https://x/y.png' },
					},
				},
				'file_name is required',
			],
			[
				{
					...incoming('m-3', 'x'),
					payload: { ...incoming('m-3', 'x').payload, sender: { id: 'u' } },
				},
				'sender.name is required',
			],
			// outgoing (a receiver) needs the bot id or a Kommo user's amojo id as sender.ref_id
			[
				{
					...incoming('m-4', 'x'),
					payload: {
						...incoming('m-4', 'x').payload,
						sender: { id: 'agent', name: 'Alex' },
						receiver: client,
					},
				},
				'sender.ref_id',
			],
		];
		for (const [body, reason] of cases) {
			const answer = await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, body);
			expect(answer).toMatchObject({
				status: 400,
				body: { error_type: 'INVALID_REQUEST', error_description: expect.stringContaining(reason) },
			});
		}
		expect(
			(await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, undefined, '{"event_type":')).status,
		).toBe(400);
		expect(sandbox.state.amojo.messages).toHaveLength(0);
	});

	it('opens an incoming lead only for the first non-silent incoming message of a chat linked to no contact', async () => {
		await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, incoming('h-1', 'history'));
		expect(sandbox.state.amojo.unsorted).toHaveLength(0);
		await amojoCall(
			sandbox,
			'POST',
			`${BASE}/${scope}`,
			incoming('h-2', 'latest', { silent: false }),
		);
		await amojoCall(
			sandbox,
			'POST',
			`${BASE}/${scope}`,
			incoming('h-3', 'later', { silent: false }),
		);
		expect(sandbox.state.amojo.unsorted).toEqual([
			expect.objectContaining({ message_id: sandbox.state.amojo.messages[1].id }),
		]);
		expect(sandbox.amojoChat('intercom:1001')).toMatchObject({
			shownOn: 'unsorted',
			visible: true,
		});
	});

	it("takes delivery statuses by amojo's message id, with the documented rules", async () => {
		const bot = {
			id: 'intercom-admin:5001001',
			name: 'Alex via Intercom',
			ref_id: sandbox.amojo.botId,
		};
		const imported = await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, {
			event_type: 'new_message',
			payload: {
				msgid: 'intercom-part:9',
				conversation_id: 'intercom:1001',
				sender: bot,
				receiver: client,
				message: { type: 'text', text: 'Hello Jane' },
				silent: true,
			},
		});
		expect(imported.status).toBe(200);
		const id = imported.body.new_message.msgid;
		expect(sandbox.state.amojo.messages[0]).toMatchObject({
			id,
			direction: 'outgoing',
			author: 'bot',
			sender: { id: sandbox.amojo.botId, kind: 'bot' },
		});
		const status = async (path: string, body: unknown) =>
			await amojoCall(sandbox, 'POST', `${BASE}/${scope}/${path}/delivery_status`, body);

		// our msgid is not amojo's: 404
		expect(
			(await status('intercom-part:9', { msgid: 'intercom-part:9', delivery_status: 1 })).status,
		).toBe(404);
		expect((await status(id, { msgid: 'another', delivery_status: 1 })).status).toBe(400);
		expect((await status(id, { msgid: id, delivery_status: 3 })).status).toBe(400);
		expect((await status(id, { msgid: id, delivery_status: -1 })).status).toBe(400);
		expect((await status(id, { msgid: id, delivery_status: -1, error_code: 905 })).status).toBe(
			400,
		);
		expect(await status(id, { msgid: id, delivery_status: 1 })).toEqual({
			status: 200,
			body: undefined,
		});
		expect(
			await status(id, { msgid: id, delivery_status: -1, error_code: 904, error: 'No such user' }),
		).toEqual({ status: 200, body: undefined });
		expect(sandbox.state.amojo.messages[0].delivery_history).toEqual([
			{ delivery_status: 1, at: expect.any(Number) },
			{ delivery_status: -1, error_code: 904, error: 'No such user', at: expect.any(Number) },
		]);
	});

	it('edits a message found by our msgid: no second message', async () => {
		await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, incoming('e-1', 'typo'));
		const edited = await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, {
			event_type: 'edit_message',
			payload: {
				msgid: 'e-1',
				conversation_id: 'intercom:1001',
				message: { type: 'text', text: 'fixed' },
			},
		});
		expect(edited.status).toBe(200);
		expect(sandbox.state.amojo.messages.map((message) => message.message.text)).toEqual(['fixed']);
		expect(
			(
				await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, {
					event_type: 'edit_message',
					payload: { msgid: 'nope', message: { type: 'text', text: 'x' } },
				})
			).status,
		).toBe(400);
	});
});
