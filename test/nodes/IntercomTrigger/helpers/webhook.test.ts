/**
 * handleIntercomWebhook, through n8n's WebhookContext: signature, envelope, ping, topic filter,
 * conversation item and redeliveries, in that order; only then does an execution start.
 */
import { createHmac } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { credentialReads, runWorkflow } from '../../../helpers/n8n';
import { useClock } from '../../../../nodes/shared/clock';
import { SECRET_REUSE_MS } from '../../../../nodes/IntercomTrigger/helpers/webhook';
import {
	CREDENTIALS,
	CREDENTIAL_TYPE,
	SECRET,
	TRIGGER,
	deliver,
	expectedUserCreatedItem,
	fixtureBytes,
	fixtureJson,
	itemsOf,
	newWorkflowId,
	sign,
	triggerNode,
	userCreated,
	workflowFor,
} from '../setup';

describe('signed delivery', () => {
	it('starts one execution with the mapped item', async () => {
		const { response, result } = await deliver({ workflow: workflowFor(), body: userCreated });
		expect(response.status).toBe(200);
		expect(itemsOf(result)).toEqual([expectedUserCreatedItem()]);
	});

	it('accepts upper-case hex digits in the signature (documented decision)', async () => {
		const upper = `sha1=${createHmac('sha1', SECRET).update(userCreated).digest('hex').toUpperCase()}`;
		const { result } = await deliver({
			workflow: workflowFor(),
			body: userCreated,
			signature: upper,
		});
		expect(itemsOf(result)).toHaveLength(1);
	});

	it('maps an admin-started conversation: customer from the first contact, id only', async () => {
		const body = fixtureBytes('conversation-admin-single-created.json');
		const { result } = await deliver({
			workflow: workflowFor({ parameters: { topics: ['conversation.admin.single.created'] } }),
			body,
		});
		expect(itemsOf(result)).toEqual([
			{
				topic: 'conversation.admin.single.created',
				notificationId: 'notif_5d1a7e30-1b2c-4d3e-8f40-5a6b7c8d9e01',
				deliveryAttempts: 1,
				firstSentAt: 1767225721,
				createdAt: 1767225720,
				appId: 'a86dr8yl',
				conversationId: '215471',
				conversation: (fixtureJson('conversation-admin-single-created.json').data as IDataObject)
					.item,
				customer: { id: '6762f1261bb69f9f2193bbb1', name: null, email: null, role: null },
			},
		]);
	});

	it('maps an admin-started conversation the customer answered: the contact, named by the reply', async () => {
		const body = fixtureBytes('../real-shapes/webhook-user-replied-reopen.json');
		const { result } = await deliver({
			workflow: workflowFor({ parameters: { topics: ['conversation.user.replied'] } }),
			body,
		});
		expect(itemsOf(result)).toEqual([
			expect.objectContaining({
				conversationId: '503',
				customer: {
					id: '6762f1261bb69f9f2193bba7',
					name: 'Ann Customer',
					email: 'ann@example.com',
					role: 'user',
				},
			}),
		]);
	});

	it('maps conversation_part.tag.created carrying a Conversation to that conversation', async () => {
		const body = fixtureBytes('conversation-part-tag-created.json');
		const { result } = await deliver({
			workflow: workflowFor({ parameters: { topics: ['conversation_part.tag.created'] } }),
			body,
		});
		expect(itemsOf(result)).toEqual([
			expect.objectContaining({
				topic: 'conversation_part.tag.created',
				notificationId: 'notif_11aef68a-8049-4f29-bbd9-48a7adfc8f30',
				conversationId: '215470',
				customer: {
					id: '6762f1261bb69f9f2193bba7',
					name: 'Maria Gonzalez',
					email: 'maria.gonzalez@example.com',
					role: 'user',
				},
			}),
		]);
	});

	it('passes a Conversation Part item through with a null conversation id rather than a part id', async () => {
		const body = JSON.stringify({
			type: 'notification_event',
			id: 'notif_part_item',
			topic: 'conversation_part.tag.created',
			app_id: 'a86dr8yl',
			created_at: 1767229300,
			delivery_attempts: 1,
			first_sent_at: 1767229301,
			data: {
				type: 'notification_event_data',
				item: { type: 'conversation_part', id: '30101', part_type: 'comment', body: null },
			},
		});
		const { result } = await deliver({
			workflow: workflowFor({ parameters: { topics: ['conversation_part.tag.created'] } }),
			body,
		});
		expect(itemsOf(result)).toEqual([
			expect.objectContaining({
				conversationId: null,
				customer: { id: null, name: null, email: null, role: null },
			}),
		]);
	});

	it('feeds n8n WorkflowExecute: the item reaches the next node unchanged', async () => {
		const workflowId = newWorkflowId();
		const { result } = await deliver({
			workflow: workflowFor({ id: workflowId }),
			body: userCreated,
		});
		const run = await runWorkflow({
			nodes: [triggerNode(), { name: 'Passthrough', type: 'passthrough' }],
			credentials: CREDENTIALS as never,
			input: result.workflowData![0],
		});
		expect(run.error()).toBeUndefined();
		expect(run.json(TRIGGER)).toEqual([expectedUserCreatedItem()]);
		expect(run.json('Passthrough')).toEqual([expectedUserCreatedItem()]);
	});
});

