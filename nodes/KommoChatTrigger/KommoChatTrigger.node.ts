import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { KOMMO_CHAT_CREDENTIAL } from '../shared/kommo/chat/channel';
import { SCOPE_PARAMETER } from './helpers/scope';
import { handleKommoChatWebhook } from './helpers/webhook';

/**
 * Kommo registers one URL per chat channel and puts the account's scope at its end, in place of
 * `:scope_id`. n8n routes such a path only as a "full path" (the way its Webhook node does
 * `users/:id`): it then stores the path as `kommo-chat/:scope_id` under the node's webhook id,
 * matches requests to `<webhook id>/kommo-chat/<anything>` and hands `<anything>` to the node as
 * the route parameter. Without `isFullPath` n8n would store `<webhook id>/kommo-chat/:scope_id`, one
 * segment longer than the request paths it compares it with, and no hook would ever arrive. The
 * editor and n8n show the Production URL as `<n8n webhook base>/<webhook id>/kommo-chat/:scope_id`.
 */
export const WEBHOOK_PATH = `kommo-chat/:${SCOPE_PARAMETER}`;

export class KommoChatTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kommo Chat Trigger',
		name: 'kommoChatTrigger',
		icon: { light: 'file:../../icons/kommo.svg', dark: 'file:../../icons/kommo.dark.svg' },
		group: ['trigger'],
		// Not 1: for a trigger of version 1 n8n evaluates an expression
		// ($parameter.options.binaryData) on every webhook it receives, before the node runs; from 1.1
		// on it does not, and Kommo gives the answer 5 seconds (docs/benchmark-runs/run-E.md).
		version: 1.1,
		subtitle: 'Messages written in Kommo',
		description:
			'Starts the workflow when a Kommo user writes in a chat of your Kommo chat channel',
		defaults: { name: 'Kommo Chat Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: KOMMO_CHAT_CREDENTIAL, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// Kommo sends each hook once and waits 5 s for a 200: answer at once, work afterwards
				responseMode: 'onReceived',
				path: WEBHOOK_PATH,
				isFullPath: true,
			},
		],
		properties: [
			{
				displayName:
					"Kommo has no API to register this URL: send the Production URL above to Kommo technical support as the webhook URL of your chat channel, exactly as shown, ending in /:scope_id. Keep :scope_id as it is: Kommo puts the scope of your account there on every hook. The credential's Channel Secret lets this node refuse (401) any request Kommo did not sign.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: "Chats Opened in Kommo ('Write First')",
				name: 'writeFirstChats',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Output Them',
						value: 'output',
						description:
							'Start the workflow with conversationId null and writeFirst true; the workflow decides what to do',
					},
					{
						name: 'Ignore Them',
						value: 'ignore',
						description: 'Answer Kommo and start nothing',
					},
				],
				default: 'output',
				description:
					'What to do with messages of a chat a Kommo user opened with "Write first", which has no Intercom conversation behind it. Output is the default because Kommo never sends a hook again: an ignored message is gone, while an output one lets the workflow tell the manager (for example by setting its delivery status to failed) or alert someone.',
			},
		],
	};

	/*
	 * Kommo support registers the webhook URL by hand when it sets up the channel; there is no API
	 * to create or remove it, so there is nothing to do here. n8n would skip absent methods, but its
	 * community-package scanner (@n8n/community-nodes/webhook-lifecycle-complete) requires all three
	 * on a webhook trigger.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleKommoChatWebhook.call(this);
	}
}
