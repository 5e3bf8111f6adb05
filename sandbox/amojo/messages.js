'use strict';
// Messages of a scope (https://www.amocrm.ru/developers/content/chats/chat-api-reference;
// https://developers.kommo.com/reference/send-import-messages,
// https://developers.kommo.com/reference/update-delivery-status):
//   POST /v2/origin/custom/{scope_id}                           {event_type: new_message|edit_message, payload}
//   POST /v2/origin/custom/{scope_id}/{msgid}/delivery_status   {msgid, delivery_status: 1|2|-1, error_code?, error?}
//   POST /v2/origin/custom/{scope_id}/react                     {conversation_id, msgid|id, user, type, emoji?}
// new_message: "the API does not accept several messages with the same payload[msgid]" (refused
// 400: the documented answers are 200, 400 and 403; amojo's exact code is not documented), and an
// unknown conversation_id opens a new chat. Direction is sender/receiver: no receiver = incoming
// from the client; with a receiver = outgoing, written by the channel bot (`sender.ref_id` = bot
// id) or by a Kommo user (`sender.ref_id` = the user's amojo id). Answers `{new_message: {msgid:
// <amojo's id>, ref_id: <our msgid>, …}}`. The first non-silent incoming message of a chat linked
// to no contact opens an incoming lead (recorded in `unsorted`); `silent: true` does not.
// delivery_status takes amojo's message id (the hook's message.message.id), 404 when unknown.

const { send } = require('../http');
const { amojoIdOfUser } = require('../kommo/model');
const { amojoError, badRequest, isObject, isText } = require('./responses');
const { checkUser, checkSource, checkMessage } = require('./messageRules');
const { addChat } = require('./chats');
const { hookImport } = require('./hooks');
const model = require('./model');

/** @typedef {import('./responses').AmojoRequest} AmojoRequest */
/** @typedef {import('../index').AmojoState} AmojoState */
/** @typedef {import('../index').AmojoMessage} AmojoMessage */
/** @typedef {import('../index').AmojoMessageParty} AmojoMessageParty */
/** @typedef {import('../index').AmojoParticipant} AmojoParticipant */

const DELIVERY_STATUSES = [1, 2, -1];
const ERROR_CODES = [901, 902, 903, 904, 905];

/**
 * @param {AmojoParticipant} participant
 * @returns {AmojoMessageParty}
 */
function clientParty(participant) {
	return {
		id: participant.id,
		client_id: participant.client_id,
		name: participant.name,
		kind: 'client',
	};
}

/**
 * The client of the message: the participant amojo knows by `ref_id` (a "Write first" client gets
 * our id from this message), else the one with our id, created on first sight.
 * @param {AmojoState} state
 * @param {string} scopeId
 * @param {any} input the sender (incoming) or the receiver (outgoing)
 */
function clientFor(state, scopeId, input) {
	const known =
		typeof input.ref_id === 'string' ? model.participantById(state, input.ref_id) : undefined;
	if (known && known.scope_id === scopeId) {
		if (known.client_id === null) known.client_id = input.id;
		if (known.client_id === input.id) return known;
	}
	return model.clientOf(state, scopeId, input);
}

/**
 * @param {AmojoRequest} request
 * @param {any} payload
 */
