'use strict';
// How Intercom answers: JSON with the X-RateLimit-* headers of the request, and errors as an
// `error.list`. Also the request every route handler receives.

const crypto = require('node:crypto');
const { send } = require('../http');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('../context').SandboxContext} SandboxContext */
/** @typedef {import('../index').IntercomState} IntercomState */

/**
 * One request, as an Intercom route handler gets it.
 * @typedef {object} IntercomRequest
 * @property {SandboxContext} ctx
 * @property {IntercomState} state the live Intercom state (`ctx.state.intercom`)
 * @property {IncomingMessage} req
 * @property {ServerResponse} res
 * @property {Record<string, string>} headers the rate-limit headers every answer carries
 * @property {string} method
 * @property {string} path the path after `/intercom`, e.g. `/conversations/1001`
 * @property {string[]} params the groups the route's pattern captured, URI-decoded
 * @property {URLSearchParams} searchParams
 * @property {any} body the parsed JSON object of a POST/PUT/DELETE (`{}` when empty), unchecked
 */

/**
 * @param {Array<{ code: string, message: string, field?: string }>} errors
 */
function errorList(errors) {
	return { type: 'error.list', request_id: crypto.randomUUID(), errors };
}

/**
 * @param {ServerResponse} res
 * @param {Record<string, string>} headers
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {string} [field] the request field at fault
 */
function fail(res, headers, status, code, message, field) {
	send(res, status, errorList([{ code, message, ...(field ? { field } : {}) }]), headers);
}

/**
 * @param {IntercomRequest} request
 * @param {unknown} body
 */
function answer({ res, headers }, body) {
	send(res, 200, body, headers);
}

module.exports = { errorList, fail, answer };
