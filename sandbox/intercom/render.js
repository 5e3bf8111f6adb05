'use strict';
// Stored Intercom records → API answers: a conversation as `GET /conversations/:id` returns it
// (newest 500 parts, optional plain text), the same without parts as a search hit, tag references.

const { clone } = require('../http');
const { conversationStatistics } = require('./statistics');

/** @typedef {import('../index').IntercomState} IntercomState */
/** @typedef {import('../index').IntercomConversation} IntercomConversation */
/** @typedef {import('../index').IntercomTagRef} IntercomTagRef */

/** Intercom returns at most this many parts - the newest ones - and reports the real total. */
const MAX_PARTS = 500;

/**
 * A conversation as the API answers it (JSON, in Intercom's key order).
 * @typedef {Record<string, any> & { id: string }} RenderedConversation
 */

/**
 * Crude HTML → text, for `display_as=plaintext`.
 * @template T
 * @param {T} html
 * @returns {T | string}
 */
function htmlToText(html) {
	if (typeof html !== 'string') return html;
	return html
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<\/(p|div|li|h\d)>/gi, '\n')
		.replace(/<[^>]+>/g, '')
		.replace(/&nbsp;/g, ' ')
		.replace(/&mdash;/g, '—')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&')
		.replace(/\n+$/g, '')
		.trim();
}

/**
 * A tag of a conversation: the reference with the tag's current name.
 * @param {IntercomState} state
 * @param {IntercomTagRef} ref
 */
function renderTagRef(state, ref) {
	const tag = state.tags.find((entry) => entry.id === ref.id);
	return {
		type: 'tag',
		id: ref.id,
		name: tag ? tag.name : null,
		applied_at: ref.applied_at,
		applied_by: ref.applied_by,
	};
}

/**
 * The conversation without its parts, in the stored key order (the API's), with the references
 * swapped for their rendered lists and the statistics derived again (tests may edit
 * `sandbox.state` parts directly).
 * @param {IntercomState} state
 * @param {IntercomConversation} conversation
 * @returns {RenderedConversation}
 */
function renderTopLevel(state, conversation) {
	/** @type {Record<string, any>} */
	const model = {};
	for (const [key, value] of Object.entries(conversation)) {
		if (key === 'parts') continue;
		if (key === 'contacts') {
			model.contacts = {
				type: 'contact.list',
				contacts: conversation.contacts.map((id) => {
					const contact = state.contacts.find((entry) => entry.id === id);
					return { type: 'contact', id, external_id: contact ? contact.external_id : null };
				}),
			};
		} else if (key === 'tags') {
			model.tags = {
				type: 'tag.list',
				tags: conversation.tags.map((ref) => renderTagRef(state, ref)),
			};
		} else if (key === 'statistics') {
			model.statistics = conversationStatistics(conversation);
		} else {
			model[key] = clone(value);
		}
	}
	// the loop copied `id` with every other key
	return /** @type {RenderedConversation} */ (model);
}

/**
 * The Conversation model as `GET /conversations/{id}` answers it.
 * @param {IntercomState} state
 * @param {IntercomConversation} conversation
 * @param {{ plaintext?: boolean }} [options] `plaintext`: bodies as text (`display_as=plaintext`)
 * @returns {RenderedConversation}
 */
function renderConversation(state, conversation, { plaintext = false } = {}) {
	const model = renderTopLevel(state, conversation);
	const sorted = clone(conversation.parts).sort((a, b) => a.created_at - b.created_at);
	const newest = sorted.slice(Math.max(0, sorted.length - MAX_PARTS));
	model.conversation_parts = {
		type: 'conversation_part.list',
		conversation_parts: newest,
		total_count: sorted.length,
	};
	if (plaintext) {
		model.source.body = htmlToText(model.source.body);
		for (const part of newest) part.body = htmlToText(part.body);
	}
	return model;
}

/**
 * A search/list hit: Intercom's `conversation_list_item` is the conversation without its parts.
 * @param {IntercomState} state
 * @param {IntercomConversation} conversation
 */
function renderListItem(state, conversation) {
	return renderTopLevel(state, conversation);
}

module.exports = {
	MAX_PARTS,
	htmlToText,
	renderTagRef,
	renderConversation,
	renderListItem,
};
