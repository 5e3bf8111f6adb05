import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readKommoId } from '../../shared/kommo/ids';
import { kommoApiRequest } from '../../shared/kommo/transport';
import { readCommaList } from '../../shared/values';

export interface FieldOption {
	id: number;
	value: string;
}

export interface CustomFieldDefinition {
	id: number;
	name: string;
	type: string;
	enums?: FieldOption[];
}

/** Lead custom-field definitions, fetched once per field and execution. */
export class LeadFieldDirectory {
	private readonly cache = new Map<number, Promise<CustomFieldDefinition>>();

	constructor(private readonly context: IExecuteFunctions) {}

	async get(fieldId: number, itemIndex: number): Promise<CustomFieldDefinition> {
		let pending = this.cache.get(fieldId);
		if (!pending) {
			pending = this.fetch(fieldId, itemIndex);
			this.cache.set(fieldId, pending);
			pending.catch(() => this.cache.delete(fieldId));
		}
		return await pending;
	}

	private async fetch(fieldId: number, itemIndex: number): Promise<CustomFieldDefinition> {
		const field = (await kommoApiRequest.call(
			this.context,
			'GET',
			`/api/v4/leads/custom_fields/${fieldId}`,
			undefined,
			undefined,
			{ itemIndex },
		)) as IDataObject | undefined;
		if (!field) {
			throw new NodeOperationError(
				this.context.getNode(),
				`Kommo has no lead field with ID ${fieldId}`,
				{
					itemIndex,
				},
			);
		}
		return {
			id: Number(field.id),
			name: String(field.name ?? fieldId),
			type: String(field.type ?? 'text'),
			enums: Array.isArray(field.enums)
				? (field.enums as IDataObject[]).map((option) => ({
						id: Number(option.id),
						value: String(option.value ?? ''),
					}))
				: undefined,
		};
	}
}

export const CHOICE_TYPES = new Set(['select', 'radiobutton', 'multiselect']);

const NUMBER_TYPES = new Set(['numeric', 'price', 'monetary']);
const DATE_TYPES = new Set(['date', 'date_time', 'birthday']);

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on', 'checked']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off', 'unchecked', '']);

/**
 * The option named `wanted` (ignoring case and spaces), else, with `byId`, the option with that ID.
 * A tag is a name, so tag mapping looks names up only, never an option ID that looks like one.
 */
export function findOption(
	field: CustomFieldDefinition,
	wanted: unknown,
	{ byId }: { byId: boolean } = { byId: true },
): FieldOption | undefined {
	const text = String(wanted ?? '').trim();
	const lower = text.toLowerCase();
	return (
		field.enums?.find((option) => option.value.trim().toLowerCase() === lower) ??
		(byId && /^\d+$/.test(text)
			? field.enums?.find((option) => option.id === Number(text))
			: undefined)
	);
}

function optionList(field: CustomFieldDefinition): string {
	return (field.enums ?? []).map((option) => `"${option.value}"`).join(', ');
}

function toTimestamp(value: unknown): number | undefined {
	if (typeof value === 'number') return value > 1e11 ? Math.floor(value / 1000) : value;
	const text = String(value ?? '').trim();
	if (/^\d+$/.test(text)) return toTimestamp(Number(text));
	const parsed = Date.parse(text);
	return Number.isNaN(parsed) ? undefined : Math.floor(parsed / 1000);
}

/**
 * The `values` array Kommo expects for one field, from what the user typed or mapped. Choice fields
 * take option names (case-insensitive) or option IDs; several choices are comma-separated.
 */
export function buildFieldValues(
	node: INode,
	field: CustomFieldDefinition,
	raw: unknown,
	itemIndex: number,
): IDataObject[] {
	const fail = (problem: string) =>
		new NodeOperationError(node, `Lead field "${field.name}": ${problem}`, { itemIndex });

	if (CHOICE_TYPES.has(field.type)) {
		// one option's name may hold a comma: typed text is split only where several are allowed
		const names = readCommaList(Array.isArray(raw) || field.type === 'multiselect' ? raw : [raw]);
		if (field.type !== 'multiselect' && names.length > 1) {
			throw fail(`only one option can be chosen, got ${names.length}`);
		}
		return names.map((name) => {
			const option = findOption(field, name);
			if (!option) throw fail(`"${name}" is not one of its options (${optionList(field)})`);
			return { enum_id: option.id };
		});
	}
	if (field.type === 'checkbox') {
		if (typeof raw === 'boolean') return [{ value: raw }];
		const word = String(raw ?? '')
			.trim()
			.toLowerCase();
		if (TRUE_WORDS.has(word)) return [{ value: true }];
		if (FALSE_WORDS.has(word)) return [{ value: false }];
		throw fail(`"${String(raw)}" is not a yes/no value (use true or false)`);
	}
	if (NUMBER_TYPES.has(field.type)) {
		const text = String(raw ?? '').trim();
		const number = Number(text.replace(',', '.'));
		if (text === '' || !Number.isFinite(number)) throw fail(`"${text}" is not a number`);
		return [{ value: number }];
	}
	if (DATE_TYPES.has(field.type)) {
		const timestamp = toTimestamp(raw);
		if (timestamp === undefined) throw fail(`"${String(raw)}" is not a date`);
		return [{ value: timestamp }];
	}
	return [{ value: typeof raw === 'string' ? raw : String(raw ?? '') }];
}

export interface CustomFieldEntry {
	fieldId: number | string;
	value: unknown;
}

/** `custom_fields_values` for a list of "field → value" rows from the node's Custom Fields table. */
export async function buildCustomFieldsValues(
	context: IExecuteFunctions,
	fields: LeadFieldDirectory,
	entries: CustomFieldEntry[],
	itemIndex: number,
): Promise<IDataObject[]> {
	const result: IDataObject[] = [];
	for (const entry of entries) {
		const fieldId = readKommoId(entry.fieldId);
		if (fieldId === null) {
			throw new NodeOperationError(
				context.getNode(),
				`Choose a lead field for every custom field row`,
				{
					itemIndex,
				},
			);
		}
		const field = await fields.get(fieldId, itemIndex);
		result.push({
			field_id: fieldId,
			values: buildFieldValues(context.getNode(), field, entry.value, itemIndex),
		});
	}
	return result;
}
