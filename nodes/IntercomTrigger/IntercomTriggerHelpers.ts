import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

/**
 * Intercom signs every notification with `X-Hub-Signature: sha1=<hex>`, an HMAC-SHA1 of the raw
 * request body keyed with the app's client secret (developers.intercom.com, "Signed notifications").
 */
export const SIGNATURE_HEADER = 'x-hub-signature';

const SIGNATURE_PREFIX = 'sha1=';

/**
 * Intercom documents lowercase hex. Upper-case hex digits are accepted on purpose: hex decoding is
 * case-insensitive, so both spellings name the same 20 bytes and the comparison below is done on
 * bytes, not on text. Anything that is not exactly 40 hex digits is rejected before decoding,
 * because Buffer.from(…, 'hex') silently stops at the first non-hex character.
 */
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

/**
 * Whether `header` is a valid Intercom signature of `rawBody` under `secret`. Pure; never throws:
 * every input that could make the crypto calls throw is rejected first.
 */
export function verifySignature(
	rawBody: Buffer,
	header: string | undefined,
	secret: string,
): boolean {
	if (typeof secret !== 'string' || secret.length === 0) return false;
	if (!Buffer.isBuffer(rawBody)) return false;
	if (typeof header !== 'string' || !header.startsWith(SIGNATURE_PREFIX)) return false;

	const hex = header.slice(SIGNATURE_PREFIX.length);
	if (!SHA1_HEX.test(hex)) return false;

	const provided = Buffer.from(hex, 'hex');
	const expected = createHmac('sha1', secret).update(rawBody).digest();
	if (provided.length !== expected.length) return false;
	return timingSafeEqual(provided, expected);
}

/** Topics that carry a Conversation (or a conversation part) in `data.item`. */
export function isConversationTopic(topic: string): boolean {
	return topic.startsWith('conversation.') || topic.startsWith('conversation_part.');
}

export function isTopicSelected(topic: string, selectedTopics: string[]): boolean {
	return selectedTopics.includes(topic);
}

export interface IntercomNotification extends IDataObject {
	topic: string;
}

export type PayloadCheck =
	| { valid: true; notification: IntercomNotification }
	| { valid: false; reason: string };

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPresentId(value: unknown): value is string | number {
	return (typeof value === 'string' && value.length > 0) || typeof value === 'number';
}

/**
 * Parses the raw body and checks the envelope enough to route it. The messages go back to the
 * sender as the 400 body, so they describe the shape only and never echo body content.
 */
export function parseNotification(rawBody: Buffer): PayloadCheck {
	let parsed: unknown;
	try {
		parsed = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return { valid: false, reason: 'The request body is not valid JSON.' };
	}
	if (!isPlainObject(parsed)) {
		return { valid: false, reason: 'The request body is not a JSON object.' };
	}
	if (typeof parsed.topic !== 'string' || parsed.topic.length === 0) {
		return { valid: false, reason: 'The notification has no "topic".' };
	}
	return { valid: true, notification: parsed as IntercomNotification };
}

/** `data.item` of a conversation notification, or a reason it is unusable. */
export function checkConversationItem(
	notification: IntercomNotification,
): { valid: true } | { valid: false; reason: string } {
	const data = notification.data;
	const item = isPlainObject(data) ? data.item : undefined;
	if (!isPlainObject(item) || !isPresentId(item.id)) {
		return {
			valid: false,
			reason: `A "${notification.topic}" notification must carry data.item with an "id".`,
		};
	}
	return { valid: true };
}

function stringOrNull(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	return null;
}

