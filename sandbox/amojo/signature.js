'use strict';
// How amojo (Kommo's Chat API) authenticates a call, checked the way amojo checks it, plus the
// signature of the hooks it sends. Written from the published rules, with node:crypto only:
//   https://developers.kommo.com/reference/chats-api-authorization-and-headers
//   https://www.amocrm.ru/developers/content/chats/chat-start ("Авторизация")
//   https://www.amocrm.ru/developers/content/chats/chat-webhooks (hook X-Signature)
// Every call carries four headers:
//   Date          RFC 2822 ("Thu, 16 Dec 2021 13:15:29 +0000"); "the signature is valid for 15
//                 minutes from this Date"
//   Content-Type  application/json ("currently only application/json is supported")
//   Content-MD5   lowercase hex MD5 of the body bytes exactly as sent (a trailing "\n" or space
//                 counts); of the empty string for a GET
//   X-Signature   lowercase hex HMAC-SHA1 with the channel secret over
//                 METHOD "\n" Content-MD5 "\n" Content-Type "\n" Date "\n" path
//                 (path without scheme, host and query string; the header values as sent)
// The docs give one refusal for all of this: 403 "the request signature is incorrect". So a wrong
// signature, a wrong Content-MD5, a missing header and a Date outside the window all answer 403
// here (what amojo says in the body is not documented). Content-Type other than application/json
// answers 400 (bad data).

const crypto = require('node:crypto');

const CONTENT_TYPE = 'application/json';
/**
 * The documented validity of a signature: 15 minutes from its Date. The docs bound only the past;
 * a Date up to 15 minutes ahead is accepted too, as clock skew between the two machines.
 */
const DATE_WINDOW_MS = 15 * 60 * 1000;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/**
 * RFC 2822 with a numeric zone, as the docs' examples and PHP's DATE_RFC2822 write it. "GMT"
 * (`Date.prototype.toUTCString()`) is refused: whether amojo takes it is not documented, and a
 * client that works here then sends what the docs show.
 */
const RFC2822 =
	/^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/**
 * @typedef {{ ok: true } | { ok: false, status: 400 | 403, type: string, description: string }} Verdict
 */

/** @param {string | Buffer} body */
function md5Hex(body) {
	return crypto.createHash('md5').update(body).digest('hex');
}

/**
 * @param {string} secret
 * @param {string | Buffer} data
 */
function hmacSha1Hex(secret, data) {
	return crypto.createHmac('sha1', secret).update(data).digest('hex');
}

/**
 * The text amojo signs.
 * @param {{ method: string, contentMd5: string, contentType: string, date: string, path: string }} parts
 */
function stringToSign({ method, contentMd5, contentType, date, path }) {
	return [method.toUpperCase(), contentMd5, contentType, date, path].join('\n');
}

/**
 * Milliseconds since the epoch, or undefined when `text` is not RFC 2822 with a numeric zone.
 * @param {string} text
 */
function parseRfc2822(text) {
	const match = RFC2822.exec(text);
	if (!match) return undefined;
	const [, day, month, year, hours, minutes, seconds, sign, zoneHours, zoneMinutes] = match;
	if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 60) return undefined;
	const utc = Date.UTC(
		Number(year),
		MONTHS.indexOf(month),
		Number(day),
		Number(hours),
		Number(minutes),
		Number(seconds),
	);
	if (new Date(utc).getUTCDate() !== Number(day)) return undefined; // 31 Feb
	const offsetMs = (Number(zoneHours) * 60 + Number(zoneMinutes)) * 60000;
	return sign === '-' ? utc + offsetMs : utc - offsetMs;
}

/**
 * `Thu, 16 Dec 2021 13:15:29 +0000`.
 * @param {number} ms
 */
