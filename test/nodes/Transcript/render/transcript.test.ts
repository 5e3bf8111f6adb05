import {
	buildIdempotencyKey,
	formatMarker,
	MARKER_PREFIX,
	parseMarker,
} from '../../../../nodes/shared/transcriptMarker';
import { conversationEntries } from '../../../../nodes/Transcript/render/messages';
import { compareIds, comparePositions } from '../../../../nodes/Transcript/render/position';
import { createZonedClock } from '../../../../nodes/Transcript/render/time';
import {
	conversationUrl,
	hardWrap,
	indexAfter,
} from '../../../../nodes/Transcript/render/transcript';

describe('pure render helpers', () => {
	test('part ids compare as numbers when numeric, so "9" comes before "10"', () => {
		expect(compareIds('9', '10')).toBeLessThan(0);
		expect(compareIds('123456789012345678901', '123456789012345678900')).toBeGreaterThan(0);
		expect(compareIds('b', 'a')).toBeGreaterThan(0);
		expect(comparePositions({ t: 5, id: '10' }, { t: 5, id: '9' })).toBeGreaterThan(0);
		expect(comparePositions({ t: 4, id: '10' }, { t: 5, id: '9' })).toBeLessThan(0);
		expect(comparePositions({ t: 4, id: '7' }, { t: 9, id: '7' })).toBe(0);
	});

	test('parseMarker reads the last marker line and ignores anything else', () => {
		const key = buildIdempotencyKey('215', '403918334', '9877');
		expect(key).toBe('intercom:215:403918334-9877');
		expect(formatMarker(key)).toBe('#intercom-kommo key=intercom:215:403918334-9877');
		expect(parseMarker(`Note\n\n${formatMarker(key)}`)).toBe(key);
		expect(parseMarker(`${MARKER_PREFIX}intercom:1:1-1\nquoted\n${formatMarker(key)}\n`)).toBe(key);
		expect(parseMarker('no marker here')).toBeNull();
		expect(parseMarker(`${MARKER_PREFIX}something-else`)).toBeNull();
		expect(parseMarker(`inline ${formatMarker(key)} is not a marker line`)).toBeNull();
		expect(parseMarker(undefined)).toBeNull();
	});

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

	test('a message author without a name falls back to the customer name, email or role', () => {
		const entries = conversationEntries(
			{
				id: '1',
				created_at: 100,
				source: {
					id: 's',
					body: 'hi',
					author: { type: 'lead', id: 'l1', name: null, email: null },
				},
				conversation_parts: {
					conversation_parts: [
						{
							id: '2',
							part_type: 'comment',
							body: 'yo',
							created_at: 101,
							author: { type: 'admin', email: 'ops@x.test' },
						},
						{
							id: '3',
							part_type: 'comment',
							body: 'beep',
							created_at: 102,
							author: { type: 'bot' },
						},
						{
							id: '4',
							part_type: 'comment',
							body: 'x',
							created_at: 103,
							author: { type: 'team', name: 'Support'.repeat(20) },
						},
					],
				},
			},
			'Lena Lead',
		);
		expect(
			entries.map((entry) => [entry.author.endsWith('…') ? 'long' : entry.author, entry.role]),
		).toEqual([
			['Lena Lead', 'customer'],
			['ops@x.test', 'agent'],
			['Bot', 'bot'],
			['long', 'agent'],
		]);
		expect(entries[3].author).toHaveLength(80);
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

	test('clock: 24-hour times and local dates across DST', () => {
		const berlin = createZonedClock('Europe/Berlin');
		// 2026-03-29 00:30Z (CET, +1) and 01:30Z (CEST, +2)
		expect(berlin.time(1774744200)).toBe('01:30');
		expect(berlin.time(1774747800)).toBe('03:30');
		expect(createZonedClock('UTC').time(1782345600)).toBe('00:00');
		expect(createZonedClock('America/Los_Angeles').day(1782345600)).toBe('2026-06-24');
		expect(() => createZonedClock('Nowhere/Else')).toThrow(RangeError);
	});
});
