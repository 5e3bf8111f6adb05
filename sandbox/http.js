'use strict';
// Small HTTP helpers shared by the Intercom and Kommo handlers. Node built-ins only.

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * Reads the whole request body as a Buffer.
 * @param {IncomingMessage} req
 * @returns {Promise<Buffer>}
 */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/**
 * Parses a JSON body. Returns `{ value }`, `{ value: undefined }` for an empty body, or
 * `{ error }` when the bytes are not JSON.
 * @param {Buffer} raw
 * @returns {{ value: any, error?: undefined } | { value?: undefined, error: string }}
 */
function parseJson(raw) {
	const text = raw.toString('utf8');
	if (text.trim() === '') return { value: undefined };
	try {
		return { value: JSON.parse(text) };
	} catch {
		return { error: 'The request body is not valid JSON' };
	}
}

/**
 * Answers once (later calls, or a response already gone, are ignored): no body for 204 or an
 * undefined body, a string as it is, anything else as JSON.
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 * @param {string} [contentType]
 */
function send(res, status, body, headers = {}, contentType = 'application/json; charset=utf-8') {
	if (res.headersSent || res.destroyed) return;
	if (status === 204 || body === undefined) {
		res.writeHead(status, headers);
		res.end();
		return;
	}
	const payload = typeof body === 'string' ? body : JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': contentType,
		'Content-Length': Buffer.byteLength(payload),
		...headers,
	});
	res.end(payload);
}

/**
 * Collects PHP-style list parameters: `filter[id][]=1&filter[id][]=2`, `filter[id][0]=1` and a
 * plain `filter[id]=1` all read as `['1', '2']` under the name `filter[id]`.
 * @param {URLSearchParams} searchParams
 * @param {string} name
 */
function listParam(searchParams, name) {
	/** @type {string[]} */
	const values = [];
	for (const [key, value] of searchParams) {
		if (
			key === name ||
			key === `${name}[]` ||
			new RegExp(`^${escapeRegExp(name)}\\[\\d+\\]$`).test(key)
		) {
			values.push(...value.split(',').filter((part) => part !== ''));
		}
	}
	return values;
}

/** @param {string} text */
function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Bearer token of the request, or undefined.
 * @param {IncomingMessage} req
 */
function bearerToken(req) {
	const header = req.headers.authorization;
	if (typeof header !== 'string') return undefined;
	const match = /^Bearer\s+(.+)$/i.exec(header.trim());
	return match ? match[1].trim() : undefined;
}

/**
 * Deep copy of JSON data, so handlers never hand out references to the live state.
 * @template T
 * @param {T} value
 * @returns {T}
 */
function clone(value) {
	return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

function nowSeconds() {
	return Math.floor(Date.now() / 1000);
}

module.exports = { readBody, parseJson, send, listParam, bearerToken, clone, nowSeconds };
