import type { IDataObject } from 'n8n-workflow';

/** A plain object (not null, not an array): what a parsed JSON body or payload field must be to be read. */
export function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One entry of a list as text: a tag object as Intercom and Kommo return it stands for its name. */
function entryText(entry: unknown): string {
	if (entry === undefined || entry === null) return '';
	if (isObject(entry) && 'name' in entry) return String(entry.name ?? '');
	return String(entry);
}

/**
 * A list a user types as comma-separated text or maps from an expression as an array (of names,
 * numbers, or `{ name }` objects such as an Intercom conversation's tags). Entries are trimmed and
 * blanks dropped. An array's entries are not split again, so a name in a list may hold a comma; a
 * lone number is a list of one. Repeats are kept: whether "VIP" and "vip" are one is the caller's rule.
 */
export function readCommaList(value: unknown): string[] {
	const entries = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',')
			: [value];
	return entries.map((entry) => entryText(entry).trim()).filter((entry) => entry !== '');
}

/**
 * A "json" parameter's value: n8n passes what an expression returned as it is, and typed or pasted
 * text as a string, which is parsed here; text that is not JSON gives undefined.
 */
export function jsonParameterValue(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return undefined;
	}
}
