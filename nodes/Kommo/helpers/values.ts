import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** A Kommo record id from a parameter: a positive integer, also when typed or mapped as text. */
export function parseEntityId(
	node: INode,
	value: unknown,
	label: string,
	itemIndex: number,
): number {
	const text = typeof value === 'number' ? String(value) : String(value ?? '').trim();
	if (!/^\d+$/.test(text) || Number(text) <= 0) {
		throw new NodeOperationError(node, `${label} must be a Kommo ID (digits only), got "${text}"`, {
			itemIndex,
		});
	}
	return Number(text);
}

/** Names from an array (e.g. an expression) or a comma-separated string, trimmed, blanks dropped. */
export function parseNameList(value: unknown): string[] {
	const entries = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',')
			: value === undefined || value === null
				? []
				: [value];
	return entries
		.map((entry) =>
			entry && typeof entry === 'object' && 'name' in (entry as object)
				? String((entry as { name: unknown }).name)
				: String(entry ?? ''),
		)
		.map((name) => name.trim())
		.filter((name) => name !== '');
}

export function normalizeEmail(value: unknown): string {
	return String(value ?? '')
		.trim()
		.toLowerCase();
}

export function phoneDigits(value: unknown): string {
	return String(value ?? '').replace(/\D+/g, '');
}

/** A positive integer id, or undefined for an empty/invalid optional field. */
export function optionalId(value: unknown): number | undefined {
	const id = Number(value);
	return value !== '' && value !== undefined && value !== null && Number.isInteger(id) && id > 0
		? id
		: undefined;
}
