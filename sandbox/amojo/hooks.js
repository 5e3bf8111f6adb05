'use strict';
// Kommo → integration: the hook amojo POSTs for a message written in Kommo (format v2,
// https://www.amocrm.ru/developers/content/chats/chat-webhooks ;
// https://developers.kommo.com/reference/receiving-chat-webhooks), as Kommo sends it:
//  - to the hook URL registered with the channel, `:scope_id` replaced by the scope (appended when
//    the URL has no placeholder), only for scopes connected with hook_api_version "v2";
//  - X-Signature: lowercase hex HMAC-SHA1 of the raw body with the channel secret;
//  - ONCE: "each webhook is sent only once; if the integration fails to process or receive it, it
//    will not be retried"; it counts as delivered only on a 200 within 5 seconds (the sandbox's
//    `webhookTimeoutMs`, default 5000, is that window). Each attempt is recorded (status, ms).
// What makes Kommo send one: a manager replying in a chat, a manager opening a chat by "Write first"
// (the hook then has no `conversation.client_id`), and, here, an outgoing message the integration
// imports with a Kommo user as sender. "Hooks are not sent for imported messages from the
// integration bot" (chat API reference); whether an import authored by a user is hooked is not
// documented: the sandbox hooks it, so a bridge's echo guard gets exercised.

const { postRaw } = require('../webhooks');
const { trackPending } = require('../context');
const { clone } = require('../http');
const { amojoIdOfUser } = require('../kommo/model');
const { signAmojoHookBody } = require('./signature');
const { addChat } = require('./chats');
const model = require('./model');

/** @typedef {import('../context').SandboxContext} SandboxContext */
/** @typedef {import('../index').AmojoState} AmojoState */
/** @typedef {import('../index').AmojoChannelConfig} AmojoChannelConfig */
/** @typedef {import('../index').AmojoConnection} AmojoConnection */
/** @typedef {import('../index').AmojoChat} AmojoChat */
/** @typedef {import('../index').AmojoMessage} AmojoMessage */
/** @typedef {import('../index').AmojoHookDelivery} AmojoHookDelivery */
/** @typedef {import('../index').AmojoKommoMessageOptions} AmojoKommoMessageOptions */
/** @typedef {import('../index').AmojoManagerReplyOptions} AmojoManagerReplyOptions */
/** @typedef {import('../index').AmojoWriteFirstOptions} AmojoWriteFirstOptions */
/** @typedef {import('../index').AmojoKommoMessageResult} AmojoKommoMessageResult */

/**
 * Where the hooks of a scope go, or undefined when no URL is registered.
 * @param {AmojoChannelConfig} channel
 * @param {string} scopeId
 */
function hookUrlOf(channel, scopeId) {
	const template = channel.webhookUrl;
	if (!template) return undefined;
	return template.includes(':scope_id')
		? template.split(':scope_id').join(encodeURIComponent(scopeId))
		: `${template.replace(/\/$/, '')}/${encodeURIComponent(scopeId)}`;
}

/**
 * The v2 hook body of `message` (written in Kommo, in `chat`).
 * @param {AmojoState} state
 * @param {AmojoConnection} connection
 * @param {AmojoChat} chat
 * @param {AmojoMessage} message
 * @param {number} atMs when the hook is generated
 */
function buildMessageHook(state, connection, chat, message, atMs) {
	const client = model.participantById(state, chat.client_id);
	const { type, text, media, thumbnail, file_name, file_size } = message.message;
	return {
		account_id: connection.account_id,
		time: Math.floor(atMs / 1000),
		message: {
			receiver: {
				id: chat.client_id,
				phone: client?.phone ?? '',
				email: client?.email ?? '',
				...(client?.client_id ? { client_id: client.client_id } : {}),
			},
			sender: { id: message.sender.id },
			conversation: {
				id: chat.id,
				...(chat.conversation_id ? { client_id: chat.conversation_id } : {}),
			},
			...(chat.source_external_id ? { source: { external_id: chat.source_external_id } } : {}),
			timestamp: message.timestamp,
			msec_timestamp: message.msec_timestamp,
			message: { id: message.id, type, text, tag: '', media, thumbnail, file_name, file_size },
		},
	};
}