function numberOrNull(value: unknown): number | null {
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Which conversation the notification is about. For `conversation.*` topics `data.item` is the
 * Conversation, so its `id` is the answer.
 *
 * `conversation_part.tag.created` is UNVERIFIED: today's docs say its object is a Conversation
 * Part, while every captured payload we found (Zulip's Intercom fixtures, other open-source
 * handlers) carries a Conversation with `tags_added`. So: an item typed `conversation_part` is read
 * through its `conversation_id` (never its own id, which is a part id); any other item is taken to
 * be the Conversation and its `id` is used. When neither is there the answer is `null`, never a
 * guess.
 */
export function conversationIdOf(topic: string, item: IDataObject): string | null {
	if (topic.startsWith('conversation_part.') && item.type === 'conversation_part') {
		return stringOrNull(item.conversation_id);
	}
	return stringOrNull(item.id);
}

export interface Customer extends IDataObject {
	id: string | null;
	name: string | null;
	email: string | null;
}

const CUSTOMER_AUTHOR_TYPES = new Set(['user', 'lead', 'contact']);

/**
 * The customer behind a conversation: the author of the first message when a customer wrote it,
 * otherwise the first attached contact (a contact reference has only an id; name and email are
 * left null rather than guessed).
 */
export function customerOf(item: IDataObject): Customer {
	const source = isPlainObject(item.source) ? item.source : undefined;
	const author = source && isPlainObject(source.author) ? source.author : undefined;
	if (author && typeof author.type === 'string' && CUSTOMER_AUTHOR_TYPES.has(author.type)) {
		return {
			id: stringOrNull(author.id),
			name: stringOrNull(author.name),
			email: stringOrNull(author.email),
		};
	}
	const contactList = isPlainObject(item.contacts) ? item.contacts.contacts : undefined;
	const firstContact = Array.isArray(contactList) ? contactList[0] : undefined;
	return {
		id: isPlainObject(firstContact) ? stringOrNull(firstContact.id) : null,
		name: null,
		email: null,
	};
}

export interface TriggerOutput extends IDataObject {
	topic: string;
	notificationId: string | null;
	deliveryAttempts: number | null;
	firstSentAt: number | null;
	createdAt: number | null;
	appId: string | null;
	conversationId: string | null;
	conversation: IDataObject | null;
	customer: Customer;
}

/** One output item per notification; fields the payload lacks are null. */
export function toTriggerOutput(notification: IntercomNotification): TriggerOutput {
	const data = isPlainObject(notification.data) ? notification.data : undefined;
	const item = data && isPlainObject(data.item) ? data.item : undefined;
	return {
		topic: notification.topic,
		notificationId: stringOrNull(notification.id),
		deliveryAttempts: numberOrNull(notification.delivery_attempts),
		firstSentAt: numberOrNull(notification.first_sent_at),
		createdAt: numberOrNull(notification.created_at),
		appId: stringOrNull(notification.app_id),
		conversationId: item ? conversationIdOf(notification.topic, item) : null,
		conversation: item ?? null,
		customer: item ? customerOf(item) : { id: null, name: null, email: null },
	};
}

/**
 * Notification ids remembered per trigger. Intercom retries a notification once after a minute, so
 * a few hundred recent ids cover every retry of a busy workspace with room to spare.
 */
export const DEDUP_MEMORY_SIZE = 500;

export const STATIC_DATA_KEY = 'recentNotificationIds';

/** Insertion-ordered set that forgets its oldest entries beyond `limit`. */
export class RecentIds {
	private readonly ids = new Set<string>();

	constructor(private readonly limit: number = DEDUP_MEMORY_SIZE) {}

	has(id: string): boolean {
		return this.ids.has(id);
	}

	add(id: string): void {
		this.ids.delete(id);
		this.ids.add(id);
		while (this.ids.size > this.limit) {
			const oldest = this.ids.values().next().value as string;
			this.ids.delete(oldest);
		}
	}

	get size(): number {
		return this.ids.size;
	}
}

/**
 * Process-wide memory, one RecentIds per workflow + trigger node. n8n saves workflow static data
 * only when an execution ends and concurrent executions overwrite each other's copy, so static data
 * alone lets racing redeliveries through; this in-process set catches them because the check and
 * the insert happen in one synchronous step.
 */
const processMemory = new Map<string, RecentIds>();

export function dedupMemoryKey(workflowId: string | undefined, nodeName: string): string {
	return `${workflowId ?? '__unsaved__'}\u0000${nodeName}`;
}

function storedIds(staticData: IDataObject): string[] {
	const stored = staticData[STATIC_DATA_KEY];
	return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
}

/**
 * Records a notification id and tells whether it is new. Must stay synchronous: it is the only
 * thing standing between two concurrent deliveries of the same id inside one process.
 */
export function rememberNotification(
	memoryKey: string,
	staticData: IDataObject,
	notificationId: string,
	limit: number = DEDUP_MEMORY_SIZE,
): boolean {
	let memory = processMemory.get(memoryKey);
	if (!memory) {
		memory = new RecentIds(limit);
		processMemory.set(memoryKey, memory);
	}
	const persisted = storedIds(staticData);
	if (memory.has(notificationId) || persisted.includes(notificationId)) return false;

	memory.add(notificationId);
	persisted.push(notificationId);
	staticData[STATIC_DATA_KEY] = persisted.slice(-limit);
	return true;
}
