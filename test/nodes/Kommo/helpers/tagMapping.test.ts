/**
 * Intercom tags → one lead field. Every cell of the docs' table runs through the Update operation in
 * test/nodes/Kommo/actions/lead/update.operation.test.ts; here the rule itself, with what it reports.
 */
import {
	CHECKBOX_TICK,
	IGNORE_TAG,
	mapTagsToField,
	TEXT_FIELD_MAX_LENGTH,
} from '../../../../nodes/Kommo/helpers/tagMapping';

const enumsOf = (...names: string[]) => names.map((value, index) => ({ id: 9100 + index, value }));
const segmentSelect = {
	id: 801,
	name: 'Segment',
	type: 'select',
	enums: enumsOf('VIP', 'Enterprise', 'Churn risk'),
};
const topicsMulti = {
	id: 802,
	name: 'Topics',
	type: 'multiselect',
	enums: enumsOf('Billing', 'Bug', 'Feature request'),
};
const radio = { id: 805, name: 'Tier', type: 'radiobutton', enums: enumsOf('Gold', 'Silver') };
const escalated = { id: 803, name: 'Escalated', type: 'checkbox' };
const tagText = { id: 804, name: 'Intercom tags', type: 'text' };

test('option names match case-insensitively', () => {
	expect(mapTagsToField(segmentSelect as never, ['x', 'churn RISK'], [], false).values).toEqual([
		{ enum_id: 9102 },
	]);
});

test('choice fields report which tags mapped and which matched no option', () => {
	expect(mapTagsToField(segmentSelect, ['nope', 'Enterprise', 'vip'], [], false)).toEqual({
		values: [{ enum_id: 9101 }],
		mappedTags: ['Enterprise', 'vip'],
		unmatchedTags: ['nope'],
	});
	expect(mapTagsToField(radio, ['silver'], [], false).values).toEqual([{ enum_id: 9101 }]);
});

test('repeated and blank tags count once (the last spelling); two tags naming one option give it once', () => {
	expect(
		mapTagsToField(
			topicsMulti,
			['Bug', ' bug ', '', 'big'],
			[{ tag: 'big', option: 'Bug' }],
			false,
		),
	).toEqual({ values: [{ enum_id: 9101 }], mappedTags: ['bug', 'big'], unmatchedTags: [] });
});

test('nothing to write gives null, or an empty list (a cleared field) when asked', () => {
	for (const field of [segmentSelect, topicsMulti, tagText]) {
		expect(mapTagsToField(field, [], [], false).values).toBeNull();
		expect(mapTagsToField(field, [], [], true).values).toEqual([]);
	}
	expect(mapTagsToField(escalated, [], [], false).values).toBeNull();
	expect(mapTagsToField(escalated, [], [], true).values).toEqual([{ value: false }]);
});

test('a checkbox with rows counts only the listed tags; the others are reported unmatched', () => {
	expect(
		mapTagsToField(
			escalated,
			['billing', 'urgent'],
			[{ tag: 'URGENT', option: CHECKBOX_TICK }],
			false,
		),
	).toEqual({ values: [{ value: true }], mappedTags: ['urgent'], unmatchedTags: ['billing'] });
	expect(mapTagsToField(escalated, ['spam'], [{ tag: 'spam', option: IGNORE_TAG }], true)).toEqual({
		values: [{ value: false }],
		mappedTags: [],
		unmatchedTags: ['spam'],
	});
});

test('text: renames apply, ignored tags are left out of the list and of mappedTags', () => {
	expect(
		mapTagsToField(
			tagText,
			['vip', 'spam', 'billing'],
			[
				{ tag: 'VIP', option: ' Very Important ' },
				{ tag: 'spam', option: IGNORE_TAG },
			],
			false,
		),
	).toEqual({
		values: [{ value: 'Very Important, billing' }],
		mappedTags: ['vip', 'billing'],
		unmatchedTags: [],
	});
});

describe("text: cut to the 256 characters Kommo's text field holds", () => {
	const characters = (text: string) => [...text].length;
	const valueOf = (result: ReturnType<typeof mapTagsToField>) =>
		(result.values as Array<{ value: string }>)[0].value;

	test('exactly 256 characters fit whole, with nothing reported', () => {
		const tags = ['a'.repeat(126), 'b'.repeat(128)];
		const result = mapTagsToField(tagText, tags, [], false);
		expect(characters(valueOf(result))).toBe(TEXT_FIELD_MAX_LENGTH);
		expect(result).not.toHaveProperty('leftOutTags');
	});

	test('one character more: whole tags while there is room for ", …", the rest reported', () => {
		const tags = ['a'.repeat(126), 'b'.repeat(129)];
		const result = mapTagsToField(tagText, tags, [], false);
		expect(valueOf(result)).toBe(`${'a'.repeat(126)}, …`);
		expect(result.leftOutTags).toEqual([tags[1]]);
		expect(result.mappedTags).toEqual(tags);
	});

	test('a renamed tag is measured by the text it writes, and reported by its tag name', () => {
		const result = mapTagsToField(
			tagText,
			['vip', 'billing'],
			[{ tag: 'billing', option: 'x'.repeat(260) }],
			false,
		);
		expect(valueOf(result)).toBe('vip, …');
		expect(result.leftOutTags).toEqual(['billing']);
	});

	test('a first tag longer than the field is cut itself and ends in "…"', () => {
		const result = mapTagsToField(tagText, ['z'.repeat(300), 'vip'], [], false);
		expect(valueOf(result)).toBe(`${'z'.repeat(255)}…`);
		expect(result.leftOutTags).toEqual(['z'.repeat(300), 'vip']);
	});

	test('a first tag that fits but leaves no room for ", …" is written whole, then "…"', () => {
		const first = 'y'.repeat(254);
		const result = mapTagsToField(tagText, [first, 'vip'], [], false);
		expect(valueOf(result)).toBe(`${first}…`);
		expect(result.leftOutTags).toEqual(['vip']);
	});

	test('characters are counted as Kommo counts them: an emoji is one', () => {
		const tags = Array.from({ length: 51 }, (_, index) => `🔥${String(index).padStart(2, '0')}`);
		// 51 × 3 characters + 50 × ", " = 253 characters, though 304 UTF-16 units
		const result = mapTagsToField(tagText, tags, [], false);
		expect(valueOf(result).length).toBe(304);
		expect(result).not.toHaveProperty('leftOutTags');
	});

	test('a text area holds more and is never cut', () => {
		const textArea = { ...tagText, type: 'textarea' };
		const tags = Array.from({ length: 40 }, (_, index) => `topic-${index}`);
		const result = mapTagsToField(textArea, tags, [], false);
		expect(valueOf(result)).toBe(tags.join(', '));
		expect(result).not.toHaveProperty('leftOutTags');
	});
});
