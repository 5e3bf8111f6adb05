import { createHash, createHmac } from 'node:crypto';

/**
 * Signing of the requests sent to Kommo's Chat API (amojo: `https://amojo.kommo.com`,
 * `https://amojo.amocrm.ru`), as Kommo documents it in the "Headers & Authorization type" table of
 * each Chat API method (e.g. https://developers.kommo.com/reference/disconnect-channel) and, with the
 * full text, PHP code and worked examples, on the amoCRM pages of the same API:
 * https://www.amocrm.ru/developers/content/chats/chat-start ("Авторизация"),
 * https://www.amocrm.ru/developers/content/chats/chat-api-reference and
 * https://www.amocrm.ru/developers/content/chats/chat-step-by-step.
 *
 * Every call carries four headers:
 * - `Date`: RFC 2822 with a numeric zone, e.g. `Wed, 15 Dec 2021 23:12:55 +0000`; the signature is
 *   valid for 15 minutes from it.
 * - `Content-Type`: `application/json`, the only type amojo accepts.
 * - `Content-MD5`: lowercase hex MD5 of the body exactly as sent, byte for byte (a trailing newline
 *   or space counts); of the empty string for a GET.
 * - `X-Signature`: lowercase hex HMAC-SHA1, keyed with the channel secret, of
 *   `METHOD\nContent-MD5\nContent-Type\nDate\npath`, where path is the request path without scheme,
 *   host and query string (`/v2/origin/custom/…`). The values are signed as sent, so the headers
 *   must carry exactly the strings signed here.
 *
 * The order of the five lines is the one of Kommo's PHP helper (`implode("\n", [strtoupper(method),
 * checkSum, contentType, date, apiMethod])`); the tests reproduce the six signed requests Kommo
 * publishes on the step-by-step page with it, header for header.
 *
 * Not the legacy scheme (X-Signature = HMAC of the body alone), which amoCRM keeps only for
 * connections made before autumn 2019; new methods accept only this one.
 */

/** The one content type amojo accepts; it is part of the signed text. */
export const AMOJO_CONTENT_TYPE = 'application/json';

/** The methods amojo's endpoints use (connect, chats, messages: POST; disconnect: DELETE; history: GET). */
export type AmojoMethod = 'GET' | 'POST' | 'DELETE';

export interface AmojoHeaders {
	Date: string;
	'Content-Type': string;
	'Content-MD5': string;
	'X-Signature': string;
}

export interface SignedAmojoRequest {
	headers: AmojoHeaders;
	/**
	 * The body to send: exactly these characters, as UTF-8, with no further serialisation (no `json`
	 * option, no pretty printing, no added newline). Empty for a request without a body.
	 */
	body: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * `at` as RFC 2822 in UTC with the zone written `+0000` (PHP's `DateTimeInterface::RFC2822`, which
 * Kommo's examples use), e.g. `Thu, 16 Dec 2021 13:15:29 +0000`. Not `Date#toUTCString()`, which
 * ends in `GMT`: Kommo documents `+0000` and does not say whether `GMT` is accepted.
 */
export function formatAmojoDate(at: Date | number): string {
	const date = typeof at === 'number' ? new Date(at) : at;
	if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
		throw new RangeError('The time to sign an amojo request with is not a valid date');
	}
	return (
		`${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ` +
		`${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:` +
		`${two(date.getUTCSeconds())} +0000`
	);
}

/** The path as signed: without the query string (Kommo's history example signs the bare path). */
function signedPath(path: string): string {
	if (typeof path !== 'string' || !path.startsWith('/')) {
		throw new RangeError(`An amojo path starts with "/" (got "${String(path)}")`);
	}
	const query = path.search(/[?#]/);
	return query === -1 ? path : path.slice(0, query);
}

/**
 * The headers for a body that is already text, signed at `date` (a `Date` header value). For a
 * body serialised elsewhere (a recorded request, a published example); the bytes hashed are the
 * UTF-8 encoding of `body`, so that is what must be sent.
 */
export function signAmojoText(request: {
	method: AmojoMethod;
	path: string;
	body: string;
	secret: string;
	date: string;
}): AmojoHeaders {
	const { method, path, body, secret, date } = request;
	if (typeof secret !== 'string' || secret === '') {
		throw new RangeError('An amojo request needs the channel secret to be signed');
	}
	if (typeof body !== 'string') throw new TypeError('The amojo body to sign must be text');
	const contentMd5 = createHash('md5').update(body, 'utf8').digest('hex');
	const signed = [method.toUpperCase(), contentMd5, AMOJO_CONTENT_TYPE, date, signedPath(path)];
	const signature = createHmac('sha1', secret).update(signed.join('\n'), 'utf8').digest('hex');
	return {
		Date: date,
		'Content-Type': AMOJO_CONTENT_TYPE,
		'Content-MD5': contentMd5,
		'X-Signature': signature,
	};
}

/**
 * A signed amojo request: the body serialised once with `JSON.stringify` (none for `undefined`),
 * the headers computed from that very string, and the string handed back to be sent as is.
 * Serialising again later, even the same object, risks other bytes (a `toJSON`, a key added after
 * signing) and a 403.
 *
 * `path` may carry a query string (`…/history?offset=0&limit=50`); only the part before `?` is
 * signed, and the caller sends the path as given. `now` is the signing time (epoch milliseconds or
 * a `Date`); it becomes the `Date` header.
 */
export function signAmojoRequest(request: {
	method: AmojoMethod;
	path: string;
	body?: object;
	secret: string;
	now: Date | number;
}): SignedAmojoRequest {
	const { method, path, secret, now } = request;
	if (request.body !== undefined && method === 'GET') {
		throw new RangeError('An amojo GET request has no body');
	}
	const body = request.body === undefined ? '' : JSON.stringify(request.body);
	if (typeof body !== 'string') throw new TypeError('The amojo body does not serialise to JSON');
	const headers = signAmojoText({ method, path, body, secret, date: formatAmojoDate(now) });
	return { headers, body };
}
