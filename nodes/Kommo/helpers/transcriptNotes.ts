import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isTranscriptKey, keyConversationId, parseMarker } from '../../shared/transcriptMarker';
import { kommoApiPages } from '../../shared/kommo/transport';

/** The lead or contact whose notes are read or written. */
export interface NoteOwner {
	/** `leads` or `contacts`, as in Kommo's paths */
	entityPath: string;
	entityId: number;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Does this note carry the key? A transcript key counts only as the note's own marker, its last
 * marker line: an older marker quoted above it, or a key mentioned in prose, names another note.
 * Any other key must appear as a whole word, so `…:1-9` does not match a note holding `…:1-99`.
 */
export function noteCarriesKey(text: unknown, key: string): boolean {
	if (typeof text !== 'string' || !key) return false;
	if (isTranscriptKey(key)) return parseMarker(text) === key;
	return new RegExp(`(^|[\\s=])${escapeRegExp(key)}($|\\s)`).test(text);
}

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

const noteText = (note: IDataObject) => (note.params as IDataObject | undefined)?.text;

/**
 * Kommo cannot search note text, so the owner's text notes are read here, newest first, one page at
 * a time, each page handed to `hasAnswer` until it says the question is settled. A lead with years
 * of notes then costs one page per question, not all of them.
 */
async function readTextNotesUntil(
	context: IExecuteFunctions,
	owner: NoteOwner,
	itemIndex: number,
	hasAnswer: (notes: IDataObject[]) => boolean,
): Promise<void> {
	const pages = kommoApiPages.call(
		context,
		`/api/v4/${owner.entityPath}/${owner.entityId}/notes`,
		'notes',
		{ 'filter[note_type]': ['common'], 'order[id]': 'desc' },
		{ itemIndex },
	);
	for await (const notes of pages) {
		if (hasAnswer(notes)) return;
	}
}

/**
 * The notes carrying each key, reading until every key is found or the notes are older than `since`
 * (Unix seconds: a transcript note cannot predate its conversation). No keys, no request.
 */
export async function findNotesWithKeys(
	context: IExecuteFunctions,
	owner: NoteOwner,
	keys: string[],
	since: number | null,
	itemIndex: number,
): Promise<Map<string, IDataObject>> {
	const found = new Map<string, IDataObject>();
	const wanted = new Set(keys);
	if (!wanted.size) return found;
	await readTextNotesUntil(context, owner, itemIndex, (notes) => {
		for (const note of notes) {
			for (const key of wanted) {
				if (!found.has(key) && noteCarriesKey(noteText(note), key)) found.set(key, note);
			}
		}
		const reachedStart =
			since !== null && notes.some((note) => Number(note.created_at ?? Infinity) < since);
		return found.size === wanted.size || reachedStart;
	});
	return found;
}

/**
 * "Search Notes Since", the `since` of {@link findNotesWithKeys}, as Unix seconds: a timestamp in
 * seconds or milliseconds, or a date. Null when empty.
 */
export function parseNotesSince(node: INode, value: unknown, itemIndex: number): number | null {
	if (value === undefined || value === null || String(value).trim() === '') return null;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) {
		const number = Number(text);
		// milliseconds since 1970 pass 10^11 in 1973; seconds will not for thousands of years
		return Math.floor(number > 1e11 ? number / 1000 : number);
	}
	const parsed = Date.parse(text);
	if (Number.isNaN(parsed)) {
		throw new NodeOperationError(
			node,
			`"Search Notes Since" must be a date or a Unix timestamp, not "${text}"`,
			{ itemIndex },
		);
	}
	return Math.floor(parsed / 1000);
}

/** The transcript note with the highest id among `notes` (of `conversationId`, when given). */
function newestTranscriptNote(notes: IDataObject[], conversationId?: string): LinkedNote | null {
	let newest: { rank: number; note: LinkedNote } | undefined;
	for (const note of notes) {
		const key = parseMarker(noteText(note));
		const found = key === null ? null : keyConversationId(key);
		if (key === null || found === null) continue;
		if (conversationId !== undefined && found !== conversationId) continue;
		// the order Kommo was asked for already puts the newest first; the id settles it anyway
		const id = Number(note.id);
		const rank = Number.isFinite(id) ? id : -1;
		if (!newest || rank > newest.rank) {
			newest = {
				rank,
				note: { noteId: Number.isFinite(id) ? id : null, conversationId: found, key },
			};
		}
	}
	return newest?.note ?? null;
}

/**
 * The newest transcript note on a lead (of `conversationId`, when given), stopping at the first page
 * that holds one.
 */
export async function findTranscriptNote(
	context: IExecuteFunctions,
	leadId: number,
	itemIndex: number,
	conversationId?: string,
): Promise<LinkedNote | null> {
	let newest: LinkedNote | null = null;
	await readTextNotesUntil(
		context,
		{ entityPath: 'leads', entityId: leadId },
		itemIndex,
		(notes) => {
			newest = newestTranscriptNote(notes, conversationId);
			return newest !== null;
		},
	);
	return newest;
}
