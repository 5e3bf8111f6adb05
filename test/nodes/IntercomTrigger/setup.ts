/**
 * What the Intercom Trigger tests share: the trigger (and a passthrough after it) registered, the
 * webhook fixtures, signing with the test client secret, and one delivery through n8n's WebhookContext.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { IntercomKommoIntercomApi } from '../../../credentials/IntercomKommoIntercomApi.credentials';
import { IntercomTrigger } from '../../../nodes/IntercomTrigger/IntercomTrigger.node';
import {
	createWorkflow,
	deliverWebhook,
	Passthrough,
	registerCredentials,
	registerNodes,
} from '../../helpers/n8n';
import type { TestNode } from '../../helpers/n8n';

registerNodes(IntercomTrigger, Passthrough);
registerCredentials(IntercomKommoIntercomApi);

const FIXTURES = join(__dirname, '../../fixtures/intercom/webhooks');
export const SECRET = 'example-client-secret';
export const TRIGGER = 'Intercom Trigger';
export const CREDENTIAL_TYPE = 'intercomKommoIntercomApi';
export const CREDENTIALS = {
	[CREDENTIAL_TYPE]: {
		accessToken: 'tok_never_used_by_the_trigger',
		region: 'us',
		clientSecret: SECRET,
		apiVersion: '2.14',
	},
};

export function fixtureBytes(name: string): Buffer {
	return readFileSync(join(FIXTURES, name));
}

export function fixtureJson(name: string): IDataObject {
	return JSON.parse(fixtureBytes(name).toString('utf8')) as IDataObject;
}

export function sign(body: Buffer | string, secret = SECRET): string {
	return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

let workflowCounter = 0;
/** Each test gets its own workflow id, so the process-wide dedup memory never leaks between tests. */
export function newWorkflowId() {
	return `wf-intercom-trigger-${++workflowCounter}`;
}

export function triggerNode(parameters: IDataObject = {}, withCredential = true): TestNode {
	return {
		name: TRIGGER,
		type: 'intercomTrigger',
		parameters,
		...(withCredential ? { credentials: { [CREDENTIAL_TYPE]: 'intercom' } } : {}),
	};
}

export function workflowFor(
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

export async function deliver(options: {
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

export function itemsOf(result: Awaited<ReturnType<typeof deliver>>['result']): IDataObject[] {
	return (result.workflowData ?? []).flat().map((item) => item.json);
}

export const userCreated = fixtureBytes('conversation-user-created.json');

export const expectedUserCreatedItem = () => ({
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
		role: 'user',
	},
});
