/**
 * handleKommoChatWebhook, through n8n's WebhookContext with the scope routed from the URL: the
 * signature (401), the scope's channel (404), unusable bodies, typing and reactions (200, nothing
 * started), the body's account (404), "Write first"; only then does an execution start.
 */
import { WebhookContext } from 'n8n-core';
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from '../../../helpers/n8n';
import {
	ACCOUNT_ID,
	CHANNEL_ID,
	CREDENTIALS,
	CREDENTIAL_TYPE,
	CHANNEL_SIGNING_HEX,
	TRIGGER,
	answerOf,
	deliverHook,
	expectedMessageItem,
	itemsOf,
	messageHook,
	sign,
	typingHook,
	workflowFor,
} from '../setup';

// The answer must not wait on anything slow: no request leaves the process while Kommo waits.
beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

describe('a signed message hook', () => {
	it('starts exactly one execution with the message item, the Intercom conversation id parsed', async () => {
		const workflow = workflowFor();
		const { response, result } = await deliverHook({ workflow, body: messageHook() });
		expect(response.status).toBe(200);
		expect(answerOf(response)).toEqual({ message: 'Workflow was started' });
		expect(result.workflowData).toHaveLength(1);
		expect(itemsOf(result)).toEqual([expectedMessageItem()]);

		// and n8n runs the workflow from it: the item reaches the next node
		const run = await runWorkflow({
			workflow,
			startNode: TRIGGER,
			input: result.workflowData![0],
		});
		expect(run.json('Passthrough')).toEqual([expectedMessageItem()]);
	});

	it('answers 200 on receipt: the execution starts after the answer (responseMode onReceived)', async () => {
		const workflow = workflowFor();
		const { description } = workflow.nodeTypes.getByNameAndVersion(
			workflow.getNode(TRIGGER)!.type,
			1.1,
		);
		expect(description.webhooks![0].responseMode).toBe('onReceived');
		const { response, result } = await deliverHook({ workflow, body: messageHook() });
		// the node leaves the answer to n8n, which sends it before running the workflow
		expect(result.noWebhookResponse).toBeUndefined();
		expect(result.webhookResponse).toBeUndefined();
		expect(response.status).toBe(200);
	});

	it('carries media, a media group, a template and falls back to the seconds timestamp', async () => {
		const hook = messageHook();
		delete hook.message.msec_timestamp;
		hook.message.message = {
			id: 'b5d3e1f0-0000-4000-8000-000000000001',
			type: 'picture',
			text: '',
			tag: '',
			media: 'https://amojo.kommo.com/attachments/photo.jpg',
			thumbnail: 'https://amojo.kommo.com/attachments/photo-thumb.jpg',
			file_name: 'photo.jpg',
			file_size: 52311,
			media_group_id: 'group-7',
			template: { id: 42, content: 'Your order {{order}} ships today' },
		};
		const { result } = await deliverHook({ workflow: workflowFor(), body: hook });
		expect(itemsOf(result)).toEqual([
			{
				...expectedMessageItem(),
				messageId: 'b5d3e1f0-0000-4000-8000-000000000001',
				type: 'picture',
				text: '',
				media: 'https://amojo.kommo.com/attachments/photo.jpg',
				thumbnail: 'https://amojo.kommo.com/attachments/photo-thumb.jpg',
				fileName: 'photo.jpg',
				fileSize: 52311,
				mediaGroupId: 'group-7',
				templateUsed: { id: 42, content: 'Your order {{order}} ships today' },
				sentAt: '2021-12-15T12:44:20.000Z',
			},
		]);
	});

	it('puts out conversationId null for a chat id that is not one of ours', async () => {
		const hook = messageHook();
		hook.message.conversation.client_id = 'other_integration-5f2836a8ca481';
		const { result } = await deliverHook({ workflow: workflowFor(), body: hook });
		expect(itemsOf(result)[0]).toMatchObject({
			chatClientId: 'other_integration-5f2836a8ca481',
			conversationId: null,
			writeFirst: false,
		});
	});
});

