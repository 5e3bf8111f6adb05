/**
 * What every node reads from an Intercom conversation the same way: its id as users paste or map
 * it, and the customer it belongs to. The Intercom node, the Intercom Trigger, the Transcript and
 * the Kommo node (which stores conversation ids in transcript markers) all go through here.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isObject } from './values';

/** Matches the conversation id in inbox links such as `…/inbox/conversation/215468?view=List`. */
export const CONVERSATION_URL_REGEX =
	'^https?://[^\\s/]*intercom\\.(?:com|io)/.*/conversations?/(\\d+)(?:[/?#].*)?$';

const conversationUrl = new RegExp(CONVERSATION_URL_REGEX, 'i');
const plainId = /^\d+$/;

/**
 * An Intercom conversation id: digits (text or a number), or a resource locator value holding them.
 * With `links` (a resource locator's "By URL" mode) an inbox link is accepted too; a plain text
 * option says so in its message instead.
 */
export function parseConversationId(
	node: INode,
	raw: unknown,
	itemIndex: number,
	{ links }: { links: boolean } = { links: true },
): string {
	const value =
		raw && typeof raw === 'object' && 'value' in raw ? (raw as { value: unknown }).value : raw;
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (plainId.test(text)) return text;
	const fromUrl = links ? conversationUrl.exec(text) : null;
	if (fromUrl) return fromUrl[1];
	if (!links) {
		throw new NodeOperationError(
			node,
			`"${text}" is not an Intercom conversation ID (expected something like 215468)`,
			{ itemIndex },
		);
	}
	const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
	throw new NodeOperationError(
		node,
		text
			? `"${shown}" is not an Intercom conversation ID or conversation link`
			: 'No conversation ID given',
		{
			itemIndex,
			description:
				'Use the numeric conversation ID (e.g. 215468) or a link copied from the Intercom inbox, e.g. https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468',
		},
	);
}

/** Intercom's author types for the customer side of a conversation (the rest are teammates and bots). */
export const CUSTOMER_AUTHOR_TYPES: ReadonlySet<string> = new Set(['user', 'lead', 'contact']);

export function isCustomerAuthor(author: unknown): author is IDataObject {
	return isObject(author) && CUSTOMER_AUTHOR_TYPES.has(String(author.type));
}

export interface Customer extends IDataObject {
	id: string | null;
	name: string | null;
	email: string | null;
}

function textOrNull(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	return null;
}

/** The author of the opening message, when a customer wrote it (as the conversation shows it). */
export function sourceCustomer(conversation: IDataObject): Customer | null {
	const source = isObject(conversation.source) ? conversation.source : undefined;
	const author = source?.author;
	if (!isCustomerAuthor(author)) return null;
	return {
		id: textOrNull(author.id),
		name: textOrNull(author.name),
		email: textOrNull(author.email),
	};
}

/** The first contact attached to the conversation (Intercom lists them by id only). */
export function firstContactId(conversation: IDataObject): string | null {
	const contacts = isObject(conversation.contacts) ? conversation.contacts.contacts : undefined;
	const first = Array.isArray(contacts) ? (contacts[0] as unknown) : undefined;
	return isObject(first) ? textOrNull(first.id) : null;
}

/** The customer authors of the opening message and of every part, in conversation order. */
export function customerAuthors(conversation: IDataObject): IDataObject[] {
	const source = isObject(conversation.source) ? conversation.source : undefined;
	const list = isObject(conversation.conversation_parts)
		? conversation.conversation_parts.conversation_parts
		: undefined;
	const parts = Array.isArray(list) ? (list as unknown[]) : [];
	return [
		source?.author,
		...parts.map((part) => (isObject(part) ? part.author : undefined)),
	].filter(isCustomerAuthor);
}

/**
 * The customer behind a conversation: the author of the first message when a customer wrote it,
 * otherwise the first attached contact (an id only; name and email are left null, not guessed).
 */
export function customerOf(conversation: IDataObject): Customer {
	return (
		sourceCustomer(conversation) ?? { id: firstContactId(conversation), name: null, email: null }
	);
}
