/**
 * The hooks Kommo's Chat API (amojo) posts to a channel's webhook URL, format v2
 * (https://developers.kommo.com/reference/receiving-chat-webhooks; the amoCRM text of the same API,
 * https://www.amocrm.ru/developers/content/chats/chat-webhooks, has the full field list):
 *
 * - a message a Kommo user wrote in a chat of the channel: `{ account_id, time, message: {...} }`;
 * - typing: `{ account_id, time, action: { typing: {...} } }`;
 * - a reaction to a message: `{ account_id, time, action: { reaction: {...} } }`.
 *
 * Only messages start the workflow; this module tells the kinds apart and turns a message hook into
 * the trigger's item. Pure: no n8n, no I/O.
 */
import type { IDataObject } from 'n8n-workflow';

import { intercomConversationIdOf } from '../../shared/kommo/chat/messageId';
import { isObject } from '../../shared/values';

export type ParsedHook =
	| { kind: 'message'; body: IDataObject; message: IDataObject }
	| { kind: 'typing' | 'reaction'; body: IDataObject }
	| { kind: 'unusable'; reason: string };

/** What the trigger puts out for a message a Kommo user wrote. */
export interface MessageItem extends IDataObject {
	kind: 'message';
	/** from the URL, checked against the channel and the body's account */
	scopeId: string;
	/** the account's id in amojo (not the CRM account number) */
	accountId: string;
	/** amojo's id of the chat */
	chatId: string | null;
	/** our id of the chat (`intercom-<conversation id>`), null for a chat opened with "Write first" */
	chatClientId: string | null;
	/** the Intercom conversation `chatClientId` names, or null */
	conversationId: string | null;
	/** true when a Kommo user opened the chat with "Write first": it has no chat of ours behind it */
	writeFirst: boolean;
	/** amojo's id of the message: what setting its delivery status in Kommo needs */
	messageId: string;
	type: string;
	text: string;
	media: string;
	thumbnail: string;
	fileName: string;
	fileSize: number;
	mediaGroupId: string | null;
	/** amojo's id of the Kommo user who wrote it */
	senderId: string | null;
	receiver: { id: string | null; clientId: string | null; email: string; phone: string };
	/** when the user sent it, ISO 8601; null when the hook gives no usable time */
	sentAt: string | null;
	/** the message template the Kommo user sent, as Kommo describes it; only when one was used */
	templateUsed?: IDataObject;
}

function objectAt(value: unknown): IDataObject {
	return isObject(value) ? value : {};
}

/** A non-empty string, or null. */
function idOf(value: unknown): string | null {
	if (typeof value === 'string') return value === '' ? null : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function textOf(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

function isoFromMs(ms: unknown): string | null {
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return null;
	const date = new Date(ms);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The time the message was sent: `msec_timestamp` (ms), else `timestamp` (s). */
function sentAtOf(message: IDataObject): string | null {
	const seconds = message.timestamp;
	return (
		isoFromMs(message.msec_timestamp) ??
		(typeof seconds === 'number' ? isoFromMs(seconds * 1000) : null)
	);
}

/**
 * Which hook `rawBody` is. Never throws: a body that is not JSON, or a message hook without the
 * message id (nothing could be done with the message: its delivery status cannot even be set), is
 * `unusable`, with a reason that names no content of the message.
 */
export function parseHook(rawBody: Buffer): ParsedHook {
	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return { kind: 'unusable', reason: 'the body is not JSON' };
	}
	if (!isObject(body)) return { kind: 'unusable', reason: 'the body is not a JSON object' };

	const action = body.action;
	if (isObject(action)) {
		if ('typing' in action) return { kind: 'typing', body };
		if ('reaction' in action) return { kind: 'reaction', body };
		return { kind: 'unusable', reason: 'the hook has an action this trigger does not know' };
	}

	const message = body.message;
	if (!isObject(message)) {
		return { kind: 'unusable', reason: 'the hook has neither a message nor an action' };
	}
	if (idOf(objectAt(message.message).id) === null) {
		return { kind: 'unusable', reason: 'the message hook has no message.message.id' };
	}
	return { kind: 'message', body, message };
}

/** The trigger's item for a message hook (`parseHook` said `message`) that came in on `scopeId`. */
export function toMessageItem(
	parsed: Extract<ParsedHook, { kind: 'message' }>,
	scopeId: string,
): MessageItem {
	const { body, message } = parsed;
	const content = objectAt(message.message);
	const conversation = objectAt(message.conversation);
	const receiver = objectAt(message.receiver);
	const chatClientId = idOf(conversation.client_id);
	const fileSize = content.file_size;

	const item: MessageItem = {
		kind: 'message',
		scopeId,
		accountId: String(body.account_id),
		chatId: idOf(conversation.id),
		chatClientId,
		conversationId: intercomConversationIdOf(chatClientId),
		writeFirst: chatClientId === null,
		messageId: idOf(content.id) as string,
		type: textOf(content.type),
		text: textOf(content.text),
		media: textOf(content.media),
		thumbnail: textOf(content.thumbnail),
		fileName: textOf(content.file_name),
		fileSize: typeof fileSize === 'number' && Number.isFinite(fileSize) ? fileSize : 0,
		mediaGroupId: idOf(content.media_group_id),
		senderId: idOf(objectAt(message.sender).id),
		receiver: {
			id: idOf(receiver.id),
			clientId: idOf(receiver.client_id),
			email: textOf(receiver.email),
			phone: textOf(receiver.phone),
		},
		sentAt: sentAtOf(message),
	};
	if (isObject(content.template)) item.templateUsed = content.template;
	return item;
}
