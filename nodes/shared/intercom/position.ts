/**
 * Where a message sits in a conversation: its `created_at` (unix seconds) and its part id, so a
 * transcript key's last message can be placed among the parts even when Intercom no longer lists it.
 */
export interface Position {
	t: number;
	id: string;
}

const DIGITS = /^\d+$/;

/**
 * Intercom part ids are numeric strings of varying length ("9" < "10"); compare those as numbers
 * without losing precision, anything else as plain strings.
 */
export function compareIds(a: string, b: string): number {
	if (a === b) return 0;
	if (DIGITS.test(a) && DIGITS.test(b)) {
		const left = a.replace(/^0+(?=\d)/, '');
		const right = b.replace(/^0+(?=\d)/, '');
		if (left.length !== right.length) return left.length < right.length ? -1 : 1;
	}
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Chronological order: `created_at` first, ties by id. The same id is the same position. */
export function comparePositions(a: Position, b: Position): number {
	if (a.id === b.id) return 0;
	if (a.t !== b.t) return a.t < b.t ? -1 : 1;
	return compareIds(a.id, b.id);
}
