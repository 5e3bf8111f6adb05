import * as crypto from 'node:crypto';
import { createHmac } from 'node:crypto';

import {
	HOOK_SIGNATURE_HEADER,
	verifyHookSignature,
} from '../../../../../nodes/shared/kommo/chat/hookSignature';

// The comparison must go through timingSafeEqual; the spy only watches, it keeps the real function.
jest.mock('node:crypto', () => {
	const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
	return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});
const timingSafeEqual = crypto.timingSafeEqual as jest.MockedFunction<
	typeof crypto.timingSafeEqual
>;

/** The sample channel secret of amoCRM's Chat API reference (published; not a credential). */
const CHANNEL_SIGNING_HEX = '5a44c5dff55f3c15a4cce8d7c4cc27e207c7e189';

/** A v2 message hook as amoCRM's Chat API documents it, with Cyrillic text (multi-byte UTF-8). */
const BODY = Buffer.from(
	JSON.stringify({
		account_id: '52e591f7-c98f-4255-8495-827210138c81',
		time: 1639572261,
		message: {
			receiver: {
				id: '2ed64e26-70a1-4857-8382-bb066a076219',
				phone: '79161234567',
				email: 'example.client@example.com',
				client_id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af8',
			},
			sender: { id: '76fc2bea-902f-425c-9a3d-dcdac4766090' },
			conversation: {
				id: '8e4d4baa-9e6c-4a88-838a-5f62be227bdc',
				client_id: 'my_int-d5a421f7f218',
			},
			timestamp: 1639572260,
			msec_timestamp: 1639572260980,
			message: {
				id: '0371a0ff-b78a-4c7b-8538-a7d547e10692',
				type: 'text',
				text: 'Текст сообщения Сделка #15926745',
			},
		},
	}),
	'utf8',
);

/** Kommo's signature: hex HMAC-SHA1 of the raw body, keyed with the channel secret. */
const sign = (body: Buffer | string, secret = CHANNEL_SIGNING_HEX) =>
	createHmac('sha1', secret).update(body).digest('hex');

beforeEach(() => timingSafeEqual.mockClear());

describe('verifyHookSignature', () => {
	it('names the header Kommo sends, as Node lower-cases it', () => {
		expect(HOOK_SIGNATURE_HEADER).toBe('x-signature');
	});

	it('accepts the HMAC-SHA1 of the raw body under the channel secret', () => {
		expect(verifyHookSignature(BODY, sign(BODY), CHANNEL_SIGNING_HEX)).toBe(true);
	});

	it('accepts the body given as text (hashed as UTF-8), the same as its bytes', () => {
		const text = BODY.toString('utf8');
		expect(verifyHookSignature(text, sign(BODY), CHANNEL_SIGNING_HEX)).toBe(true);
	});

	it('rejects a signature made with another secret', () => {
		expect(
			verifyHookSignature(
				BODY,
				sign(BODY, `${CHANNEL_SIGNING_HEX.slice(0, 39)}0`),
				CHANNEL_SIGNING_HEX,
			),
		).toBe(false);
		expect(verifyHookSignature(BODY, sign(BODY), `${CHANNEL_SIGNING_HEX.slice(0, 39)}0`)).toBe(
			false,
		);
	});

	it('rejects a tampered body: one character changed', () => {
		const header = sign(BODY);
		const tampered = Buffer.from(BODY.toString('utf8').replace('15926745', '15926746'), 'utf8');
		expect(tampered.equals(BODY)).toBe(false);
		expect(verifyHookSignature(tampered, header, CHANNEL_SIGNING_HEX)).toBe(false);
	});

	it('rejects the same hook re-serialised (same JSON, other bytes)', () => {
		const pretty = Buffer.from(JSON.stringify(JSON.parse(BODY.toString('utf8')), null, 2));
		expect(verifyHookSignature(pretty, sign(BODY), CHANNEL_SIGNING_HEX)).toBe(false);
	});

	it('hashes the body as received: nothing trimmed, a trailing newline counts', () => {
		const withNewline = Buffer.concat([BODY, Buffer.from('\n')]);
		expect(verifyHookSignature(withNewline, sign(withNewline), CHANNEL_SIGNING_HEX)).toBe(true);
		expect(verifyHookSignature(withNewline, sign(BODY), CHANNEL_SIGNING_HEX)).toBe(false);
	});

	it('rejects a missing or empty header', () => {
		expect(verifyHookSignature(BODY, undefined, CHANNEL_SIGNING_HEX)).toBe(false);
		expect(verifyHookSignature(BODY, '', CHANNEL_SIGNING_HEX)).toBe(false);
	});

	it('rejects a header of another length without throwing, before comparing', () => {
		const hex = sign(BODY);
		for (const header of [
			hex.slice(0, 39),
			`${hex}0`,
			`${hex} `,
			` ${hex}`,
			`sha1=${hex}`,
			`${hex}${hex}`,
			hex.slice(0, 20), // the 20 raw bytes' length, as text
			`${hex.slice(0, 39)}é`, // 40 characters, 41 bytes
		]) {
			expect(() => verifyHookSignature(BODY, header, CHANNEL_SIGNING_HEX)).not.toThrow();
			expect(verifyHookSignature(BODY, header, CHANNEL_SIGNING_HEX)).toBe(false);
		}
		expect(timingSafeEqual).not.toHaveBeenCalled();
	});

	it('compares a header of the right length in constant time (timingSafeEqual)', () => {
		const hex = sign(BODY);
		const wrong = `${hex.slice(0, 39)}${hex[39] === '0' ? '1' : '0'}`;
		expect(verifyHookSignature(BODY, wrong, CHANNEL_SIGNING_HEX)).toBe(false);
		expect(verifyHookSignature(BODY, hex, CHANNEL_SIGNING_HEX)).toBe(true);
		expect(timingSafeEqual).toHaveBeenCalledTimes(2);
	});

	it('rejects upper-case hex: Kommo sends lowercase and compares the text exactly', () => {
		const hex = sign(BODY);
		expect(hex).toMatch(/^[0-9a-f]{40}$/);
		expect(verifyHookSignature(BODY, hex.toUpperCase(), CHANNEL_SIGNING_HEX)).toBe(false);
	});

	it('rejects the legacy request scheme and Intercom-style headers', () => {
		const sha256 = createHmac('sha256', CHANNEL_SIGNING_HEX).update(BODY).digest('hex');
		expect(verifyHookSignature(BODY, sha256, CHANNEL_SIGNING_HEX)).toBe(false);
		const base64 = createHmac('sha1', CHANNEL_SIGNING_HEX).update(BODY).digest('base64');
		expect(verifyHookSignature(BODY, base64, CHANNEL_SIGNING_HEX)).toBe(false);
	});

	it('rejects everything when the secret is empty, even a signature made with the empty key', () => {
		expect(verifyHookSignature(BODY, sign(BODY, ''), '')).toBe(false);
		expect(verifyHookSignature(BODY, sign(BODY), '')).toBe(false);
	});

	it('rejects inputs of the wrong type without throwing (a repeated header is an array)', () => {
		const hex = sign(BODY);
		const loose = verifyHookSignature as (
			body: unknown,
			header: unknown,
			secret: unknown,
		) => boolean;
		expect(loose(BODY, [hex, hex], CHANNEL_SIGNING_HEX)).toBe(false);
		expect(loose(undefined, hex, CHANNEL_SIGNING_HEX)).toBe(false);
		expect(loose(JSON.parse(BODY.toString('utf8')), hex, CHANNEL_SIGNING_HEX)).toBe(false);
		expect(loose(BODY, hex, undefined)).toBe(false);
	});
});
