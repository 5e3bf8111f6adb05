import { CUSTOMER_AUTHOR_TYPES } from '../intercomConversation';
import { bodyToText, fileNameOf } from './html';
import { compareIds } from './position';
import type { Position } from './position';

/** The fields of an Intercom conversation the transcript reads (API 2.11–2.16). */
export interface IntercomAuthor {
	type?: string | null;
	id?: string | number | null;
	name?: string | null;
	email?: string | null;
	from_ai_agent?: boolean | null;
	is_ai_answer?: boolean | null;
}

export interface IntercomAttachment {
	name?: string | null;
	url?: string | null;
}

export interface IntercomPart {
	id?: string | number | null;
	part_type?: string | null;
	body?: string | null;
	created_at?: number | null;
	author?: IntercomAuthor | null;
	attachments?: IntercomAttachment[] | null;
	redacted?: boolean | null;
	event_details?: unknown;
	/** "The app package code if this part was created via API. null if the part was not created via API." */
	app_package_code?: string | null;
}

export interface IntercomConversation {
	type?: string;
	id: string | number;
	created_at?: number | null;
	source?: (IntercomPart & { subject?: string | null }) | null;
	conversation_parts?: {
		conversation_parts?: IntercomPart[] | null;
		total_count?: number | null;
	} | null;
}

export type Role = 'customer' | 'agent' | 'bot';

/** Every entry of the conversation in reading order, whether or not the options show it. */
export interface ConversationEntry extends Position {
	kind: 'message' | 'note' | 'event';
	role: Role;
	author: string;
	/** readable body; empty for events and redacted parts */
	text: string;
	/** `[Attachment: name (url)]` lines */
	attachments: string[];
	redacted: boolean;
	/** `assignment`, `close`, … for events */
	partType: string;
	eventDetail: string;
	isSource: boolean;
	/** the part's `app_package_code`: set when an app wrote it through the API, else null */
	appPackageCode: string | null;
	/** the author's Intercom id, when the part names one */
	authorId: string | null;
}

export interface EntryFilter {
	includeBotMessages: boolean;
	includeInternalNotes: boolean;
	includeSystemEvents: boolean;
}

const MESSAGE_PART_TYPES = new Set(['comment', 'quick_reply']);

export function roleOf(author: IntercomAuthor | null | undefined): Role {
	if (author?.from_ai_agent === true || author?.type === 'bot') return 'bot';
	if (CUSTOMER_AUTHOR_TYPES.has(String(author?.type))) return 'customer';
	return 'agent';
}

const ROLE_NAMES: Record<Role, string> = { customer: 'Customer', agent: 'Agent', bot: 'Bot' };

/** Long enough for any real name; a bound keeps the line head (and the split budget) sane. */
const MAX_AUTHOR_LENGTH = 80;

function authorName(author: IntercomAuthor | null | undefined, role: Role, customerName?: string) {
	const name = typeof author?.name === 'string' ? author.name.replace(/\s+/g, ' ').trim() : '';
	const email = typeof author?.email === 'string' ? author.email.trim() : '';
	const chosen =
		name || (role === 'customer' && customerName ? customerName : '') || email || ROLE_NAMES[role];
	return chosen.length > MAX_AUTHOR_LENGTH ? `${chosen.slice(0, MAX_AUTHOR_LENGTH - 1)}…` : chosen;
}

function attachmentLines(attachments: IntercomAttachment[] | null | undefined): string[] {
	if (!Array.isArray(attachments)) return [];
	const lines: string[] = [];
	for (const attachment of attachments) {
		const url = typeof attachment?.url === 'string' ? attachment.url.trim() : '';
		const name =
			(typeof attachment?.name === 'string' && attachment.name.trim()) ||
			(url ? fileNameOf(url) : '');
		if (!name && !url) continue;
		lines.push(url ? `[Attachment: ${name || 'file'} (${url})]` : `[Attachment: ${name}]`);
	}
	return lines;
}