function newMessage({ ctx, state, channel, connection, res }, payload) {
	if (!connection) return undefined;
	const scopeId = connection.scope_id;
	/** @type {string[]} */
	const problems = [];
	if (!isText(payload.msgid)) problems.push('payload.msgid is required (our message id)');
	if (!isText(payload.conversation_id))
		problems.push('payload.conversation_id is required (our chat id)');
	if (payload.conversation_ref_id !== undefined && !isText(payload.conversation_ref_id))
		problems.push('payload.conversation_ref_id must be a chat id');
	checkUser(payload.sender, 'payload.sender', problems);
	if (payload.receiver !== undefined) checkUser(payload.receiver, 'payload.receiver', problems);
	checkSource(payload.source, 'payload.source', problems);
	if (payload.silent !== undefined && typeof payload.silent !== 'boolean')
		problems.push('payload.silent must be a boolean');
	for (const key of ['timestamp', 'msec_timestamp']) {
		if (payload[key] !== undefined && !Number.isInteger(payload[key]))
			problems.push(`payload.${key} must be an integer`);
	}
	const { content, problems: messageProblems } = checkMessage(payload.message);
	problems.push(...messageProblems);
	if (problems.length || !content) return badRequest(res, problems);

	const earlier = state.messages.find(
		(message) => message.scope_id === scopeId && message.msgid === payload.msgid,
	);
	if (earlier)
		return amojoError(
			res,
			400,
			'DUPLICATE_MSGID',
			`msgid ${payload.msgid} was accepted before (amojo message ${earlier.id}); a msgid is taken once`,
		);

	const outgoing = payload.receiver !== undefined;
	const isBot = outgoing && payload.sender.ref_id === channel.botId;
	const user =
		outgoing && !isBot
			? model.kommoUserByAmojoId(ctx.state.kommo, payload.sender.ref_id)
			: undefined;
	if (outgoing && !isBot && !user)
		return badRequest(res, [
			'an outgoing message (one with payload.receiver) needs payload.sender.ref_id: the channel bot id, or the amojo id of a Kommo user (GET /api/v4/users?with=amojo_id)',
		]);

	let chat = payload.conversation_ref_id
		? model.chatById(state, scopeId, payload.conversation_ref_id)
		: model.chatByConversation(state, scopeId, payload.conversation_id);
	if (payload.conversation_ref_id) {
		const other = model.chatByConversation(state, scopeId, payload.conversation_id);
		if (!chat)
			return badRequest(res, [
				`conversation_ref_id ${payload.conversation_ref_id} is not a chat of this scope`,
			]);
		if (
			(chat.conversation_id && chat.conversation_id !== payload.conversation_id) ||
			(other && other !== chat)
		)
			return badRequest(res, [
				`conversation_id ${payload.conversation_id} and chat ${chat.id} belong to different chats`,
			]);
	}

	const client = clientFor(state, scopeId, outgoing ? payload.receiver : payload.sender);
	const atMs =
		payload.msec_timestamp ??
		(payload.timestamp !== undefined ? payload.timestamp * 1000 : model.nowMs(ctx));
	if (!chat)
		chat = addChat(state, {
			scopeId,
			conversationId: payload.conversation_id,
			client,
			sourceExternalId: payload.source?.external_id ?? null,
			origin: 'message',
			at: Math.floor(model.nowMs(ctx) / 1000),
		});
	const chatId = chat.id;
	if (chat.conversation_id === null) {
		// a "Write first" chat answered: it is ours from now on
		chat.conversation_id = payload.conversation_id;
		for (const message of state.messages) {
			if (message.chat_id === chatId) message.conversation_id = payload.conversation_id;
		}
	}

	/** @type {AmojoMessageParty} */
	const sender = !outgoing
		? clientParty(client)
		: user
			? {
					id: amojoIdOfUser(user),
					client_id: payload.sender.id,
					name: user.name,
					kind: 'user',
					kommo_user_id: user.id,
				}
			: { id: channel.botId, client_id: payload.sender.id, name: payload.sender.name, kind: 'bot' };
	/** @type {AmojoMessage} */
	const message = {
		id: model.newId(),
		scope_id: scopeId,
		chat_id: chat.id,
		conversation_id: payload.conversation_id,
		msgid: payload.msgid,
		direction: outgoing ? 'outgoing' : 'incoming',
		author: !outgoing ? 'client' : user ? 'manager' : 'bot',
		origin: 'api',
		sender,
		receiver: outgoing ? clientParty(client) : null,
		message: content,
		timestamp: Math.floor(atMs / 1000),
		msec_timestamp: atMs,
		silent: payload.silent ?? false,
		edited_at: null,
		delivery: null,
		delivery_history: [],
		reactions: [],
		hook: null,
	};
	state.messages.push(message);
	if (
		!outgoing &&
		!message.silent &&
		chat.contact_id === null &&
		!state.unsorted.some((entry) => entry.chat_id === chatId)
	)
		state.unsorted.push({
			uid: model.newId(),
			scope_id: scopeId,
			chat_id: chatId,
			message_id: message.id,
			created_at: message.timestamp,
		});
	send(res, 200, {
		new_message: {
			conversation_id: payload.conversation_id,
			sender_id: payload.sender.id,
			receiver_id: payload.receiver?.id ?? null,
			msgid: message.id,
			ref_id: payload.msgid,
		},
	});
	if (message.author === 'manager') hookImport(ctx, connection, chat, message);
	return undefined;
}

/**
 * edit_message: finds the message by amojo's `id` or our `msgid`; no new incoming lead, no hook.
 * The answer's shape is not documented: `{edit_message: {conversation_id, msgid, ref_id}}` here.
 * @param {AmojoRequest} request
 * @param {any} payload
 */
