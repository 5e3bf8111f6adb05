/**
 * The Lead ID, Contact ID and "Lead or Contact" fields of the Kommo node: n8n resource locators
 * (From List, By ID, By URL), and their one reader.
 *
 * Saved workflows from before these fields were locators hold a plain value ("19619", or an
 * expression such as "={{ $json.leadId }}"): n8n hands such a value to the node unchanged, and the
 * reader takes it like a By ID value, so those workflows run as they did.
 */
import type {
	IExecuteFunctions,
	INodeParameterResourceLocator,
	INodeProperties,
} from 'n8n-workflow';
import { isResourceLocatorValue, NodeOperationError } from 'n8n-workflow';

import { requireKommoId } from '../../shared/kommo/ids';

/** The records a locator can point at (Note › Add takes either, as its Add To says). */
export type RecordKind = 'lead' | 'contact';

/** The address path of each kind of record: `https://acme.kommo.com/leads/detail/19619`. */
export const RECORD_PATHS: Record<RecordKind, string> = { lead: 'leads', contact: 'contacts' };

/** An account address on one of Kommo's domains (the ones the credential's Domain offers). */
const ACCOUNT_HOST = '[A-Za-z0-9][A-Za-z0-9-]*\\.(?:kommo\\.com|amocrm\\.ru|amocrm\\.com)';

function pathsOf(kinds: RecordKind[]): string {
	return kinds.map((kind) => RECORD_PATHS[kind]).join('|');
}

/** A record address, the ID its one group (n8n's extractValue wants exactly one). */
export function recordUrlExtractRegex(kinds: RecordKind[]): string {
	return `https?://${ACCOUNT_HOST}/(?:${pathsOf(kinds)})/detail/(\\d+)`;
}

/**
 * The editor's check of a By URL value. n8n matches it against the whole value (`^…$`), and an
 * execution whose locator fails it does not start, so it allows what the reader allows: spaces
 * around the address, and anything after the ID (`?…`, `#…`, `/…`).
 */
function recordUrlValidationRegex(kinds: RecordKind[]): string {
	return `\\s*https?://${ACCOUNT_HOST}/(?:${pathsOf(kinds)})/detail/\\d+(?:[/?#]\\S*)?\\s*`;
}

/** By ID: digits, spaces around them allowed (the reader trims them, as it always has). */
const ID_VALIDATION_REGEX = '\\s*[0-9]+\\s*';

/** The kind of record a Kommo address points at, and its ID; null when it is no record address. */
export function parseRecordUrl(value: unknown): { kind: RecordKind; id: string } | null {
	if (typeof value !== 'string') return null;
	const match = new RegExp(
		`^\\s*https?://${ACCOUNT_HOST}/(${pathsOf(['lead', 'contact'])})/detail/(\\d+)(?:[/?#\\s]|$)`,
	).exec(value);
	if (!match) return null;
	return { kind: match[1] === RECORD_PATHS.contact ? 'contact' : 'lead', id: match[2] };
}

interface RecordLocatorOptions {
	displayName: string;
	name: string;
	/** the records it points at: one kind, or both (Note › Add, whose list follows Add To) */
	kinds: RecordKind[];
	/** the `listSearch` method of the From List mode */
	searchListMethod: string;
	description?: string;
	/** parameters whose change empties the choice (e.g. Note › Add's Add To) */
	dependsOn?: string[];
}

/** A Kommo record field as n8n's resource locator: From List, By ID, By URL. */
export function recordLocatorProperty(options: RecordLocatorOptions): INodeProperties {
	const { kinds } = options;
	const what = kinds.join(' or ');
	const example = `https://mycompany.kommo.com/${RECORD_PATHS[kinds[0]]}/detail/19619`;
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select a ${what}...`,
				typeOptions: { searchListMethod: options.searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 19619',
				hint: `The number at the end of the ${what}'s address in Kommo (…/${RECORD_PATHS[kinds[0]]}/detail/19619)`,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: ID_VALIDATION_REGEX,
							errorMessage: `A ${what} ID is a number, e.g. 19619`,
						},
					},
				],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: `e.g. ${example}`,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: recordUrlValidationRegex(kinds),
							errorMessage: `Paste the address of a ${what} from Kommo, e.g. ${example}`,
						},
					},
				],
				extractValue: { type: 'regex', regex: recordUrlExtractRegex(kinds) },
			},
		],
		...(options.description ? { description: options.description } : {}),
		...(options.dependsOn ? { typeOptions: { loadOptionsDependsOn: options.dependsOn } } : {}),
	};
}

/**
 * The record ID of a locator field for an item, checked: a positive whole number, whatever the
 * mode, also from a plain value saved before the field was a locator. A By URL address of the
 * other kind of record (a contact's in a lead field) fails the item, naming the field.
 */
export function readRecordId(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	label: string,
	kind: RecordKind,
): number {
	const node = context.getNode();
	const stored = context.getNodeParameter(name, itemIndex) as
		| INodeParameterResourceLocator
		| string
		| number;
	if (isResourceLocatorValue(stored) && stored.mode === 'url') {
		const url = String(stored.value ?? '').trim();
		const parsed = parseRecordUrl(url);
		if (parsed === null) {
			throw new NodeOperationError(
				node,
				`${label}: "${url}" is not the address of a ${kind} in Kommo`,
				{
					itemIndex,
					description: `Open the ${kind} in Kommo and copy its address from the browser, e.g. https://mycompany.kommo.com/${RECORD_PATHS[kind]}/detail/19619`,
				},
			);
		}
		if (parsed.kind !== kind) {
			throw new NodeOperationError(
				node,
				`${label}: "${url}" is the address of a ${parsed.kind}, not of a ${kind}`,
				{ itemIndex },
			);
		}
	}
	const value = context.getNodeParameter(name, itemIndex, undefined, { extractValue: true });
	return requireKommoId(node, value, label, itemIndex);
}
