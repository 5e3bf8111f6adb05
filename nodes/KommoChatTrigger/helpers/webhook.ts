import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { kommoChatChannelOf, KOMMO_CHAT_CREDENTIAL } from '../../shared/kommo/chat/channel';
import type { KommoChatChannel } from '../../shared/kommo/chat/channel';
import { HOOK_SIGNATURE_HEADER, verifyHookSignature } from '../../shared/kommo/chat/hookSignature';
import { readRawBody } from '../../shared/webhookBody';
import { parseHook, toMessageItem } from './hook';
import { checkScope, isSameAccount, SCOPE_PARAMETER } from './scope';

/** The values of the "Chats Opened in Kommo ('Write First')" option (the node's lint rules want them written out there). */
export const WRITE_FIRST_OUTPUT = 'output';
export const WRITE_FIRST_IGNORE = 'ignore';

const LOG_PREFIX = 'Kommo Chat Trigger:';

/** Answers without starting an execution. */
function respond(
	context: IWebhookFunctions,
	status: number,
	body: { error: string } | { message: string },
): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/** The channel of the credential, or the reason the node cannot check signatures. */
async function channelOf(
	context: IWebhookFunctions,
): Promise<{ channel: KommoChatChannel } | { problem: string }> {
	let credentials: IDataObject;
	try {
		credentials = await context.getCredentials(KOMMO_CHAT_CREDENTIAL);
	} catch (error) {
		context.logger.warn(`${LOG_PREFIX} no usable credential to verify hook signatures`, {
			node: context.getNode().name,
			reason: (error as Error).name,
		});
		return {
			problem:
				'Signature check failed: the Kommo Chat Trigger has no Kommo Chat Channel credential. Ask the n8n admin to attach one.',
		};
	}
	try {
		return { channel: kommoChatChannelOf(credentials) };
	} catch (error) {
		// the reader's messages name the field to fix, never the secret
		const reason = (error as Error).message;
		context.logger.warn(`${LOG_PREFIX} ${reason}`, { node: context.getNode().name });
		return { problem: `Signature check failed: ${reason}` };
	}
}

/** Logged for hooks answered without an execution that someone may need to look into. */
function warnIgnored(context: IWebhookFunctions, reason: string, scopeId: unknown): void {
	context.logger.warn(`${LOG_PREFIX} hook not used: ${reason}`, {
		node: context.getNode().name,
		workflowId: context.getWorkflow().id,
		scopeId: typeof scopeId === 'string' ? scopeId : undefined,
	});
}

/**
 * Kommo sends each hook once and never again, and wants HTTP 200 within 5 seconds. Everything here
 * is local (one credential read, one HMAC, one JSON parse): the answer goes out when this returns,
 * before the workflow runs (responseMode onReceived).
 *
 * Order of checks:
 * 1. the signature (401): first, so a caller without the channel secret learns nothing else;
 * 2. the URL's scope belongs to the credential's channel (404): a hook for another channel;
 * 3. the body: not JSON, or a message without its id, is answered 200 and logged, since Kommo
 *    would not resend it after any other answer either;
 * 4. typing and reactions: 200, no execution;
 * 5. the body's account is the one the scope names (404): the signature covers the body only, so
 *    the URL could have been changed;
 * 6. "Write first" chats, if the node ignores them: 200, no execution.
 */
export async function handleKommoChatWebhook(
	this: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	const rawBody = await readRawBody(this);

	const channel = await channelOf(this);
	if ('problem' in channel) return respond(this, 401, { error: channel.problem });

	const header = this.getHeaderData()[HOOK_SIGNATURE_HEADER];
	const signature = typeof header === 'string' ? header : undefined;
	if (!verifyHookSignature(rawBody, signature, channel.channel.secret)) {
		return respond(this, 401, { error: 'Invalid or missing X-Signature.' });
	}

	const scopeId = (this.getParamsData() as IDataObject)[SCOPE_PARAMETER];
	const scope = checkScope(scopeId, channel.channel.channelId);
	if (!scope.valid) {
		warnIgnored(this, scope.reason, scopeId);
		return respond(this, 404, { error: scope.reason });
	}

	const parsed = parseHook(rawBody);
	if (parsed.kind === 'unusable') {
		warnIgnored(this, parsed.reason, scope.scopeId);
		return respond(this, 200, { message: `Hook ignored: ${parsed.reason}.` });
	}
	if (parsed.kind !== 'message') {
		return respond(this, 200, { message: `Hook ignored: ${parsed.kind} hooks start nothing.` });
	}

	if (!isSameAccount(scope.accountId, parsed.body.account_id)) {
		const reason = "The hook's account_id is not the account of the scope in the URL.";
		warnIgnored(this, reason, scope.scopeId);
		return respond(this, 404, { error: reason });
	}

	const item = toMessageItem(parsed, scope.scopeId);
	const writeFirstChats = this.getNodeParameter('writeFirstChats', WRITE_FIRST_OUTPUT) as string;
	if (item.writeFirst && writeFirstChats === WRITE_FIRST_IGNORE) {
		return respond(this, 200, {
			message: 'Hook ignored: a chat opened in Kommo with "Write first".',
		});
	}

	return { workflowData: [this.helpers.returnJsonArray([item])] };
}