describe('forged or unverifiable requests get 401 and start nothing', () => {
	const hex = createHmac('sha1', SECRET).update(userCreated).digest('hex');
	const reserialised = JSON.stringify(JSON.parse(userCreated.toString('utf8')));

	it.each<[string, { body: Buffer | string; signature: string | null }]>([
		['no X-Hub-Signature header', { body: userCreated, signature: null }],
		['an empty header', { body: userCreated, signature: '' }],
		[
			'a sha256= header',
			{
				body: userCreated,
				signature: `sha256=${createHmac('sha256', SECRET).update(userCreated).digest('hex')}`,
			},
		],
		[
			'a signature made with another secret',
			{ body: userCreated, signature: sign(userCreated, 'not-the-secret') },
		],
		[
			'a tampered body',
			{
				body: userCreated.toString('utf8').replace('Maria', 'Mario'),
				signature: sign(userCreated),
			},
		],
		['the same JSON re-serialised', { body: userCreated, signature: sign(reserialised) }],
		['a truncated digest', { body: userCreated, signature: `sha1=${hex.slice(0, 39)}` }],
		['non-hex characters', { body: userCreated, signature: `sha1=${hex.slice(0, 38)}zz` }],
	])('%s', async (_label, { body, signature }) => {
		const { response, result } = await deliver({ workflow: workflowFor(), body, signature });
		expect(response.status).toBe(401);
		expect(response.body).toBe('Invalid or missing X-Hub-Signature.');
		expect(result.workflowData).toBeUndefined();
		expect(result.noWebhookResponse).toBe(true);
	});

	it('a credential without Client Secret: 401 telling the admin what to add', async () => {
		const { response, result } = await deliver({
			workflow: workflowFor(),
			body: userCreated,
			credentials: { [CREDENTIAL_TYPE]: { ...CREDENTIALS[CREDENTIAL_TYPE], clientSecret: '' } },
		});
		expect(response.status).toBe(401);
		expect(response.body).toContain('has no Client Secret');
		expect(response.body).toContain('Configure → Basic information');
		expect(result.workflowData).toBeUndefined();
	});

	it('no credential attached at all: 401, not a 5xx', async () => {
		const { response, result } = await deliver({
			workflow: workflowFor({ withCredential: false }),
			body: userCreated,
			credentials: {},
		});
		expect(response.status).toBe(401);
		expect(response.body).toContain('no Intercom credential');
		expect(result.workflowData).toBeUndefined();
	});

	it('never echoes the secret, the token or message text', async () => {
		const cases = [
			await deliver({ workflow: workflowFor(), body: userCreated, signature: null }),
			await deliver({
				workflow: workflowFor(),
				body: userCreated,
				credentials: { [CREDENTIAL_TYPE]: { ...CREDENTIALS[CREDENTIAL_TYPE], clientSecret: '' } },
			}),
		];
		for (const { response } of cases) {
			expect(response.body).not.toContain(SECRET);
			expect(response.body).not.toContain('tok_never_used_by_the_trigger');
			expect(response.body).not.toContain('quote for 20 seats');
		}
	});

	it('a forged request does not use up the notification id', async () => {
		const workflow = workflowFor();
		const forged = await deliver({
			workflow,
			body: userCreated,
			signature: sign(userCreated, 'x'),
		});
		expect(forged.response.status).toBe(401);
		const genuine = await deliver({ workflow, body: userCreated });
		expect(itemsOf(genuine.result)).toHaveLength(1);
	});
});

describe('verification turned off', () => {
	it('runs unsigned requests without needing a credential', async () => {
		const { response, result } = await deliver({
			workflow: workflowFor({ parameters: { verifySignature: false }, withCredential: false }),
			body: userCreated,
			signature: null,
			credentials: {},
		});
		expect(response.status).toBe(200);
		expect(itemsOf(result)).toEqual([expectedUserCreatedItem()]);
	});
});

