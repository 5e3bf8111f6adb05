import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import {
	checkConversationItem,
	conversationIdOf,
	customerOf,
	dedupMemoryKey,
	isConversationTopic,
	parseNotification,
	RecentIds,
	rememberNotification,
	STATIC_DATA_KEY,
	toTriggerOutput,
	verifySignature,
} from '../../../nodes/IntercomTrigger/IntercomTriggerHelpers';
import type { IntercomNotification } from '../../../nodes/IntercomTrigger/IntercomTriggerHelpers';

const FIXTURES = join(__dirname, '../../fixtures/intercom/webhooks');
const SECRET = 'example-client-secret';

function fixtureBytes(name: string): Buffer {
	return readFileSync(join(FIXTURES, name));
}

function fixture(name: string): IntercomNotification {
	return JSON.parse(fixtureBytes(name).toString('utf8')) as IntercomNotification;
}

function sha1Header(body: Buffer | string, secret = SECRET): string {
	return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

describe('verifySignature', () => {
	const body = fixtureBytes('conversation-user-created.json');

	it('accepts the HMAC-SHA1 of the raw body under the client secret', () => {
		expect(verifySignature(body, sha1Header(body), SECRET)).toBe(true);
	});

	it('accepts the example from Intercom-style compact JSON as well as pretty-printed bytes', () => {
		const compact = Buffer.from('{"type":"notification_event","topic":"ping"}');
		expect(verifySignature(compact, sha1Header(compact), SECRET)).toBe(true);
	});

	it('rejects a tampered body', () => {
		const header = sha1Header(body);
		const tampered = Buffer.from(body.toString('utf8').replace('Maria', 'Mario'));
		expect(tampered.equals(body)).toBe(false);
		expect(verifySignature(tampered, header, SECRET)).toBe(false);
	});

	it('rejects a signature made with another secret', () => {
		expect(verifySignature(body, sha1Header(body, 'another-secret'), SECRET)).toBe(false);
	});

	it('rejects a missing or empty header', () => {
		expect(verifySignature(body, undefined, SECRET)).toBe(false);
		expect(verifySignature(body, '', SECRET)).toBe(false);
		expect(verifySignature(body, 'sha1=', SECRET)).toBe(false);
	});

	it('rejects a sha256= header even when it is a correct HMAC-SHA256', () => {
		const sha256 = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
		expect(verifySignature(body, sha256, SECRET)).toBe(false);
	});

	it('rejects the bare hex digest without the sha1= prefix, and an upper-case prefix', () => {
		const hex = createHmac('sha1', SECRET).update(body).digest('hex');
		expect(verifySignature(body, hex, SECRET)).toBe(false);
		expect(verifySignature(body, `SHA1=${hex}`, SECRET)).toBe(false);
	});

	it('accepts upper-case hex digits (same bytes; documented decision)', () => {
		const upper = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex').toUpperCase()}`;
		expect(upper).not.toBe(sha1Header(body));
		expect(verifySignature(body, upper, SECRET)).toBe(true);
	});

	it('rejects the signature of the same JSON re-serialised (different bytes)', () => {
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
		expect(reserialised.equals(body)).toBe(false);
		expect(verifySignature(body, sha1Header(reserialised), SECRET)).toBe(false);
		expect(verifySignature(reserialised, sha1Header(body), SECRET)).toBe(false);
	});

	it('rejects everything when the secret is empty, even a signature made with the empty key', () => {
		expect(verifySignature(body, sha1Header(body, ''), '')).toBe(false);
		expect(verifySignature(body, sha1Header(body), '')).toBe(false);
	});

	it('rejects malformed hex without throwing (Buffer.from would silently truncate it)', () => {
		const hex = createHmac('sha1', SECRET).update(body).digest('hex');
		for (const header of [
			`sha1=${hex.slice(0, 39)}`,
			`sha1=${hex}0`,
			`sha1=${hex}zz`,
			`sha1=${hex.slice(0, 38)}zz`,
			`sha1= ${hex}`,
			`sha1=${hex} `,
			`sha1=${hex},sha1=${hex}`,
		]) {
			expect(() => verifySignature(body, header, SECRET)).not.toThrow();
			expect(verifySignature(body, header, SECRET)).toBe(false);
		}
	});

	it('never throws on inputs of the wrong type', () => {
		expect(verifySignature(undefined as unknown as Buffer, sha1Header(body), SECRET)).toBe(false);
		expect(verifySignature(body, 42 as unknown as string, SECRET)).toBe(false);
		expect(verifySignature(body, sha1Header(body), undefined as unknown as string)).toBe(false);
	});
});

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

describe('customerOf', () => {
	const contacts = {
		type: 'contact.list',
		contacts: [{ type: 'contact', id: 'c-1', external_id: 'ext-1' }],
	};

	it.each(['user', 'lead', 'contact'])('takes a %s author of the first message', (type) => {
		expect(
			customerOf({
				source: { author: { type, id: 'a-1', name: 'Ana', email: 'ana@example.com' } },
				contacts,
			}),
		).toEqual({ id: 'a-1', name: 'Ana', email: 'ana@example.com' });
	});

	it('keeps missing author fields null', () => {
		expect(customerOf({ source: { author: { type: 'lead', id: 'a-2' } } })).toEqual({
			id: 'a-2',
			name: null,
			email: null,
		});
	});

	it.each(['admin', 'bot', 'team'])(
		'falls back to the first contact (id only) when the first message author is %s',
		(type) => {
			expect(
				customerOf({
					source: { author: { type, id: '991267459', name: 'Sam', email: 'sam@example.com' } },
					contacts,
				}),
			).toEqual({ id: 'c-1', name: null, email: null });
		},
	);

	it('is all null when there is neither a customer author nor a contact', () => {
		expect(customerOf({ source: { author: { type: 'admin', id: '1' } } })).toEqual({
			id: null,
			name: null,
			email: null,
		});
		expect(customerOf({ contacts: { type: 'contact.list', contacts: [] } })).toEqual({
			id: null,
			name: null,
			email: null,
		});
		expect(customerOf({})).toEqual({ id: null, name: null, email: null });
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
			customer: { id: null, name: null, email: null },
		});
	});

	it('has null conversation data when there is no item', () => {
		expect(toTriggerOutput({ topic: 'ping', id: null })).toMatchObject({
			notificationId: null,
			conversationId: null,
			conversation: null,
			customer: { id: null, name: null, email: null },
		});
	});
});

