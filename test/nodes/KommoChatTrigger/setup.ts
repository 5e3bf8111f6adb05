/**
 * What the Kommo Chat Trigger tests share: the trigger registered with its credential, hooks as
 * Kommo sends them (signed with the test channel secret), n8n's routing of a request URL to the
 * trigger, and one delivery through n8n-core's WebhookContext.
 *
 * `deliverWebhook` (helpers/n8n) leaves the route parameters empty; this trigger reads its scope
 * from them, so `deliverHook` below builds the request the same way and fills them in as n8n's
 * live webhook handler does for a dynamic path.
 */
import { NodeHelpers } from 'n8n-workflow';
import type { IDataObject, IWebhookResponseData, Workflow } from 'n8n-workflow';
import { createHmac } from 'node:crypto';

import { IntercomKommoKommoChatApi } from '../../../credentials/IntercomKommoKommoChatApi.credentials';
import { KommoChatTrigger } from '../../../nodes/KommoChatTrigger/KommoChatTrigger.node';
import {
	createWorkflow,
	deliverWebhook,
	nodeTypeOf,
	Passthrough,
	registerCredentials,
	registerNodes,
} from '../../helpers/n8n';

registerNodes(KommoChatTrigger, Passthrough);
registerCredentials(IntercomKommoKommoChatApi);

export const TRIGGER = 'Kommo Chat Trigger';
export const CREDENTIAL_TYPE = 'intercomKommoKommoChatApi';

/** The channel Kommo support registered (made-up values in the documented shapes). */
export const CHANNEL_ID = 'a4490ccc-5d7f-11e7-907b-a6006ad3dba0';
export const CHANNEL_SIGNING_HEX = '5a44c5dff55f3c15a4cce8d7c4cc27e207c7e189';
export const BOT_ID = 'c2c6b9f0-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
/** The account's id in amojo, and the scope connecting the channel to it. */
export const ACCOUNT_ID = '52e591f7-c98f-4255-8495-827210138c81';
export const SCOPE_ID = `${CHANNEL_ID}_${ACCOUNT_ID}`;

export const CREDENTIALS = {
	[CREDENTIAL_TYPE]: {
		channelId: CHANNEL_ID,
		channelSecret: CHANNEL_SIGNING_HEX,
		botId: BOT_ID,
		host: 'kommo.com',
	},
};

/** The id n8n gives the node when the workflow is saved; the Production URL starts with it. */
export const WEBHOOK_ID = '7b1d2c3e-5f60-4a7b-8c9d-0e1f2a3b4c5d';

let workflowCounter = 0;

export function workflowFor(parameters: IDataObject = {}): Workflow {
	const workflow = createWorkflow({
		id: `wf-kommo-chat-trigger-${++workflowCounter}`,
		nodes: [
			{
				name: TRIGGER,
				type: 'kommoChatTrigger',
				typeVersion: 1.1,
				parameters,
				credentials: { [CREDENTIAL_TYPE]: 'kommo-chat' },
			},
			{ name: 'Passthrough', type: 'passthrough' },
		],
	});
	workflow.getNode(TRIGGER)!.webhookId = WEBHOOK_ID;
	return workflow;
}

// ---------------------------------------------------------------------------------------------
// hooks as Kommo sends them

/** A v2 message hook of a manager's answer in the chat of Intercom conversation 1001. */
export function messageHook(): IDataObject & {
	message: IDataObject & { conversation: IDataObject; message: IDataObject };
} {
	return {
		account_id: ACCOUNT_ID,
		time: 1639572261,
		message: {
			receiver: {
				id: '2ed64e26-70a1-4857-8382-bb066a076219',
				phone: '',
				email: 'maria.gonzalez@example.com',
				client_id: 'intercom-contact-6762f1261bb69f9f2193bba7',
			},
			sender: { id: '76fc2bea-902f-425c-9a3d-dcdac4766090' },
			conversation: { id: '8e4d4baa-9e6c-4a88-838a-5f62be227bdc', client_id: 'intercom-1001' },
			source: { external_id: 'intercom-app-a86dr8yl' },
			timestamp: 1639572260,
			msec_timestamp: 1639572260980,
			message: {
				id: '0371a0ff-b78a-4c7b-8538-a7d547e10692',
				type: 'text',
				text: 'Hola María, su pedido sale mañana',
				tag: '',
				media: '',
				thumbnail: '',
				file_name: '',
				file_size: 0,
			},
		},
	};
}

/** The item the trigger puts out for {@link messageHook}. */
export function expectedMessageItem(): IDataObject {
	return {
		kind: 'message',
		scopeId: SCOPE_ID,
		accountId: ACCOUNT_ID,
		chatId: '8e4d4baa-9e6c-4a88-838a-5f62be227bdc',
		chatClientId: 'intercom-1001',
		conversationId: '1001',
		writeFirst: false,
		messageId: '0371a0ff-b78a-4c7b-8538-a7d547e10692',
		type: 'text',
		text: 'Hola María, su pedido sale mañana',
		media: '',
		thumbnail: '',
		fileName: '',
		fileSize: 0,
		mediaGroupId: null,
		senderId: '76fc2bea-902f-425c-9a3d-dcdac4766090',
		receiver: {
			id: '2ed64e26-70a1-4857-8382-bb066a076219',
			clientId: 'intercom-contact-6762f1261bb69f9f2193bba7',
			email: 'maria.gonzalez@example.com',
			phone: '',
		},
		sentAt: '2021-12-15T12:44:20.980Z',
	};
}

