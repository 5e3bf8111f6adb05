/**
 * The amojo stand-in (Kommo's Chat API) verifies calls as amojo does. Proof: the worked examples
 * amoCRM publishes for the Chat API (six, one per call, and a second new_message; secret, channel,
 * account, request, headers: https://www.amocrm.ru/developers/content/chats/chat-step-by-step) are
 * reproduced here by a signer written from the published rule alone, are accepted by the sandbox's
 * verifier, and replayed byte for byte over HTTP they connect, create a chat, send a message, set a
 * delivery status, type and disconnect. Then every refusal: a wrong X-Signature, Content-MD5 or
 * Date, a missing header, a Content-Type other than application/json, an unknown channel or scope.
 */
import { createHash, createHmac } from 'node:crypto';

import type { Sandbox } from '../../sandbox';
import { signAmojoRequest, verifyAmojoRequest } from '../../sandbox';
import { controlCall, startListener, startSandbox } from './helpers';

/** the channel secret of the published examples */
const PUBLISHED_HMAC = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const OTHER_HMAC = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const CHANNEL = '344a5002-f8ca-454d-af3d-396180102ac7';
const ACCOUNT = '52e591f7-c98f-4255-8495-827210138c81';
const SCOPE = `${CHANNEL}_${ACCOUNT}`;
const BASE = '/v2/origin/custom';
const MESSAGE_ID = '079e44fb-fc22-476b-9e8a-421b688ec53b';

interface Vector {
	name: string;
	method: string;
	path: string;
	date: string;
	/** the exact bytes: PHP json_encode output (compact, "/" as "\/", non-ASCII as \uXXXX) */
	body: string;
	contentMd5: string;
	signature: string;
}

