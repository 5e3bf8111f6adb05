'use strict';
// Kommo's Chat API (amojo) slice, served under /amojo: `<sandbox>/amojo/v2/origin/custom/…` stands
// for `https://amojo.kommo.com/v2/origin/custom/…`. Every call is checked as amojo checks it
// (sandbox/amojo/signature.js; the signed path is the amojo path, without the `/amojo` prefix, as
// on the real host), then one route table hands it to sandbox/amojo/: connect and disconnect the
// channel, create chats, send/import/edit messages, delivery status, history, typing, reactions.
// Docs: https://www.amocrm.ru/developers/content/chats/chat-api-reference ;
// https://developers.kommo.com/reference (Chats API). Refusals:
//   404 unknown channel (connect, disconnect), unknown or disconnected scope, unknown message
//   403 signature: wrong X-Signature, Content-MD5 or Date (outside 15 minutes), a missing header
//   400 Content-Type not application/json, a body amojo would refuse, a repeated msgid

const { parseJson } = require('./http');
const {
	verifyAmojoRequest,
	signAmojoRequest,
	signAmojoHookBody,
	formatRfc2822,
} = require('./amojo/signature');
const { amojoError } = require('./amojo/responses');
const model = require('./amojo/model');
const channels = require('./amojo/channels');
const chats = require('./amojo/chats');
const messages = require('./amojo/messages');
const hooks = require('./amojo/hooks');
const view = require('./amojo/view');
const { amojoIdOfAccount } = require('./kommo/model');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./context').SandboxContext} SandboxContext */
/** @typedef {import('./amojo/responses').AmojoRequest} AmojoRequest */

const BASE = '\\/v2\\/origin\\/custom\\/([^/]+)';

/**
 * Method, path pattern (the first group is the channel or the scope; all groups become `params`),
 * what the first group names, handler. The first match wins.
 * @type {Array<[string, RegExp, 'channel' | 'scope', (request: AmojoRequest) => unknown]>}
 */
const ROUTES = [
	['POST', new RegExp(`^${BASE}/connect$`), 'channel', channels.connect],
	['DELETE', new RegExp(`^${BASE}/disconnect$`), 'channel', channels.disconnect],
	['POST', new RegExp(`^${BASE}/chats$`), 'scope', chats.createChat],
	['GET', new RegExp(`^${BASE}/chats/([^/]+)/history$`), 'scope', chats.history],
	['POST', new RegExp(`^${BASE}/typing$`), 'scope', chats.typing],
	['POST', new RegExp(`^${BASE}/react$`), 'scope', messages.react],
	['POST', new RegExp(`^${BASE}/([^/]+)/delivery_status$`), 'scope', messages.deliveryStatus],
	['POST', new RegExp(`^${BASE}$`), 'scope', messages.postMessage],
];

/**
 * Handles one request under `/amojo`.
 * @param {SandboxContext} ctx
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {string} path the path after `/amojo` (what the client signed)
 * @param {URLSearchParams} searchParams
 * @param {Buffer} rawBody
 */
async function handleAmojo(ctx, req, res, path, searchParams, rawBody) {
	const method = req.method ?? 'GET';
	const route = ROUTES.find(
		([routeMethod, pattern]) => routeMethod === method && pattern.test(path),
	);
	if (!route) return amojoError(res, 404, 'NOT_FOUND', `amojo has no ${method} ${path}`);
	const [, pattern, names, handler] = route;
	const params = /** @type {RegExpExecArray} */ (pattern.exec(path))
		.slice(1)
		.map(decodeURIComponent);
	const channel = model.channelOf(ctx);
	const channelId = names === 'channel' ? params[0] : model.channelIdOfScope(params[0]);
	if (channelId !== channel.id)
		return amojoError(
			res,
			404,
			names === 'channel' ? 'CHANNEL_NOT_FOUND' : 'SCOPE_NOT_FOUND',
			names === 'channel' ? `Channel ${params[0]} does not exist` : `Unknown scope ${params[0]}`,
		);
	const verdict = verifyAmojoRequest({
		secret: channel.secret,
		method,
		path,
		headers: req.headers,
		rawBody,
		now: model.nowMs(ctx),
	});
	if (!verdict.ok) return amojoError(res, verdict.status, verdict.type, verdict.description);
	const state = ctx.state.amojo;
	const connection = names === 'scope' ? model.connectedScope(state, params[0]) : undefined;
	if (names === 'scope' && !connection)
		return amojoError(
			res,
			404,
			'SCOPE_NOT_FOUND',
			`Scope ${params[0]} is not connected (connect the channel first)`,
		);
	const parsed = parseJson(rawBody);
	if (parsed.error) return amojoError(res, 400, 'INVALID_JSON', parsed.error);
	return handler({
		ctx,
		state,
		channel,
		connection,
		req,
		res,
		params,
		searchParams,
		body: parsed.value,
	});
}

/**
 * The channel and the ids a test or a demo needs to play the integration.
 * @param {SandboxContext} ctx
 * @param {string} baseUrl `<sandbox>/amojo`
 */
function describeAmojo(ctx, baseUrl) {
	const channel = model.channelOf(ctx);
	const accountId = amojoIdOfAccount(ctx.state.kommo);
	return {
		baseUrl,
		channelId: channel.id,
		secret: channel.secret,
		code: channel.code,
		name: channel.name,
		botId: channel.botId,
		botName: channel.botName,
		webhookUrl: channel.webhookUrl,
		accounts: model.allowedAccounts(ctx),
		accountId,
		scopeId: accountId ? model.scopeIdOf(channel.id, accountId) : null,
	};
}

module.exports = {
	emptyAmojoState: model.emptyAmojoState,
	handleAmojo,
	describeAmojo,
	managerReply: hooks.managerReply,
	writeFirst: hooks.writeFirst,
	chatView: view.chatView,
	chatsOn: view.chatsOn,
	signAmojoRequest,
	signAmojoHookBody,
	verifyAmojoRequest,
	formatRfc2822,
};