function formatRfc2822(ms) {
	const d = new Date(ms);
	/** @param {number} n */
	const two = (n) => String(n).padStart(2, '0');
	return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/**
 * The four headers of a signed call, for scripts and demos that play the integration. Send `body`
 * exactly as given: the MD5 and the signature are over those bytes.
 * @param {{ secret: string, method: string, path: string, body?: string | Buffer, date?: string, contentType?: string }} options
 */
function signAmojoRequest({
	secret,
	method,
	path,
	body = '',
	date = formatRfc2822(Date.now()),
	contentType = CONTENT_TYPE,
}) {
	const contentMd5 = md5Hex(body);
	return {
		Date: date,
		'Content-Type': contentType,
		'Content-MD5': contentMd5,
		'X-Signature': hmacSha1Hex(
			secret,
			stringToSign({ method, contentMd5, contentType, date, path }),
		),
	};
}

/**
 * @param {import('node:http').IncomingHttpHeaders} headers
 * @param {string} name lower case
 */
function headerOf(headers, name) {
	const value = headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/**
 * Equal strings, compared in constant time.
 * @param {string} a
 * @param {string} b
 */
function sameText(a, b) {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && crypto.timingSafeEqual(left, right);
}

/**
 * @param {400 | 403} status
 * @param {string} type
 * @param {string} description
 * @returns {Verdict}
 */
function refuse(status, type, description) {
	return { ok: false, status, type, description };
}

/**
 * Checks one call as amojo does.
 * @param {object} request
 * @param {string} request.secret the channel secret
 * @param {string} request.method
 * @param {string} request.path what is signed: `/v2/origin/custom/…`, no query string
 * @param {import('node:http').IncomingHttpHeaders} request.headers
 * @param {Buffer} request.rawBody
 * @param {number} request.now amojo's clock, ms
 * @param {number} [request.windowMs]
 * @returns {Verdict}
 */
function verifyAmojoRequest({
	secret,
	method,
	path,
	headers,
	rawBody,
	now,
	windowMs = DATE_WINDOW_MS,
}) {
	const date = headerOf(headers, 'date');
	const contentType = headerOf(headers, 'content-type');
	const contentMd5 = headerOf(headers, 'content-md5');
	const signature = headerOf(headers, 'x-signature');
	if (!date || !contentType || !contentMd5 || !signature) {
		/** @type {Record<string, string | undefined>} */
		const signed = {
			Date: date,
			'Content-Type': contentType,
			'Content-MD5': contentMd5,
			'X-Signature': signature,
		};
		const missing = Object.keys(signed).filter((name) => !signed[name]);
		return refuse(403, 'MISSING_HEADER', `Missing signed header(s): ${missing.join(', ')}`);
	}
	if (contentType !== CONTENT_TYPE)
		return refuse(400, 'UNSUPPORTED_CONTENT_TYPE', `Content-Type must be ${CONTENT_TYPE}`);
	if (contentMd5 !== md5Hex(rawBody))
		return refuse(
			403,
			'CONTENT_MD5_MISMATCH',
			'Content-MD5 is not the lowercase hex MD5 of the body bytes as received',
		);
	const signedAt = parseRfc2822(date);
	if (signedAt === undefined)
		return refuse(
			403,
			'DATE_INVALID',
			`Date "${date}" is not RFC 2822 with a numeric zone (e.g. "Thu, 16 Dec 2021 13:15:29 +0000")`,
		);
	const expected = hmacSha1Hex(
		secret,
		stringToSign({ method, contentMd5, contentType, date, path }),
	);
	if (!sameText(signature, expected))
		return refuse(
			403,
			'SIGNATURE_MISMATCH',
			`X-Signature is not the lowercase hex HMAC-SHA1 of METHOD, Content-MD5, Content-Type, Date and the path ${path}, keyed with the channel secret`,
		);
	const skewMs = now - signedAt;
	if (Math.abs(skewMs) > windowMs)
		return refuse(
			403,
			'DATE_OUT_OF_WINDOW',
			`Date is ${Math.round(skewMs / 1000)} s ${skewMs > 0 ? 'old' : 'ahead'}; a signature is valid for ${windowMs / 60000} minutes`,
		);
	return { ok: true };
}

/**
 * The X-Signature of a hook amojo sends: lowercase hex HMAC-SHA1 of the raw body with the channel
 * secret, nothing else signed.
 * @param {string | Buffer} rawBody
 * @param {string} secret
 */
function signAmojoHookBody(rawBody, secret) {
	return hmacSha1Hex(secret, rawBody);
}

module.exports = {
	CONTENT_TYPE,
	DATE_WINDOW_MS,
	md5Hex,
	stringToSign,
	parseRfc2822,
	formatRfc2822,
	signAmojoRequest,
	verifyAmojoRequest,
	signAmojoHookBody,
};
