'use strict';
// Connecting the channel to an account and disconnecting it:
//   POST   /v2/origin/custom/{channel_id}/connect     {account_id, hook_api_version?, title?, is_time_window_disabled?}
//   DELETE /v2/origin/custom/{channel_id}/disconnect  {account_id}
// https://www.amocrm.ru/developers/content/chats/chat-api-reference ;
// https://developers.kommo.com/reference/connect-channel. A connect answers the scope id
// (`{channel_id}_{account_id}`) every other call is made under; connecting again answers the same
// scope with the new settings. A private channel connects only the accounts listed at registration:
// another account is refused 400 (amojo's code for it is not documented).

const { send } = require('../http');
const { badRequest, isObject, isText } = require('./responses');
const { allowedAccounts, nowMs, scopeIdOf } = require('./model');

/** @typedef {import('./responses').AmojoRequest} AmojoRequest */
/** @typedef {import('../index').AmojoConnection} AmojoConnection */

const HOOK_VERSIONS = ['v1', 'v2'];

/** @param {AmojoRequest} request */
function connect({ ctx, state, channel, res, body }) {
	if (!isObject(body)) return badRequest(res, ['The body must be a JSON object']);
	/** @type {string[]} */
	const problems = [];
	if (!isText(body.account_id)) problems.push('account_id is required (the amojo account id)');
	const version = body.hook_api_version ?? 'v1';
	if (!HOOK_VERSIONS.includes(version)) problems.push('hook_api_version must be "v1" or "v2"');
	if (body.title !== undefined && typeof body.title !== 'string')
		problems.push('title must be a string');
	const timeWindow = body.is_time_window_disabled;
	if (timeWindow !== undefined && typeof timeWindow !== 'boolean')
		problems.push('is_time_window_disabled must be a boolean');
	if (problems.length) return badRequest(res, problems);
	if (!allowedAccounts(ctx).includes(body.account_id))
		return badRequest(res, [
			`account ${body.account_id} is not among the accounts this private channel was registered for`,
		]);

	const scopeId = scopeIdOf(channel.id, body.account_id);
	const title = body.title ?? channel.name;
	/** @type {AmojoConnection} */
	const connection = {
		scope_id: scopeId,
		channel_id: channel.id,
		account_id: body.account_id,
		title,
		hook_api_version: version,
		...(timeWindow !== undefined ? { is_time_window_disabled: timeWindow } : {}),
		connected: true,
		connected_at: Math.floor(nowMs(ctx) / 1000),
		disconnected_at: null,
	};
	const index = state.connections.findIndex((entry) => entry.scope_id === scopeId);
	if (index === -1) state.connections.push(connection);
	else state.connections[index] = connection;
	return send(res, 200, {
		account_id: body.account_id,
		scope_id: scopeId,
		title,
		hook_api_version: version,
		...(timeWindow !== undefined ? { is_time_window_disabled: timeWindow } : {}),
	});
}

/**
 * 200 without a body; from then on the scope is unknown and Kommo sends it no hooks.
 * @param {AmojoRequest} request
 */
function disconnect({ ctx, state, channel, res, body }) {
	if (!isObject(body) || !isText(body.account_id))
		return badRequest(res, ['account_id is required (the amojo account id)']);
	const scopeId = scopeIdOf(channel.id, body.account_id);
	const connection = state.connections.find((entry) => entry.scope_id === scopeId);
	if (connection && connection.connected) {
		connection.connected = false;
		connection.disconnected_at = Math.floor(nowMs(ctx) / 1000);
	}
	return send(res, 200);
}

module.exports = { connect, disconnect };