// The delivery-status headers were made from the printed body (delivery_status 2), not from the
// PHP snippet next to it (-1): only the printed body reproduces them.
const VECTORS: Vector[] = [
	{
		name: 'connect',
		method: 'POST',
		path: `${BASE}/${CHANNEL}/connect`,
		date: 'Wed, 15 Dec 2021 23:12:55 +0000',
		body: String.raw`{"account_id":"52e591f7-c98f-4255-8495-827210138c81","title":"ChatsIntegration","hook_api_version":"v2"}`,
		contentMd5: '2fbcb3c652b61e24e004daddfc73d0ce',
		signature: '81211856ce0c5095f3e1a90c0a38dc9d736cfd55',
	},
	{
		name: 'create chat',
		method: 'POST',
		path: `${BASE}/${SCOPE}/chats`,
		date: 'Thu, 16 Dec 2021 23:22:49 +0000',
		body: String.raw`{"conversation_id":"my_int-8e3e7640-49af-4448-a2c6-d5a421f7f217","source":{"external_id":"78001234567"},"user":{"id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af9","avatar":"https:\/\/example.com\/users\/avatar.png","name":"\u0418\u043c\u044f \u043a\u043b\u0438\u0435\u043d\u0442\u0430","profile":{"phone":"+79151112233","email":"example.client@example.com"},"profile_link":"https:\/\/example.com\/profile\/example.client"}}`,
		contentMd5: '5139e573382c0eae38f476822abb2014',
		signature: 'a601e486d694c8e7e8a5b637660f949f8bb7efaf',
	},
	{
		name: 'new_message',
		method: 'POST',
		path: `${BASE}/${SCOPE}`,
		date: 'Thu, 16 Dec 2021 13:15:29 +0000',
		body: String.raw`{"event_type":"new_message","payload":{"timestamp":1639660529,"msec_timestamp":1639660529379,"msgid":"my_int-5f2836a8ca481","conversation_id":"my_int-d5a421f7f218","sender":{"id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af8","avatar":"https:\/\/images.pexels.com\/photos\/10050979\/pexels-photo-10050979.jpeg?auto=compress&cs=tinysrgb&dpr=2&w=500","profile":{"phone":"+79151112233","email":"example.client@example.com"},"profile_link":"https:\/\/example.com\/profile\/example.client","name":"\u0412\u0430\u0441\u044f \u043a\u043b\u0438\u0435\u043d\u0442"},"message":{"type":"text","text":"\u0421\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0435 \u043e\u0442 \u043a\u043b\u0438\u0435\u043d\u0442\u0430"},"silent":false}}`,
		contentMd5: '223ef85def871bc7cb58aa6f02f0a26e',
		signature: '29b49e9eaf03f13a66ecaff315f2855b31b25eee',
	},
	{
		// a seventh example on the same page (multiple sources), beyond the six usually cited
		name: 'new_message with a source',
		method: 'POST',
		path: `${BASE}/${SCOPE}`,
		date: 'Fri, 17 Dec 2021 10:59:28 +0000',
		body: String.raw`{"event_type":"new_message","payload":{"timestamp":1639738768,"msec_timestamp":1639738768457,"msgid":"my_int-5f2836a8ca481","conversation_id":"my_int-d5a421f7f218","sender":{"id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af8","avatar":"https:\/\/images.pexels.com\/photos\/10050979\/pexels-photo-10050979.jpeg?auto=compress&cs=tinysrgb&dpr=2&w=500","profile":{"phone":"+79151112233","email":"example.client@example.com"},"profile_link":"https:\/\/example.com\/profile\/example.client","name":"\u0412\u0430\u0441\u044f \u043a\u043b\u0438\u0435\u043d\u0442"},"message":{"type":"text","text":"\u0421\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0435 \u043e\u0442 \u043a\u043b\u0438\u0435\u043d\u0442\u0430"},"source":{"external_id":"79039876543"},"silent":false}}`,
		contentMd5: '353178c993f09a8ec5f3eab4093b753e',
		signature: 'e895539b52051e1a8d3f89d454c7ad7406705234',
	},
	{
		name: 'delivery status',
		method: 'POST',
		path: `${BASE}/${SCOPE}/${MESSAGE_ID}/delivery_status`,
		date: 'Thu, 16 Dec 2021 12:58:40 +0000',
		body: String.raw`{"msgid":"079e44fb-fc22-476b-9e8a-421b688ec53b","delivery_status":2,"error_code":905,"error":"Error text"}`,
		contentMd5: 'a0bbbac729c6341f0a521e2db7a8a236',
		signature: 'ca51f810785031385a801f41103244713c1a2352',
	},
	{
		name: 'typing',
		method: 'POST',
		path: `${BASE}/${SCOPE}/typing`,
		date: 'Thu, 16 Dec 2021 16:01:21 +0000',
		body: String.raw`{"conversation_id":"my_int-d5a421f7f218","sender":{"id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af8"}}`,
		contentMd5: '255a22566d68be207fa36804e78a523a',
		signature: 'e8263b1daf2b20396c02db6c8c846f95cc0f9540',
	},
	{
		name: 'disconnect',
		method: 'DELETE',
		path: `${BASE}/${CHANNEL}/disconnect`,
		date: 'Wed, 15 Dec 2021 23:59:28 +0000',
		body: String.raw`{"account_id":"52e591f7-c98f-4255-8495-827210138c81"}`,
		contentMd5: '271fa2e4fb0ff84a3ef9689027bd1f38',
		signature: 'e1678e3b6aa674b5127f4feb448e6200ce0bfc72',
	},
];
const vector = (name: string) => VECTORS.find((entry) => entry.name === name) as Vector;

/** This test's own signer, from the published rule (not the sandbox's code). */
function sign(secret: string, method: string, path: string, body: string, date: string) {
	const contentMd5 = createHash('md5').update(body, 'utf8').digest('hex');
	const signature = createHmac('sha1', secret)
		.update([method, contentMd5, 'application/json', date, path].join('\n'), 'utf8')
		.digest('hex');
	return {
		Date: date,
		'Content-Type': 'application/json',
		'Content-MD5': contentMd5,
		'X-Signature': signature,
	};
}

const rfc2822 = (ms: number) => new Date(ms).toUTCString().replace(/GMT$/, '+0000');

interface Call {
	status: number;
	body: any;
}

