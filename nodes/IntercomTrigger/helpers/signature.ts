import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Intercom signs every notification with `X-Hub-Signature: sha1=<hex>`, an HMAC-SHA1 of the raw
 * request body keyed with the app's client secret (developers.intercom.com, "Signed notifications").
 */
export const SIGNATURE_HEADER = 'x-hub-signature';

const SIGNATURE_PREFIX = 'sha1=';

/**
 * Intercom documents lowercase hex. Upper-case hex digits are accepted on purpose: hex decoding is
 * case-insensitive, so both spellings name the same 20 bytes and the comparison below is done on
 * bytes, not on text. Anything that is not exactly 40 hex digits is rejected before decoding,
 * because Buffer.from(…, 'hex') silently stops at the first non-hex character.
 */
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

/**
 * Whether `header` is a valid Intercom signature of `rawBody` under `secret`. Pure; never throws:
 * every input that could make the crypto calls throw is rejected first.
 */
export function verifySignature(
	rawBody: Buffer,
	header: string | undefined,
	secret: string,
): boolean {
	if (typeof secret !== 'string' || secret.length === 0) return false;
	if (!Buffer.isBuffer(rawBody)) return false;
	if (typeof header !== 'string' || !header.startsWith(SIGNATURE_PREFIX)) return false;

	const hex = header.slice(SIGNATURE_PREFIX.length);
	if (!SHA1_HEX.test(hex)) return false;

	const provided = Buffer.from(hex, 'hex');
	const expected = createHmac('sha1', secret).update(rawBody).digest();
	if (provided.length !== expected.length) return false;
	return timingSafeEqual(provided, expected);
}