/**
 * Sends the hook of `message` once and records the attempt on the message and in `deliveries`.
 * Never rejects: a refused connection or a timeout is recorded as `status: null`.
 * @param {SandboxContext} ctx
 * @param {AmojoConnection} connection
 * @param {AmojoChat} chat
 * @param {AmojoMessage} message
 * @param {string} url
 */
async function deliverHook(ctx, connection, chat, message, url) {
	const channel = model.channelOf(ctx);
	const hook = buildMessageHook(ctx.state.amojo, connection, chat, message, model.nowMs(ctx));
	const rawBody = JSON.stringify(hook);
	const signature = signAmojoHookBody(rawBody, channel.secret);
	const windowMs = ctx.config.webhookTimeoutMs;
	const started = Date.now();
	/** @type {number | null} */
	let status = null;
	/** @type {string | null} */
	let error = null;
	let responseBody = '';
	try {
		const response = await postRaw(
			url,
			rawBody,
			{ 'Content-Type': 'application/json', 'X-Signature': signature },
			windowMs,
		);
		status = response.status;
		responseBody = response.body;
	} catch (failure) {
		error = failure.message;
	}
	const ms = Date.now() - started;
	const answeredInTime = status !== null && ms <= windowMs;
	/** @type {AmojoHookDelivery} */
	const delivery = {
		time: new Date(started).toISOString(),
		kind: 'amojo',
		url,
		status,
		error,
		ms,
		windowMs,
		answeredInTime,
		ok: answeredInTime && status === 200,
		attempt: 1,
		scopeId: connection.scope_id,
		chatId: chat.id,
		conversationId: chat.conversation_id,
		messageId: message.id,
		signature,
	};
	ctx.deliveries.push(delivery);
	ctx.counters.webhooks.amojo++;
	if (!delivery.ok) ctx.counters.webhooks.failed++;
	message.hook = { ...delivery };
	return { delivery, hook, rawBody, responseBody };
}

/**
 * After an import authored by a Kommo user: its hook, in the background (`flushWebhooks` waits).
 * @param {SandboxContext} ctx
 * @param {AmojoConnection} connection
 * @param {AmojoChat} chat
 * @param {AmojoMessage} message
 */
function hookImport(ctx, connection, chat, message) {
	const url = hookUrlOf(model.channelOf(ctx), connection.scope_id);
	if (!url || connection.hook_api_version !== 'v2') return;
	trackPending(ctx, deliverHook(ctx, connection, chat, message, url));
}

/**
 * The Kommo user writing: an id, a name, or (none given) the token's user.
 * @param {SandboxContext} ctx
 * @param {number | string | undefined} manager
 */
function managerOf(ctx, manager) {
	const kommo = ctx.state.kommo;
	const user =
		manager === undefined || manager === null || manager === ''
			? (kommo.users.find((entry) => entry.id === kommo.account?.current_user_id) ?? kommo.users[0])
			: kommo.users.find(
					(entry) =>
						entry.id === Number(manager) ||
						entry.name.toLowerCase() === String(manager).toLowerCase(),
				);
	if (!user) throw new Error(`No Kommo user "${manager ?? ''}" to write as`);
	return user;
}

/**
 * What writing in a scope from Kommo needs, checked before anything is stored: a connected v2
 * scope, a hook URL, a Kommo user, a message.
 * @param {SandboxContext} ctx
 * @param {string} scopeId
 * @param {AmojoKommoMessageOptions} options
 */
function preflight(ctx, scopeId, options) {
	const state = ctx.state.amojo;
	const connection = model.connectedScope(state, scopeId);
	if (!connection) throw new Error(`Scope ${scopeId} is not connected: Kommo sends it no hooks`);
	if (connection.hook_api_version !== 'v2')
		throw new Error(
			`Scope ${scopeId} was connected with hook_api_version "${connection.hook_api_version}"; the sandbox sends v2 hooks only`,
		);
	const url = hookUrlOf(model.channelOf(ctx), scopeId);
	if (!url) throw new Error('The channel has no webhook URL: configure amojoChannel.webhookUrl');
	if ((options.type ?? 'text') === 'text' && !options.text)
		throw new Error('A text message needs text');
	if (options.messageId && state.messages.some((entry) => entry.id === options.messageId))
		throw new Error(`Message ${options.messageId} exists already`);
	return { connection, url, user: managerOf(ctx, options.manager) };
}

