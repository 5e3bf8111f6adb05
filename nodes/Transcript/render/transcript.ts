import { buildIdempotencyKey, formatMarker } from '../../shared/transcriptMarker';
import { conversationEntries, isShown, missingPartCount } from '../../shared/intercom/messages';
import type {
	ConversationEntry,
	EntryFilter,
	IntercomConversation,
} from '../../shared/intercom/messages';
import { compareIds, comparePositions } from '../../shared/intercom/position';
import type { Position } from '../../shared/intercom/position';
import { createZonedClock } from './time';
import type { ZonedClock } from './time';

export interface TranscriptOptions extends EntryFilter {
	/** IANA zone for times and dates */
	timeZone: string;
	/** upper bound of one note's text, in characters (UTF-16 code units, as Kommo counts them) */
	maxLength: number;
	/** link printed under the header */
	conversationUrl: string;
	/** name to show when the customer's messages carry no author name */
	customerName?: string;
	/** a line printed under the link of every note (e.g. that the customer's email is unverified) */
	warning?: string;
}

export interface TranscriptNote {
	text: string;
	/** 1-based */
	part: number;
	parts: number;
	idempotencyKey: string;
	firstPartId: string;
	lastPartId: string;
	/** distinct messages (and event lines) in this note */
	messageCount: number;
}

export interface Transcript {
	conversationId: string;
	notes: TranscriptNote[];
	/** Intercom left out older parts and this transcript starts before the gap */
	truncated: boolean;
	/** parts Intercom did not return (its 500-part cap) */
	missingParts: number;
	/** the last message delivered before this transcript (the start it was rendered after) */
	after: Position | null;
}

/**
 * Where a transcript starts: after a message's position, from the beginning (null), or after what
 * a note key's last ref says is delivered (`lastRef`, see {@link deliveredUpTo}).
 */
export type TranscriptStart = Position | null | { lastRef: string };

/** Space the header may need for the widest ` (part i/n)`, so split points never depend on n. */
const PART_LABEL_RESERVE = ' (part 999/999)'.length;
const PIECE_REF_RESERVE = '~999'.length;
const CONTINUATION_INDENT = '  ';
const MIN_BODY_BUDGET = 300;

export type IntercomRegion = 'us' | 'eu' | 'au';

const INBOX_HOSTS: Record<IntercomRegion, string> = {
	us: 'app.intercom.com',
	eu: 'app.eu.intercom.com',
	au: 'app.au.intercom.com',
};

/**
 * Inbox link of a conversation. Without the workspace's app id the `_` placeholder lets Intercom open
 * the workspace the reader is signed in to.
 */
export function conversationUrl(
	conversationId: string,
	appId?: string | null,
	region: IntercomRegion = 'us',
): string {
	const app = appId && appId.trim() ? encodeURIComponent(appId.trim()) : '_';
	const host = INBOX_HOSTS[region] ?? INBOX_HOSTS.us;
	return `https://${host}/a/inbox/${app}/inbox/conversation/${encodeURIComponent(conversationId)}`;
}

/** Index of the first entry after `after`: found by id, else by time for a part no longer listed. */
export function indexAfter(entries: ConversationEntry[], after: Position | null): number {
	if (!after) return 0;
	for (let i = entries.length - 1; i >= 0; i--) {
		if (entries[i].id === after.id) return i + 1;
	}
	let index = entries.length;
	while (index > 0 && comparePositions(entries[index - 1], after) > 0) index--;
	return index;
}

/**
 * What a note key says is delivered: the message its last ref names (`<partId>`, or `<partId>~<piece>`
 * for a piece of a message too long for one note). A piece counts as not delivered, so the whole
 * message is written again rather than its end lost. A part Intercom no longer lists (its 500-part
 * window moved on) is placed by id among the replies, which Intercom numbers in order.
 */
export function deliveredUpTo(entries: ConversationEntry[], lastRef: string): Position | null {
	const piece = lastRef.indexOf('~');
	const partId = piece === -1 ? lastRef : lastRef.slice(0, piece);
	const index = entries.findIndex((entry) => entry.id === partId);
	if (index !== -1) {
		const delivered = piece === -1 ? index : index - 1;
		return delivered >= 0 ? { t: entries[delivered].t, id: entries[delivered].id } : null;
	}
	let before: ConversationEntry | null = null;
	for (const entry of entries) {
		if (!entry.isSource && compareIds(entry.id, partId) > 0) break;
		before = entry;
	}
	return before ? { t: before.t, id: before.id } : null;
}

/** A message's lines, ready to place: one block per message, or several for a very long one. */
interface Block {
	entryIndex: number;
	position: Position;
	day: string;
	lines: string[];
	length: number;
	ref: string;
}

