import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { verifySignature } from '../../../../nodes/IntercomTrigger/helpers/signature';

const FIXTURES = join(__dirname, '../../../fixtures/intercom/webhooks');
const SECRET = 'example-client-secret';

function fixtureBytes(name: string): Buffer {
	return readFileSync(join(FIXTURES, name));
}

function sha1Header(body: Buffer | string, secret = SECRET): string {
	return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

describe('verifySignature', () => {
	const body = fixtureBytes('conversation-user-created.json');

	it('accepts the HMAC-SHA1 of the raw body under the client secret', () => {
		expect(verifySignature(body, sha1Header(body), SECRET)).toBe(true);
	});

	it('accepts the example from Intercom-style compact JSON as well as pretty-printed bytes', () => {
		const compact = Buffer.from('{"type":"notification_event","topic":"ping"}');
		expect(verifySignature(compact, sha1Header(compact), SECRET)).toBe(true);
	});

	it('rejects a tampered body', () => {
		const header = sha1Header(body);
		const tampered = Buffer.from(body.toString('utf8').replace('Maria', 'Mario'));
		expect(tampered.equals(body)).toBe(false);
		expect(verifySignature(tampered, header, SECRET)).toBe(false);
	});

	it('rejects a signature made with another secret', () => {
		expect(verifySignature(body, sha1Header(body, 'another-secret'), SECRET)).toBe(false);
	});

	it('rejects a missing or empty header', () => {
		expect(verifySignature(body, undefined, SECRET)).toBe(false);
		expect(verifySignature(body, '', SECRET)).toBe(false);
		expect(verifySignature(body, 'sha1=', SECRET)).toBe(false);
	});

	it('rejects a sha256= header even when it is a correct HMAC-SHA256', () => {
		const sha256 = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
		expect(verifySignature(body, sha256, SECRET)).toBe(false);
	});

	it('rejects the bare hex digest without the sha1= prefix, and an upper-case prefix', () => {
		const hex = createHmac('sha1', SECRET).update(body).digest('hex');
		expect(verifySignature(body, hex, SECRET)).toBe(false);
		expect(verifySignature(body, `SHA1=${hex}`, SECRET)).toBe(false);
	});

	it('accepts upper-case hex digits (same bytes; documented decision)', () => {
		const upper = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex').toUpperCase()}`;
		expect(upper).not.toBe(sha1Header(body));
		expect(verifySignature(body, upper, SECRET)).toBe(true);
	});

	it('rejects the signature of the same JSON re-serialised (different bytes)', () => {
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
		expect(reserialised.equals(body)).toBe(false);
		expect(verifySignature(body, sha1Header(reserialised), SECRET)).toBe(false);
		expect(verifySignature(reserialised, sha1Header(body), SECRET)).toBe(false);
	});

	it('rejects everything when the secret is empty, even a signature made with the empty key', () => {
		expect(verifySignature(body, sha1Header(body, ''), '')).toBe(false);
		expect(verifySignature(body, sha1Header(body), '')).toBe(false);
	});

	it('rejects malformed hex without throwing (Buffer.from would silently truncate it)', () => {
		const hex = createHmac('sha1', SECRET).update(body).digest('hex');
		for (const header of [
			`sha1=${hex.slice(0, 39)}`,
			`sha1=${hex}0`,
			`sha1=${hex}zz`,
			`sha1=${hex.slice(0, 38)}zz`,
			`sha1= ${hex}`,
			`sha1=${hex} `,
			`sha1=${hex},sha1=${hex}`,
		]) {
			expect(() => verifySignature(body, header, SECRET)).not.toThrow();
			expect(verifySignature(body, header, SECRET)).toBe(false);
		}
	});

	it('never throws on inputs of the wrong type', () => {
		expect(verifySignature(undefined as unknown as Buffer, sha1Header(body), SECRET)).toBe(false);
		expect(verifySignature(body, 42 as unknown as string, SECRET)).toBe(false);
		expect(verifySignature(body, sha1Header(body), undefined as unknown as string)).toBe(false);
	});
});
