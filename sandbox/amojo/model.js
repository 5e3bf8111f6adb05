'use strict';
// The stored amojo side (Kommo's Chat API): its empty shape, the channel the sandbox plays (the
// defaults of sandbox/context.js under `amojoChannel`), amojo's clock, and the lookups every route
// shares: scopes, chats by our conversation id or amojo's chat id, chat participants.
// amojo ids are random UUIDs, as amojo's are.

const crypto = require('node:crypto');
const { AMOJO_CHANNEL } = require('../context');
const { amojoIdOfAccount, amojoIdOfUser } = require('../kommo/model');

/** @typedef {import('../context').SandboxContext} SandboxContext */
/** @typedef {import('../index').AmojoState} AmojoState */
/** @typedef {import('../index').AmojoChannelConfig} AmojoChannelConfig */
/** @typedef {import('../index').AmojoConnection} AmojoConnection */
/** @typedef {import('../index').AmojoChat} AmojoChat */
/** @typedef {import('../index').AmojoParticipant} AmojoParticipant */
/** @typedef {import('../index').KommoState} KommoState */

/** @returns {AmojoState} */
function emptyAmojoState() {
	return { connections: [], participants: [], chats: [], messages: [], unsorted: [], typing: [] };
}

/**
 * The channel as configured, every field filled in.
 * @param {SandboxContext} ctx
 * @returns {AmojoChannelConfig}
 */
function channelOf(ctx) {
	return { ...AMOJO_CHANNEL, ...ctx.config.amojoChannel };
}

/**
 * The amojo account ids the channel may be connected to: the configured list, else the sandbox's
 * Kommo account (a private channel registered for that one account).
 * @param {SandboxContext} ctx
 * @returns {string[]}
 */
function allowedAccounts(ctx) {
	const { accounts } = channelOf(ctx);
	if (accounts) return accounts;
	const own = amojoIdOfAccount(ctx.state.kommo);
	return own ? [own] : [];
}

/**
 * amojo's clock: `amojoNow` when pinned, else the real one.
 * @param {SandboxContext} ctx
 */
function nowMs(ctx) {
	return ctx.config.amojoNow ?? Date.now();
}

function newId() {
	return crypto.randomUUID();
}

/**
 * `{channel_id}_{account_id}`: the scope a connect answers.
 * @param {string} channelId
 * @param {string} accountId
 */
function scopeIdOf(channelId, accountId) {
	return `${channelId}_${accountId}`;
}

/**
 * The channel part of a scope id (everything before the first "_").
 * @param {string} scopeId
 */
function channelIdOfScope(scopeId) {
	const cut = scopeId.indexOf('_');
	return cut === -1 ? undefined : scopeId.slice(0, cut);
}

/**
 * A connected scope, or undefined (never connected, or disconnected since).
 * @param {AmojoState} state
 * @param {string} scopeId
 */
function connectedScope(state, scopeId) {
	return state.connections.find((entry) => entry.scope_id === scopeId && entry.connected);
}

/**
 * @param {AmojoState} state
 * @param {string} scopeId
 * @param {string} conversationId our chat id
 */
function chatByConversation(state, scopeId, conversationId) {
	return state.chats.find(
		(chat) => chat.scope_id === scopeId && chat.conversation_id === conversationId,
	);
}

/**
 * @param {AmojoState} state
 * @param {string} scopeId
 * @param {string} chatId amojo's chat id
 */
function chatById(state, scopeId, chatId) {
	return state.chats.find((chat) => chat.scope_id === scopeId && chat.id === chatId);
}

/**
 * @param {AmojoState} state
 * @param {string} id amojo's participant id
 */
function participantById(state, id) {
	return state.participants.find((participant) => participant.id === id);
}

/** @param {unknown} value */
function text(value) {
	return typeof value === 'string' ? value : '';
}

/**
 * The client with our user id `input.id` in the scope, created on first sight. As amojo says, "if
 * you enter an existing user[id] you will get the existing information related to this user": a
 * known client is not updated. A phone is stored as its digits.
 * @param {AmojoState} state
 * @param {string} scopeId
 * @param {any} input `{ id, name, avatar?, profile?: { phone?, email? }, profile_link? }`
 * @returns {AmojoParticipant}
 */
function clientOf(state, scopeId, input) {
	const known = state.participants.find(
		(participant) => participant.scope_id === scopeId && participant.client_id === input.id,
	);
	if (known) return known;
	/** @type {AmojoParticipant} */
	const participant = {
		id: newId(),
		scope_id: scopeId,
		client_id: input.id,
		name: text(input.name),
		avatar: text(input.avatar),
		phone: text(input.profile?.phone).replace(/\D/g, ''),
		email: text(input.profile?.email),
		profile_link: text(input.profile_link),
	};
	state.participants.push(participant);
	return participant;
}

/**
 * The Kommo user whose amojo id is `amojoId`, if any.
 * @param {KommoState} kommo
 * @param {unknown} amojoId
 */
function kommoUserByAmojoId(kommo, amojoId) {
	return typeof amojoId === 'string'
		? kommo.users.find((user) => amojoIdOfUser(user) === amojoId)
		: undefined;
}

module.exports = {
	emptyAmojoState,
	channelOf,
	allowedAccounts,
	nowMs,
	newId,
	scopeIdOf,
	channelIdOfScope,
	connectedScope,
	chatByConversation,
	chatById,
	participantById,
	clientOf,
	kommoUserByAmojoId,
};
