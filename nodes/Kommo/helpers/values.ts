export function normalizeEmail(value: unknown): string {
	return String(value ?? '')
		.trim()
		.toLowerCase();
}

export function phoneDigits(value: unknown): string {
	return String(value ?? '').replace(/\D+/g, '');
}
