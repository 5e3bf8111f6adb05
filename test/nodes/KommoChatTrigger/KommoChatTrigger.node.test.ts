import { HookContext } from 'n8n-core';
import type { IWebhookData } from 'n8n-workflow';

import { IntercomKommoKommoChatApi } from '../../../credentials/IntercomKommoKommoChatApi.credentials';
import {
	KommoChatTrigger,
	WEBHOOK_PATH,
} from '../../../nodes/KommoChatTrigger/KommoChatTrigger.node';
import {
	WRITE_FIRST_IGNORE,
	WRITE_FIRST_OUTPUT,
} from '../../../nodes/KommoChatTrigger/helpers/webhook';
import { createAdditionalData, runWebhookMethod } from '../../helpers/n8n';
import {
	CREDENTIAL_TYPE,
	CREDENTIALS,
	SCOPE_ID,
	TRIGGER,
	WEBHOOK_ID,
	deliverHook,
	itemsOf,
	messageHook,
	registeredWebhook,
	route,
	workflowFor,
} from './setup';

describe('description', () => {
	const { description } = new KommoChatTrigger();
	const byName = Object.fromEntries(description.properties.map((p) => [p.name, p]));

	it('is a trigger with one POST webhook that answers on receipt', () => {
		expect(description.name).toBe('kommoChatTrigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.webhooks).toEqual([
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'kommo-chat/:scope_id',
				isFullPath: true,
			},
		]);
		expect(WEBHOOK_PATH).toBe('kommo-chat/:scope_id');
	});

	it('requires the Kommo Chat Channel credential and uses the Kommo icons', () => {
		expect(description.credentials).toEqual([{ name: CREDENTIAL_TYPE, required: true }]);
		expect(new IntercomKommoKommoChatApi().name).toBe(CREDENTIAL_TYPE);
		expect(description.icon).toEqual({
			light: 'file:../../icons/kommo.svg',
			dark: 'file:../../icons/kommo.dark.svg',
		});
	});

	it('tells the user which URL to give Kommo support', () => {
		expect(byName.setupNotice.type).toBe('notice');
		expect(byName.setupNotice.displayName).toContain('Production URL');
		expect(byName.setupNotice.displayName).toContain('Kommo technical support');
		expect(byName.setupNotice.displayName).toContain('/:scope_id');
	});

	it('outputs "Write first" chats unless told to ignore them, and says why', () => {
		expect(byName.writeFirstChats.default).toBe('output');
		expect(
			(byName.writeFirstChats.options as Array<{ value: string }>).map((o) => o.value),
		).toEqual(['output', 'ignore']);
		expect(byName.writeFirstChats.description).toContain('never sends a hook again');
		expect([WRITE_FIRST_OUTPUT, WRITE_FIRST_IGNORE]).toEqual(['output', 'ignore']);
	});
});

describe('the URL n8n gives the trigger', () => {
	it('is <webhook base>/<webhook id>/kommo-chat/:scope_id, as n8n-core computes it', () => {
		const workflow = workflowFor();
		const additionalData = createAdditionalData({});
		const webhookData = {
			httpMethod: 'POST',
			node: TRIGGER,
			path: registeredWebhook(workflow).storedPath,
			webhookDescription: new KommoChatTrigger().description.webhooks![0],
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
		} as unknown as IWebhookData;
		const context = new HookContext(
			workflow,
			workflow.getNode(TRIGGER)!,
			additionalData,
			'webhook',
			'activate',
			webhookData,
		);
		expect(context.getNodeWebhookUrl('default')).toBe(
			`http://localhost:5678/webhook/${WEBHOOK_ID}/kommo-chat/:scope_id`,
		);
		expect(registeredWebhook(workflow).productionUrl).toBe(
			`https://n8n.example.com/webhook/${WEBHOOK_ID}/kommo-chat/:scope_id`,
		);
	});

	it('is stored by n8n as the full path kommo-chat/:scope_id under the webhook id', () => {
		// not `<webhook id>/kommo-chat/:scope_id`: n8n compares the stored path with the request path
		// minus its first segment, so that form would never match a request
		expect(registeredWebhook(workflowFor()).storedPath).toBe('kommo-chat/:scope_id');
	});

	it('routes a request with the scope Kommo filled in, with the scope as the route parameter', () => {
		const workflow = workflowFor();
		expect(route(workflow, `${WEBHOOK_ID}/kommo-chat/${SCOPE_ID}`)).toEqual({ scope_id: SCOPE_ID });
		expect(route(workflow, `${WEBHOOK_ID}/kommo-chat`)).toBeNull();
		expect(route(workflow, `${WEBHOOK_ID}/kommo-chat/${SCOPE_ID}/extra`)).toBeNull();
		expect(route(workflow, `${WEBHOOK_ID}/other/${SCOPE_ID}`)).toBeNull();
		expect(route(workflow, `another-id/kommo-chat/${SCOPE_ID}`)).toBeNull();
	});

	it('hands the routed scope to webhook() through getParamsData', async () => {
		const { result } = await deliverHook({ workflow: workflowFor(), body: messageHook() });
		expect(itemsOf(result)[0].scopeId).toBe(SCOPE_ID);
	});
});

describe('webhook lifecycle (Kommo support registers the URL by hand)', () => {
	it('checkExists, create and delete report success without any HTTP call', async () => {
		const workflow = workflowFor();
		for (const method of ['checkExists', 'create', 'delete'] as const) {
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
});
