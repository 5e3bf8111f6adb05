'use strict';
// The Kommo (amoCRM) API v4 slice: token check, the 7 requests/s limit, then one route table that
// hands each request to its resource in sandbox/kommo/ (account, pipelines, custom fields,
// contacts, chat ↔ contact links, leads, incoming leads, notes, webhooks). Shapes follow Kommo's API v4 docs
// (https://developers.kommo.com/reference) and its PHP SDK (amocrm/amocrm-api-php): HAL answers,
// 204 with an empty body for empty lists, fuzzy `query`, `validation-errors` on 400, problem+json
// errors, bare array from /leads/complex.

const { send, parseJson, bearerToken } = require('./http');
const { problem, TOO_MANY_REQUESTS_PAGE } = require('./kommo/responses');
const { WON, LOST, emptyKommoState, isOpenLead } = require('./kommo/model');
const { fuzzyMatches } = require('./kommo/listing');
const { seedKommo } = require('./kommo/loadSeed');
const account = require('./kommo/account');
const pipelines = require('./kommo/pipelines');
const customFields = require('./kommo/customFields');
const contacts = require('./kommo/contacts');
const leads = require('./kommo/leads');
const { createComplexLeads } = require('./kommo/complexLeads');
const unsorted = require('./kommo/unsorted');
const notes = require('./kommo/notes');
const contactChats = require('./kommo/chats');
const webhooks = require('./kommo/webhooks');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./context').SandboxContext} SandboxContext */
/** @typedef {import('./kommo/responses').KommoRequest} KommoRequest */
/** @typedef {import('./index').KommoLeadEvent} KommoLeadEvent */

/**
 * Method, path pattern (its groups become `params`), handler. The first match wins.
 * @type {Array<[string, RegExp, (request: KommoRequest) => unknown]>}
 */
const ROUTES = [
	['GET', /^\/api\/v4\/account$/, account.getAccount],
	['GET', /^\/api\/v4\/users$/, account.listUsers],
	['GET', /^\/api\/v4\/leads\/pipelines$/, pipelines.listPipelines],
	['GET', /^\/api\/v4\/leads\/pipelines\/(\d+)$/, pipelines.getPipeline],
	['GET', /^\/api\/v4\/leads\/pipelines\/(\d+)\/statuses$/, pipelines.listStatuses],
	['GET', /^\/api\/v4\/(leads|contacts)\/custom_fields$/, customFields.listCustomFields],
	['GET', /^\/api\/v4\/(leads|contacts)\/custom_fields\/(\d+)$/, customFields.getCustomField],
	['GET', /^\/api\/v4\/contacts$/, contacts.listContacts],
	['GET', /^\/api\/v4\/contacts\/(\d+)$/, contacts.getContact],
	['POST', /^\/api\/v4\/contacts$/, contacts.createContacts],
	['GET', /^\/api\/v4\/contacts\/chats$/, contactChats.listChatLinks],
	['POST', /^\/api\/v4\/contacts\/chats$/, contactChats.linkChats],
	['GET', /^\/api\/v4\/(leads|contacts)\/(\d+)\/notes$/, notes.listNotes],
	['POST', /^\/api\/v4\/(leads|contacts)\/notes$/, notes.createNotes],
	['GET', /^\/api\/v4\/leads$/, leads.listLeads],
	['GET', /^\/api\/v4\/leads\/(\d+)$/, leads.getLead],
	['POST', /^\/api\/v4\/leads$/, leads.createLeads],
	['POST', /^\/api\/v4\/leads\/complex$/, createComplexLeads],
	['POST', /^\/api\/v4\/leads\/unsorted\/forms$/, unsorted.createFormsUnsorted],
	['GET', /^\/api\/v4\/leads\/unsorted$/, unsorted.listUnsorted],
	['GET', /^\/api\/v4\/leads\/unsorted\/([^/]+)$/, unsorted.getUnsorted],
	['POST', /^\/api\/v4\/leads\/unsorted\/([^/]+)\/accept$/, unsorted.acceptUnsorted],
	['PATCH', /^\/api\/v4\/leads$/, leads.updateLeads],
	['PATCH', /^\/api\/v4\/leads\/(\d+)$/, leads.updateLeads],
	['GET', /^\/api\/v4\/webhooks$/, webhooks.listWebhooks],
	['POST', /^\/api\/v4\/webhooks$/, webhooks.registerWebhook],
	['DELETE', /^\/api\/v4\/webhooks$/, webhooks.deleteWebhook],
];

/**
 * Handles one request under `/kommo`. `events` collects lead events for outgoing webhooks
 * (delivered by the caller after the response).
 * @param {SandboxContext} ctx
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {string} path the path after `/kommo`
 * @param {URLSearchParams} searchParams
 * @param {Buffer} rawBody
 * @param {KommoLeadEvent[]} events
 */
async function handleKommo(ctx, req, res, path, searchParams, rawBody, events) {
	if (bearerToken(req) !== ctx.config.kommoToken) {
		return problem(res, 401, 'Unauthorized', 'Unauthorized');
	}
	if (ctx.kommoLimiter && !ctx.kommoLimiter.take().allowed) {
		return send(res, 429, TOO_MANY_REQUESTS_PAGE, {}, 'text/html');
	}
	const method = req.method ?? 'GET';
	let body;
	if (['POST', 'PATCH', 'DELETE', 'PUT'].includes(method)) {
		const parsed = parseJson(rawBody);
		if (parsed.error) return problem(res, 400, 'Bad Request', parsed.error);
		body = parsed.value;
	}
	for (const [routeMethod, pattern, handler] of ROUTES) {
		if (routeMethod !== method) continue;
		const match = pattern.exec(path);
		if (!match) continue;
		const state = ctx.state.kommo;
		const params = match.slice(1);
		return handler({ ctx, state, req, res, method, path, params, searchParams, body, events });
	}
	return problem(res, 404, 'Not Found', `The sandbox does not serve ${method} ${path}`);
}

module.exports = {
	WON,
	LOST,
	emptyKommoState,
	seedKommo,
	duplicateContact: contacts.duplicateContact,
	handleKommo,
	fuzzyMatches,
	isOpenLead,
	sendKommoStatusWebhook: webhooks.sendKommoStatusWebhook,
	dispatchKommoEvents: webhooks.dispatchKommoEvents,
};
