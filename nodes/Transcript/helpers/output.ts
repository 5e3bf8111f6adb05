import type { IDataObject } from 'n8n-workflow';

import type { Customer } from '../../shared/intercomConversation';
import type { Transcript } from '../render/transcript';

export type OutputMode = 'perNote' | 'perConversation';

/** All notes of a conversation as one item, for steps that must run once per conversation. */
export function perConversationItem(
	transcript: Transcript,
	conversationId: string,
	customer: Customer | null,
): IDataObject {
	const { notes } = transcript;
	// a message split across notes ends one note and starts the next: count it once
	let messageCount = 0;
	for (let i = 0; i < notes.length; i++) {
		messageCount += notes[i].messageCount;
		if (i > 0 && notes[i].firstPartId === notes[i - 1].lastPartId) messageCount--;
	}
	return {
		conversationId,
		notes: notes.map((note) => ({
			text: note.text,
			idempotencyKey: note.idempotencyKey,
			part: note.part,
			parts: note.parts,
			firstPartId: note.firstPartId,
			lastPartId: note.lastPartId,
			messageCount: note.messageCount,
		})),
		noteCount: notes.length,
		messageCount,
		truncated: transcript.truncated,
		customer,
		text: notes[0].text,
	};
}

export function perNoteItems(
	transcript: Transcript,
	conversationId: string,
	customer: Customer | null,
): IDataObject[] {
	return transcript.notes.map((note) => ({
		conversationId,
		text: note.text,
		part: note.part,
		parts: note.parts,
		idempotencyKey: note.idempotencyKey,
		messageCount: note.messageCount,
		firstPartId: note.firstPartId,
		lastPartId: note.lastPartId,
		truncated: transcript.truncated,
		customer,
	}));
}
