import {
	chatConversationId,
	chatMessageId,
	intercomConversationIdOf,
} from '../../../../../nodes/shared/kommo/chat/messageId';

describe('chatMessageId', () => {
	it('is stable: the same Intercom message always gives the same msgid', () => {
		expect(chatMessageId('215468', '403918334')).toBe('intercom-215468-403918334');
		expect(chatMessageId('215468', '403918334')).toBe(chatMessageId('215468', '403918334'));
		// an id mapped as a number or with the spaces an expression may leave
		expect(chatMessageId(215468, 403918334)).toBe('intercom-215468-403918334');
		expect(chatMessageId(' 215468 ', '403918334\n')).toBe('intercom-215468-403918334');
	});

	it('is distinct per part, and per conversation for the same part id', () => {
		const ids = new Set([
			chatMessageId('215468', '403918334'),
			chatMessageId('215468', '403918335'),
			chatMessageId('215469', '403918334'),
		]);
		expect(ids.size).toBe(3);
	});

	it('never gives one msgid to two different (conversation, message) pairs', () => {
		// digits and letters only in each id, so the separator cannot shift
		expect(chatMessageId('12', '345')).not.toBe(chatMessageId('123', '45'));
		expect(() => chatMessageId('1-2', '3')).toThrow(RangeError);
		expect(() => chatMessageId('1', '2-3')).toThrow(RangeError);
	});

	it('is ASCII letters, digits and "-", at most 50 characters', () => {
		const longest = chatMessageId('9'.repeat(20), 'a'.repeat(20));
		expect(longest).toHaveLength(50);
		expect(longest).toMatch(/^[A-Za-z0-9-]+$/);
	});

	it('refuses what is not an Intercom id, naming it', () => {
		for (const bad of ['', '   ', '1'.repeat(21), 'a:b', 'é', '12 34', -1, 1.5, Number.NaN, null]) {
			expect(() => chatMessageId('215468', bad as string)).toThrow(RangeError);
			expect(() => chatMessageId(bad as string, '403918334')).toThrow(RangeError);
		}
		expect(() => chatMessageId('215468', 'a:b')).toThrow('Intercom message ID');
		expect(() => chatMessageId('a:b', '1')).toThrow('Intercom conversation ID');
	});
});

describe('chatConversationId', () => {
	it('is stable per Intercom conversation and distinct between conversations', () => {
		expect(chatConversationId('215468')).toBe('intercom-215468');
		expect(chatConversationId(215468)).toBe(chatConversationId('215468'));
		expect(chatConversationId('215469')).not.toBe(chatConversationId('215468'));
	});

	it('is never the msgid of a message of the same conversation', () => {
		expect(chatConversationId('215468')).not.toBe(chatMessageId('215468', '1'));
	});

	it('refuses what is not an Intercom id', () => {
		expect(() => chatConversationId('')).toThrow(RangeError);
		expect(() => chatConversationId('intercom-215468')).toThrow(RangeError);
	});
});

describe('intercomConversationIdOf', () => {
	it('reads back the Intercom conversation a chat was created for', () => {
		expect(intercomConversationIdOf(chatConversationId('215468'))).toBe('215468');
	});

	it('is null for a chat this package did not name: "Write first", another integration, a msgid', () => {
		expect(intercomConversationIdOf(undefined)).toBeNull();
		expect(intercomConversationIdOf('')).toBeNull();
		expect(intercomConversationIdOf('my_int-d5a421f7f218')).toBeNull();
		expect(intercomConversationIdOf(chatMessageId('215468', '403918334'))).toBeNull();
		expect(intercomConversationIdOf('intercom-')).toBeNull();
		expect(intercomConversationIdOf(' intercom-215468')).toBeNull();
	});
});
