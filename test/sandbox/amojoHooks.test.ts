/**
 * Kommo → integration: the hook Kommo's Chat API sends for a message a manager writes in Kommo
 * (https://www.amocrm.ru/developers/content/chats/chat-webhooks,
 * https://developers.kommo.com/reference/receiving-chat-webhooks). The sandbox sends it to the
 * channel's webhook URL with the scope in place of `:scope_id`, signed with X-Signature = hex
 * HMAC-SHA1 of the raw body, once (no retry), and records whether a 200 came within 5 seconds. It
 * sends none for messages the integration imports as the channel bot. "Write first" chats come
 * without conversation.client_id until the integration answers with conversation_ref_id.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';

import type { Sandbox } from '../../sandbox';
import { controlCall, kommoCall, startListener, startSandbox } from './helpers';
import { BASE, amojoCall, connectChannel } from './amojoKit';

/** An endpoint that answers after `delayMs`. */
async function startSlowListener(delayMs: number) {
	const received: string[] = [];
	const server = createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			received.push(req.url ?? '');
			setTimeout(() => res.writeHead(200).end('{}'), delayMs);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/hooks`,
		received,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

const jane = {
	id: 'intercom-contact:65f0c0de',
	name: 'Jane Doe',
	profile: { phone: '+1 555 0100', email: 'jane@example.com' },
};
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe('sandbox amojo: hooks Kommo sends to the channel', () => {
	let sandbox: Sandbox;
	let listener: Awaited<ReturnType<typeof startListener>>;
	let scope: string;
	let chatId: string;

	beforeAll(async () => {
		sandbox = await startSandbox({ kommoRateLimit: false });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	const setUp = async (status = 200) => {
		sandbox.reset();
		listener = await startListener(status);
		sandbox.configure({
			webhookTimeoutMs: 5000,
			amojoChannel: { webhookUrl: `${listener.url}/:scope_id` },
		});
		scope = await connectChannel(sandbox);
		const chat = await amojoCall(sandbox, 'POST', `${BASE}/${scope}/chats`, {
			conversation_id: 'intercom:1001',
			user: jane,
			source: { external_id: 'intercom' },
		});
		chatId = chat.body.id;
		await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, {
			event_type: 'new_message',
			payload: {
				msgid: 'intercom-part:1',
				conversation_id: 'intercom:1001',
				sender: jane,
				message: { type: 'text', text: 'Hi' },
				silent: true,
			},
		});
	};
	afterEach(async () => {
		await listener.close();
	});

	it("sends a manager's reply to <webhook URL>/<scope_id>, signed over the raw body, and records the 200 within 5 s", async () => {
		await setUp();
		const users = await kommoCall(sandbox, 'GET', '/api/v4/users?with=amojo_id');
		const alex = users.body._embedded.users.find((user: any) => user.name === 'Alex Morgan');

		const reply = await controlCall(sandbox, 'POST', '/amojo/manager-reply', {
			conversation_id: 'intercom:1001',
			text: 'Annual billing is 20% off',
			manager: 'Alex Morgan',
		});
		expect(reply.status).toBe(200);
		expect(listener.received).toHaveLength(1);
		const [request] = listener.received;
		expect(request.url).toBe(`/webhook/test/${scope}`);
		expect(request.headers['content-type']).toBe('application/json');
		const expected = createHmac('sha1', sandbox.amojo.secret).update(request.rawBody).digest('hex');
		expect(request.headers['x-signature']).toBe(expected);
		expect(request.rawBody.toString('utf8')).toBe(reply.body.rawBody);

		const message = sandbox.state.amojo.messages[1];
		const client = sandbox.state.amojo.participants[0];
		expect(JSON.parse(request.rawBody.toString('utf8'))).toEqual({
			account_id: sandbox.amojo.accountId,
			time: expect.any(Number),
			message: {
				receiver: {
					id: client.id,
					phone: '15550100',
					email: 'jane@example.com',
					client_id: jane.id,
				},
				sender: { id: alex.amojo_id },
				conversation: { id: chatId, client_id: 'intercom:1001' },
				source: { external_id: 'intercom' },
				timestamp: message.timestamp,
				msec_timestamp: message.msec_timestamp,
				message: {
					id: message.id,
					type: 'text',
					text: 'Annual billing is 20% off',
					tag: '',
					media: '',
					thumbnail: '',
					file_name: '',
					file_size: 0,
				},
			},
		});
		expect(message).toMatchObject({
			direction: 'outgoing',
			author: 'manager',
			origin: 'kommo',
			msgid: null,
			sender: { kommo_user_id: 9100001 },
		});
		const delivery = sandbox.deliveries.filter((entry) => entry.kind === 'amojo');
		expect(delivery).toEqual([
			expect.objectContaining({
				status: 200,
				error: null,
				windowMs: 5000,
				answeredInTime: true,
				ok: true,
				attempt: 1,
				scopeId: scope,
				messageId: message.id,
				conversationId: 'intercom:1001',
				signature: expected,
			}),
		]);
		expect(delivery[0].ms).toBeLessThan(5000);
		expect(message.hook).toMatchObject({ status: 200, answeredInTime: true });
		expect(sandbox.counters.webhooks.amojo).toBe(1);

		// the integration reports it delivered by the hook's message.message.id
		const status = await amojoCall(
			sandbox,
			'POST',
			`${BASE}/${scope}/${message.id}/delivery_status`,
			{ msgid: message.id, delivery_status: 1 },
		);
		expect(status.status).toBe(200);
		expect(sandbox.state.amojo.messages[1].delivery).toMatchObject({ delivery_status: 1 });
	});

	it('sends a hook once: a 500 is recorded, never retried', async () => {
		await setUp(500);
		const reply = await sandbox.amojoManagerReply({ chatId, text: 'Are you there?' });
		expect(reply.delivery).toMatchObject({ status: 500, answeredInTime: true, ok: false });
		await sleep(300);
		await sandbox.flushWebhooks({ includeRetries: true });
		expect(listener.received).toHaveLength(1);
		expect(sandbox.deliveries.filter((entry) => entry.kind === 'amojo')).toHaveLength(1);
		expect(sandbox.counters.webhooks.failed).toBe(1);
	});

	it('records a hook not answered within the window (webhookTimeoutMs, 5 s by default) as not answered', async () => {
		await setUp();
		const slow = await startSlowListener(600);
		try {
			sandbox.configure({
				webhookTimeoutMs: 200,
				amojoChannel: { webhookUrl: `${slow.url}/:scope_id` },
			});
			const reply = await sandbox.amojoManagerReply({
				conversationId: 'intercom:1001',
				text: 'Slow one',
			});
			expect(reply.delivery).toMatchObject({
				status: null,
				answeredInTime: false,
				ok: false,
				windowMs: 200,
				error: expect.stringContaining('200 ms'),
			});
			expect(reply.delivery.ms).toBeGreaterThanOrEqual(190);
			expect(slow.received).toEqual([`/hooks/${scope}`]);
		} finally {
			await slow.close();
		}
	});

	it('sends no hook for a message imported from the channel bot; one imported as a Kommo user does get one', async () => {
		await setUp();
		const bot = {
			id: 'intercom-admin:5001001',
			name: 'Alex via Intercom',
			ref_id: sandbox.amojo.botId,
		};
		const byBot = await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, {
			event_type: 'new_message',
			payload: {
				msgid: 'intercom-part:2',
				conversation_id: 'intercom:1001',
				sender: bot,
				receiver: jane,
				message: { type: 'text', text: 'From Intercom' },
				silent: true,
			},
		});
		expect(byBot.status).toBe(200);
		await sandbox.flushWebhooks();
		await sleep(100);
		expect(listener.received).toHaveLength(0);
		expect(sandbox.state.amojo.messages[1]).toMatchObject({ author: 'bot', hook: null });

		// not documented either way; hooked here so that a bridge's echo guard is exercised
		const users = await kommoCall(sandbox, 'GET', '/api/v4/users?with=amojo_id');
		const alex = {
			id: 'intercom-admin:5001001',
			name: 'Alex',
			ref_id: users.body._embedded.users[0].amojo_id,
		};
		await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, {
			event_type: 'new_message',
			payload: {
				msgid: 'intercom-part:3',
				conversation_id: 'intercom:1001',
				sender: alex,
				receiver: jane,
				message: { type: 'text', text: 'As Alex' },
				silent: true,
			},
		});
		await sandbox.flushWebhooks();
		expect(listener.received).toHaveLength(1);
		expect(JSON.parse(listener.received[0].rawBody.toString()).message.message.text).toBe(
			'As Alex',
		);
	});

	it('"Write first": the hook has no conversation.client_id until the integration answers with conversation_ref_id', async () => {
		await setUp();
		const opened = await controlCall(sandbox, 'POST', '/amojo/write-first', {
			phone: '+1 555 0199',
			text: 'Hello, this is Acme',
			manager: 9100002,
		});
		expect(opened.status).toBe(200);
		const hook = JSON.parse(listener.received[0].rawBody.toString());
		expect(hook.message.conversation).toEqual({ id: opened.body.chat.id });
		expect(hook.message.receiver).toEqual({
			id: opened.body.chat.client_id,
			phone: '15550199',
			email: '',
		});

		const answer = await amojoCall(sandbox, 'POST', `${BASE}/${scope}`, {
			event_type: 'new_message',
			payload: {
				msgid: 'intercom-part:20',
				conversation_id: 'intercom:2001',
				conversation_ref_id: hook.message.conversation.id,
				sender: { id: 'intercom-contact:77', name: 'Kim', ref_id: hook.message.receiver.id },
				message: { type: 'text', text: 'Hi Acme' },
			},
		});
		expect(answer.status).toBe(200);
		expect(
			sandbox.state.amojo.chats.find((chat) => chat.id === hook.message.conversation.id),
		).toMatchObject({ conversation_id: 'intercom:2001', origin: 'write_first' });
		await sandbox.amojoManagerReply({ conversationId: 'intercom:2001', text: 'Glad you answered' });
		const next = JSON.parse(listener.received[1].rawBody.toString());
		expect(next.message.conversation).toEqual({
			id: hook.message.conversation.id,
			client_id: 'intercom:2001',
		});
		expect(next.message.receiver.client_id).toBe('intercom-contact:77');
	});

	it('sends nothing (400 from the control) without a webhook URL, to a v1 scope, or to an unknown chat', async () => {
		await setUp();
		expect(
			(
				await controlCall(sandbox, 'POST', '/amojo/manager-reply', {
					conversation_id: 'intercom:404',
					text: 'x',
				})
			).status,
		).toBe(400);
		await amojoCall(sandbox, 'POST', `${BASE}/${sandbox.amojo.channelId}/connect`, {
			account_id: sandbox.amojo.accountId,
		});
		const v1 = await controlCall(sandbox, 'POST', '/amojo/manager-reply', {
			conversation_id: 'intercom:1001',
			text: 'x',
		});
		expect(v1).toMatchObject({
			status: 400,
			body: { error: expect.stringContaining('v2 hooks only') },
		});
		sandbox.configure({ amojoChannel: { webhookUrl: null } });
		await connectChannel(sandbox);
		const noUrl = await controlCall(sandbox, 'POST', '/amojo/manager-reply', {
			conversation_id: 'intercom:1001',
			text: 'x',
		});
		expect(noUrl).toMatchObject({
			status: 400,
			body: { error: expect.stringContaining('webhook URL') },
		});
		expect(listener.received).toHaveLength(0);
		expect(sandbox.state.amojo.messages).toHaveLength(1);
	});
});
