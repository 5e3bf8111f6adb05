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

/** A contact's `role` in Intercom; a conversation shows it as the author `type` of the contact's messages. */
export type CustomerRole = 'user' | 'lead';

export interface Customer extends IDataObject {
	id: string | null;
	name: string | null;
	email: string | null;
	role: CustomerRole | null;
}

/** A trimmed, non-empty text (ids may come as numbers), else null: `""` is "not shown", not a value. */
function filled(value: unknown): string | null {
	if (typeof value === 'number') return String(value);
	return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function roleOf(value: unknown): CustomerRole | null {
	return value === 'user' || value === 'lead' ? value : null;
}

function sourceAuthor(conversation: IDataObject): IDataObject | undefined {
	const source = isObject(conversation.source) ? conversation.source : undefined;
	return isCustomerAuthor(source?.author) ? source.author : undefined;
}

/** The customer authors of the opening message and of every part, in conversation order. */
function customerAuthors(conversation: IDataObject): IDataObject[] {
	const list = isObject(conversation.conversation_parts)
		? conversation.conversation_parts.conversation_parts
		: undefined;
	const parts = Array.isArray(list) ? (list as unknown[]) : [];
	return [
		sourceAuthor(conversation),
		...parts.map((part) => (isObject(part) ? part.author : undefined)),
	].filter(isCustomerAuthor);
}

/** The ids of the contacts attached to the conversation (Intercom lists them by id only). */
function contactIds(conversation: IDataObject): string[] {
	const contacts = isObject(conversation.contacts) ? conversation.contacts.contacts : undefined;
	if (!Array.isArray(contacts)) return [];
	return (contacts as unknown[])
		.map((contact) => (isObject(contact) ? filled(contact.id) : null))
		.filter((id): id is string => id !== null);
}

/**
 * Which contact is the customer. `contacts` is Intercom's current list of the conversation's
 * customers, and the one list that names a contact `GET /contacts/{id}` still finds (a lead merged
 * into a user keeps its old id on the messages it wrote). So: the author of the opening message
 * when a customer wrote it and is still listed (with several contacts, the one who started the
 * chat); otherwise the first listed contact (a chat a teammate or a campaign started). The opener is
 * also taken when the conversation lists no contacts at all.
 */
function customerId(conversation: IDataObject): string | null {
	const contacts = contactIds(conversation);
	const opener = filled(sourceAuthor(conversation)?.id);
	if (opener !== null && (contacts.length === 0 || contacts.includes(opener))) return opener;
	return contacts[0] ?? null;
}

/**
 * The customer of an Intercom conversation: the one rule the Intercom Trigger, Conversations › Get
 * and the Transcript share.
 *
 * - `known` is what the caller already holds about the customer: a contact Get fetched from
 *   `GET /contacts/{id}`, or the `customer` field an item carries (from Get or the Trigger). Any
 *   object with `id`, `name`, `email` and `role` will do; anything else is ignored.
 * - Id: `known.id` when it has one, else the contact the conversation names (see `customerId`).
 * - Name, email and role, each on its own: `known`'s value; else the newest message that contact
 *   wrote in the conversation that shows one (a lead who became a user reads as the user; the role
 *   is the author `type` `user` or `lead`, `contact` shows none); else null. Messages written under
 *   another id are never borrowed from, and nothing is guessed.
 *
 * Fields the conversation cannot show stay null (an id alone when the customer never wrote); Get
 * fetches that contact and calls this again with it as `known`.
 */
export function conversationCustomer(conversation: IDataObject, known?: unknown): Customer {
	const given = isObject(known) ? known : {};
	const customer: Customer = {
		id: filled(given.id) ?? customerId(conversation),
		name: filled(given.name),
		email: filled(given.email),
		role: roleOf(given.role),
	};
	if (customer.id === null) return customer;
	for (const author of customerAuthors(conversation).reverse()) {
		if (filled(author.id) !== customer.id) continue;
		customer.name ??= filled(author.name);
		customer.email ??= filled(author.email);
		customer.role ??= roleOf(author.type);
	}
	return customer;
}
