'use strict';
// Conversation activity: parts appended and conversations started by a customer (control
// endpoints, JS API), each announced to the Intercom subscriptions with its webhook topic.

const { clone, nowSeconds } = require('../http');
const {
	takeId,
	normalizeContact,
	normalizePart,
	normalizeConversation,
	refreshDerived,
} = require('./model');
const { renderConversation } = require('./render');
const notifier = require('./notifier');

/** @typedef {import('../context').SandboxContext} SandboxContext */
/** @typedef {import('./model').IntercomIdKind} IntercomIdKind */
/** @typedef {import('../index').IntercomState} IntercomState */
/** @typedef {import('../index').IntercomConversation} IntercomConversation */
/** @typedef {import('../index').IntercomContact} IntercomContact */
/** @typedef {import('../index').IntercomPart} IntercomPart */
/** @typedef {import('../index').IntercomPartKind} IntercomPartKind */
/** @typedef {import('../index').AppendIntercomPartOptions} AppendIntercomPartOptions */
/** @typedef {import('../index').CreateIntercomConversationOptions} CreateIntercomConversationOptions */

/** @type {IntercomPartKind[]} */
const PART_KINDS = ['customer', 'admin', 'bot', 'note', 'close'];

/**
 * @param {IntercomState} state
 * @param {IntercomConversation} conversation
 * @param {IntercomPartKind} kind
 * @param {string} [adminId]
 */
function partAuthor(state, conversation, kind, adminId) {
	if (kind === 'customer') {
		const contactId = conversation.contacts[0];
		const contact = state.contacts.find((entry) => entry.id === contactId);
		return { type: contact?.role ?? 'user', id: contactId };
	}
	if (kind === 'bot') return { type: 'bot' };
	return { type: 'admin', id: adminId ?? state.me };
}

/**
 * A close carries no text unless the admin wrote a closing message.
 * @param {IntercomPartKind} kind
 * @param {string | undefined} body
 */
function partBody(kind, body) {
	if (body !== undefined) return body;
	return kind === 'close' ? null : '<p>(no text)</p>';
}

/**
 * What a part does to the conversation besides moving `updated_at`.
 * @param {IntercomConversation} conversation
 * @param {IntercomPartKind} kind
 * @param {number} time
 */
function applyPartEffects(conversation, kind, time) {
	if (kind === 'customer') {
		conversation.state = 'open';
		conversation.open = true;
		conversation.waiting_since = time;
	} else if (kind === 'admin') {
		conversation.waiting_since = null;
	} else if (kind === 'close') {
		conversation.state = 'closed';
		conversation.open = false;
		conversation.waiting_since = null;
	}
}

/**
 * Never before an existing part, so the transcript order stays the append order.
 * @param {IntercomConversation} conversation
 */
function nextPartTime(conversation) {
	return Math.max(
		nowSeconds(),
		...conversation.parts.map((part) => part.created_at + 1),
		conversation.created_at + 1,
	);
}

/**
 * Appends a part (control endpoint, JS API). `kind`: customer | admin | bot | note | close.
 * Every part moves the conversation's `updated_at`, as on Intercom. Returns the stored part, or
 * undefined for an unknown conversation.
 * @param {IntercomState} state
 * @param {string} conversationId
 * @param {Omit<AppendIntercomPartOptions, 'notify'>} [part]
 * @returns {IntercomPart | undefined}
 */
function appendPart(
	state,
	conversationId,
	{ kind = 'customer', body, adminId, createdAt, partType, appPackageCode } = {},
) {
	const conversation = state.conversations.find((entry) => entry.id === String(conversationId));
	if (!conversation) return undefined;
	if (!PART_KINDS.includes(kind))
		throw new Error(`Unknown reply kind "${kind}" (${PART_KINDS.join(', ')})`);
	const time = createdAt ?? nextPartTime(conversation);
	applyPartEffects(conversation, kind, time);
	const part = normalizePart(
		state,
		{
			part_type: partType ?? (kind === 'note' || kind === 'close' ? kind : 'comment'),
			body: partBody(kind, body),
			author: partAuthor(state, conversation, kind, adminId),
			created_at: time,
			state: conversation.state,
			app_package_code: appPackageCode ?? null,
		},
		time,
	);
	conversation.parts.push(part);
	conversation.updated_at = time;
	refreshDerived(conversation);
	return part;
}

