import { isObject, readCommaList } from '../../../nodes/shared/values';

test('isObject: plain objects only, not null, arrays or other values', () => {
	expect(isObject({})).toBe(true);
	expect(isObject({ a: 1 })).toBe(true);
	expect(isObject(Object.create(null))).toBe(true);
	expect(isObject(null)).toBe(false);
	expect(isObject([])).toBe(false);
	expect(isObject([{ a: 1 }])).toBe(false);
	expect(isObject('{"a":1}')).toBe(false);
	expect(isObject(1)).toBe(false);
	expect(isObject(undefined)).toBe(false);
});

describe('readCommaList', () => {
	test('a comma-separated string, an array of names or of { name } objects; blanks dropped', () => {
		expect(readCommaList(' vip, , inbound ')).toEqual(['vip', 'inbound']);
		expect(readCommaList(['a', ' b ', '', null])).toEqual(['a', 'b']);
		expect(readCommaList([{ name: 'tag one' }, { name: ' two ' }])).toEqual(['tag one', 'two']);
		expect(readCommaList(42)).toEqual(['42']);
		expect(readCommaList(undefined)).toEqual([]);
		expect(readCommaList(null)).toEqual([]);
		expect(readCommaList('')).toEqual([]);
	});

	test('repeats are kept: whether two names are one is the caller’s rule', () => {
		expect(readCommaList('VIP, vip, VIP')).toEqual(['VIP', 'vip', 'VIP']);
	});

	/*
	 * Where the three old readers (Intercom's tag names, the Kommo Trigger's pipeline and stage
	 * filters, Kommo's tag and choice lists) disagreed, and the rule that won.
	 */
	describe('where the old readers disagreed', () => {
		test("an array's entries are not split again, so a name may hold a comma", () => {
			expect(readCommaList(['a, b', 'c'])).toEqual(['a, b', 'c']);
		});

		test('array entries are trimmed, and undefined dropped like null (the filters kept both as they were)', () => {
			expect(readCommaList([' 6950551 ', undefined, null, 7012345])).toEqual([
				'6950551',
				'7012345',
			]);
		});

		test('an object with a name stands for its name (Intercom tag names made "[object Object]" of it)', () => {
			const intercomTags = [
				{ type: 'tag', id: '1', name: 'vip' },
				{ type: 'tag', id: '2', name: 'billing' },
			];
			expect(readCommaList(intercomTags)).toEqual(['vip', 'billing']);
		});
	});
});