/** A manager typing in the chat. */
export function typingHook(): IDataObject {
	return {
		account_id: ACCOUNT_ID,
		time: 1639572261,
		action: {
			typing: {
				user: { id: '76fc2bea-902f-425c-9a3d-dcdac4766090' },
				conversation: { id: '8e4d4baa-9e6c-4a88-838a-5f62be227bdc', client_id: 'intercom-1001' },
				expired_at: 1639572266,
			},
		},
	};
}

/** Kommo's signature: lowercase hex HMAC-SHA1 of the raw body under the channel secret. */
export function sign(body: Buffer | string, secret = CHANNEL_SIGNING_HEX): string {
	return createHmac('sha1', secret).update(body).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// n8n's routing

/**
 * The trigger's webhook as n8n registers it (WebhookService.getNodeWebhooks, then createWebhook):
 * the stored path, and the Production URL the editor shows (both computed by n8n-workflow's own
 * NodeHelpers, which n8n and its editor use).
 */
export function registeredWebhook(workflow: Workflow, baseUrl = 'https://n8n.example.com/webhook') {
	const node = workflow.getNode(TRIGGER)!;
	const [description] = nodeTypeOf(workflow, TRIGGER).description.webhooks!;
	const path = description.path as string;
	const isFullPath = description.isFullPath as boolean;
	return {
		storedPath: NodeHelpers.getNodeWebhookPath(workflow.id, node, path, isFullPath),
		productionUrl: NodeHelpers.getNodeWebhookUrl(baseUrl, workflow.id, node, path, isFullPath),
	};
}

/**
 * The route parameters n8n gives the trigger for a request to `/webhook/<requestPath>`, or null when
 * n8n would answer 404. Mirrors n8n 2.41's WebhookService.findDynamicWebhook (the first segment is
 * the node's webhook id, the rest has as many segments as the stored path and holds all its fixed
 * ones) and LiveWebhooks.executeWebhook (each `:name` segment becomes `params.name`).
 */
export function route(workflow: Workflow, requestPath: string): Record<string, string> | null {
	const { storedPath } = registeredWebhook(workflow);
	const stored = storedPath.split('/');
	const [webhookId, ...segments] = requestPath.split('/');
	if (webhookId !== workflow.getNode(TRIGGER)!.webhookId) return null;
	if (segments.length !== stored.length) return null;
	const fixed = stored.filter((segment) => !segment.startsWith(':'));
	if (!fixed.every((segment) => segments.includes(segment))) return null;
	const params: Record<string, string> = {};
	stored.forEach((segment, index) => {
		if (segment.startsWith(':')) params[segment.slice(1)] = segments[index];
	});
	return params;
}

// ---------------------------------------------------------------------------------------------
// one delivery

export interface HookResponse {
	status: number;
	body: string;
}

/**
 * POSTs `body` to `/webhook/<requestPath>` (by default the channel's scope) and runs the trigger's
 * `webhook()` through n8n-core's WebhookContext, with the raw bytes in `rawBody` and the JSON parsed
 * as n8n's body parser does. `signature` undefined signs the body; null sends no X-Signature.
 */
export async function deliverHook(options: {
	workflow: Workflow;
	body: IDataObject | string | Buffer;
	signature?: string | null;
	scopeId?: string;
	requestPath?: string;
	credentials?: Record<string, IDataObject>;
}): Promise<{ response: HookResponse; result: IWebhookResponseData }> {
	const { workflow } = options;
	const raw = Buffer.isBuffer(options.body)
		? options.body
		: Buffer.from(
				typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
				'utf8',
			);
	const requestPath =
		options.requestPath ?? `${WEBHOOK_ID}/kommo-chat/${options.scopeId ?? SCOPE_ID}`;
	const params = route(workflow, requestPath);
	if (params === null) throw new Error(`n8n routes no webhook to /webhook/${requestPath}`);

	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'user-agent': 'amoCRM-Chats-Webhook/1.0',
	};
	const signature = options.signature === undefined ? sign(raw) : options.signature;
	if (signature !== null) headers['x-signature'] = signature;

	// what n8n answers for responseMode onReceived comes before the workflow runs
	const { response, result } = await deliverWebhook({
		workflow,
		nodeName: TRIGGER,
		headers,
		body: raw,
		credentials: (options.credentials ?? CREDENTIALS) as never,
		route: { url: `/webhook/${requestPath}`, path: registeredWebhook(workflow).storedPath, params },
	});
	return { response: { status: response.status, body: response.body }, result };
}

export function itemsOf(result: IWebhookResponseData): IDataObject[] {
	return (result.workflowData ?? []).flat().map((item) => item.json);
}

/** The JSON the trigger answered. */
export function answerOf(response: HookResponse): IDataObject {
	return JSON.parse(response.body) as IDataObject;
}
