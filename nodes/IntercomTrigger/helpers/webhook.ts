import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { readRawBody } from '../../shared/webhookBody';
import { dedupMemoryKey, rememberNotification } from './dedup';
import {
	checkConversationItem,
	isConversationTopic,
	isTopicSelected,
	parseNotification,
	toTriggerOutput,
} from './notification';
import { SIGNATURE_HEADER, verifySignature } from './signature';

export const CREDENTIAL_TYPE = 'intercomKommoIntercomApi';

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

/**
 * Order of checks: HEAD (Intercom testing the URL) answers 200; the signature (401), the envelope
 * (400), ping, the topic filter, the conversation item (400) and redeliveries come next; only then
 * does an execution start.
 */
export async function handleIntercomWebhook(
	this: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();

	// Intercom checks the URL with a HEAD request when it is saved in the Developer Hub.
	if (req.method === 'HEAD') return respond(this, 200, '');

	const rawBody = await readRawBody(this);

	if (this.getNodeParameter('verifySignature', true) as boolean) {
		const secret = await clientSecretOf(this);
		if ('problem' in secret) return respond(this, 401, secret.problem);
		const header = req.headers[SIGNATURE_HEADER];
		if (!verifySignature(rawBody, typeof header === 'string' ? header : undefined, secret.secret)) {
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
			notification.id,
		);
		if (!isNew) return respond(this, 200, 'Notification already received; ignored.');
	}

	return {
		workflowData: [this.helpers.returnJsonArray([toTriggerOutput(notification)])],
	};
}
