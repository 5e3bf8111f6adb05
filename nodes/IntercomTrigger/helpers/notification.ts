/** Pure reading of an Intercom notification: its envelope, the conversation it is about, and the trigger's output item. */
import type { IDataObject } from 'n8n-workflow';

import { conversationCustomer } from '../../shared/intercomConversation';
import type { Customer } from '../../shared/intercomConversation';
import { isObject } from '../../shared/values';

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
	if (!isObject(parsed)) {
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
	const item = isObject(data) ? data.item : undefined;
	if (!isObject(item) || !isPresentId(item.id)) {
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
	const data = isObject(notification.data) ? notification.data : undefined;
	const item = data && isObject(data.item) ? data.item : undefined;
	return {
		topic: notification.topic,
		notificationId: stringOrNull(notification.id),
		deliveryAttempts: numberOrNull(notification.delivery_attempts),
		firstSentAt: numberOrNull(notification.first_sent_at),
		createdAt: numberOrNull(notification.created_at),
		appId: stringOrNull(notification.app_id),
		conversationId: item ? conversationIdOf(notification.topic, item) : null,
		conversation: item ?? null,
		customer: conversationCustomer(item ?? {}),
	};
}