describe('RecentIds', () => {
	it('forgets the oldest ids beyond its limit', () => {
		const ids = new RecentIds(3);
		for (const id of ['a', 'b', 'c', 'd']) ids.add(id);
		expect(ids.size).toBe(3);
		expect(ids.has('a')).toBe(false);
		expect(['b', 'c', 'd'].every((id) => ids.has(id))).toBe(true);
	});

	it('treats re-adding as most recent', () => {
		const ids = new RecentIds(2);
		ids.add('a');
		ids.add('b');
		ids.add('a');
		ids.add('c');
		expect(ids.has('a')).toBe(true);
		expect(ids.has('b')).toBe(false);
	});
});

describe('rememberNotification', () => {
	let keyCounter = 0;
	const freshKey = () => dedupMemoryKey(`wf-helpers-${++keyCounter}`, 'Intercom Trigger');

	it('reports a first sighting as new and a repeat as seen, recording it in static data', () => {
		const key = freshKey();
		const staticData = {};
		expect(rememberNotification(key, staticData, 'notif_1')).toBe(true);
		expect(rememberNotification(key, staticData, 'notif_1')).toBe(false);
		expect(staticData).toEqual({ [STATIC_DATA_KEY]: ['notif_1'] });
	});

	it('recognises ids persisted in static data by an earlier process (memory empty)', () => {
		expect(
			rememberNotification(freshKey(), { [STATIC_DATA_KEY]: ['notif_old'] }, 'notif_old'),
		).toBe(false);
	});

	it('recognises ids held in process memory when static data was not saved', () => {
		const key = freshKey();
		expect(rememberNotification(key, {}, 'notif_2')).toBe(true);
		expect(rememberNotification(key, {}, 'notif_2')).toBe(false);
	});

	it('keeps memory per workflow and per node', () => {
		const staticData = () => ({});
		expect(rememberNotification(dedupMemoryKey('wf-a', 'T'), staticData(), 'n')).toBe(true);
		expect(rememberNotification(dedupMemoryKey('wf-b', 'T'), staticData(), 'n')).toBe(true);
		expect(rememberNotification(dedupMemoryKey('wf-a', 'T2'), staticData(), 'n')).toBe(true);
		expect(rememberNotification(dedupMemoryKey('wf-a', 'T'), staticData(), 'n')).toBe(false);
	});

	it('bounds both memories and evicts the oldest', () => {
		const key = freshKey();
		const staticData: IDataObject = {};
		for (let i = 0; i < 12; i++)
			expect(rememberNotification(key, staticData, `n${i}`, 10)).toBe(true);
		expect(staticData[STATIC_DATA_KEY]).toEqual([
			'n2',
			'n3',
			'n4',
			'n5',
			'n6',
			'n7',
			'n8',
			'n9',
			'n10',
			'n11',
		]);
		expect(rememberNotification(key, {}, 'n0', 10)).toBe(true);
		expect(rememberNotification(key, {}, 'n11', 10)).toBe(false);
	});

	it('ignores junk in static data', () => {
		const staticData = { [STATIC_DATA_KEY]: 'not-a-list' };
		expect(rememberNotification(freshKey(), staticData, 'n')).toBe(true);
		expect(staticData[STATIC_DATA_KEY]).toEqual(['n']);
	});
});
