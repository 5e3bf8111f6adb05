import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseMarker } from '../../shared/transcriptMarker';

/** One note of a "Notes List", checked for shape. */
export interface NoteToWrite {
	text: string;
	/** from the entry, else from the text's marker line; null when neither has one */
	idempotencyKey: string | null;
}

function describeValue(value: unknown): string {
	if (value === undefined) return 'missing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'string') return value.trim() === '' ? 'empty text' : 'text';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const LIST_SHAPE = 'a list like [{ "text": "…", "idempotencyKey": "…" }]';

/**
 * The "Notes" parameter: a list (or its JSON text) of `{ text, idempotencyKey? }` entries, such as
 * the Transcript node's `notes`. Anything else fails with the position and what was wrong.
 */
export function parseNotesList(node: INode, value: unknown, itemIndex: number): NoteToWrite[] {
	let list = value;
	if (typeof list === 'string' && list.trim().startsWith('[')) {
		try {
			list = JSON.parse(list) as unknown;
		} catch {
			throw new NodeOperationError(node, `"Notes" is not valid JSON; it must be ${LIST_SHAPE}`, {
				itemIndex,
			});
		}
	}
	if (!Array.isArray(list)) {
		throw new NodeOperationError(
			node,
			`"Notes" must be ${LIST_SHAPE}, but it is ${describeValue(list)}`,
			{
				itemIndex,
				description:
					'With Text Source "Notes List" the node expects the Transcript node\'s "One Item per Conversation" output, whose items carry "notes". For a single note, set Text Source to "Text".',
			},
		);
	}
	return list.map((entry: unknown, index) => {
		const position = `Note ${index + 1} of ${list.length}`;
		if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new NodeOperationError(
				node,
				`${position} in "Notes" must be an object with "text", but it is ${describeValue(entry)}`,
				{ itemIndex },
			);
		}
		const { text, idempotencyKey } = entry as IDataObject;
		if (typeof text !== 'string' || text.trim() === '') {
			throw new NodeOperationError(node, `${position} in "Notes" has no text`, { itemIndex });
		}
		if (
			idempotencyKey !== undefined &&
			idempotencyKey !== null &&
			typeof idempotencyKey !== 'string'
		) {
			throw new NodeOperationError(
				node,
				`${position} in "Notes" has an idempotencyKey that is not text`,
				{ itemIndex },
			);
		}
		const typed = typeof idempotencyKey === 'string' ? idempotencyKey.trim() : '';
		return { text, idempotencyKey: typed || parseMarker(text) };
	});
}