/** `{attribute:{name:"jira_issue_key"}, value:{name:"PROJ-007"}}` → `jira_issue_key: PROJ-007` */
function describeEventDetails(details: unknown): string {
	if (typeof details !== 'object' || details === null) return '';
	const { attribute, value } = details as {
		attribute?: { name?: unknown };
		value?: { name?: unknown };
	};
	const name = typeof attribute?.name === 'string' ? attribute.name : '';
	const shown =
		typeof value?.name === 'string' || typeof value?.name === 'number' ? String(value.name) : '';
	if (name && shown) return `${name} = ${shown}`;
	return name;
}

function isNote(partType: string): boolean {
	return partType === 'note' || partType.startsWith('note_');
}

function toEntry(
	part: IntercomPart,
	fallbackTime: number,
	isSource: boolean,
	sourcePartType: string,
	customerName?: string,
): ConversationEntry {
	const partType = isSource ? sourcePartType : String(part.part_type ?? 'comment');
	const role = roleOf(part.author);
	const redacted = part.redacted === true;
	const text = redacted ? '' : bodyToText(part.body);
	const attachments = redacted ? [] : attachmentLines(part.attachments);
	let kind: ConversationEntry['kind'];
	if (isNote(partType)) kind = 'note';
	else if (MESSAGE_PART_TYPES.has(partType) || isSource) kind = 'message';
	// An event that carries text (a reply sent while closing or assigning) reached the customer:
	// it reads as a message. Events without text are the system lines.
	else kind = text || attachments.length ? 'message' : 'event';
	return {
		t: typeof part.created_at === 'number' ? part.created_at : fallbackTime,
		id: String(part.id ?? ''),
		kind,
		role,
		author: authorName(part.author, role, customerName),
		text,
		attachments,
		redacted,
		partType,
		eventDetail: kind === 'event' ? describeEventDetails(part.event_details) : '',
		isSource,
		appPackageCode:
			typeof part.app_package_code === 'string' && part.app_package_code !== ''
				? part.app_package_code
				: null,
		authorId:
			typeof part.author?.id === 'string' || typeof part.author?.id === 'number'
				? String(part.author.id)
				: null,
	};
}

/**
 * The opening message (`conversation.source`, which Intercom does not repeat in
 * `conversation_parts`) followed by the parts in `created_at` order, ties by id.
 */
export function conversationEntries(
	conversation: IntercomConversation,
	customerName?: string,
): ConversationEntry[] {
	const createdAt = typeof conversation.created_at === 'number' ? conversation.created_at : 0;
	const entries: ConversationEntry[] = [];
	const source = conversation.source;
	if (source && (source.id !== undefined || source.body)) {
		const entry = toEntry(source, createdAt, true, 'comment', customerName);
		if (!entry.id) entry.id = `source-${String(conversation.id)}`;
		entries.push(entry);
	}
	const parts = conversation.conversation_parts?.conversation_parts ?? [];
	const sorted = parts
		.filter((part): part is IntercomPart => typeof part === 'object' && part !== null)
		.map((part, index) => {
			const entry = toEntry(part, createdAt, false, '', customerName);
			if (!entry.id) entry.id = `part-${index}`;
			return { entry, index };
		})
		.sort(
			(a, b) => a.entry.t - b.entry.t || compareIds(a.entry.id, b.entry.id) || a.index - b.index,
		);
	for (const { entry } of sorted) entries.push(entry);
	return entries;
}

/** Whether the options show this entry at all (empty messages never are). */
export function isShown(entry: ConversationEntry, filter: EntryFilter): boolean {
	if (entry.role === 'bot' && !filter.includeBotMessages) return false;
	if (entry.kind === 'note' && !filter.includeInternalNotes) return false;
	if (entry.kind === 'event') return filter.includeSystemEvents;
	return entry.redacted || entry.text !== '' || entry.attachments.length > 0;
}

/** Parts Intercom left out: it returns only the newest 500 parts of a conversation. */
export function missingPartCount(conversation: IntercomConversation): number {
	const list = conversation.conversation_parts;
	const returned = list?.conversation_parts?.length ?? 0;
	const total = typeof list?.total_count === 'number' ? list.total_count : returned;
	return Math.max(0, total - returned);
}
