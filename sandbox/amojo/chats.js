'use strict';
// Chats of a scope (https://www.amocrm.ru/developers/content/chats/chat-api-reference;
// https://developers.kommo.com/reference/create-chat):
//   POST /v2/origin/custom/{scope_id}/chats                       create a chat before its first message
//   GET  /v2/origin/custom/{scope_id}/chats/{chat_id}/history     ?offset&limit (at most 50), newest first
//   POST /v2/origin/custom/{scope_id}/typing                      the client is typing → 204
// Creating is idempotent on `conversation_id`: "if the chat for the passed conversation_id already
// exists, its ID will be returned". A chat without messages is not shown in Kommo.

const { send } = require('../http');
const { badRequest, isObject, isText } = require('./responses');
const { checkUser, checkSource } = require('./messageRules');
const {
	chatByConversation,
	chatById,
	clientOf,
	newId,
	nowMs,
	participantById,
} = require('./model');

/** @typedef {import('./responses').AmojoRequest} AmojoRequest */
/** @typedef {import('../index').AmojoState} AmojoState */
/** @typedef {import('../index').AmojoChat} AmojoChat */
/** @typedef {import('../index').AmojoMessage} AmojoMessage */
/** @typedef {import('../index').AmojoMessageParty} AmojoMessageParty */
/** @typedef {import('../index').AmojoParticipant} AmojoParticipant */

const HISTORY_LIMIT = 50;

/**
 * A new chat of the scope for our `conversationId` (null: opened in Kommo by "Write first").
 * @param {AmojoState} state
 * @param {object} fields
 * @param {string} fields.scopeId
 * @param {string | null} fields.conversationId
 * @param {AmojoParticipant} fields.client
 * @param {string | null} fields.sourceExternalId
 * @param {AmojoChat['origin']} fields.origin
 * @param {number} fields.at unix seconds
 * @returns {AmojoChat}
 */
function addChat(state, { scopeId, conversationId, client, sourceExternalId, origin, at }) {
	/** @type {AmojoChat} */
	const chat = {
		id: newId(),
		scope_id: scopeId,
		conversation_id: conversationId,
		client_id: client.id,
		source_external_id: sourceExternalId,
		origin,
		created_at: at,
		contact_id: null,
	};
	state.chats.push(chat);
	return chat;
}

/**
 * A participant as amojo shows one: empty fields left out.
 * @param {AmojoState} state
 * @param {AmojoMessageParty} party
 */
function renderParty(state, party) {
	const participant = party.kind === 'client' ? participantById(state, party.id) : undefined;
	/** @type {Record<string, unknown>} */
	const out = { id: party.id };
	if (party.client_id) out.client_id = party.client_id;
	out.name = party.name;
	for (const key of /** @type {const} */ (['avatar', 'phone', 'email'])) {
		if (participant?.[key]) out[key] = participant[key];
	}
	return out;
}

/**
 * One entry of a chat's history.
 * @param {AmojoState} state
 * @param {AmojoMessage} message
 */
function renderHistoryEntry(state, message) {
	const { type, text, media, thumbnail, file_name, file_size, ...more } = message.message;
	return {
		timestamp: message.timestamp,
		msec_timestamp: message.msec_timestamp,
		sender: renderParty(state, message.sender),
		...(message.receiver ? { receiver: renderParty(state, message.receiver) } : {}),
		message: {
			id: message.id,
			...(message.msgid ? { client_id: message.msgid } : {}),
			type,
			text,
			media,
			thumbnail,
			file_name,
			file_size,
			...more,
		},
	};
}

/** @param {AmojoRequest} request */
function createChat({ ctx, state, connection, res, body }) {
	if (!connection) return undefined;
	if (!isObject(body)) return badRequest(res, ['The body must be a JSON object']);
	/** @type {string[]} */
	const problems = [];
	if (!isText(body.conversation_id)) problems.push('conversation_id is required (our chat id)');
	checkUser(body.user, 'user', problems);
	checkSource(body.source, 'source', problems);
	if (problems.length) return badRequest(res, problems);

	const scopeId = connection.scope_id;
	const client = clientOf(state, scopeId, body.user);
	const chat =
		chatByConversation(state, scopeId, body.conversation_id) ??
		addChat(state, {
			scopeId,
			conversationId: body.conversation_id,
			client,
			sourceExternalId: body.source?.external_id ?? null,
			origin: 'api',
			at: Math.floor(nowMs(ctx) / 1000),
		});
	return send(res, 200, {
		id: chat.id,
		user: {
			id: client.id,
			client_id: client.client_id,
			name: client.name,
			avatar: client.avatar,
			...(client.phone ? { phone: client.phone } : {}),
			...(client.email ? { email: client.email } : {}),
		},
	});
}

/**
 * 204 when the chat is unknown or has no messages (as documented), else `{ messages }` newest
 * first. A `limit` above 50 or a negative `offset` is refused 400.
 * @param {AmojoRequest} request
 */
function history({ state, connection, res, params, searchParams }) {
	if (!connection) return undefined;
	const offset = Number(searchParams.get('offset') ?? 0);
	const limit = Number(searchParams.get('limit') ?? HISTORY_LIMIT);
	if (!Number.isInteger(offset) || offset < 0)
		return badRequest(res, ['offset must be an integer >= 0']);
	if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_LIMIT)
		return badRequest(res, [`limit must be an integer from 1 to ${HISTORY_LIMIT}`]);
	const chat = chatById(state, connection.scope_id, params[1]);
	if (!chat) return send(res, 204);
	const messages = state.messages
		.filter((message) => message.chat_id === chat.id)
		.reverse()
		.slice(offset, offset + limit);
	if (!messages.length) return send(res, 204);
	return send(res, 200, {
		messages: messages.map((message) => renderHistoryEntry(state, message)),
	});
}

/** @param {AmojoRequest} request */
function typing({ ctx, state, connection, res, body }) {
	if (!connection) return undefined;
	if (!isObject(body)) return badRequest(res, ['The body must be a JSON object']);
	/** @type {string[]} */
	const problems = [];
	if (!isText(body.conversation_id)) problems.push('conversation_id is required');
	if (!isObject(body.sender) || !isText(body.sender.id)) problems.push('sender.id is required');
	if (body.duration_ms !== undefined && !Number.isInteger(body.duration_ms))
		problems.push('duration_ms must be an integer');
	if (problems.length) return badRequest(res, problems);
	state.typing.push({
		scope_id: connection.scope_id,
		conversation_id: body.conversation_id,
		sender_id: body.sender.id,
		duration_ms: body.duration_ms ?? 5000,
		at: Math.floor(nowMs(ctx) / 1000),
	});
	return send(res, 204);
}

module.exports = { addChat, renderParty, renderHistoryEntry, createChat, history, typing };