/**
 * Stores a message written in Kommo into `chat` and sends its hook.
 * @param {SandboxContext} ctx
 * @param {AmojoChat} chat
 * @param {AmojoKommoMessageOptions} options
 * @param {ReturnType<typeof preflight>} checked
 * @returns {Promise<AmojoKommoMessageResult>}
 */
async function writeInKommo(ctx, chat, options, { connection, url, user }) {
	const state = ctx.state.amojo;
	const client = model.participantById(state, chat.client_id);
	const atMs = options.timestampMs ?? model.nowMs(ctx);
	/** @type {AmojoMessage} */
	const message = {
		id: options.messageId ?? model.newId(),
		scope_id: chat.scope_id,
		chat_id: chat.id,
		conversation_id: chat.conversation_id,
		msgid: null,
		direction: 'outgoing',
		author: 'manager',
		origin: 'kommo',
		sender: {
			id: amojoIdOfUser(user),
			client_id: null,
			name: user.name,
			kind: 'user',
			kommo_user_id: user.id,
		},
		receiver: {
			id: chat.client_id,
			client_id: client?.client_id ?? null,
			name: client?.name ?? '',
			kind: 'client',
		},
		message: {
			type: options.type ?? 'text',
			text: options.text ?? '',
			media: options.media ?? '',
			thumbnail: '',
			file_name: options.fileName ?? '',
			file_size: options.fileSize ?? 0,
		},
		timestamp: Math.floor(atMs / 1000),
		msec_timestamp: atMs,
		silent: false,
		edited_at: null,
		delivery: null,
		delivery_history: [],
		reactions: [],
		hook: null,
	};
	state.messages.push(message);
	const sent = await trackPending(ctx, deliverHook(ctx, connection, chat, message, url));
	return { message: clone(message), chat: clone(chat), ...sent };
}

/**
 * A manager's reply in an existing chat, found by our conversation id or amojo's chat id.
 * @param {SandboxContext} ctx
 * @param {AmojoManagerReplyOptions} options
 */
async function managerReply(ctx, options) {
	const { conversationId, chatId, scopeId } = options;
	if (!conversationId && !chatId) throw new Error('A manager reply needs conversationId or chatId');
	const chat = ctx.state.amojo.chats.find(
		(entry) =>
			(chatId ? entry.id === chatId : entry.conversation_id === conversationId) &&
			(!scopeId || entry.scope_id === scopeId),
	);
	if (!chat) throw new Error(`No amojo chat ${chatId ?? `for conversation ${conversationId}`}`);
	return writeInKommo(ctx, chat, options, preflight(ctx, chat.scope_id, options));
}

/**
 * "Write first": a manager opens a chat with a phone number in Kommo. The chat has no conversation
 * id of ours until the integration answers with `conversation_id` + `conversation_ref_id`.
 * @param {SandboxContext} ctx
 * @param {AmojoWriteFirstOptions} options
 */
async function writeFirst(ctx, options) {
	const state = ctx.state.amojo;
	if (!options.phone) throw new Error('"Write first" needs the phone number the manager picked');
	const scopes = state.connections.filter(
		(entry) => entry.connected && (!options.scopeId || entry.scope_id === options.scopeId),
	);
	if (scopes.length !== 1)
		throw new Error(
			scopes.length ? 'Several scopes are connected: give scopeId' : 'No connected scope',
		);
	const scopeId = scopes[0].scope_id;
	const checked = preflight(ctx, scopeId, options);
	/** @type {import('../index').AmojoParticipant} */
	const client = {
		id: model.newId(),
		scope_id: scopeId,
		client_id: null,
		name: options.name ?? options.phone,
		avatar: '',
		phone: String(options.phone).replace(/\D/g, ''),
		email: '',
		profile_link: '',
	};
	state.participants.push(client);
	const chat = addChat(state, {
		scopeId,
		conversationId: null,
		client,
		sourceExternalId: options.sourceExternalId ?? null,
		origin: 'write_first',
		at: Math.floor(model.nowMs(ctx) / 1000),
	});
	return writeInKommo(ctx, chat, options, checked);
}

module.exports = { hookUrlOf, buildMessageHook, deliverHook, hookImport, managerReply, writeFirst };