describe('the signature', () => {
	const expectRefused = (response: { status: number; body: string }) => {
		expect(response.status).toBe(401);
		expect(answerOf(response)).toEqual({ error: 'Invalid or missing X-Signature.' });
	};

	it('refuses a forged signature (another secret) with 401 and starts nothing', async () => {
		const body = JSON.stringify(messageHook());
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body,
			signature: sign(body, '0000000000000000000000000000000000000000'),
		});
		expectRefused(response);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('refuses a hook without X-Signature with 401', async () => {
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body: messageHook(),
			signature: null,
		});
		expectRefused(response);
		expect(result.workflowData).toBeUndefined();
	});

	it('refuses a body changed after signing, even only its spacing (the raw bytes are signed)', async () => {
		const signed = JSON.stringify(messageHook());
		const respaced = JSON.stringify(messageHook(), null, 2);
		expect(JSON.parse(respaced)).toEqual(JSON.parse(signed));
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body: respaced,
			signature: sign(signed),
		});
		expectRefused(response);
		expect(result.workflowData).toBeUndefined();
	});

	it('refuses upper-case hex (Kommo sends lowercase and its own check compares text)', async () => {
		const body = JSON.stringify(messageHook());
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body,
			signature: sign(body).toUpperCase(),
		});
		expectRefused(response);
		expect(result.workflowData).toBeUndefined();
	});

	it('checks the bytes as received: a body with non-ASCII text signed as UTF-8 passes', async () => {
		const body = Buffer.from(JSON.stringify(messageHook()), 'utf8');
		const { result } = await deliverHook({ workflow: workflowFor(), body, signature: sign(body) });
		expect(itemsOf(result)[0].text).toBe('Hola María, su pedido sale mañana');
	});

	it('refuses with 401 and says why when the credential cannot be read as a channel', async () => {
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body: messageHook(),
			credentials: { [CREDENTIAL_TYPE]: { ...CREDENTIALS[CREDENTIAL_TYPE], channelSecret: '' } },
		});
		expect(response.status).toBe(401);
		expect(String(answerOf(response).error)).toContain('Channel Secret');
		expect(response.body).not.toContain(CHANNEL_SIGNING_HEX);
		expect(result.workflowData).toBeUndefined();
	});
});

describe('the scope in the URL', () => {
	it("refuses (404) a scope of another channel, even with the channel's signature", async () => {
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body: messageHook(),
			scopeId: `b5590ddd-6e8f-22f8-a18c-b7117be4ecb1_${ACCOUNT_ID}`,
		});
		expect(response.status).toBe(404);
		expect(String(answerOf(response).error)).toContain('not one of this trigger');
		expect(result.workflowData).toBeUndefined();
	});

	it('refuses (404) the bare channel id, with no account after it', async () => {
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body: messageHook(),
			scopeId: `${CHANNEL_ID}_`,
		});
		expect(response.status).toBe(404);
		expect(result.workflowData).toBeUndefined();
	});

	it("refuses (404) a hook whose account_id is not the scope's account (URL and body disagree)", async () => {
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body: messageHook(),
			scopeId: `${CHANNEL_ID}_11111111-2222-4333-8444-555555555555`,
		});
		expect(response.status).toBe(404);
		expect(String(answerOf(response).error)).toContain('account_id');
		expect(result.workflowData).toBeUndefined();
	});

	it('takes the channel id in either case (UUIDs are case-insensitive)', async () => {
		const { result } = await deliverHook({
			workflow: workflowFor(),
			body: messageHook(),
			scopeId: `${CHANNEL_ID.toUpperCase()}_${ACCOUNT_ID}`,
		});
		expect(itemsOf(result)).toHaveLength(1);
	});
});

