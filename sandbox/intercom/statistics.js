'use strict';
// `conversation.statistics`, derived from the source and the parts, so a catch-up can pre-filter
// search hits by `last_contact_reply_at` / `last_admin_reply_at` exactly as on a real workspace.
// Times are unix seconds (REST); the "time_to_*" durations ignore office hours.

/** @typedef {import('../index').IntercomPart} IntercomPart */
/** @typedef {import('../index').IntercomConversation} IntercomConversation */
/** @typedef {import('../index').IntercomConversationStatistics} IntercomConversationStatistics */

/** @type {ReadonlySet<string | undefined>} */
const CONTACT_TYPES = new Set(['user', 'lead', 'contact']);
const ASSIGNMENT_TYPES = new Set(['assignment', 'default_assignment', 'assign_and_reopen']);

/** @param {IntercomPart} part */
function hasBody(part) {
	return typeof part.body === 'string' && part.body.trim() !== '';
}

/**
 * A reply that reopens a closed chat arrives as `part_type: "open"` with a body, so any body counts.
 * @param {IntercomPart} part
 */
function isContactReply(part) {
	return CONTACT_TYPES.has(part.author?.type) && (part.part_type === 'comment' || hasBody(part));
}

/**
 * Notes are internal; close/assignment parts count only when they carry a message.
 * @param {IntercomPart} part
 */
function isAdminReply(part) {
	if (part.author?.type !== 'admin' || part.part_type.startsWith('note')) return false;
	return part.part_type === 'comment' || hasBody(part);
}

/** @param {IntercomPart} part */
function isClose(part) {
	return part.part_type === 'close';
}

/**
 * @param {IntercomPart} part
 * @param {boolean} closed whether the conversation was closed before this part
 */
function isReopen(part, closed) {
	return closed && (part.part_type === 'open' || isContactReply(part));
}

/**
 * @template T
 * @param {T[]} list
 * @returns {T | null}
 */
function first(list) {
	return list.length ? list[0] : null;
}

/**
 * @template T
 * @param {T[]} list
 * @returns {T | null}
 */
function last(list) {
	return list.length ? list[list.length - 1] : null;
}

/**
 * @param {number | null} time
 * @param {number | null} start
 */
function since(time, start) {
	return time === null || start === null ? null : time - start;
}

/** @param {number[]} values */
function median(values) {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}

/**
 * For every contact message: how long until the next admin reply (unanswered ones don't count).
 * @param {number[]} contactTimes
 * @param {number[]} adminTimes
 */
function replyDelays(contactTimes, adminTimes) {
	/** @type {number[]} */
	const delays = [];
	/** @type {number | null} */
	let waitingSince = null;
	const events = [
		...contactTimes.map((time) => ({ time, contact: true })),
		...adminTimes.map((time) => ({ time, contact: false })),
	].sort((a, b) => a.time - b.time || Number(b.contact) - Number(a.contact));
	for (const event of events) {
		if (event.contact) waitingSince ??= event.time;
		else if (waitingSince !== null) {
			delays.push(event.time - waitingSince);
			waitingSince = null;
		}
	}
	return delays;
}

/**
 * The first admin reply that answers the customer (admin-initiated chats start with an admin).
 * @param {number[]} contactTimes
 * @param {number[]} adminTimes
 */
function firstAnswerAt(contactTimes, adminTimes) {
	if (!contactTimes.length) return null;
	return adminTimes.find((time) => time >= contactTimes[0]) ?? null;
}

/** @param {IntercomPart[]} parts in time order */
function countReopens(parts) {
	let closed = false;
	let reopens = 0;
	for (const part of parts) {
		if (isClose(part)) closed = true;
		else if (isReopen(part, closed)) {
			reopens++;
			closed = false;
		}
	}
	return reopens;
}

/**
 * The stored conversation (source + every part) → Intercom's `conversation_statistics`.
 * @param {Pick<IntercomConversation, 'created_at' | 'parts'> & { source: { author?: { type: string } } }} conversation
 * @returns {IntercomConversationStatistics}
 */
function conversationStatistics(conversation) {
	const parts = [...conversation.parts].sort((a, b) => a.created_at - b.created_at);
	const sourceFromContact = CONTACT_TYPES.has(conversation.source.author?.type);
	const contactTimes = [
		...(sourceFromContact ? [conversation.created_at] : []),
		...parts.filter(isContactReply).map((part) => part.created_at),
	];
	const adminTimes = parts.filter(isAdminReply).map((part) => part.created_at);
	const closes = parts.filter(isClose);
	const assignments = parts.filter((part) => ASSIGNMENT_TYPES.has(part.part_type));
	const firstContact = first(contactTimes);
	const lastAssignmentAt = last(assignments)?.created_at ?? null;
	const firstCloseAt = first(closes)?.created_at ?? null;
	const lastCloseAt = last(closes)?.created_at ?? null;
	return {
		type: 'conversation_statistics',
		time_to_assignment: null,
		time_to_admin_reply: since(firstAnswerAt(contactTimes, adminTimes), firstContact),
		time_to_first_close: since(firstCloseAt, conversation.created_at),
		time_to_last_close: since(lastCloseAt, conversation.created_at),
		median_time_to_reply: median(replyDelays(contactTimes, adminTimes)),
		first_contact_reply_at: firstContact,
		first_assignment_at: first(assignments)?.created_at ?? null,
		first_admin_reply_at: first(adminTimes),
		first_close_at: firstCloseAt,
		last_assignment_at: lastAssignmentAt,
		last_assignment_admin_reply_at:
			lastAssignmentAt === null
				? null
				: (adminTimes.find((time) => time >= lastAssignmentAt) ?? null),
		last_contact_reply_at: last(contactTimes),
		last_admin_reply_at: last(adminTimes),
		last_close_at: lastCloseAt,
		last_closed_by_id: last(closes)?.author?.id ?? null,
		count_reopens: countReopens(parts),
		count_assignments: assignments.length,
		count_conversation_parts: parts.length,
	};
}

module.exports = { conversationStatistics, isContactReply, isAdminReply };
