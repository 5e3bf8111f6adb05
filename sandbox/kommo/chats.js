'use strict';
// Chats ↔ contacts on the CRM side (https://developers.kommo.com/reference/link-chat-contact,
// https://developers.kommo.com/reference/get-contact-chats,
// https://www.amocrm.ru/developers/content/crm_platform/contacts-api "Привязка чатов к контактам"):
//   POST /api/v4/contacts/chats   [{contact_id, chat_id, request_id?}] → {_total_items, _embedded: {chats: [{chat_id, contact_id, id, request_id}]}}
//   GET  /api/v4/contacts/chats   ?chat_id=…|contact_id=… (lists allowed) → the links, 204 when none
// `chat_id` is amojo's chat id (the answer of `POST …/{scope_id}/chats`). "A chat can be linked to
// only one contact, a contact to several chats": linking a linked chat again moves it (a new link id:
// "can change if the chat link is changed"). Admin users only (403 otherwise). The link is mirrored
// on the amojo chat (`contact_id`), which is what puts the chat on the contact's leads.

const { listParam, send } = require('../http');
const {
	err,
	problem,
	validationFailed,
	wrongBodyType,
	requestId,
	sendHal,
} = require('./responses');
const { takeId } = require('./model');

/** @typedef {import('./responses').KommoRequest} KommoRequest */
/** @typedef {import('./responses').ValidationError} ValidationError */

/**
 * Only an administrator may read or change chat links.
 * @param {KommoRequest} request
 */
function isAdmin({ state }) {
	const user = state.users.find((entry) => entry.id === state.account?.current_user_id);
	const rights = /** @type {{ is_admin?: boolean } | undefined} */ (user?.rights);
	return Boolean(rights?.is_admin);
}

/** @param {KommoRequest} request */
function linkChats(request) {
	const { ctx, state, res, body } = request;
	if (!isAdmin(request))
		return problem(res, 403, 'Forbidden', 'Linking chats needs an account administrator');
	if (!Array.isArray(body) || !body.length) return wrongBodyType(res, 'array');
	const chats = ctx.state.amojo.chats;
	const groups = body
		.map((input, index) => {
			/** @type {ValidationError[]} */
			const errors = [];
			const contactId = Number(input?.contact_id);
			if (!state.contacts.some((contact) => contact.id === contactId && !contact.is_deleted))
				errors.push(err('NotFound', 'contact_id', 'Contact not found'));
			if (typeof input?.chat_id !== 'string' || !chats.some((chat) => chat.id === input.chat_id))
				errors.push(err('NotFound', 'chat_id', 'Chat not found'));
			return { request_id: requestId(input, index), errors };
		})
		.filter((group) => group.errors.length);
	if (groups.length) return validationFailed(res, groups);

	const linked = body.map((input, index) => {
		const contactId = Number(input.contact_id);
		const current = state.chatLinks.find((entry) => entry.chat_id === input.chat_id);
		let link = current;
		if (!current || current.contact_id !== contactId) {
			state.chatLinks = state.chatLinks.filter((entry) => entry.chat_id !== input.chat_id);
			link = { id: takeId(state, 'chatLink'), chat_id: input.chat_id, contact_id: contactId };
			state.chatLinks.push(link);
		}
		for (const chat of chats) if (chat.id === input.chat_id) chat.contact_id = contactId;
		const { id, chat_id } = /** @type {NonNullable<typeof link>} */ (link);
		return { chat_id, contact_id: contactId, id, request_id: requestId(input, index) };
	});
	return sendHal(res, { _total_items: linked.length, _embedded: { chats: linked } });
}

/** @param {KommoRequest} request */
function listChatLinks(request) {
	const { state, res, searchParams } = request;
	if (!isAdmin(request))
		return problem(res, 403, 'Forbidden', 'Reading chat links needs an account administrator');
	const chatIds = listParam(searchParams, 'chat_id');
	const contactIds = listParam(searchParams, 'contact_id').map(Number);
	if (!chatIds.length && !contactIds.length)
		return validationFailed(res, [
			{ request_id: '0', errors: [err('NotBlank', 'chat_id', 'Give chat_id or contact_id')] },
		]);
	const links = state.chatLinks
		.filter((entry) => !chatIds.length || chatIds.includes(entry.chat_id))
		.filter((entry) => !contactIds.length || contactIds.includes(entry.contact_id))
		.map(({ chat_id, contact_id, id }) => ({ chat_id, contact_id, id }));
	if (!links.length) return send(res, 204);
	return sendHal(res, { _total_items: links.length, _embedded: { chats: links } });
}

module.exports = { linkChats, listChatLinks };
