'use strict';
// The Intercom REST slice: the 10-second rate-limit slices (X-RateLimit-* on every answer), token
// check, then one route table that hands each request to its resource in sandbox/intercom/
// (workspace, conversations, replies, tags). Shapes follow the examples of Intercom's OpenAPI descriptions
// for API versions 2.14-2.16 (https://github.com/intercom/Intercom-OpenAPI).

const { parseJson, bearerToken } = require('./http');
const { fail, errorList } = require('./intercom/responses');
const { emptyIntercomState, seedIntercom } = require('./intercom/model');
const { renderConversation } = require('./intercom/render');
const workspace = require('./intercom/workspace');
const conversations = require('./intercom/conversations');
const tags = require('./intercom/tags');
const { replyToConversation } = require('./intercom/reply');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./context').SandboxContext} SandboxContext */
/** @typedef {import('./intercom/responses').IntercomRequest} IntercomRequest */

/**
 * Method, path pattern (its groups become `params`, URI-decoded), handler. The first match wins.
 * @type {Array<[string, RegExp, (request: IntercomRequest) => unknown]>}
 */
const ROUTES = [
	['GET', /^\/me$/, workspace.getMe],
	['GET', /^\/admins$/, workspace.listAdmins],
	['GET', /^\/admins\/([^/]+)$/, workspace.getAdmin],
	['GET', /^\/contacts\/([^/]+)$/, workspace.getContact],
	['POST', /^\/conversations\/search$/, conversations.search],
	['GET', /^\/conversations\/([^/]+)$/, conversations.getConversation],
	['POST', /^\/conversations\/([^/]+)\/reply$/, replyToConversation],
	['GET', /^\/tags$/, tags.listTags],
	['GET', /^\/tags\/([^/]+)$/, tags.getTag],
	['POST', /^\/tags$/, tags.createOrRenameTag],
	['POST', /^\/conversations\/([^/]+)\/tags$/, tags.tagConversation],
	['DELETE', /^\/conversations\/([^/]+)\/tags\/([^/]+)$/, tags.untagConversation],
];

/**
 * Handles one request under `/intercom`.
 * @param {SandboxContext} ctx
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {string} path the path after `/intercom`
 * @param {URLSearchParams} searchParams
 * @param {Buffer} rawBody
 */
async function handleIntercom(ctx, req, res, path, searchParams, rawBody) {
	/** @type {Record<string, string>} */
	const headers = {};
	const quota = ctx.intercomCounter ? ctx.intercomCounter.take() : undefined;
	if (quota) {
		headers['X-RateLimit-Limit'] = String(quota.limit);
		headers['X-RateLimit-Remaining'] = String(quota.remaining);
		headers['X-RateLimit-Reset'] = String(quota.resetAt);
	}

	if (bearerToken(req) !== ctx.config.intercomToken) {
		return fail(res, headers, 401, 'unauthorized', 'Access Token Invalid');
	}
	if (quota && !quota.allowed) {
		return fail(res, headers, 429, 'rate_limit_exceeded', 'Rate Limit Exceeded');
	}

	const method = req.method ?? 'GET';
	let body;
	if (['POST', 'PUT', 'DELETE'].includes(method)) {
		const parsed = parseJson(rawBody);
		if (parsed.error) return fail(res, headers, 400, 'parameter_invalid', parsed.error);
		body = parsed.value ?? {};
		if (typeof body !== 'object' || body === null || Array.isArray(body)) {
			return fail(res, headers, 400, 'parameter_invalid', 'The request body must be a JSON object');
		}
	}

	for (const [routeMethod, pattern, handler] of ROUTES) {
		if (routeMethod !== method) continue;
		const match = pattern.exec(path);
		if (!match) continue;
		const state = ctx.state.intercom;
		const params = match.slice(1).map(decodeURIComponent);
		return handler({ ctx, state, req, res, headers, method, path, params, searchParams, body });
	}
	return fail(res, headers, 404, 'not_found', `The sandbox does not serve ${method} ${path}`);
}

module.exports = {
	emptyIntercomState,
	seedIntercom,
	renderConversation,
	handleIntercom,
	errorList,
};
