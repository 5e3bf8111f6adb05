import { parseHook, toMessageItem } from '../../../../nodes/KommoChatTrigger/helpers/hook';
import { expectedMessageItem, messageHook, SCOPE_ID, typingHook } from '../setup';

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

describe('parseHook', () => {
	it('tells a message hook from typing and reaction hooks', () => {
		expect(parseHook(bytes(messageHook())).kind).toBe('message');
		expect(parseHook(bytes(typingHook())).kind).toBe('typing');
		expect(parseHook(bytes({ account_id: 'a', action: { reaction: {} } })).kind).toBe('reaction');
	});

	it.each([
		['not JSON', Buffer.from('{"account_id":', 'utf8'), 'the body is not JSON'],
		['empty', Buffer.alloc(0), 'the body is not JSON'],
		['a JSON array', bytes([messageHook()]), 'the body is not a JSON object'],
		[
			'an unknown action',
			bytes({ action: { read: {} } }),
			'the hook has an action this trigger does not know',
		],
		[
			'neither message nor action',
			bytes({ account_id: 'a' }),
			'the hook has neither a message nor an action',
		],
	])('calls a body that is %s unusable, and says why', (_label, body, reason) => {
		expect(parseHook(body)).toEqual({ kind: 'unusable', reason });
	});

	it('calls a message hook without message.message.id unusable', () => {
		for (const id of [undefined, '', null, {}]) {
			const hook = messageHook();
			hook.message.message.id = id as never;
			expect(parseHook(bytes(hook))).toEqual({
				kind: 'unusable',
				reason: 'the message hook has no message.message.id',
			});
		}
	});

	it('never throws on odd shapes', () => {
		for (const body of ['null', '42', '"text"', '{"message":[]}', '{"message":{"message":7}}']) {
			expect(parseHook(Buffer.from(body)).kind).toBe('unusable');
		}
	});
});

describe('toMessageItem', () => {
	const itemOf = (hook: unknown) => {
		const parsed = parseHook(bytes(hook));
		if (parsed.kind !== 'message') throw new Error(`not a message: ${parsed.kind}`);
		return toMessageItem(parsed, SCOPE_ID);
	};

	it('maps every field of a message hook', () => {
		expect(itemOf(messageHook())).toEqual(expectedMessageItem());
	});

	it('marks a chat without conversation.client_id as "Write first"', () => {
		const hook = messageHook();
		delete hook.message.conversation.client_id;
		expect(itemOf(hook)).toMatchObject({
			chatClientId: null,
			conversationId: null,
			writeFirst: true,
		});
	});

	it('fills absent optional fields with empty values instead of failing', () => {
		const item = itemOf({
			account_id: 'acc',
			message: { message: { id: 'm1' } },
		});
		expect(item).toEqual({
			kind: 'message',
			scopeId: SCOPE_ID,
			accountId: 'acc',
			chatId: null,
			chatClientId: null,
			conversationId: null,
			writeFirst: true,
			messageId: 'm1',
			type: '',
			text: '',
			media: '',
			thumbnail: '',
			fileName: '',
			fileSize: 0,
			mediaGroupId: null,
			senderId: null,
			receiver: { id: null, clientId: null, email: '', phone: '' },
			sentAt: null,
		});
	});

	it('prefers msec_timestamp, then timestamp, and ignores times that are no dates', () => {
		const at = (message: Record<string, unknown>) =>
			itemOf({ account_id: 'acc', message: { ...message, message: { id: 'm1' } } }).sentAt;
		expect(at({ msec_timestamp: 1639572260980, timestamp: 1 })).toBe('2021-12-15T12:44:20.980Z');
		expect(at({ timestamp: 1639572260 })).toBe('2021-12-15T12:44:20.000Z');
		expect(at({ msec_timestamp: 'soon' })).toBeNull();
		expect(at({ timestamp: 1e300 })).toBeNull();
	});

	it('adds templateUsed only when the message used a template', () => {
		expect(itemOf(messageHook())).not.toHaveProperty('templateUsed');
		const hook = messageHook();
		hook.message.message.template = { id: 7, content: 'Hello {{name}}' };
		expect(itemOf(hook).templateUsed).toEqual({ id: 7, content: 'Hello {{name}}' });
	});
});
