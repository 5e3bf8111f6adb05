import { conversationEntries } from '../../../../nodes/shared/intercom/messages';
import {
	conversationUrl,
	hardWrap,
	indexAfter,
} from '../../../../nodes/Transcript/render/transcript';

describe('transcript helpers', () => {
	test('conversation links: app id or the "_" placeholder, per region', () => {
		expect(conversationUrl('215')).toBe(
			'https://app.intercom.com/a/inbox/_/inbox/conversation/215',
		);
		expect(conversationUrl('215', ' abc ', 'au')).toBe(
			'https://app.au.intercom.com/a/inbox/abc/inbox/conversation/215',
		);
	});

	test('hard wrapping cuts at spaces when it can, never inside a surrogate pair', () => {
		expect(hardWrap('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', '  cccc']);
		const emoji = '😀'.repeat(20);
		const chunks = hardWrap(emoji, 11);
		for (const chunk of chunks) {
			expect(chunk.length).toBeLessThanOrEqual(11);
			expect(chunk.replace(/^ {2}/, '')).toMatch(/^(😀)+$/u);
		}
		expect(chunks.join('').replace(/ /g, '')).toBe(emoji);
	});

	test('indexAfter finds the watermark by id, or by time when the part is gone', () => {
		const entries = conversationEntries({
			id: '1',
			created_at: 100,
			source: { id: 's', body: 'hi' },
			conversation_parts: {
				conversation_parts: [
					{ id: '20', body: 'a', created_at: 110 },
					{ id: '30', body: 'b', created_at: 120 },
				],
			},
		});
		expect(indexAfter(entries, null)).toBe(0);
		expect(indexAfter(entries, { t: 100, id: 's' })).toBe(1);
		expect(indexAfter(entries, { t: 110, id: '20' })).toBe(2);
		expect(indexAfter(entries, { t: 115, id: '25' })).toBe(2);
		expect(indexAfter(entries, { t: 130, id: '40' })).toBe(3);
	});
});
