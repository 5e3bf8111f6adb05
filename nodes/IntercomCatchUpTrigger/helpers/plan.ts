import type { IDataObject } from 'n8n-workflow';

import { CUSTOMER_AUTHOR_TYPES } from '../../shared/intercomConversation';
import { isObject } from '../../shared/values';

/**
 * What the sweep remembers between checks, in the node's static data. It only chooses what to look
 * at: Kommo's newest transcript note decides what each chat still needs, so losing or rolling back
 * any of this costs re-checks, never a skipped or doubled message.
 */
export interface SweepState extends IDataObject {
	/** Intercom `updated_at` (seconds) up to which every chat was handed over or found quiet */
	cursor?: number;
	/** the Import History setting the cursor was started from: changing it restarts the import */
	importDays?: number;
	/**
	 * chat id → the `updated_at` it had when it was handed over or found quiet, for chats the
	 * look-back window still returns: the same version is not handed over twice
	 */
	looked?: Record<string, number>;
	/**
	 * chat id → [the version handed over, when]: once `recheckAfterSeconds` have passed, a check
	 * hands it over once more, so a run that died with its worker (or with n8n) is made good then,
	 * and a run that did its work costs a few Kommo reads and writes nothing
	 */
	pending?: Record<string, PendingRecheck>;
	/** the workspace's app id (`GET /me`), for links to the chat */
	appId?: string;
}

/** Where a check starts: the cursor and what the last checks looked at. */
export interface SweepStart {
	cursor: number;
	looked: Record<string, number>;
	pending: Record<string, PendingRecheck>;
}

/** `[updated_at of the version handed over, UNIX seconds it was handed over]` */
export type PendingRecheck = [number, number];

/** A chat as Intercom's search lists it (no messages; statistics in UNIX seconds). */
export interface ChatListing {
	id: string;
	createdAt: number;
	updatedAt: number;
	lastCustomerReplyAt: number | null;
	lastTeammateReplyAt: number | null;
	lastCloseAt: number | null;
	startedByCustomer: boolean;
	finTookPart: boolean;
}

export type HandOverReason = 'firstLook' | 'newReply' | 'recheck';

export type QuietReason = 'noCustomerMessage' | 'noNewReply';

export interface SweepSettings {
	/** at most this many chats handed over per check */
	maxChats: number;
	/** seconds before the cursor searched again, for chats Intercom's search index shows late */
	lookBackSeconds: number;
	/** whether chats whose statistics show no reply since they were last looked at are skipped */
	skipQuietChats: boolean;
	/**
	 * how long after a hand-over the chat is handed over once more: longer than a check's run lasts
	 * (a run hands its chats on one after another), so the re-check finds the first run done
	 */
	recheckAfterSeconds: number;
}

/**
 * Intercom times are whole seconds: a message in the same second as the version a check saw would
 * not change `updated_at`. Versions from this second on (the search's own second, less a margin)
 * are not remembered, so the next check looks at them again.
 */
export const SETTLE_SECONDS = 2;

export interface SweepPlan {
	handOver: Array<{ chat: Pick<ChatListing, 'id' | 'updatedAt'>; reason: HandOverReason }>;
	quiet: Array<{ chat: ChatListing; reason: QuietReason }>;
	/** seen at the same version before: neither handed over nor counted */
	alreadyLooked: number;
	/** chats due but over this check's limit: the next check starts with them */
	deferred: number;
	state: SweepStart;
}

function seconds(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	// webhooks carry statistics as ISO strings; search results as numbers (test/realShapes)
	if (typeof value === 'string' && value.trim() !== '') {
		const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value) / 1000;
		return Number.isFinite(parsed) ? Math.floor(parsed) : null;
	}
	return null;
}

/** Reads one search result; null when it has no id or no `updated_at` (nothing to place it by). */
export function readChatListing(conversation: IDataObject): ChatListing | null {
	const id =
		conversation.id === undefined || conversation.id === null ? '' : String(conversation.id);
	const updatedAt = seconds(conversation.updated_at);
	if (!id || updatedAt === null) return null;
	const statistics = isObject(conversation.statistics) ? conversation.statistics : {};
	const source = isObject(conversation.source) ? conversation.source : {};
	const author = isObject(source.author) ? source.author : {};
	return {
		id,
		createdAt: seconds(conversation.created_at) ?? updatedAt,
		updatedAt,
		lastCustomerReplyAt: seconds(statistics.last_contact_reply_at),
		lastTeammateReplyAt: seconds(statistics.last_admin_reply_at),
		lastCloseAt: seconds(statistics.last_close_at),
		startedByCustomer: CUSTOMER_AUTHOR_TYPES.has(String(author.type)),
		finTookPart: conversation.ai_agent_participated === true,
	};
}