const EVENT_LABELS: Record<string, string> = {
	assignment: 'assignment',
	default_assignment: 'default assignment',
	assign_and_reopen: 'assigned and reopened',
	away_mode_assignment: 'assignment (away mode)',
	open: 'reopened',
	close: 'closed',
	snoozed: 'snoozed',
	unsnoozed: 'unsnoozed',
	timer_unsnooze: 'unsnoozed',
	participant_added: 'participant added',
	participant_removed: 'participant removed',
	conversation_attribute_updated_by_admin: 'attribute updated',
	conversation_attribute_updated_by_workflow: 'attribute updated',
	ticket_attribute_updated_by_admin: 'ticket attribute updated',
	ticket_state_updated_by_admin: 'ticket state updated',
};

function eventLabel(partType: string): string {
	return (
		EVENT_LABELS[partType] ??
		(partType.replace(/_by_(admin|workflow|user|bot)$/, '').replace(/_/g, ' ') || 'event')
	);
}

function badges(entry: ConversationEntry): string {
	let result = '';
	if (entry.role === 'bot') result += ' [Bot]';
	if (entry.kind === 'note') result += ' [Internal note]';
	return result;
}

/**
 * `[14:05 Jane Doe]: first line`, continuation lines indented by two spaces so a body line that
 * happens to start with "[" never reads as a new message.
 */
function entryLines(entry: ConversationEntry, clock: ZonedClock): string[] {
	const time = clock.time(entry.t);
	if (entry.kind === 'event') {
		const detail = entry.eventDetail ? `: ${entry.eventDetail}` : '';
		return [`[${time}] (${eventLabel(entry.partType)} by ${entry.author}${detail})`];
	}
	const head = `[${time} ${entry.author}]${badges(entry)}:`;
	const content = entry.redacted
		? ['[message deleted]']
		: [...(entry.text ? entry.text.split('\n') : []), ...entry.attachments];
	const lines = [content.length ? `${head} ${content[0]}` : head];
	for (let i = 1; i < content.length; i++) {
		lines.push(content[i] ? CONTINUATION_INDENT + content[i] : '');
	}
	return lines;
}

function linesLength(lines: string[]): number {
	let length = lines.length - 1;
	for (const line of lines) length += line.length;
	return length;
}

/** Cuts one line into chunks of at most `limit`, at a space when there is one in the second half. */
export function hardWrap(line: string, limit: number): string[] {
	const chunks: string[] = [];
	let rest = line;
	let first = true;
	while (rest.length > 0) {
		const room = first ? limit : limit - CONTINUATION_INDENT.length;
		const prefix = first ? '' : CONTINUATION_INDENT;
		if (rest.length <= room) {
			chunks.push(prefix + rest);
			break;
		}
		let cut = rest.lastIndexOf(' ', room);
		if (cut < room / 2) cut = Math.max(1, room);
		// never between the two halves of a surrogate pair
		const code = rest.charCodeAt(cut - 1);
		if (code >= 0xd800 && code <= 0xdbff) cut--;
		chunks.push(prefix + rest.slice(0, cut).replace(/ +$/, ''));
		rest = rest.slice(cut).replace(/^ +/, '');
		first = false;
	}
	return chunks;
}

function blocksOf(
	entry: ConversationEntry,
	entryIndex: number,
	clock: ZonedClock,
	pieceBudget: number,
	wholeBudget: number,
): Block[] {
	const lines = entryLines(entry, clock);
	const day = clock.day(entry.t);
	const position = { t: entry.t, id: entry.id };
	const length = linesLength(lines);
	if (length <= wholeBudget) {
		return [{ entryIndex, position, day, lines, length, ref: entry.id }];
	}
	// Too long for one note: cut between lines, and inside a line only when it alone is too long.
	const continued = `[${clock.time(entry.t)} ${entry.author}]${badges(entry)} (continued):`;
	const physical: string[] = [];
	for (const line of lines) {
		if (line.length <= pieceBudget) physical.push(line);
		else physical.push(...hardWrap(line, pieceBudget));
	}
	const pieces: string[][] = [];
	let current: string[] = [];
	let used = 0;
	for (const line of physical) {
		const cost = line.length + (current.length ? 1 : 0);
		if (current.length && used + cost > pieceBudget) {
			pieces.push(current);
			current = [];
			used = 0;
		}
		used += line.length + (current.length ? 1 : 0);
		current.push(line);
	}
	if (current.length) pieces.push(current);
	return pieces.map((pieceLines, index) => {
		const withHead = index === 0 ? pieceLines : [continued, ...pieceLines];
		return {
			entryIndex,
			position,
			day,
			lines: withHead,
			length: linesLength(withHead),
			ref: `${entry.id}~${index + 1}`,
		};
	});
}

function dateLine(day: string): string {
	return `--- ${day} ---`;
}

/**
 * Renders the entries after `from` that the options show, as one or more note texts no longer than
 * `maxLength`. The same conversation, options and start always give the same notes and keys.
 */
