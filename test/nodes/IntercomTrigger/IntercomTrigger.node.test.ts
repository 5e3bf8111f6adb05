import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { IntercomKommoIntercomApi } from '../../../credentials/IntercomKommoIntercomApi.credentials';
import { IntercomTrigger } from '../../../nodes/IntercomTrigger/IntercomTrigger.node';
import { DEFAULT_TOPICS } from '../../../nodes/IntercomTrigger/helpers/webhook';
import {
	createWorkflow,
	deliverWebhook,
	registerCredentials,
	registerNodes,
	runWebhookMethod,
	runWorkflow,
} from '../../helpers/n8n';
import type { TestNode } from '../../helpers/n8n';

/** Hands its input on unchanged, to show the trigger's items after n8n's WorkflowExecute. */
class Passthrough implements INodeType {
	description = {
		displayName: 'Passthrough',
		name: 'passthrough',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Passthrough' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	}
}

registerNodes(IntercomTrigger, Passthrough);
registerCredentials(IntercomKommoIntercomApi);

const FIXTURES = join(__dirname, '../../fixtures/intercom/webhooks');
const SECRET = 'example-client-secret';
const TRIGGER = 'Intercom Trigger';
const CREDENTIAL_TYPE = 'intercomKommoIntercomApi';
const CREDENTIALS = {
	[CREDENTIAL_TYPE]: {
		accessToken: 'tok_never_used_by_the_trigger',
		region: 'us',
		clientSecret: SECRET,
		apiVersion: '2.14',
	},
};

function fixtureBytes(name: string): Buffer {
	return readFileSync(join(FIXTURES, name));
}

function fixtureJson(name: string): IDataObject {
	return JSON.parse(fixtureBytes(name).toString('utf8')) as IDataObject;
}

function sign(body: Buffer | string, secret = SECRET): string {
	return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

let workflowCounter = 0;
/** Each test gets its own workflow id, so the process-wide dedup memory never leaks between tests. */
function newWorkflowId() {
	return `wf-intercom-trigger-${++workflowCounter}`;
}

function triggerNode(parameters: IDataObject = {}, withCredential = true): TestNode {
	return {
		name: TRIGGER,
		type: 'intercomTrigger',
		parameters,
		...(withCredential ? { credentials: { [CREDENTIAL_TYPE]: 'intercom' } } : {}),
	};
}

function workflowFor(
	options: {
		id?: string;
		parameters?: IDataObject;
		withCredential?: boolean;
		staticData?: IDataObject;
	} = {},
) {
	return createWorkflow({
		id: options.id ?? newWorkflowId(),
		nodes: [triggerNode(options.parameters, options.withCredential ?? true)],
		staticData: options.staticData,
	});
}

async function deliver(options: {
	workflow: ReturnType<typeof createWorkflow>;
	body?: Buffer | string;
	signature?: string | null;
	method?: string;
	credentials?: Record<string, IDataObject>;
}) {
	const body = options.body ?? '';
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'user-agent': 'intercom-parrot-service-client/1.0',
	};
	const signature = options.signature === undefined ? sign(body) : options.signature;
	if (signature !== null) headers['x-hub-signature'] = signature;
	return await deliverWebhook({
		workflow: options.workflow,
		nodeName: TRIGGER,
		method: options.method ?? 'POST',
		headers,
		body,
		credentials: (options.credentials ?? CREDENTIALS) as never,
	});
}

function itemsOf(result: Awaited<ReturnType<typeof deliver>>['result']): IDataObject[] {
	return (result.workflowData ?? []).flat().map((item) => item.json);
}

const userCreated = fixtureBytes('conversation-user-created.json');

const expectedUserCreatedItem = () => ({
	topic: 'conversation.user.created',
	notificationId: 'notif_3ac27816-d27c-45fd-a65a-bbaf021cf780',
	deliveryAttempts: 1,
	firstSentAt: 1767225721,
	createdAt: 1767225720,
	appId: 'a86dr8yl',
	conversationId: '215470',
	conversation: (fixtureJson('conversation-user-created.json').data as IDataObject).item,
	customer: {
		id: '6762f1261bb69f9f2193bba7',
		name: 'Maria Gonzalez',
		email: 'maria.gonzalez@example.com',
	},
});

describe('description', () => {
	const { description } = new IntercomTrigger();

	it('is a trigger with POST and HEAD webhooks on the same path, answering on receipt', () => {
		expect(description.name).toBe('intercomTrigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.webhooks).toEqual([
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
			expect.objectContaining({
				name: 'default',
				httpMethod: 'HEAD',
				responseMode: 'onReceived',
				path: 'webhook',
			}),
		]);
	});

	it('defaults to the customer topics and to verifying signatures, warning when that is off', () => {
		const byName = Object.fromEntries(description.properties.map((p) => [p.name, p]));
		expect(byName.topics.default).toEqual([
			'conversation.user.created',
			'conversation.user.replied',
		]);
		expect(DEFAULT_TOPICS).toEqual(byName.topics.default);
		expect(byName.verifySignature.default).toBe(true);
		expect(byName.verificationOffNotice.type).toBe('notice');
		expect(byName.verificationOffNotice.displayOptions).toEqual({
			show: { verifySignature: [false] },
		});
		expect(byName.setupNotice.displayName).toContain('Configure → Webhooks');
		expect(byName.setupNotice.displayName).toContain('Client Secret');
	});

	it('offers the documented conversation topics', () => {
		const topics = description.properties.find((p) => p.name === 'topics')!;
		const values = (topics.options as Array<{ value: string }>).map((o) => o.value);
		expect(values).toEqual(
			expect.arrayContaining([
				'conversation.user.created',
				'conversation.user.replied',
				'conversation.admin.replied',
				'conversation.admin.noted',
				'conversation.admin.closed',
				'conversation.admin.opened',
				'conversation.admin.assigned',
				'conversation.admin.single.created',
				'conversation.admin.snoozed',
				'conversation.admin.unsnoozed',
				'conversation.operator.replied',
				'conversation_part.tag.created',
				'conversation.rating.added',
				'conversation.contact.attached',
				'conversation.deleted',
			]),
		);
		expect(values).not.toContain('ping');
	});
});

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
				customer: { id: '6762f1261bb69f9f2193bbb1', name: null, email: null },
			},
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
				customer: { id: null, name: null, email: null },
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

describe('webhook lifecycle (Intercom has no subscription API)', () => {
	it('checkExists and create report success without any HTTP call', async () => {
		const workflow = workflowFor();
		for (const method of ['checkExists', 'create'] as const) {
			expect(
				await runWebhookMethod({
					workflow,
					nodeName: TRIGGER,
					method,
					credentials: CREDENTIALS as never,
				}),
			).toBe(true);
		}
	});

	it('delete (saving the workflow, stopping a test listener) keeps the seen notification ids', async () => {
		const workflow = workflowFor();
		expect(itemsOf((await deliver({ workflow, body: userCreated })).result)).toHaveLength(1);

		// n8n calls delete when a workflow is saved or a test listener stops, while the production
		// listener of the same workflow and node keeps receiving Intercom's retries
		expect(await runWebhookMethod({ workflow, nodeName: TRIGGER, method: 'delete' })).toBe(true);

		const redelivery = await deliver({ workflow, body: userCreated });
		expect(redelivery.result.workflowData).toBeUndefined();
		expect(redelivery.response.body).toContain('already received');
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
