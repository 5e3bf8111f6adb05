'use strict';
// Where a chat shows in Kommo, for tests that assert "the chat is on that contact's deal". Kommo's
// rules (https://www.kommo.com/developers/content/chats/chat-capabilities/ and the chat API
// reference): a chat belongs to a contact; "if the contact has a lead or customer, chats aren't
// displayed on the contact's card but in the leads"; "chats without messages will not be visible in
// the account"; a chat linked to no contact lives in its incoming lead (Unsorted) once a non-silent
// incoming message opened one. Which of several leads of a contact shows the chat is not
// documented: every lead of the contact is listed.

const { clone } = require('../http');
const { renderHistoryEntry } = require('./chats');

/** @typedef {import('../context').SandboxContext} SandboxContext */
/** @typedef {import('../index').AmojoChat} AmojoChat */
/** @typedef {import('../index').AmojoChatView} AmojoChatView */

/**
 * @param {SandboxContext} ctx
 * @param {AmojoChat} chat
 * @returns {AmojoChatView}
 */
function viewOf(ctx, chat) {
	const { amojo, kommo } = ctx.state;
	const messages = amojo.messages.filter((message) => message.chat_id === chat.id);
	const contact =
		chat.contact_id === null
			? undefined
			: kommo.contacts.find((entry) => entry.id === chat.contact_id && !entry.is_deleted);
	const leadIds = contact
		? kommo.links.filter((link) => link.contact_id === contact.id).map((link) => link.lead_id)
		: [];
	const leads = kommo.leads
		.filter((lead) => leadIds.includes(lead.id) && !lead.is_deleted)
		.map((lead) => ({
			id: lead.id,
			name: lead.name,
			pipeline_id: lead.pipeline_id,
			status_id: lead.status_id,
		}));
	const unsorted = amojo.unsorted.find((entry) => entry.chat_id === chat.id);
	/** @type {AmojoChatView['shownOn']} */
	let shownOn = 'nowhere';
	if (messages.length) {
		if (leads.length) shownOn = 'leads';
		else if (contact) shownOn = 'contact';
		else if (unsorted) shownOn = 'unsorted';
	}
	return {
		chat: clone(chat),
		visible: shownOn !== 'nowhere',
		shownOn,
		contact: contact ? { id: contact.id, name: contact.name } : null,
		leads,
		unsorted: unsorted ? clone(unsorted) : null,
		// oldest first, as the chat reads
		messages: messages.map((message) => renderHistoryEntry(amojo, message)),
	};
}

/**
 * The chat with amojo id `id`, or the one of our conversation id `id`.
 * @param {SandboxContext} ctx
 * @param {string} id
 */
function chatView(ctx, id) {
	const chat =
		ctx.state.amojo.chats.find((entry) => entry.id === id) ??
		ctx.state.amojo.chats.find((entry) => entry.conversation_id === id);
	return chat ? viewOf(ctx, chat) : undefined;
}

/**
 * The visible chats on a lead's card (through its contacts) or on a contact.
 * @param {SandboxContext} ctx
 * @param {{ leadId?: number, contactId?: number }} target
 */
function chatsOn(ctx, { leadId, contactId }) {
	const views = ctx.state.amojo.chats
		.map((chat) => viewOf(ctx, chat))
		.filter((view) => view.visible);
	if (leadId !== undefined)
		return views.filter((view) => view.leads.some((lead) => lead.id === Number(leadId)));
	if (contactId !== undefined)
		return views.filter((view) => view.contact?.id === Number(contactId));
	return views;
}

module.exports = { chatView, chatsOn };