describe('"Write first" chats (no conversation.client_id)', () => {
	const writeFirstHook = () => {
		const hook = messageHook();
		delete hook.message.conversation.client_id;
		delete (hook.message.receiver as IDataObject).client_id;
		return hook;
	};

	it('are put out by default with conversationId null and writeFirst true', async () => {
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body: writeFirstHook(),
		});
		expect(response.status).toBe(200);
		expect(itemsOf(result)).toEqual([
			{
				...expectedMessageItem(),
				chatClientId: null,
				conversationId: null,
				writeFirst: true,
				receiver: { ...(expectedMessageItem().receiver as IDataObject), clientId: null },
			},
		]);
	});

	it('are put out with "Output Them"', async () => {
		const { result } = await deliverHook({
			workflow: workflowFor({ writeFirstChats: 'output' }),
			body: writeFirstHook(),
		});
		expect(itemsOf(result)).toHaveLength(1);
	});

	it('are answered 200 and start nothing with "Ignore Them"', async () => {
		const { response, result } = await deliverHook({
			workflow: workflowFor({ writeFirstChats: 'ignore' }),
			body: writeFirstHook(),
		});
		expect(response.status).toBe(200);
		expect(answerOf(response).message).toContain('Write first');
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('"Ignore Them" still puts out messages of our own chats', async () => {
		const { result } = await deliverHook({
			workflow: workflowFor({ writeFirstChats: 'ignore' }),
			body: messageHook(),
		});
		expect(itemsOf(result)).toEqual([expectedMessageItem()]);
	});
});

describe('hooks that start nothing', () => {
	it('typing: 200, no execution', async () => {
		const { response, result } = await deliverHook({ workflow: workflowFor(), body: typingHook() });
		expect(response.status).toBe(200);
		expect(answerOf(response)).toEqual({ message: 'Hook ignored: typing hooks start nothing.' });
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('reaction: 200, no execution', async () => {
		const { response, result } = await deliverHook({
			workflow: workflowFor(),
			body: {
				account_id: ACCOUNT_ID,
				time: 1639572261,
				action: {
					reaction: {
						message: { id: '0371a0ff-b78a-4c7b-8538-a7d547e10692' },
						type: 'react',
						emoji: '👍',
					},
				},
			},
		});
		expect(response.status).toBe(200);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('a signed body that is not JSON: 200 (Kommo never resends), no execution, a warning', async () => {
		const workflow = workflowFor();
		const { response, result } = await deliverHook({ workflow, body: '{"account_id": "' });
		expect(response.status).toBe(200);
		expect(answerOf(response)).toEqual({ message: 'Hook ignored: the body is not JSON.' });
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('a signed message hook without message.message.id: 200, no execution', async () => {
		const hook = messageHook();
		delete hook.message.message.id;
		const { response, result } = await deliverHook({ workflow: workflowFor(), body: hook });
		expect(response.status).toBe(200);
		expect(String(answerOf(response).message)).toContain('message.message.id');
		expect(result.workflowData).toBeUndefined();
	});

	it('logs why a hook was not used, never the message text or the secret', async () => {
		const logged: unknown[] = [];
		const record = (...args: unknown[]) => logged.push(args);
		const logger = { error: record, warn: record, info: record, debug: record };
		const spy = jest
			.spyOn(WebhookContext.prototype, 'logger', 'get')
			.mockReturnValue(logger as never);
		try {
			const hook = messageHook();
			delete hook.message.message.id;
			await deliverHook({ workflow: workflowFor(), body: hook });
			await deliverHook({
				workflow: workflowFor(),
				body: messageHook(),
				scopeId: `${CHANNEL_ID}_11111111-2222-4333-8444-555555555555`,
			});
			await deliverHook({ workflow: workflowFor(), body: messageHook() });
		} finally {
			spy.mockRestore();
		}
		expect(logged).toHaveLength(2);
		const text = JSON.stringify(logged);
		expect(text).toContain('message.message.id');
		expect(text).toContain('account_id');
		expect(text).not.toContain('su pedido');
		expect(text).not.toContain(CHANNEL_SIGNING_HEX);
	});
});
