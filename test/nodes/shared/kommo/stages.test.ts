import {
	isClosedStatus,
	LOST_STATUS_ID,
	WON_STATUS_ID,
} from '../../../../nodes/shared/kommo/stages';

test('Won (142) and Lost (143) are the closed stages, as numbers or text', () => {
	expect([WON_STATUS_ID, LOST_STATUS_ID]).toEqual([142, 143]);
	expect(isClosedStatus(142)).toBe(true);
	expect(isClosedStatus('143')).toBe(true);
	expect(isClosedStatus(58141803)).toBe(false);
	expect(isClosedStatus(undefined)).toBe(false);
	expect(isClosedStatus(null)).toBe(false);
	expect(isClosedStatus('won')).toBe(false);
});
