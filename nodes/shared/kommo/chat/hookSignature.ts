import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Kommo's Chat API posts every message a Kommo user writes into the channel to the channel's webhook
 * URL, with a header `X-Signature`: the HMAC-SHA1 of the request body only, keyed with the channel
 * secret, as hex. Kommo's own check is `hash_hmac('sha1', file_get_contents('php://input'), $secret)
 * === $_SERVER['HTTP_X_SIGNATURE']`: the raw body, lowercase hex (what `hash_hmac` returns), compared
 * as text: https://www.amocrm.ru/developers/content/chats/chat-webhooks ("Проверка подлинности
 * хуков"), the amoCRM text of the Chat API Kommo serves at amojo.kommo.com.
 */
export const HOOK_SIGNATURE_HEADER = 'x-signature';

/**
 * Whether `header` is Kommo's signature of `rawBody` under the channel `secret`. Pure; never throws.
 *
 * - The body is hashed as received: a Buffer as is, a string as its UTF-8 bytes. Nothing is trimmed
 *   or re-serialised (Kommo's check hashes `php://input` unchanged), so pass the raw request bytes
 *   (n8n: `this.getRequestObject().rawBody`), not a parsed and re-stringified body.
 * - The header must be the 40 lowercase hex digits Kommo documents. Upper-case hex is refused, as
 *   Kommo's own text comparison refuses it; Kommo does not document sending it.
 * - The comparison is constant-time over equal lengths (`timingSafeEqual`); a header of any other
 *   length is refused before it, since `timingSafeEqual` throws on unequal lengths.
 */
export function verifyHookSignature(
	rawBody: Buffer | string,
	header: string | undefined,
	secret: string,
): boolean {
	if (typeof secret !== 'string' || secret === '') return false;
	if (typeof header !== 'string') return false;
	let body: Buffer;
	if (Buffer.isBuffer(rawBody)) body = rawBody;
	else if (typeof rawBody === 'string') body = Buffer.from(rawBody, 'utf8');
	else return false;

	// Compared as text, like Kommo's check: the expected lowercase hex against the header's bytes.
	const expected = Buffer.from(createHmac('sha1', secret).update(body).digest('hex'), 'utf8');
	const provided = Buffer.from(header, 'utf8');
	if (provided.length !== expected.length) return false;
	return timingSafeEqual(provided, expected);
}
