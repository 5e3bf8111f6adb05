import { compareIds, comparePositions } from '../../../../nodes/shared/intercom/position';

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
});
