/**
 * Intercom conversation shapes for the customer rule's tests (the rule's own and Get's, through
 * n8n): the fixtures in test/fixtures/intercom with their authors and contacts swapped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

/** The contact of the shared fixtures (conversation.json, contact.json, the real shapes). */
export const MARIA = '6762f1261bb69f9f2193bba7';

export function intercomFixture(name: string): IDataObject {
	const path = join(__dirname, '..', '..', 'fixtures', 'intercom', `${name}.json`);
	return JSON.parse(readFileSync(path, 'utf8')) as IDataObject;
}

/** `data.item` of a webhook fixture: the conversation as a notification carries it. */
export function webhookItem(name: string): IDataObject {
	return (intercomFixture(name).data as IDataObject).item as IDataObject;
}

/** A message author as Intercom shows it (`type` user, lead, contact, admin, bot or team). */
export function author(type: string, id: string, name: string | null, email: string | null) {
	return { type, id, name, email };
}

/** The `contacts` field: Intercom lists them by id only. */
export function contactList(...ids: string[]): IDataObject {
	return {
		type: 'contact.list',
		contacts: ids.map((id) => ({ type: 'contact', id, external_id: null })),
	};
}

/** `base` with its opening message written by `source` and one comment by each of `parts`, in order. */
export function withAuthors(
	base: IDataObject,
	source: IDataObject,
	...parts: IDataObject[]
): IDataObject {
	return {
		...base,
		source: { ...(base.source as IDataObject), author: source },
		conversation_parts: {
			type: 'conversation_part.list',
			conversation_parts: parts.map((partAuthor, i) => ({
				type: 'conversation_part',
				id: String(30100 + i),
				part_type: 'comment',
				body: '<p>…</p>',
				created_at: 1767225800 + i,
				author: partAuthor,
			})),
			total_count: parts.length,
		},
	};
}
