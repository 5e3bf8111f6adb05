'use strict';
// How the amojo stand-in answers, and the request every amojo route handler receives.
// amojo's docs give the status codes (200, 204, 400 "details in the body", 403 bad signature, 404
// channel or message does not exist) but not the error body. The one used here,
// `{ error_code, error_type, error_description }`, is what the PHP client fcritic/amojo-api-client
// reads from amojo's 4xx answers; its field values are the sandbox's own.

const { send } = require('../http');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('../context').SandboxContext} SandboxContext */
/** @typedef {import('../index').AmojoState} AmojoState */
/** @typedef {import('../index').AmojoChannelConfig} AmojoChannelConfig */
/** @typedef {import('../index').AmojoConnection} AmojoConnection */

/**
 * One request, as an amojo route handler gets it: signature checked, body parsed.
 * @typedef {object} AmojoRequest
 * @property {SandboxContext} ctx
 * @property {AmojoState} state the live amojo state (`ctx.state.amojo`)
 * @property {AmojoChannelConfig} channel
 * @property {AmojoConnection | undefined} connection the scope of a `/{scope_id}/…` route
 * @property {IncomingMessage} req
 * @property {ServerResponse} res
 * @property {string[]} params the groups the route's pattern captured
 * @property {URLSearchParams} searchParams
 * @property {any} body the parsed JSON body, unchecked
 */

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {string} type
 * @param {string} description
 */
function amojoError(res, status, type, description) {
	send(res, status, { error_code: status, error_type: type, error_description: description });
}

/**
 * 400 with the reasons a body was refused.
 * @param {ServerResponse} res
 * @param {string[]} problems
 */
function badRequest(res, problems) {
	amojoError(res, 400, 'INVALID_REQUEST', problems.join('; '));
}

/** @param {unknown} value */
function isObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @param {unknown} value */
function isText(value) {
	return typeof value === 'string' && value !== '';
}

module.exports = { amojoError, badRequest, isObject, isText };
