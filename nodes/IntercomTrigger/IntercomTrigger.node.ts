import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	checkConversationItem,
	dedupMemoryKey,
	isConversationTopic,
	isTopicSelected,
	parseNotification,
	rememberNotification,
	SIGNATURE_HEADER,
	toTriggerOutput,
	verifySignature,
} from './IntercomTriggerHelpers';

const CREDENTIAL_TYPE = 'intercomKommoIntercomApi';

/** Same as the `topics` default below, which the lint rules want written out as a literal. */
export const DEFAULT_TOPICS = ['conversation.user.created', 'conversation.user.replied'];

/** Answers without starting an execution. */
function respond(
	context: IWebhookFunctions,
	status: number,
	message: string,
): IWebhookResponseData {
	context.getResponseObject().status(status).send(message);
	return { noWebhookResponse: true };
}

/** n8n's body parser normally fills `rawBody`; older paths only fill it on request. */
async function readRawBody(context: IWebhookFunctions): Promise<Buffer> {
	const req = context.getRequestObject();
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') {
		await req.readRawBody();
	}
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
}

/** The client secret, or the reason the node cannot check signatures (sent back as the 401 body). */
async function clientSecretOf(
	context: IWebhookFunctions,
): Promise<{ secret: string } | { problem: string }> {
	let credentials: IDataObject;
	try {
		credentials = await context.getCredentials(CREDENTIAL_TYPE);
	} catch (error) {
		context.logger.warn('Intercom Trigger: no usable credential to verify webhook signatures', {
			node: context.getNode().name,
			reason: (error as Error).name,
		});
		return {
			problem:
				'Signature check failed: the Intercom Trigger has no Intercom credential. Ask the n8n admin to attach one that holds the app Client Secret.',
		};
	}
	const secret = credentials.clientSecret;
	if (typeof secret !== 'string' || secret.length === 0) {
		return {
			problem:
				'Signature check failed: the Intercom credential has no Client Secret. Ask the n8n admin to add the app Client Secret (Developer Hub → your app → Configure → Basic information) to the credential.',
		};
	}
	return { secret };
}

