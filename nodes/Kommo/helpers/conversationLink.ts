import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { keyConversationId, parseMarker } from '../../shared/transcriptMarker';
import { kommoApiPages } from '../../shared/kommo/transport';

/**
 * A lead is linked to an Intercom conversation by the transcript notes on it: their last line is the
 * Transcript node's marker, `#intercom-kommo key=intercom:<conversationId>:<first>-<last>`. Only those
 * markers count; a conversation id merely mentioned in a note does not.
 */
export function markerConversationId(text: unknown): string | null {
	const key = parseMarker(text);
	return key === null ? null : keyConversationId(key);
}

export interface LinkedNote {
	noteId: number | null;
	conversationId: string;
	/** the note's idempotency key: which messages of the conversation it holds */
	key: string;
}

/**
 * The newest transcript note on a lead (of `conversationId`, when given), reading the lead's text
 * notes newest first, one page at a time, and stopping at the first page that holds one.
 */
export async function findTranscriptNote(
	context: IExecuteFunctions,
	leadId: number,
	itemIndex: number,
	conversationId?: string,
): Promise<LinkedNote | null> {
	const pages = kommoApiPages.call(
		context,
		`/api/v4/leads/${leadId}/notes`,
		'notes',
		{ 'filter[note_type]': ['common'], 'order[id]': 'desc' },
		{ itemIndex },
	);
	for await (const notes of pages) {
		let newest: { id: number; note: LinkedNote } | undefined;
		for (const note of notes) {
			const key = parseMarker((note.params as IDataObject | undefined)?.text);
			const found = key === null ? null : keyConversationId(key);
			if (key === null || found === null) continue;
			if (conversationId !== undefined && found !== conversationId) continue;
			// the order Kommo was asked for already puts the newest first; the id settles it anyway
			const id = Number(note.id);
			const rank = Number.isFinite(id) ? id : -1;
			if (!newest || rank > newest.id) {
				newest = {
					id: rank,
					note: { noteId: Number.isFinite(id) ? id : null, conversationId: found, key },
				};
			}
		}
		if (newest) return newest.note;
	}
	return null;
}