/**
 * An id of `kind` that no record of `list` has yet (seeds may use any id).
 * @param {IntercomState} state
 * @param {IntercomIdKind} kind
 * @param {Array<{ id: string }>} list
 * @param {(counter: string) => string} [format]
 */
function freshId(state, kind, list, format = String) {
	let id;
	do id = format(takeId(state, kind));
	while (list.some((entry) => entry.id === id));
	return id;
}

/**
 * Intercom contact ids are 24 hex digits.
 * @param {string} counter
 */
function contactIdFormat(counter) {
	return `65f0c0de${counter.padStart(16, '0')}`;
}

/**
 * The contact with this email and role, or a new one (role `user` unless given). Intercom keeps a
 * visitor who types a user's email as a contact of its own, role `lead`, until they sign in.
 * @param {IntercomState} state
 * @param {{ name?: string | null, email?: string | null, role?: string } | undefined} contact
 * @param {number} time
 * @returns {IntercomContact}
 */
function findOrCreateContact(state, { name = null, email = null, role = 'user' } = {}, time) {
	const wanted = email?.toLowerCase();
	const existing =
		wanted &&
		state.contacts.find(
			(entry) => entry.email?.toLowerCase() === wanted && (entry.role ?? 'user') === role,
		);
	if (existing) return existing;
	const id = freshId(state, 'contact', state.contacts, contactIdFormat);
	const contact = normalizeContact({ id, name, email, role, created_at: time }, state);
	state.contacts.push(contact);
	return contact;
}

/**
 * A conversation started by a customer (the first message is the source, no parts), as
 * `conversation.user.created` announces it. `contact`: `{name, email, role}` (found by email or
 * created) or `contactId` of an existing contact. Returns the stored conversation.
 * @param {IntercomState} state
 * @param {Omit<CreateIntercomConversationOptions, 'notify'>} [options]
 * @returns {IntercomConversation}
 */
function createConversation(state, { contact, contactId, body, createdAt } = {}) {
	const time = createdAt ?? nowSeconds();
	const customer =
		contactId !== undefined
			? state.contacts.find((entry) => entry.id === String(contactId))
			: findOrCreateContact(state, contact, time);
	if (!customer) throw new Error(`Unknown Intercom contact ${contactId}`);
	const conversation = normalizeConversation(state, {
		id: freshId(state, 'conversation', state.conversations),
		created_at: time,
		waiting_since: time,
		contacts: [customer.id],
		source: {
			delivered_as: 'customer_initiated',
			author: { type: customer.role, id: customer.id },
			body: body ?? '<p>(no text)</p>',
		},
	});
	state.conversations.push(conversation);
	return conversation;
}

// ---------------------------------------------------------------- with notifications

/**
 * The conversation as a notification carries it, rendered at the moment of the event.
 * @param {SandboxContext} ctx
 * @param {string} topic
 * @param {IntercomConversation} conversation
 */
function notifyConversation(ctx, topic, conversation) {
	const item = renderConversation(ctx.state.intercom, conversation);
	return notifier.notifySubscribers(ctx, topic, item);
}

/**
 * Appends a part; unless `notify: false`, subscriptions get the matching topic.
 * @param {SandboxContext} ctx
 * @param {string} conversationId
 * @param {AppendIntercomPartOptions} [options]
 */
function appendAndNotify(ctx, conversationId, { notify = true, ...fields } = {}) {
	const state = ctx.state.intercom;
	const stored = appendPart(state, conversationId, fields);
	const conversation = state.conversations.find((entry) => entry.id === String(conversationId));
	if (!stored || !conversation) throw new Error(`Unknown Intercom conversation ${conversationId}`);
	const topic = notifier.topicOfPart(fields.kind ?? 'customer', stored);
	const notified = notify ? notifyConversation(ctx, topic, conversation) : [];
	return { part: clone(stored), topic, notified };
}

/**
 * A new customer conversation; unless `notify: false`, fires `conversation.user.created`.
 * @param {SandboxContext} ctx
 * @param {CreateIntercomConversationOptions} [options]
 */
function startConversation(ctx, { notify = true, ...fields } = {}) {
	const stored = createConversation(ctx.state.intercom, fields);
	const topic = 'conversation.user.created';
	const notified = notify ? notifyConversation(ctx, topic, stored) : [];
	return {
		conversation: renderConversation(ctx.state.intercom, stored),
		topic,
		notified,
	};
}

module.exports = { appendPart, createConversation, appendAndNotify, startConversation };
