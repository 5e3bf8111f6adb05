import nock from 'nock';
import type {
	IExecuteFunctions,
	INodeType,
	INodeTypeDescription,
	ICredentialType,
	IWebhookFunctions,
} from 'n8n-workflow';
import {
	deliverWebhook,
	createWorkflow,
	registerCredentials,
	registerNodes,
	runWorkflow,
} from './n8n';

class ProbeApi implements ICredentialType {
	name = 'probeApi';
	displayName = 'Probe';
	properties = [
		{
			displayName: 'Token',
			name: 'token',
			type: 'string' as const,
			typeOptions: { password: true },
			default: '',
		},
	];
	authenticate = {
		type: 'generic' as const,
		properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } },
	};
}

class Probe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'probeApi', required: true }],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions) {
		const body = await this.helpers.httpRequestWithAuthentication.call(this, 'probeApi', {
			method: 'GET',
			url: 'https://api.example.test/me',
			json: true,
		});
		const staticData = this.getWorkflowStaticData('global');
		staticData.count = ((staticData.count as number) ?? 0) + 1;
		return [[{ json: body, pairedItem: { item: 0 } }]];
	}
}

class ProbeTrigger implements INodeType {
	description = {
		displayName: 'Probe Trigger',
		name: 'probeTrigger',
		group: ['trigger'],
		version: 1,
		defaults: { name: 'Probe Trigger' },
		inputs: [],
		outputs: ['main'],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [],
	} as unknown as INodeTypeDescription;

	async webhook(this: IWebhookFunctions) {
		const req = this.getRequestObject();
		if (req.headers['x-deny']) {
			this.getResponseObject().status(401).send('Unauthorized').end();
			return { noWebhookResponse: true };
		}
		return {
			workflowData: [[{ json: { raw: req.rawBody.toString(), body: this.getBodyData() } }]],
		};
	}
}

registerNodes(Probe, ProbeTrigger);
registerCredentials(ProbeApi);

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

test('runs a node through WorkflowExecute with authenticated HTTP', async () => {
	const scope = nock('https://api.example.test', { reqheaders: { authorization: 'Bearer t0k' } })
		.get('/me')
		.reply(200, { id: 'me' });
	const result = await runWorkflow({
		nodes: [
			{ name: 'Probe Trigger', type: 'probeTrigger' },
			{ name: 'Probe', type: 'probe', credentials: { probeApi: 'p' } },
		],
		credentials: { probeApi: { token: 't0k' } },
		input: [{ json: { a: 1 } }],
	});
	expect(result.error()).toBeUndefined();
	expect(result.json('Probe')).toEqual([{ id: 'me' }]);
	expect((result.workflow.staticData.global as { count: number }).count).toBe(1);
	scope.done();
});

test('delivers a webhook through WebhookContext', async () => {
	const workflow = createWorkflow({ nodes: [{ name: 'Probe Trigger', type: 'probeTrigger' }] });
	const ok = await deliverWebhook({
		workflow,
		nodeName: 'Probe Trigger',
		headers: { 'content-type': 'application/json' },
		body: '{"x": 1}',
	});
	expect(ok.result.workflowData?.[0][0].json).toEqual({ raw: '{"x": 1}', body: { x: 1 } });
	const denied = await deliverWebhook({
		workflow,
		nodeName: 'Probe Trigger',
		headers: { 'x-deny': '1' },
		body: '{}',
	});
	expect(denied.response.status).toBe(401);
	expect(denied.result.workflowData).toBeUndefined();
});