/** Oldest change first; chats changed in the same second by id, so a check stops at a stable place. */
export function byUpdateOrder(a: ChatListing, b: ChatListing): number {
	if (a.updatedAt !== b.updatedAt) return a.updatedAt - b.updatedAt;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The newest moment the statistics show a message Kommo could need. Internal notes, assignments and
 * attribute edits move `updated_at` but none of these.
 */
function lastMessageAt(chat: ChatListing): number {
	return Math.max(
		chat.createdAt,
		chat.lastCustomerReplyAt ?? 0,
		chat.lastTeammateReplyAt ?? 0,
		chat.lastCloseAt ?? 0,
	);
}

function quietReason(
	chat: ChatListing,
	lookedAt: number | undefined,
	windowStart: number,
	settings: SweepSettings,
): QuietReason | null {
	// a teammate's outbound message nobody answered: the webhook path never starts for it either,
	// and handing it over would open a Kommo deal for someone who never wrote
	if (chat.lastCustomerReplyAt === null && !chat.startedByCustomer) return 'noCustomerMessage';
	// Fin's answers are not in the statistics Intercom documents: a chat Fin took part in is
	// always looked at
	if (!settings.skipQuietChats || chat.finTookPart) return null;
	// a message in the second of the version looked at was in it (versions that recent are not
	// remembered, see `settledBefore`); a first look only skips what is older than the window
	const last = lastMessageAt(chat);
	const quiet = lookedAt !== undefined ? last <= lookedAt : last < windowStart;
	return quiet ? 'noNewReply' : null;
}

/**
 * Decides, for the chats a search returned (any order), which to hand over now, which are quiet, and
 * where the next check starts. The cursor moves only past chats this check dealt with, so a chat over
 * the limit is the first one the next check sees.
 */
export function planSweep(
	listings: ChatListing[],
	previous: SweepStart,
	settings: SweepSettings,
	/**
	 * when the search ended, in UNIX seconds: versions from `searchedAt − SETTLE_SECONDS` on are not
	 * remembered; hand-overs are timed by it
	 */
	searchedAt: number,
): SweepPlan {
	const settledBefore = searchedAt - SETTLE_SECONDS;
	const windowStart = previous.cursor - settings.lookBackSeconds;
	const looked: Record<string, number> = {};
	for (const [id, updatedAt] of Object.entries(previous.looked)) {
		// the search no longer returns versions older than the window: nothing to remember them for
		if (updatedAt >= windowStart) looked[id] = updatedAt;
	}
	const plan: SweepPlan = {
		handOver: [],
		quiet: [],
		alreadyLooked: 0,
		deferred: 0,
		state: { cursor: previous.cursor, looked, pending: {} },
	};
	let full = false;
	const seen = new Set<string>();
	for (const chat of [...listings].sort(byUpdateOrder)) {
		// a chat changed while the search was paged comes back on a later page
		if (seen.has(chat.id)) continue;
		seen.add(chat.id);
		const lookedAt = previous.looked[chat.id];
		if (lookedAt !== undefined && lookedAt >= chat.updatedAt) {
			plan.alreadyLooked++;
			continue;
		}
		const reason = quietReason(chat, lookedAt, windowStart, settings);
		if (!reason && (full || plan.handOver.length >= settings.maxChats)) {
			full = true;
			plan.deferred++;
			continue;
		}
		if (full) continue;
		if (reason) plan.quiet.push({ chat, reason });
		else plan.handOver.push({ chat, reason: lookedAt === undefined ? 'firstLook' : 'newReply' });
		if (chat.updatedAt < settledBefore) {
			looked[chat.id] = chat.updatedAt;
			if (!reason) plan.state.pending[chat.id] = [chat.updatedAt, searchedAt];
			plan.state.cursor = Math.max(plan.state.cursor, chat.updatedAt);
		}
	}
	// outside the limit: a re-check costs Kommo reads only, and holding one back would hold the
	// run that made it good
	const handed = new Set(plan.handOver.map((entry) => entry.chat.id));
	for (const [id, [updatedAt, handedAt]] of Object.entries(previous.pending)) {
		if (handed.has(id)) continue;
		if (searchedAt - handedAt >= settings.recheckAfterSeconds) {
			plan.handOver.push({ chat: { id, updatedAt }, reason: 'recheck' });
		} else {
			plan.state.pending[id] = [updatedAt, handedAt];
		}
	}
	return plan;
}
