import {
	compareIds,
	comparePositions,
	isPosition,
	laterOf,
} from '../../../../nodes/Transcript/render/position';

describe('positions', () => {
	test('part ids compare as numbers when numeric, so "9" comes before "10"', () => {
		expect(compareIds('9', '10')).toBeLessThan(0);
		expect(compareIds('123456789012345678901', '123456789012345678900')).toBeGreaterThan(0);
		expect(compareIds('b', 'a')).toBeGreaterThan(0);
		expect(comparePositions({ t: 5, id: '10' }, { t: 5, id: '9' })).toBeGreaterThan(0);
		expect(comparePositions({ t: 4, id: '10' }, { t: 5, id: '9' })).toBeLessThan(0);
		expect(comparePositions({ t: 4, id: '7' }, { t: 9, id: '7' })).toBe(0);
	});

	test('leading zeros do not make a numeric id larger', () => {
		expect(compareIds('009', '10')).toBeLessThan(0);
		expect(compareIds('10', '009')).toBeGreaterThan(0);
		expect(compareIds('7', '7')).toBe(0);
	});

	test('isPosition: a finite time and a non-empty id', () => {
		expect(isPosition({ t: 1, id: '1' })).toBe(true);
		expect(isPosition({ t: 0, id: 'source-1', extra: true })).toBe(true);
		expect(isPosition({ t: Number.NaN, id: '1' })).toBe(false);
		expect(isPosition({ t: Infinity, id: '1' })).toBe(false);
		expect(isPosition({ t: 1, id: '' })).toBe(false);
		expect(isPosition({ t: '1', id: '1' })).toBe(false);
		expect(isPosition({ t: 1, id: 1 })).toBe(false);
		expect(isPosition(null)).toBe(false);
		expect(isPosition('1:1')).toBe(false);
	});

	test('laterOf takes the later position, either one when the other is missing', () => {
		const early = { t: 5, id: '9' };
		const late = { t: 5, id: '10' };
		expect(laterOf(early, late)).toBe(late);
		expect(laterOf(late, early)).toBe(late);
		expect(laterOf(null, early)).toBe(early);
		expect(laterOf(early, null)).toBe(early);
		expect(laterOf(null, null)).toBeNull();
		// the same id is the same position: the first one stays
		const same = { t: 6, id: '9' };
		expect(laterOf(early, same)).toBe(early);
	});
});