function editMessage({ ctx, state, connection, res }, payload) {
	if (!connection) return undefined;
	const scopeId = connection.scope_id;
	const message = state.messages.find(
		(entry) =>
			entry.scope_id === scopeId &&
			(isText(payload.id)
				? entry.id === payload.id
				: isText(payload.msgid) && entry.msgid === payload.msgid),
	);
	if (!message)
		return badRequest(res, [
			'edit_message needs the payload.id (amojo) or payload.msgid (ours) of a message of this scope',
		]);
	const { content, problems } = checkMessage(payload.message, { editing: true });
	if (!content) return badRequest(res, problems);
	if (isText(payload.id) && isText(payload.msgid) && payload.msgid !== message.msgid) {
		if (state.messages.some((entry) => entry.scope_id === scopeId && entry.msgid === payload.msgid))
			return amojoError(res, 400, 'DUPLICATE_MSGID', `msgid ${payload.msgid} is taken`);
		message.msgid = payload.msgid;
	}
	const given = payload.message;
	message.message = {
		...message.message,
		type: content.type,
		text: content.text,
		...Object.fromEntries(
			Object.entries(content).filter(
				([key]) => !['type', 'text'].includes(key) && given[key] !== undefined,
			),
		),
	};
	message.edited_at = Math.floor(model.nowMs(ctx) / 1000);
	return send(res, 200, {
		edit_message: {
			conversation_id: message.conversation_id,
			msgid: message.id,
			ref_id: message.msgid,
		},
	});
}

/** @param {AmojoRequest} request */
function postMessage(request) {
	const { res, body } = request;
	if (!isObject(body)) return badRequest(res, ['The body must be a JSON object']);
	if (body.event_type !== 'new_message' && body.event_type !== 'edit_message')
		return badRequest(res, ['event_type must be new_message or edit_message']);
	if (!isObject(body.payload)) return badRequest(res, ['payload must be an object']);
	return body.event_type === 'new_message'
		? newMessage(request, body.payload)
		: editMessage(request, body.payload);
}

/**
 * 200 without a body. The error fields count only with `delivery_status: -1` (Kommo's own worked
 * example sends them with status 2).
 * @param {AmojoRequest} request
 */
function deliveryStatus({ ctx, state, connection, res, params, body }) {
	if (!connection) return undefined;
	const messageId = params[1];
	const message = state.messages.find(
		(entry) => entry.scope_id === connection.scope_id && entry.id === messageId,
	);
	if (!message)
		return amojoError(
			res,
			404,
			'MESSAGE_NOT_FOUND',
			`No message ${messageId} in this scope (the path takes amojo's message id, message.message.id of the hook)`,
		);
	if (!isObject(body)) return badRequest(res, ['The body must be a JSON object']);
	/** @type {string[]} */
	const problems = [];
	if (body.msgid !== messageId) problems.push('msgid must be the message id of the path');
	if (!DELIVERY_STATUSES.includes(body.delivery_status))
		problems.push('delivery_status must be 1 (delivered), 2 (read) or -1 (error)');
	const failed = body.delivery_status === -1;
	if (failed && !ERROR_CODES.includes(body.error_code))
		problems.push('error_code must be 901-905 with delivery_status -1');
	if (failed && body.error_code === 905 && !isText(body.error))
		problems.push('error (the text shown to the user) is required with error_code 905');
	if (problems.length) return badRequest(res, problems);
	const status = {
		delivery_status: body.delivery_status,
		...(failed ? { error_code: body.error_code } : {}),
		...(failed && isText(body.error) ? { error: body.error } : {}),
		at: Math.floor(model.nowMs(ctx) / 1000),
	};
	message.delivery = status;
	message.delivery_history.push(status);
	return send(res, 200);
}

/** @param {AmojoRequest} request */
function react({ ctx, state, connection, res, body }) {
	if (!connection) return undefined;
	if (!isObject(body)) return badRequest(res, ['The body must be a JSON object']);
	const message = state.messages.find(
		(entry) =>
			entry.scope_id === connection.scope_id &&
			(isText(body.id) ? entry.id === body.id : isText(body.msgid) && entry.msgid === body.msgid),
	);
	if (!message) return amojoError(res, 404, 'MESSAGE_NOT_FOUND', 'No such message in this scope');
	/** @type {string[]} */
	const problems = [];
	if (body.type !== 'react' && body.type !== 'unreact')
		problems.push('type must be react or unreact');
	if (body.type === 'react' && !isText(body.emoji)) problems.push('emoji is required to react');
	if (!isObject(body.user) || !(isText(body.user.id) || isText(body.user.ref_id)))
		problems.push('user.id or user.ref_id is required');
	if (problems.length) return badRequest(res, problems);
	message.reactions.push({
		type: body.type,
		emoji: body.emoji ?? null,
		user_id: body.user.id ?? body.user.ref_id,
		at: Math.floor(model.nowMs(ctx) / 1000),
	});
	return send(res, 200);
}

module.exports = { postMessage, deliveryStatus, react };
