import { IntercomKommoIntercomApi } from '../../../credentials/IntercomKommoIntercomApi.credentials';
import { IntercomTrigger } from '../../../nodes/IntercomTrigger/IntercomTrigger.node';
import { CREDENTIAL_TYPE, DEFAULT_TOPICS } from '../../../nodes/IntercomTrigger/helpers/webhook';
import { runWebhookMethod } from '../../helpers/n8n';
import { CREDENTIALS, TRIGGER, deliver, itemsOf, userCreated, workflowFor } from './setup';

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

	it('names the credential the webhook handler reads the Client Secret from', () => {
		expect(description.credentials?.map((credential) => credential.name)).toEqual([
			CREDENTIAL_TYPE,
		]);
		expect(new IntercomKommoIntercomApi().name).toBe(CREDENTIAL_TYPE);
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
