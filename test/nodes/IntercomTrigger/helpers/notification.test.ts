import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	checkConversationItem,
	conversationIdOf,
	isConversationTopic,
	parseNotification,
	toTriggerOutput,
} from '../../../../nodes/IntercomTrigger/helpers/notification';
import type { IntercomNotification } from '../../../../nodes/IntercomTrigger/helpers/notification';

const FIXTURES = join(__dirname, '../../../fixtures/intercom/webhooks');

function fixtureBytes(name: string): Buffer {
	return readFileSync(join(FIXTURES, name));
}

function fixture(name: string): IntercomNotification {
	return JSON.parse(fixtureBytes(name).toString('utf8')) as IntercomNotification;
}

describe('parseNotification', () => {
	it('parses a notification envelope', () => {
		const result = parseNotification(fixtureBytes('conversation-user-created.json'));
		expect(result).toEqual({
			valid: true,
			notification: fixture('conversation-user-created.json'),
		});
	});

	it.each([
		['not JSON', 'topic=conversation.user.created', 'The request body is not valid JSON.'],
		['empty', '', 'The request body is not valid JSON.'],
		['an array', '[{"topic":"ping"}]', 'The request body is not a JSON object.'],
		['null', 'null', 'The request body is not a JSON object.'],
		['a string', '"conversation.user.created"', 'The request body is not a JSON object.'],
		[
			'without topic',
			'{"type":"notification_event","id":"notif_1"}',
			'The notification has no "topic".',
		],
		['with an empty topic', '{"topic":""}', 'The notification has no "topic".'],
		['with a numeric topic', '{"topic":7}', 'The notification has no "topic".'],
	])('rejects a body that is %s', (_label, body, reason) => {
		expect(parseNotification(Buffer.from(body))).toEqual({ valid: false, reason });
	});
});

describe('checkConversationItem', () => {
	it('accepts a conversation with an id', () => {
		expect(checkConversationItem(fixture('conversation-user-created.json'))).toEqual({
			valid: true,
		});
		expect(
			checkConversationItem({ topic: 'conversation.read', data: { item: { id: 215470 } } }),
		).toEqual({ valid: true });
	});

	it.each([
		['no data', { topic: 'conversation.user.replied' }],
		['no item', { topic: 'conversation.user.replied', data: {} }],
		[
			'an item without id',
			{ topic: 'conversation.user.replied', data: { item: { type: 'conversation' } } },
		],
		['an empty id', { topic: 'conversation.user.replied', data: { item: { id: '' } } }],
		['an array item', { topic: 'conversation.user.replied', data: { item: [] } }],
	])('rejects %s', (_label, notification) => {
		expect(checkConversationItem(notification as IntercomNotification)).toEqual({
			valid: false,
			reason: 'A "conversation.user.replied" notification must carry data.item with an "id".',
		});
	});
});

describe('isConversationTopic', () => {
	it('covers conversation and conversation part topics only', () => {
		expect(isConversationTopic('conversation.user.created')).toBe(true);
		expect(isConversationTopic('conversation_part.tag.created')).toBe(true);
		expect(isConversationTopic('contact.user.created')).toBe(false);
		expect(isConversationTopic('ping')).toBe(false);
		expect(isConversationTopic('conversations')).toBe(false);
	});
});

describe('conversationIdOf', () => {
	it('uses the conversation id, as a string', () => {
		expect(
			conversationIdOf('conversation.user.created', { type: 'conversation', id: '215470' }),
		).toBe('215470');
		expect(conversationIdOf('conversation.admin.closed', { type: 'conversation', id: 503 })).toBe(
			'503',
		);
	});

	it('reads conversation_part.tag.created carrying a Conversation (the captured shape) by its id', () => {
		const notification = fixture('conversation-part-tag-created.json');
		const item = (notification.data as { item: Record<string, unknown> }).item;
		expect(conversationIdOf(notification.topic, item as never)).toBe('215470');
	});

	it('never takes a part id for the conversation id when the item is a Conversation Part', () => {
		const part = { type: 'conversation_part', id: '30101', part_type: 'comment' };
		expect(conversationIdOf('conversation_part.tag.created', part)).toBeNull();
		expect(
			conversationIdOf('conversation_part.tag.created', { ...part, conversation_id: '215470' }),
		).toBe('215470');
	});

	it('is null when the item has no id', () => {
		expect(conversationIdOf('conversation.deleted', { type: 'conversation' })).toBeNull();
	});
});

describe('toTriggerOutput', () => {
	it('maps a customer-started conversation exactly', () => {
		const notification = fixture('conversation-user-created.json');
		expect(toTriggerOutput(notification)).toEqual({
			topic: 'conversation.user.created',
			notificationId: 'notif_3ac27816-d27c-45fd-a65a-bbaf021cf780',
			deliveryAttempts: 1,
			firstSentAt: 1767225721,
			createdAt: 1767225720,
			appId: 'a86dr8yl',
			conversationId: '215470',
			conversation: (notification.data as { item: unknown }).item,
			customer: {
				id: '6762f1261bb69f9f2193bba7',
				name: 'Maria Gonzalez',
				email: 'maria.gonzalez@example.com',
				role: 'user',
			},
		});
	});

	it('keeps envelope fields the payload lacks null instead of inventing them', () => {
		expect(
			toTriggerOutput({
				topic: 'conversation.read',
				data: { item: { type: 'conversation', id: '9' } },
			}),
		).toEqual({
			topic: 'conversation.read',
			notificationId: null,
			deliveryAttempts: null,
			firstSentAt: null,
			createdAt: null,
			appId: null,
			conversationId: '9',
			conversation: { type: 'conversation', id: '9' },
			customer: { id: null, name: null, email: null, role: null },
		});
	});

	it('has null conversation data when there is no item', () => {
		expect(toTriggerOutput({ topic: 'ping', id: null })).toMatchObject({
			notificationId: null,
			conversationId: null,
			conversation: null,
			customer: { id: null, name: null, email: null, role: null },
		});
	});
});