export function renderTranscript(
	conversation: IntercomConversation,
	options: TranscriptOptions,
	from: TranscriptStart = null,
): Transcript {
	const conversationId = String(conversation.id);
	const clock = createZonedClock(options.timeZone);
	const entries = conversationEntries(conversation, options.customerName);
	// one parse of the conversation serves both the key's position and the render
	const after = from !== null && 'lastRef' in from ? deliveredUpTo(entries, from.lastRef) : from;
	const start = indexAfter(entries, after);

	const missingParts = missingPartCount(conversation);
	const firstPartIndex = entries.findIndex((entry) => !entry.isSource);
	const truncated =
		missingParts > 0 && start <= (firstPartIndex === -1 ? entries.length : firstPartIndex);

	const shown: number[] = [];
	for (let i = start; i < entries.length; i++) {
		if (isShown(entries[i], options)) shown.push(i);
	}
	if (shown.length === 0) return { conversationId, notes: [], truncated, missingParts, after };

	const createdAt =
		typeof conversation.created_at === 'number' ? conversation.created_at : entries[0].t;
	const title = `[Intercom] Chat #${conversationId} from ${clock.day(createdAt)}`;
	const returned = conversation.conversation_parts?.conversation_parts?.length ?? 0;
	const truncationLine = truncated
		? `Note: Intercom returned only the latest ${returned} of ${returned + missingParts} messages; older messages are not included.`
		: '';

	let longestId = 0;
	for (const index of shown) longestId = Math.max(longestId, entries[index].id.length);
	const longestRef = 'x'.repeat(longestId + PIECE_REF_RESERVE);
	const markerReserve = formatMarker(
		buildIdempotencyKey(conversationId, longestRef, longestRef),
	).length;
	const warningLine = options.warning?.replace(/\s+/g, ' ').trim() ?? '';
	// header, link, [warning], [truncation note], blank line, body, blank line, marker
	const fixed =
		title.length +
		PART_LABEL_RESERVE +
		1 +
		options.conversationUrl.length +
		(warningLine ? warningLine.length + 1 : 0) +
		2 +
		2 +
		markerReserve;
	const budgetOf = (noteIndex: number) =>
		options.maxLength - fixed - (noteIndex === 0 && truncationLine ? truncationLine.length + 1 : 0);
	const smallestBudget = budgetOf(0);
	if (smallestBudget < MIN_BODY_BUDGET) {
		throw new RangeError(
			`A note of ${options.maxLength} characters leaves too little room for messages after the header; allow at least ${options.maxLength - smallestBudget + MIN_BODY_BUDGET}.`,
		);
	}
	const dateReserve = dateLine('0000-00-00').length + 1;
	const wholeBudget = smallestBudget - dateReserve;

	const blocks: Block[] = [];
	for (const index of shown) {
		const entry = entries[index];
		const continuedReserve = `[00:00 ${entry.author}]${badges(entry)} (continued):`.length + 1;
		blocks.push(...blocksOf(entry, index, clock, wholeBudget - continuedReserve, wholeBudget));
	}

	// Greedy packing from the first block: with the same start, earlier notes come out identical
	// (and keep their keys) however many messages follow.
	const packed: Array<{ blocks: Block[]; lines: string[] }> = [];
	let current: { blocks: Block[]; lines: string[] } = { blocks: [], lines: [] };
	let used = 0;
	let lastDay = '';
	for (const block of blocks) {
		let needsDate = current.blocks.length === 0 || block.day !== lastDay;
		let cost = block.length + (needsDate ? dateReserve : 0) + (current.blocks.length ? 1 : 0);
		if (current.blocks.length && used + cost > budgetOf(packed.length)) {
			packed.push(current);
			current = { blocks: [], lines: [] };
			used = 0;
			needsDate = true;
			cost = block.length + dateReserve;
		}
		if (needsDate) current.lines.push(dateLine(block.day));
		current.lines.push(...block.lines);
		current.blocks.push(block);
		used += cost;
		lastDay = block.day;
	}
	packed.push(current);

	const notes: TranscriptNote[] = [];
	for (let i = 0; i < packed.length; i++) {
		const { blocks: noteBlocks, lines } = packed[i];
		const first = noteBlocks[0];
		const last = noteBlocks[noteBlocks.length - 1];
		const idempotencyKey = buildIdempotencyKey(conversationId, first.ref, last.ref);
		const header = [
			packed.length > 1 ? `${title} (part ${i + 1}/${packed.length})` : title,
			options.conversationUrl,
		];
		if (warningLine) header.push(warningLine);
		if (i === 0 && truncationLine) header.push(truncationLine);
		notes.push({
			text: `${header.join('\n')}\n\n${lines.join('\n')}\n\n${formatMarker(idempotencyKey)}`,
			part: i + 1,
			parts: packed.length,
			idempotencyKey,
			firstPartId: first.position.id,
			lastPartId: last.position.id,
			messageCount: new Set(noteBlocks.map((block) => block.entryIndex)).size,
		});
	}
	return { conversationId, notes, truncated, missingParts, after };
}
