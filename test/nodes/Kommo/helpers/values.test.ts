import { normalizeEmail, phoneDigits } from '../../../../nodes/Kommo/helpers/values';

describe('channels', () => {
	test('emails compare trimmed and in lower case; phones by their digits', () => {
		expect(normalizeEmail('  Ann@Example.COM ')).toBe('ann@example.com');
		expect(normalizeEmail(undefined)).toBe('');
		expect(phoneDigits('+1 (415) 555-0100')).toBe('14155550100');
		expect(phoneDigits(null)).toBe('');
	});
});
