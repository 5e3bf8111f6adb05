import { isObject } from '../../../nodes/shared/values';

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
