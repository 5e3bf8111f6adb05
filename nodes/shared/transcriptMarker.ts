/**
 * The last line of every transcript note names the messages it holds, e.g.
 * `#intercom-kommo key=intercom:215:403918334-9877`. The Kommo "Add Note" step reads it back from the
 * notes already on a lead to skip a note that was written before (same conversation, same messages).
 */
export const MARKER_PREFIX = '#intercom-kommo key=';

const KEY_PREFIX = 'intercom:';

/**
 * `intercom:<conversationId>:<firstRef>-<lastRef>`; a ref is a part id, or `<id>~<piece>` for a
 * piece of a message too long for one note.
 */
export function buildIdempotencyKey(conversationId: string, firstRef: string, lastRef: string) {
	return `${KEY_PREFIX}${conversationId}:${firstRef}-${lastRef}`;
}

export interface TranscriptKeyParts {
	conversationId: string;
	firstRef: string;
	lastRef: string;
}

const KEY_PARTS = /^intercom:([^:\s]+):(\S+)-([^-\s]+)$/;

/** The parts of a key {@link buildIdempotencyKey} made, or null for any other text. */
export function parseIdempotencyKey(key: unknown): TranscriptKeyParts | null {
	if (typeof key !== 'string') return null;
	const match = KEY_PARTS.exec(key.trim());
	return match ? { conversationId: match[1], firstRef: match[2], lastRef: match[3] } : null;
}

/**
 * The conversation a transcript key names: its second segment. Unlike {@link parseIdempotencyKey} it
 * does not need a well-formed message range, so a lead whose note was edited by hand still counts as
 * holding the conversation.
 */
export function keyConversationId(key: string): string | null {
	const conversationId = key.split(':')[1];
	return conversationId ? conversationId : null;
}

/** Whether a key is one the Transcript node writes (and so is only ever read from a marker line). */
export function isTranscriptKey(key: string): boolean {
	return key.startsWith(KEY_PREFIX);
}

export function formatMarker(idempotencyKey: string): string {
	return `${MARKER_PREFIX}${idempotencyKey}`;
}

const MARKER_LINE = /^[ \t]*#intercom-kommo key=(\S+)[ \t]*$/gm;

/**
 * The idempotency key in a note's marker line, or null when the text has none. Takes the last marker
 * line, since a quoted older note could appear earlier in the text; tolerates `\r\n` and the extra
 * whitespace an editor may add.
 */
export function parseMarker(text: unknown): string | null {
	if (typeof text !== 'string' || text.indexOf(MARKER_PREFIX) === -1) return null;
	const normalized = text.replace(/\r\n?/g, '\n');
	let key: string | null = null;
	MARKER_LINE.lastIndex = 0;
	let match: RegExpExecArray | null;
	while ((match = MARKER_LINE.exec(normalized)) !== null) key = match[1];
	return key && isTranscriptKey(key) ? key : null;
}
