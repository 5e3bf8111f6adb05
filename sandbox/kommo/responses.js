'use strict';
// How Kommo answers: HAL+JSON bodies with `_links.self`, problem+json errors, and the documented
// `validation-errors` 400. Also the request every route handler receives.

const { send } = require('../http');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('../context').SandboxContext} SandboxContext */
/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoLeadEvent} KommoLeadEvent */

/**
 * One request, as a Kommo route handler gets it.
 * @typedef {object} KommoRequest
 * @property {SandboxContext} ctx
 * @property {KommoState} state the live Kommo state (`ctx.state.kommo`)
 * @property {IncomingMessage} req
 * @property {ServerResponse} res
 * @property {string} method
 * @property {string} path the path after `/kommo`, e.g. `/api/v4/leads`
 * @property {string[]} params the groups the route's pattern captured
 * @property {URLSearchParams} searchParams
 * @property {any} body the parsed JSON body, unchecked (handlers validate it as Kommo does)
 * @property {KommoLeadEvent[]} events lead events for outgoing webhooks, sent after the answer
 */

/**
 * One entry of a `validation-errors` group.
 * @typedef {{ code: string, path: string, detail: string }} ValidationError
 */

const HAL = 'application/hal+json';
const PROBLEM = 'application/problem+json';

/** Kommo's 429 is nginx's HTML page, not JSON. */
const TOO_MANY_REQUESTS_PAGE =
	'<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>';

const BLANK = 'This value should not be blank.';
const BAD_CHOICE = 'The value you selected is not a valid choice.';

/**
 * @param {string} code
 * @param {string} path
 * @param {string} detail
 * @returns {ValidationError}
 */
function err(code, path, detail) {
	return { code, path, detail };
}

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {string} title
 * @param {string} detail
 */
function problem(res, status, title, detail) {
	send(
		res,
		status,
		{ title, type: `https://httpstatus.es/${status}`, status, detail },
		{},
		PROBLEM,
	);
}

/**
 * The documented 400 body.
 * @param {ServerResponse} res
 * @param {Array<{ request_id: string, errors: ValidationError[] }>} groups
 */
function validationFailed(res, groups) {
	send(
		res,
		400,
		{
			'validation-errors': groups,
			title: 'Bad Request',
			type: 'https://httpstatus.es/400',
			status: 400,
			detail: 'Request validation failed',
		},
		{},
		PROBLEM,
	);
}

/**
 * A body of the wrong JSON type (an object where a list is expected, or the reverse).
 * @param {ServerResponse} res
 * @param {'array' | 'object'} expected
 */
function wrongBodyType(res, expected) {
	validationFailed(res, [
		{
			request_id: '0',
			errors: [err('InvalidType', '', `This value should be of type ${expected}.`)],
		},
	]);
}

/**
 * The `request_id` a batch answer echoes: the client's own, else the index in the batch.
 * @param {any} input
 * @param {number} index
 */
function requestId(input, index) {
	return input && input.request_id !== undefined ? String(input.request_id) : String(index);
}

/** @param {IncomingMessage} req */
function baseUrl(req) {
	return `http://${req.headers.host}/kommo`;
}

/**
 * @param {IncomingMessage} req
 * @param {string} path
 */
function self(req, path) {
	return { self: { href: `${baseUrl(req)}${path}` } };
}

/**
 * @param {ServerResponse} res
 * @param {unknown} body
 * @param {number} [status]
 */
function sendHal(res, body, status = 200) {
	send(res, status, body, {}, HAL);
}

module.exports = {
	HAL,
	TOO_MANY_REQUESTS_PAGE,
	BLANK,
	BAD_CHOICE,
	err,
	problem,
	validationFailed,
	wrongBodyType,
	requestId,
	baseUrl,
	self,
	sendHal,
};
