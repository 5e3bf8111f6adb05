'use strict';
// Small HTTP helpers shared by the Intercom and Kommo handlers. Node built-ins only.

/** Reads the whole request body as a Buffer. */
function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/**
 * Parses a JSON body. Returns `{ value }`, `{ value: undefined }` for an empty body, or
 * `{ error }` when the bytes are not JSON.
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
 */
function listParam(searchParams, name) {
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

function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Bearer token of the request, or undefined. */
function bearerToken(req) {
	const header = req.headers.authorization;
	if (typeof header !== 'string') return undefined;
	const match = /^Bearer\s+(.+)$/i.exec(header.trim());
	return match ? match[1].trim() : undefined;
}

/** Deep copy of JSON data, so handlers never hand out references to the live state. */
function clone(value) {
	return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function nowSeconds() {
	return Math.floor(Date.now() / 1000);
}

module.exports = { readBody, parseJson, send, listParam, bearerToken, clone, nowSeconds };