describe('requests that are acknowledged without an execution', () => {
	it('HEAD (Intercom validating the URL): 200, no signature or credential needed', async () => {
		const { response, result } = await deliver({
			workflow: workflowFor({ withCredential: false }),
			method: 'HEAD',
			signature: null,
			credentials: {},
		});
		expect(response.status).toBe(200);
		expect(result.workflowData).toBeUndefined();
	});

	it('ping: 200, no execution', async () => {
		const { response, result } = await deliver({
			workflow: workflowFor(),
			body: fixtureBytes('ping.json'),
		});
		expect(response.status).toBe(200);
		expect(response.body).toBe('pong');
		expect(result.workflowData).toBeUndefined();
	});

	it('a forged ping is still refused', async () => {
		const { response } = await deliver({
			workflow: workflowFor(),
			body: fixtureBytes('ping.json'),
			signature: null,
		});
		expect(response.status).toBe(401);
	});

	it('a topic that is not selected: 200, no execution', async () => {
		const { response, result } = await deliver({
			workflow: workflowFor(),
			body: fixtureBytes('conversation-admin-replied.json'),
		});
		expect(response.status).toBe(200);
		expect(response.body).toBe('Topic not selected in the Intercom Trigger; ignored.');
		expect(result.workflowData).toBeUndefined();
	});

	it('the same topic runs once selected', async () => {
		const { result } = await deliver({
			workflow: workflowFor({ parameters: { topics: ['conversation.admin.replied'] } }),
			body: fixtureBytes('conversation-admin-replied.json'),
		});
		expect(itemsOf(result)).toEqual([
			expect.objectContaining({ topic: 'conversation.admin.replied', conversationId: '215470' }),
		]);
	});
});

describe('redelivery', () => {
	it('sequential: the second delivery of a notification id starts nothing', async () => {
		const workflow = workflowFor();
		const first = await deliver({ workflow, body: userCreated });
		const second = await deliver({ workflow, body: userCreated });
		expect(itemsOf(first.result)).toHaveLength(1);
		expect(second.response.status).toBe(200);
		expect(second.response.body).toBe('Notification already received; ignored.');
		expect(second.result.workflowData).toBeUndefined();
		// nothing written to static data: in queue mode that would be a DB write before the answer
		expect(workflow.staticData[`node:${TRIGGER}`] ?? {}).toEqual({});
		expect(JSON.stringify(workflow.staticData)).toBe('{}');
	});

	it('a retry with a higher delivery_attempts is still the same notification', async () => {
		const workflow = workflowFor();
		await deliver({ workflow, body: userCreated });
		const retry = JSON.stringify({
			...JSON.parse(userCreated.toString('utf8')),
			delivery_attempts: 2,
		});
		const second = await deliver({ workflow, body: retry });
		expect(second.result.workflowData).toBeUndefined();
	});

	it('another notification id still runs', async () => {
		const workflow = workflowFor();
		await deliver({ workflow, body: userCreated });
		const reply = await deliver({ workflow, body: fixtureBytes('conversation-user-replied.json') });
		expect(itemsOf(reply.result)).toEqual([
			expect.objectContaining({ notificationId: 'notif_2c71fff0-65ef-46be-bbfe-dbf637bbff15' }),
		]);
	});

	it('across requests that each load their own static data copy (as n8n does): memory catches it', async () => {
		const id = newWorkflowId();
		const first = await deliver({
			workflow: workflowFor({ id, staticData: {} }),
			body: userCreated,
		});
		const second = await deliver({
			workflow: workflowFor({ id, staticData: {} }),
			body: userCreated,
		});
		expect(itemsOf(first.result)).toHaveLength(1);
		expect(second.result.workflowData).toBeUndefined();
	});

	it('concurrent: two racing deliveries of one id yield exactly one execution', async () => {
		const id = newWorkflowId();
		// separate Workflow objects with separate static data, like two parallel n8n requests
		const outcomes = await Promise.all([
			deliver({ workflow: workflowFor({ id, staticData: {} }), body: userCreated }),
			deliver({ workflow: workflowFor({ id, staticData: {} }), body: userCreated }),
			deliver({ workflow: workflowFor({ id, staticData: {} }), body: userCreated }),
		]);
		const started = outcomes.filter(({ result }) => result.workflowData !== undefined);
		expect(started).toHaveLength(1);
		expect(outcomes.map(({ response }) => response.status)).toEqual([200, 200, 200]);
	});

	it('is kept per workflow: the same notification in another workflow runs there too', async () => {
		const a = await deliver({ workflow: workflowFor(), body: userCreated });
		const b = await deliver({ workflow: workflowFor(), body: userCreated });
		expect(itemsOf(a.result)).toHaveLength(1);
		expect(itemsOf(b.result)).toHaveLength(1);
	});

	it('a ping without id is never deduplicated away', async () => {
		const workflow = workflowFor();
		const ping = fixtureBytes('ping.json');
		expect((await deliver({ workflow, body: ping })).response.body).toBe('pong');
		expect((await deliver({ workflow, body: ping })).response.body).toBe('pong');
	});
});

