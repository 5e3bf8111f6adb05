import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { now } from '../../shared/clock';
import { inProcessMemory } from '../../shared/processMemory';
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
 * Client secrets that verified a signature lately, per credential. Reading a credential in
 * `webhook()` costs n8n 2.x's default expression engine a fresh isolate (measured: about 90 ms of the
 * answer), so a delivery is checked against the secret that verified the last one first; only when
 * that fails, or it is older than {@link SECRET_REUSE_MS}, is the credential read again. A changed
 * secret therefore takes effect on the next delivery, and a forged request always costs a read.
 */
const verifiedSecrets = inProcessMemory(new Map<string, { secret: string; at: number }>());
export const SECRET_REUSE_MS = 60_000;

function credentialKey(context: IWebhookFunctions): string | undefined {
	const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
	const id = reference?.id;
	return id
		? `${context.getWorkflow().id ?? ''}\u0000${context.getNode().name}\u0000${id}`
		: undefined;
}

/** null when the signature is good; else the 401 body. */
async function signatureProblem(
	context: IWebhookFunctions,
	rawBody: Buffer,
	header: string | undefined,
): Promise<string | null> {
	const key = credentialKey(context);
	const remembered = key ? verifiedSecrets.get(key) : undefined;
	if (remembered && now() - remembered.at < SECRET_REUSE_MS) {
		if (verifySignature(rawBody, header, remembered.secret)) return null;
	}
	const secret = await clientSecretOf(context);
	if ('problem' in secret) return secret.problem;
	if (!verifySignature(rawBody, header, secret.secret))
		return 'Invalid or missing X-Hub-Signature.';
	if (key) verifiedSecrets.set(key, { secret: secret.secret, at: now() });
	return null;
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
		const header = req.headers[SIGNATURE_HEADER];
		const problem = await signatureProblem(
			this,
			rawBody,
			typeof header === 'string' ? header : undefined,
		);
		if (problem !== null) return respond(this, 401, problem);
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