export class IntercomTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Intercom Trigger',
		name: 'intercomTrigger',
		icon: { light: 'file:../../icons/intercom.svg', dark: 'file:../../icons/intercom.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["topics"] || []).length + " topic(s)" }}',
		description: 'Starts the workflow when Intercom sends a conversation webhook',
		defaults: { name: 'Intercom Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: CREDENTIAL_TYPE,
				required: true,
				displayOptions: { show: { verifySignature: [true] } },
			},
		],
		/*
		 * n8n registers one webhook per description (keyed by method + path), so POST and HEAD share
		 * the URL. Lifecycle methods are looked up by description name: both use `default`, and
		 * checkExists/create/delete only touch local state, so running them once per description is
		 * harmless. The HEAD entry is hidden in the editor so only one URL is shown.
		 */
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
			{
				name: 'default',
				httpMethod: 'HEAD',
				responseMode: 'onReceived',
				path: 'webhook',
				ndvHideUrl: true,
				ndvHideMethod: true,
			},
		],
		properties: [
			{
				displayName:
					'Intercom has no API to register webhooks. Copy the Production URL above into the Intercom Developer Hub → your app → Configure → Webhooks, select the same topics as below, and add the app Client Secret (Configure → Basic information) to the credential so this node can check that each request really comes from Intercom.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Topics',
				name: 'topics',
				type: 'multiOptions',
				required: true,
				default: ['conversation.user.created', 'conversation.user.replied'],
				description:
					'Which notifications start the workflow. Intercom only sends the topics selected in the Developer Hub; others are answered and ignored here.',
				options: [
					{
						name: 'Contact Attached to Conversation',
						value: 'conversation.contact.attached',
					},
					{
						name: 'Contact Detached From Conversation',
						value: 'conversation.contact.detached',
					},
					{ name: 'Conversation Assigned', value: 'conversation.admin.assigned' },
					{ name: 'Conversation Closed', value: 'conversation.admin.closed' },
					{ name: 'Conversation Deleted', value: 'conversation.deleted' },
					{ name: 'Conversation Part Redacted', value: 'conversation_part.redacted' },
					{
						name: 'Conversation Part Tagged',
						value: 'conversation_part.tag.created',
						description:
							'Payload shape is not documented by Intercom; the conversation ID may be null',
					},
					{ name: 'Conversation Priority Updated', value: 'conversation.priority.updated' },
					{ name: 'Conversation Rating Added', value: 'conversation.rating.added' },
					{ name: 'Conversation Read by Customer', value: 'conversation.read' },
					{ name: 'Conversation Reopened', value: 'conversation.admin.opened' },
					{ name: 'Conversation Snoozed', value: 'conversation.admin.snoozed' },
					{ name: 'Conversation Unsnoozed', value: 'conversation.admin.unsnoozed' },
					{ name: 'Customer Replied', value: 'conversation.user.replied' },
					{ name: 'Customer Started a Conversation', value: 'conversation.user.created' },
					{
						name: 'Fin or Bot Replied',
						value: 'conversation.operator.replied',
					},
					{ name: 'Open Conversation Assigned', value: 'conversation.admin.open.assigned' },
					{ name: 'Teammate Added a Note', value: 'conversation.admin.noted' },
					{ name: 'Teammate Replied', value: 'conversation.admin.replied' },
					{
						name: 'Teammate Started a Conversation',
						value: 'conversation.admin.single.created',
					},
				],
			},
			{
				displayName: 'Verify Signature',
				name: 'verifySignature',
				type: 'boolean',
				default: true,
				description:
					'Whether to reject requests whose X-Hub-Signature does not match the app Client Secret',
			},
			{
				displayName:
					'Signature checking is off: anyone who knows this URL can start the workflow with made-up data. Turn it off only for local testing.',
				name: 'verificationOffNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { verifySignature: [false] } },
			},
		],
	};

	/*
	 * Intercom subscriptions are set up by hand in the Developer Hub (there is no subscription API),
	 * so these only manage the node's own state.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			/*
			 * n8n calls this when a workflow is saved or a test listener stops, while the production
			 * listener of the same node keeps receiving Intercom's retries: the ids it has seen stay.
			 */
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();

		// Intercom checks the URL with a HEAD request when it is saved in the Developer Hub.
		if (req.method === 'HEAD') return respond(this, 200, '');

		const rawBody = await readRawBody(this);

		if (this.getNodeParameter('verifySignature', true) as boolean) {
			const secret = await clientSecretOf(this);
			if ('problem' in secret) return respond(this, 401, secret.problem);
			const header = req.headers[SIGNATURE_HEADER];
			if (
				!verifySignature(rawBody, typeof header === 'string' ? header : undefined, secret.secret)
			) {
				return respond(this, 401, 'Invalid or missing X-Hub-Signature.');
			}
		}

		const parsed = parseNotification(rawBody);
		if (!parsed.valid) return respond(this, 400, parsed.reason);
		const { notification } = parsed;

		if (notification.topic === 'ping') return respond(this, 200, 'pong');

		const topics = this.getNodeParameter('topics', DEFAULT_TOPICS) as string[];
		if (!isTopicSelected(notification.topic, topics)) {
			return respond(this, 200, 'Topic not selected in the Intercom Trigger; ignored.');
		}

		if (isConversationTopic(notification.topic)) {
			const item = checkConversationItem(notification);
			if (!item.valid) return respond(this, 400, item.reason);
		}

		if (typeof notification.id === 'string' && notification.id.length > 0) {
			const isNew = rememberNotification(
				dedupMemoryKey(this.getWorkflow().id, this.getNode().name),
				this.getWorkflowStaticData('node'),
				notification.id,
			);
			if (!isNew) return respond(this, 200, 'Notification already received; ignored.');
		}

		return {
			workflowData: [this.helpers.returnJsonArray([toTriggerOutput(notification)])],
		};
	}
}
