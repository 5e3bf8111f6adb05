import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE, handleIntercomWebhook } from './helpers/webhook';

export class IntercomTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Intercom Trigger',
		name: 'intercomTrigger',
		icon: { light: 'file:../../icons/intercom.svg', dark: 'file:../../icons/intercom.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly as 1. n8n evaluates an expression ($parameter.options.binaryData) for
		// every webhook a trigger of version 1 receives, to decide whether to parse the body; from
		// 1.1 on it parses JSON and form bodies without one, which under n8n 2.x's default
		// expression engine saves ~3 ms per notification (docs/benchmark-runs/run-E.md).
		version: [1, 1.1],
		defaultVersion: 1.1,
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
	 * so there is nothing to register: n8n would skip absent methods (webhook.service.js
	 * runWebhookMethod returns when the method is undefined), but n8n's community-package scanner
	 * (@n8n/community-nodes/webhook-lifecycle-complete) requires all three on a webhook trigger.
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
		return await handleIntercomWebhook.call(this);
	}
}
