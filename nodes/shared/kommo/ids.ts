import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A Kommo record id (lead, contact, pipeline, stage, user, field, account) is a positive whole
 * number. Parameters and expressions give it as a number or as text, and Kommo's form-encoded
 * webhooks always as text, so both count, text trimmed. Anything else is not an id, even where
 * JavaScript's Number() would make one of it: a sign, a decimal point, an exponent ("1e3"), hex
 * ("0x10"), true, or digits too many to hold exactly. Null when the value is not an id.
 */
export function readKommoId(value: unknown): number | null {
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!/^\d+$/.test(text)) return null;
	const id = Number(text);
	return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** An id the item cannot go on without; anything else fails the item, naming the field. */
export function requireKommoId(
	node: INode,
	value: unknown,
	label: string,
	itemIndex: number,
): number {
	const id = readKommoId(value);
	if (id === null) {
		const shown = typeof value === 'number' ? String(value) : String(value ?? '').trim();
		throw new NodeOperationError(
			node,
			`${label} must be a Kommo ID (digits only), got "${shown}"`,
			{ itemIndex },
		);
	}
	return id;
}

/**
 * An id a field may leave empty (nothing, or blank text): undefined then. A value that is there but
 * is not an id fails the item like a required one, rather than being dropped unnoticed (a lead
 * would otherwise land in the main pipeline when an expression yields a pipeline's name).
 */
export function optionalKommoId(
	node: INode,
	value: unknown,
	label: string,
	itemIndex: number,
): number | undefined {
	const empty =
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
	return empty ? undefined : requireKommoId(node, value, label, itemIndex);
}
