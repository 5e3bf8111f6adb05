import { createZonedClock, isValidTimeZone } from '../../../../nodes/Transcript/render/time';

describe('zoned clock', () => {
	test('clock: 24-hour times and local dates across DST', () => {
		const berlin = createZonedClock('Europe/Berlin');
		// 2026-03-29 00:30Z (CET, +1) and 01:30Z (CEST, +2)
		expect(berlin.time(1774744200)).toBe('01:30');
		expect(berlin.time(1774747800)).toBe('03:30');
		expect(createZonedClock('UTC').time(1782345600)).toBe('00:00');
		expect(createZonedClock('America/Los_Angeles').day(1782345600)).toBe('2026-06-24');
		expect(() => createZonedClock('Nowhere/Else')).toThrow(RangeError);
	});

	test('the clock names the zone Intl resolved, and one minute reads the same all through', () => {
		const clock = createZonedClock('europe/berlin');
		expect(clock.timeZone).toBe('Europe/Berlin');
		// 2026-06-25 12:05:00Z and 12:05:59Z: the same local minute
		expect(clock.time(1782389100)).toBe('14:05');
		expect(clock.time(1782389159)).toBe('14:05');
		expect(clock.time(1782389160)).toBe('14:06');
		expect(clock.day(1782389100)).toBe('2026-06-25');
	});

	test('midnight is 00:00, never 24:00', () => {
		// 2026-06-24 22:00Z is midnight in Berlin
		expect(createZonedClock('Europe/Berlin').time(1782338400)).toBe('00:00');
		expect(createZonedClock('Europe/Berlin').day(1782338400)).toBe('2026-06-25');
	});

	test('isValidTimeZone says whether Intl knows the zone', () => {
		expect(isValidTimeZone('UTC')).toBe(true);
		expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
		expect(isValidTimeZone('Nowhere/Else')).toBe(false);
	});
});