async function send(
	sandbox: Sandbox,
	method: string,
	path: string,
	headers: Record<string, string>,
	body?: string,
): Promise<Call> {
	const response = await fetch(`${sandbox.amojoUrl}${path}`, {
		method,
		headers,
		body: method === 'GET' ? undefined : body,
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A call signed by this test's signer; `tamper` changes what is sent after signing. */
async function signedCall(
	sandbox: Sandbox,
	method: string,
	path: string,
	payload: unknown,
	{
		date = rfc2822(Date.now()),
		secret = sandbox.amojo.secret,
		signedPath = path,
		tamper = (body: string) => body,
		headers = {} as Record<string, string>,
	} = {},
) {
	const body = payload === undefined ? '' : JSON.stringify(payload);
	const signed = sign(secret, method, signedPath, body, date);
	return await send(sandbox, method, path, { ...signed, ...headers }, tamper(body));
}

const lowerCase = (headers: Record<string, string>) =>
	Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

describe('sandbox amojo: the published signing examples', () => {
	it.each(VECTORS)("this test's signer reproduces the published headers of $name", (v) => {
		expect(sign(PUBLISHED_HMAC, v.method, v.path, v.body, v.date)).toEqual({
			Date: v.date,
			'Content-Type': 'application/json',
			'Content-MD5': v.contentMd5,
			'X-Signature': v.signature,
		});
	});

	it.each(VECTORS)(
		"the sandbox's verifier accepts $name as published, and refuses it altered",
		(v) => {
			const headers = lowerCase({
				Date: v.date,
				'Content-Type': 'application/json',
				'Content-MD5': v.contentMd5,
				'X-Signature': v.signature,
			});
			const request = {
				secret: PUBLISHED_HMAC,
				method: v.method,
				path: v.path,
				headers,
				rawBody: Buffer.from(v.body),
				now: Date.parse(v.date) + 60_000,
			};
			expect(verifyAmojoRequest(request)).toEqual({ ok: true });
			expect(verifyAmojoRequest({ ...request, secret: OTHER_HMAC })).toMatchObject({
				ok: false,
				status: 403,
				type: 'SIGNATURE_MISMATCH',
			});
			expect(verifyAmojoRequest({ ...request, rawBody: Buffer.from(`${v.body}\n`) })).toMatchObject(
				{ ok: false, status: 403, type: 'CONTENT_MD5_MISMATCH' },
			);
			expect(verifyAmojoRequest({ ...request, path: `/amojo${v.path}` })).toMatchObject({
				ok: false,
				type: 'SIGNATURE_MISMATCH',
			});
			expect(
				verifyAmojoRequest({ ...request, method: v.method === 'POST' ? 'PUT' : 'POST' }),
			).toMatchObject({ ok: false, type: 'SIGNATURE_MISMATCH' });
			expect(
				verifyAmojoRequest({ ...request, now: Date.parse(v.date) + 16 * 60_000 }),
			).toMatchObject({ ok: false, status: 403, type: 'DATE_OUT_OF_WINDOW' });
		},
	);

	it("the sandbox's signer for scripts gives the published headers too", () => {
		for (const v of VECTORS) {
			expect(
				signAmojoRequest({
					secret: PUBLISHED_HMAC,
					method: v.method,
					path: v.path,
					body: v.body,
					date: v.date,
				}),
			).toEqual(sign(PUBLISHED_HMAC, v.method, v.path, v.body, v.date));
		}
	});

	it('replayed byte for byte, they connect, open a chat, send a message, set a delivery status, type and disconnect', async () => {
		const listener = await startListener();
		const sandbox = await startSandbox({
			kommoRateLimit: false,
			amojoChannel: {
				id: CHANNEL,
				secret: PUBLISHED_HMAC,
				accounts: [ACCOUNT],
				webhookUrl: `${listener.url}/:scope_id`,
			},
		});
		const replay = async (v: Vector) => {
			sandbox.configure({ amojoNow: Date.parse(v.date) + 2_000 });
			const headers = {
				Date: v.date,
				'Content-Type': 'application/json',
				'Content-MD5': v.contentMd5,
				'X-Signature': v.signature,
			};
			return await send(sandbox, v.method, v.path, headers, v.body);
		};
		try {
			const connected = await replay(vector('connect'));
			// the response published next to the example
			expect(connected).toEqual({
				status: 200,
				body: {
					account_id: ACCOUNT,
					scope_id: SCOPE,
					title: 'ChatsIntegration',
					hook_api_version: 'v2',
				},
			});

			const chat = await replay(vector('create chat'));
			expect(chat.status).toBe(200);
			expect(chat.body).toMatchObject({
				id: expect.stringMatching(/^[0-9a-f-]{36}$/),
				user: {
					client_id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af9',
					name: 'Имя клиента',
					phone: '79151112233',
					email: 'example.client@example.com',
				},
			});

			const message = await replay(vector('new_message'));
			expect(message.status).toBe(200);
			expect(message.body.new_message).toMatchObject({
				msgid: expect.any(String),
				ref_id: 'my_int-5f2836a8ca481',
				conversation_id: 'my_int-d5a421f7f218',
			});

			// the message whose status the example sets is one a manager wrote in Kommo
			const reply = await controlCall(sandbox, 'POST', '/amojo/manager-reply', {
				conversation_id: 'my_int-d5a421f7f218',
				text: 'Hello from Kommo',
				messageId: MESSAGE_ID,
			});
			expect(reply.status).toBe(200);
			expect(listener.received.map((hook) => hook.url)).toEqual([`/webhook/test/${SCOPE}`]);

			expect(await replay(vector('delivery status'))).toEqual({ status: 200, body: undefined });
			const stored = sandbox.state.amojo.messages.find((entry) => entry.id === MESSAGE_ID);
			// error fields count only with delivery_status -1
			expect(stored?.delivery).toEqual({ delivery_status: 2, at: expect.any(Number) });

			expect(await replay(vector('typing'))).toEqual({ status: 204, body: undefined });
			expect(await replay(vector('disconnect'))).toEqual({ status: 200, body: undefined });
			expect(sandbox.state.amojo.connections[0]).toMatchObject({
				scope_id: SCOPE,
				connected: false,
			});
			// the scope is gone now
			expect((await replay(vector('new_message'))).status).toBe(404);
		} finally {
			await sandbox.close();
			await listener.close();
		}
	});
});

describe('sandbox amojo: refusals', () => {
	let sandbox: Sandbox;
	let scope: string;
	const message = (msgid: string) => ({
		event_type: 'new_message',
		payload: {
			msgid,
			conversation_id: 'intercom:1001',
			sender: { id: 'intercom-contact:1', name: 'Jane Doe' },
			message: { type: 'text', text: 'Hi' },
			silent: true,
		},
	});

	beforeAll(async () => {
		sandbox = await startSandbox({ kommoRateLimit: false });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(async () => {
		sandbox.reset();
		const { channelId, accountId } = sandbox.amojo;
		const connected = await signedCall(sandbox, 'POST', `${BASE}/${channelId}/connect`, {
			account_id: accountId,
			hook_api_version: 'v2',
		});
		expect(connected.status).toBe(200);
		scope = connected.body.scope_id;
	});

	it('accepts a correctly signed call', async () => {
		const sent = await signedCall(sandbox, 'POST', `${BASE}/${scope}`, message('m-1'));
		expect(sent.status).toBe(200);
	});

	it.each([
		['a signature made with another secret', { secret: '0'.repeat(40) }, 'SIGNATURE_MISMATCH'],
		[
			'a signature over the path with the sandbox prefix',
			{ signedPathPrefix: '/amojo' },
			'SIGNATURE_MISMATCH',
		],
		[
			'a Date 16 minutes old (a signature is valid 15 minutes)',
			{ ageMs: 16 * 60_000 },
			'DATE_OUT_OF_WINDOW',
		],
		['a Date 16 minutes ahead', { ageMs: -16 * 60_000 }, 'DATE_OUT_OF_WINDOW'],
		['a Date with GMT instead of +0000', { gmt: true }, 'DATE_INVALID'],
		[
			'a body changed after signing (a trailing newline)',
			{ tamper: (body: string) => `${body}\n` },
			'CONTENT_MD5_MISMATCH',
		],
		[
			'a body re-serialised after signing',
			{ tamper: (body: string) => JSON.stringify(JSON.parse(body), null, 2) },
			'CONTENT_MD5_MISMATCH',
		],
		['an upper-case Content-MD5', { upperMd5: true }, 'CONTENT_MD5_MISMATCH'],
		['no X-Signature', { drop: 'X-Signature' }, 'MISSING_HEADER'],
		['no Date', { drop: 'Date' }, 'MISSING_HEADER'],
	])('refuses %s: 403', async (_name, how: any, type) => {
		const path = `${BASE}/${scope}`;
		const body = JSON.stringify(message('m-refused'));
		const now = Date.now() - (how.ageMs ?? 0);
		const date = how.gmt ? new Date(now).toUTCString() : rfc2822(now);
		const headers: Record<string, string> = sign(
			how.secret ?? sandbox.amojo.secret,
			'POST',
			`${how.signedPathPrefix ?? ''}${path}`,
			body,
			date,
		);
		if (how.upperMd5) headers['Content-MD5'] = headers['Content-MD5'].toUpperCase();
		if (how.drop) delete headers[how.drop];
		const answer = await send(sandbox, 'POST', path, headers, how.tamper ? how.tamper(body) : body);
		expect(answer).toEqual({
			status: 403,
			body: { error_code: 403, error_type: type, error_description: expect.any(String) },
		});
		expect(sandbox.state.amojo.messages).toHaveLength(0);
	});

	it('accepts a Date 14 minutes old', async () => {
		const sent = await signedCall(sandbox, 'POST', `${BASE}/${scope}`, message('m-old'), {
			date: rfc2822(Date.now() - 14 * 60_000),
		});
		expect(sent.status).toBe(200);
	});

	it('refuses a Content-Type other than application/json: 400', async () => {
		const path = `${BASE}/${scope}`;
		const body = JSON.stringify(message('m-type'));
		const date = rfc2822(Date.now());
		const contentMd5 = createHash('md5').update(body).digest('hex');
		const contentType = 'application/json; charset=utf-8';
		const signature = createHmac('sha1', sandbox.amojo.secret)
			.update(['POST', contentMd5, contentType, date, path].join('\n'))
			.digest('hex');
		const answer = await send(
			sandbox,
			'POST',
			path,
			{
				Date: date,
				'Content-Type': contentType,
				'Content-MD5': contentMd5,
				'X-Signature': signature,
			},
			body,
		);
		expect(answer).toMatchObject({ status: 400, body: { error_type: 'UNSUPPORTED_CONTENT_TYPE' } });
	});

	it('refuses an unknown channel and an unknown scope: 404', async () => {
		const other = '00000000-0000-4000-8000-000000000000';
		const connect = await signedCall(sandbox, 'POST', `${BASE}/${other}/connect`, {
			account_id: sandbox.amojo.accountId,
			hook_api_version: 'v2',
		});
		expect(connect).toMatchObject({ status: 404, body: { error_type: 'CHANNEL_NOT_FOUND' } });
		const foreign = await signedCall(
			sandbox,
			'POST',
			`${BASE}/${other}_${sandbox.amojo.accountId}`,
			message('m-foreign'),
		);
		expect(foreign).toMatchObject({ status: 404, body: { error_type: 'SCOPE_NOT_FOUND' } });
		// our channel, an account never connected
		const unconnected = await signedCall(
			sandbox,
			'POST',
			`${BASE}/${sandbox.amojo.channelId}_${other}/chats`,
			{
				conversation_id: 'c-1',
				user: { id: 'u-1', name: 'Kim' },
			},
		);
		expect(unconnected).toMatchObject({ status: 404, body: { error_type: 'SCOPE_NOT_FOUND' } });
		// signature still checked first on a known channel
		const unsigned = await signedCall(
			sandbox,
			'POST',
			`${BASE}/${sandbox.amojo.channelId}_${other}`,
			message('m-x'),
			{ secret: '1'.repeat(40) },
		);
		expect(unsigned.status).toBe(403);
	});

	it('refuses a disconnected scope: 404', async () => {
		const { channelId, accountId } = sandbox.amojo;
		const gone = await signedCall(sandbox, 'DELETE', `${BASE}/${channelId}/disconnect`, {
			account_id: accountId,
		});
		expect(gone).toEqual({ status: 200, body: undefined });
		const sent = await signedCall(sandbox, 'POST', `${BASE}/${scope}`, message('m-late'));
		expect(sent).toMatchObject({ status: 404, body: { error_type: 'SCOPE_NOT_FOUND' } });
	});

	it('signs a GET with the MD5 of the empty string and without the query string', async () => {
		const path = `${BASE}/${scope}/chats/00000000-0000-4000-8000-000000000001/history`;
		const headers = sign(sandbox.amojo.secret, 'GET', path, '', rfc2822(Date.now()));
		expect(headers['Content-MD5']).toBe('d41d8cd98f00b204e9800998ecf8427e');
		const response = await fetch(`${sandbox.amojoUrl}${path}?offset=0&limit=50`, { headers });
		expect(response.status).toBe(204);
	});
});