describe('malformed payloads with a valid signature get 400 and start nothing', () => {
	it.each([
		['not JSON', 'topic=conversation.user.created', 'The request body is not valid JSON.'],
		['an empty body', '', 'The request body is not valid JSON.'],
		[
			'a JSON array',
			'[{"topic":"conversation.user.created"}]',
			'The request body is not a JSON object.',
		],
		[
			'no topic',
			'{"type":"notification_event","id":"notif_x","data":{"item":{"id":"1"}}}',
			'The notification has no "topic".',
		],
		[
			'a conversation topic without data.item',
			'{"type":"notification_event","id":"notif_y","topic":"conversation.user.created","data":{}}',
			'A "conversation.user.created" notification must carry data.item with an "id".',
		],
		[
			'a conversation topic without data.item.id',
			'{"type":"notification_event","id":"notif_z","topic":"conversation.user.replied","data":{"item":{"type":"conversation","source":{"body":"<p>secret words</p>"}}}}',
			'A "conversation.user.replied" notification must carry data.item with an "id".',
		],
	])('%s', async (_label, body, message) => {
		const { response, result } = await deliver({ workflow: workflowFor(), body });
		expect(response.status).toBe(400);
		expect(response.body).toBe(message);
		expect(response.body).not.toContain('secret words');
		expect(result.workflowData).toBeUndefined();
	});

	it('a rejected payload does not use up its notification id', async () => {
		const workflow = workflowFor();
		const broken =
			'{"type":"notification_event","id":"notif_retry","topic":"conversation.user.created","data":{}}';
		expect((await deliver({ workflow, body: broken })).response.status).toBe(400);
		const fixed = JSON.stringify({
			type: 'notification_event',
			id: 'notif_retry',
			topic: 'conversation.user.created',
			data: { item: { type: 'conversation', id: '77' } },
		});
		expect(itemsOf((await deliver({ workflow, body: fixed })).result)).toHaveLength(1);
	});
});
describe('status codes', () => {
	it('never answers 410 or 5xx, whatever arrives', async () => {
		const statuses = new Set<number>();
		const bodies: Array<Buffer | string> = [
			userCreated,
			'',
			'x',
			'[]',
			'{}',
			'{"topic":"conversation.deleted"}',
			fixtureBytes('ping.json'),
		];
		for (const body of bodies) {
			for (const signature of [null, sign(body), 'sha1=00']) {
				statuses.add((await deliver({ workflow: workflowFor(), body, signature })).response.status);
			}
		}
		statuses.add(
			(await deliver({ workflow: workflowFor(), method: 'HEAD', signature: null })).response.status,
		);
		expect([...statuses].sort()).toEqual([200, 400, 401]);
	});
});

describe('the client secret is read once, not on every delivery', () => {
	const reads = () => credentialReads.get(CREDENTIAL_TYPE) ?? 0;
	const replied = fixtureBytes('conversation-user-replied.json');
	afterEach(() => useClock());

	it('a second delivery is checked against the secret that verified the first, without a credential read', async () => {
		const workflow = workflowFor();
		const before = reads();
		expect(itemsOf((await deliver({ workflow, body: userCreated })).result)).toHaveLength(1);
		expect(reads()).toBe(before + 1);
		expect(itemsOf((await deliver({ workflow, body: replied })).result)).toHaveLength(1);
		expect(reads()).toBe(before + 1);
	});

	it('a changed Client Secret counts on the next delivery: the remembered one fails, the credential is read again', async () => {
		const workflow = workflowFor();
		await deliver({ workflow, body: userCreated });
		const rotated = {
			[CREDENTIAL_TYPE]: { ...CREDENTIALS[CREDENTIAL_TYPE], clientSecret: 'rotated-secret' },
		};
		const before = reads();
		const { response, result } = await deliver({
			workflow,
			body: replied,
			signature: sign(replied, 'rotated-secret'),
			credentials: rotated,
		});
		expect(response.status).toBe(200);
		expect(itemsOf(result)).toHaveLength(1);
		expect(reads()).toBe(before + 1);
	});

	it('a forged delivery after a good one still gets 401 and reads the credential', async () => {
		const workflow = workflowFor();
		await deliver({ workflow, body: userCreated });
		const before = reads();
		const { response, result } = await deliver({
			workflow,
			body: replied,
			signature: sign(replied, 'not-the-secret'),
		});
		expect(response.status).toBe(401);
		expect(result.workflowData).toBeUndefined();
		expect(reads()).toBe(before + 1);
	});

	it(`a remembered secret is used for at most ${SECRET_REUSE_MS / 1000} s`, async () => {
		let time = 1_900_000_000_000;
		useClock({ now: () => time, sleep: async () => undefined });
		const workflow = workflowFor();
		await deliver({ workflow, body: userCreated });
		const before = reads();
		time += SECRET_REUSE_MS;
		await deliver({ workflow, body: replied });
		expect(reads()).toBe(before + 1);
	});
});
