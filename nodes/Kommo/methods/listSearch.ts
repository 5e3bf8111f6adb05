/**
 * The From List mode of the Lead ID, Contact ID and "Lead or Contact" fields: Kommo's own search
 * (`GET /api/v4/leads?query=…`, `/api/v4/contacts?query=…`), one page per call, most recently
 * updated first, each record named with its ID and linked to its card in Kommo.
 */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { channelValues } from '../actions/contact/find';
import { RECORD_PATHS } from '../helpers/recordLocator';
import type { RecordKind } from '../helpers/recordLocator';
import { kommoAccountUrl, kommoApiRequest } from '../../shared/kommo/transport';

/** Records per page of the list: enough to scroll, small enough to answer at once. */
export const SEARCH_PAGE_SIZE = 50;

const EMBEDDED_KEYS: Record<RecordKind, string> = { lead: 'leads', contact: 'contacts' };

function pageNumber(token: string | undefined): number {
	const page = Number(token);
	return Number.isSafeInteger(page) && page > 1 ? page : 1;
}

/** How a record shows in the list: its name, then what tells two of the same name apart. */
function itemName(kind: RecordKind, record: IDataObject): string {
	const name = String(record.name ?? '').trim() || '(no name)';
	const contactDetail =
		kind === 'contact'
			? (channelValues(record, 'email')[0] ?? channelValues(record, 'phone')[0])
			: undefined;
	return contactDetail
		? `${name} · ${contactDetail} (ID ${String(record.id)})`
		: `${name} (ID ${String(record.id)})`;
}

/**
 * One page of leads or contacts matching `filter` (every record when it is empty). Kommo answers
 * 204 with no body when nothing matches, or when the page is past the last one: an empty list.
 */
export async function searchRecords(
	context: ILoadOptionsFunctions,
	kind: RecordKind,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = pageNumber(paginationToken);
	const qs: IDataObject = { limit: SEARCH_PAGE_SIZE, page, 'order[updated_at]': 'desc' };
	const query = (filter ?? '').trim();
	if (query) qs.query = query;
	const path = `/api/v4/${RECORD_PATHS[kind]}`;
	const response = (await kommoApiRequest.call(context, 'GET', path, undefined, qs)) as
		| IDataObject
		| undefined;
	if (!response) return { results: [] };
	const embedded = (response._embedded as IDataObject | undefined)?.[EMBEDDED_KEYS[kind]];
	const records = Array.isArray(embedded) ? (embedded as IDataObject[]) : [];
	const baseUrl = await kommoAccountUrl.call(context);
	const results: INodeListSearchItems[] = records
		.filter((record) => record.id !== undefined && record.id !== null)
		.map((record) => ({
			name: itemName(kind, record),
			value: String(record.id),
			url: `${baseUrl}/${RECORD_PATHS[kind]}/detail/${String(record.id)}`,
		}));
	const next = (response._links as IDataObject | undefined)?.next;
	return next && records.length ? { results, paginationToken: String(page + 1) } : { results };
}

export async function searchLeads(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchRecords(this, 'lead', filter, paginationToken);
}

export async function searchContacts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchRecords(this, 'contact', filter, paginationToken);
}

/** Note › Add: leads or contacts, as its Add To says (as being edited, else as saved). */
export async function searchNoteOwners(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	let entityType: unknown;
	try {
		entityType =
			this.getCurrentNodeParameters() !== undefined
				? this.getCurrentNodeParameter('entityType')
				: this.getNodeParameter('entityType', 'lead');
	} catch {
		entityType = 'lead';
	}
	const kind: RecordKind = entityType === 'contact' ? 'contact' : 'lead';
	return await searchRecords(this, kind, filter, paginationToken);
}
