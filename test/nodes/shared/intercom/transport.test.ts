import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import {
	INTERCOM_CREDENTIAL,
	INTERCOM_RETRY_POLICY,
	INTERCOM_REQUEST_TIMEOUT_MS,
	intercomFailure,
	parseRateLimitReset,
} from '../../../../nodes/shared/intercom/transport';
import {
	AU,
	EU,
	TOKEN,
	US,
	byId,
	credentials,
	fixture,
	intercom,
	recordRetryWaits,
	runIntercom,
	setupNock,
} from '../../Intercom/helpers';
import { onFakeTimers } from '../../../helpers/fakeTimers';
import { credentialReads } from '../../../helpers/n8n';

setupNock();

const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(
		servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
	);
	nock.disableNetConnect();
});

/**
 * A real local server that drops the first `failures` connections without answering (the client sees
 * ECONNRESET), then answers 200 with `body`. nock cannot fake a socket reset through n8n's HTTP stack.
 */
async function flakyServer(failures: number, body: string) {
	const requests: string[] = [];
	const server = createServer((request, response) => {
		requests.push(`${request.method} ${request.url}`);
		if (requests.length <= failures) {
			request.socket.destroy();
			return;
		}
		response.writeHead(200, { 'content-type': 'application/json' }).end(body);
	});
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	nock.enableNetConnect('127.0.0.1');
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const conversation = fixture('conversation');
const getConversation = (id = '215468') => ({
	resource: 'conversation',
	operation: 'get',
	conversationId: byId(id),
	resolveCustomer: false,
});
const addTag = (tagNames: string) => ({
	resource: 'conversation',
	operation: 'addTag',
	conversationId: byId('215468'),
	tagNames,
	actAs: 'chosenAdmin',
	adminId: '991267460',
});

function expectNoToken(error: (Error & IDataObject) | undefined) {
	expect(error).toBeDefined();
	const everything = JSON.stringify({
		message: error!.message,
		description: error!.description,
		json: error,
		messages: error!.messages,
	});
	expect(everything).not.toContain(TOKEN);
}

describe('base URL and headers', () => {
	test.each([
		['us', US],
		['eu', EU],
		['au', AU],
	])(
		'region %s talks to %s with the bearer token and Intercom-Version 2.14',
		async (region, host) => {
			const scope = intercom(host).get('/conversations/215468').reply(200, conversation);

			const result = await runIntercom(getConversation(), { credentials: credentials({ region }) });

			expect(result.nodeError).toBeUndefined();
			scope.done();
		},
	);

	test('a custom base URL is used without its trailing slash, path prefix kept', async () => {
		const scope = intercom('https://intercom-proxy.example.com')
			.get('/intercom/conversations/215468')
			.reply(200, conversation);

		const result = await runIntercom(getConversation(), {
			credentials: credentials({
				region: 'custom',
				baseUrl: 'https://intercom-proxy.example.com/intercom//',
			}),
		});

		expect(result.nodeError).toBeUndefined();
		scope.done();
	});

	test('a custom region without a base URL is a clear configuration error', async () => {
		const result = await runIntercom(getConversation(), {
			credentials: credentials({ region: 'custom', baseUrl: '' }),
		});

		expect(result.nodeError?.message).toBe(
			'The Intercom credential uses a custom base URL, but none (or no http/https URL) is set',
		);
	});

	test('the API version comes from the credential', async () => {
		const scope = nock(US, { reqheaders: { 'intercom-version': '2.16' } })
			.get('/conversations/215468')
			.reply(200, conversation);

		const result = await runIntercom(getConversation(), {
			credentials: credentials({ apiVersion: '2.16' }),
		});

		expect(result.nodeError).toBeUndefined();
		scope.done();
	});

	test('POST bodies are sent as JSON', async () => {
		const scope = intercom()
			.matchHeader('content-type', /application\/json/)
			.post('/tags', { name: 'VIP' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' })
			.post('/conversations/215468/tags', { id: '17', admin_id: '991267460' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' });

		const result = await runIntercom(addTag('VIP'));

		expect(result.nodeError).toBeUndefined();
		scope.done();
	});

	test('a node run reads the credential once and n8n signs each request with it', async () => {
		// intercom() answers only requests carrying the credential's bearer token
		const scope = intercom()
			.post('/tags', { name: 'VIP' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' })
			.post('/conversations/215468/tags', { id: '17', admin_id: '991267460' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' });
		credentialReads.clear();

		const result = await runIntercom(addTag('VIP'));

		expect(result.nodeError).toBeUndefined();
		scope.done();
		expect(credentialReads.get(INTERCOM_CREDENTIAL)).toBe(1);
	});
});

describe('Intercom errors', () => {
	test("error.list becomes a NodeApiError carrying Intercom's code and message", async () => {
		const scope = intercom()
			.post('/tags', { name: 'VIP' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' })
			.post('/conversations/215468/tags')
			.reply(400, fixture('error-parameter-invalid'));

		const result = await runIntercom(addTag('VIP'));

		expect(result.nodeError?.name).toBe('NodeApiError');
		expect(result.nodeError?.message).toBe(
			'Intercom error parameter_invalid: Admin not found (field admin_id)',
		);
		expect(result.nodeError?.description).toContain('5c7d1e0a-2b3f-4a6c-9d8e-1f2a3b4c5d6e');
		expect(result.nodeError?.httpCode).toBe('400');
		expect((result.nodeError?.context as IDataObject).itemIndex).toBe(0);
		expectNoToken(result.nodeError);
		scope.done();
	});

	test('401 says the token was rejected, in plain words', async () => {
		// n8n's request helper itself repeats a 401 once (credential refresh hook), hence two replies
		const scope = intercom()
			.get('/conversations/215468')
			.times(2)
			.reply(401, fixture('error-unauthorized'));

		const result = await runIntercom(getConversation());

		expect(result.nodeError?.message).toBe(
			'The Intercom access token was rejected — check the credential (expired, revoked, or for another workspace)',
		);
		expect(result.nodeError?.description).toContain('unauthorized: Access Token Invalid');
		expectNoToken(result.nodeError);
		scope.done();
	});

	test('403 explains the missing permission or plan', async () => {
		const scope = intercom()
			.get('/conversations/215468')
			.reply(403, {
				type: 'error.list',
				request_id: 'r-403',
				errors: [{ code: 'api_plan_restricted', message: 'Active subscription needed.' }],
			});

		const result = await runIntercom(getConversation());

		expect(result.nodeError?.message).toBe(
			'Intercom refused this action: the app behind the access token lacks a permission it needs, or your Intercom plan does not include this API',
		);
		expect(result.nodeError?.description).toContain('"Read conversations"');
		expect(result.nodeError?.description).toContain(
			'api_plan_restricted: Active subscription needed.',
		);
		scope.done();
	});

	test('404 on a tag path names the tag', async () => {
		const scope = intercom()
			.post('/tags', { name: 'VIP' })
			.reply(404, {
				type: 'error.list',
				errors: [{ code: 'not_found', message: 'Resource Not Found' }],
			});

		const result = await runIntercom(addTag('VIP'));

		expect(result.nodeError?.message).toBe(
			'Tag not found — check the id (and the region: an EU workspace needs the EU region)',
		);
		scope.done();
	});

	test('a non-JSON failure still gets a readable message', async () => {
		const scope = intercom().get('/conversations/215468').reply(418, 'I am a teapot');

		const result = await runIntercom(getConversation());

		expect(result.nodeError?.message).toBe('Intercom answered HTTP 418');
		scope.done();
	});
});

describe('retries', () => {
	test('429 waits until X-RateLimit-Reset, then succeeds', async () => {
		const waits = recordRetryWaits();
		const reset = Math.floor(Date.now() / 1000) + 4;
		const scope = intercom()
			.get('/conversations/215468')
			.reply(429, fixture('error-rate-limit'), {
				'X-RateLimit-Limit': '1666',
				'X-RateLimit-Remaining': '0',
				'X-RateLimit-Reset': String(reset),
			})
			.get('/conversations/215468')
			.reply(200, conversation);

		const result = await runIntercom(getConversation());

		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json.id).toBe('215468');
		expect(waits).toHaveLength(1);
		// the reset is whole seconds away: between 3 and 4 s from now, never the 1 ms base backoff
		expect(waits[0]).toBeGreaterThan(2900);
		expect(waits[0]).toBeLessThanOrEqual(4000);
		scope.done();
	});

	test('Retry-After wins over X-RateLimit-Reset; waits are capped by the policy', async () => {
		const waits = recordRetryWaits();
		const farReset = Math.floor(Date.now() / 1000) + 3600;
		const scope = intercom()
			.get('/conversations/215468')
			.reply(429, fixture('error-rate-limit'), { 'Retry-After': '2' })
			.get('/conversations/215468')
			.reply(429, fixture('error-rate-limit'), { 'X-RateLimit-Reset': String(farReset) })
			.get('/conversations/215468')
			.reply(200, conversation);

		const result = await runIntercom(getConversation());

		expect(result.nodeError).toBeUndefined();
		expect(waits).toEqual([2000, INTERCOM_RETRY_POLICY.maxDelayMs]);
		scope.done();
	});

	test('500 is retried, then the answer is used', async () => {
		const waits = recordRetryWaits();
		const scope = intercom()
			.get('/conversations/215468')
			.reply(500, {
				type: 'error.list',
				errors: [{ code: 'server_error', message: 'Server Error' }],
			})
			.get('/conversations/215468')
			.reply(502, '<html>Bad Gateway</html>')
			.get('/conversations/215468')
			.reply(200, conversation);

		const result = await runIntercom(getConversation());

		expect(result.nodeError).toBeUndefined();
		expect(waits).toHaveLength(2);
		scope.done();
	});

	test('a write is retried on 5xx too (find-or-create and attach are idempotent)', async () => {
		recordRetryWaits();
		const scope = intercom()
			.post('/tags', { name: 'VIP' })
			.reply(503)
			.post('/tags', { name: 'VIP' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' })
			.post('/conversations/215468/tags', { id: '17', admin_id: '991267460' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' });

		const result = await runIntercom(addTag('VIP'));

		expect(result.nodeError).toBeUndefined();
		scope.done();
	});

	test('after the last attempt a server error is reported with the attempt count', async () => {
		const waits = recordRetryWaits();
		const scope = intercom()
			.get('/conversations/215468')
			.times(5)
			.reply(503, 'Service Unavailable');

		const result = await runIntercom(getConversation());

		expect(result.nodeError?.message).toBe(
			'Intercom had a server problem (HTTP 503) (tried 5 times) — try again later',
		);
		expect(waits).toHaveLength(4);
		scope.done();
	});

	test('a rate limit that does not clear is explained', async () => {
		recordRetryWaits();
		const scope = intercom()
			.get('/conversations/215468')
			.times(INTERCOM_RETRY_POLICY.maxAttempts)
			.reply(429, fixture('error-rate-limit'));

		const result = await runIntercom(getConversation());

		expect(result.nodeError?.message).toBe(
			"Intercom's rate limit was still exceeded after waiting (tried 5 times)",
		);
		expect(result.nodeError?.description).toContain('10,000 API calls per minute');
		expect(result.nodeError?.description).toContain('rate_limit_exceeded: Rate Limit Exceeded');
		scope.done();
	});

	test('4xx errors are not retried', async () => {
		const waits = recordRetryWaits();
		const scope = intercom()
			.get('/conversations/215468')
			.once()
			.reply(404, fixture('error-not-found'));

		const result = await runIntercom(getConversation());

		expect(result.nodeError?.httpCode).toBe('404');
		expect(waits).toEqual([]);
		scope.done();
	});

	test('a reset connection is retried for reads', async () => {
		const waits = recordRetryWaits();
		const server = await flakyServer(1, JSON.stringify(conversation));

		const result = await runIntercom(getConversation(), {
			credentials: credentials({ region: 'custom', baseUrl: server.url }),
		});

		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json.id).toBe('215468');
		expect(server.requests).toEqual(['GET /conversations/215468', 'GET /conversations/215468']);
		expect(waits).toHaveLength(1);
	});

	test('a request Intercom never answers times out and is retried for reads', async () => {
		const waits = recordRetryWaits();
		// held longer than the client waits; fake timers let the 30 s timeout pass at once
		const scope = nock('https://api.intercom.io')
			.get('/conversations/215468')
			.delay(INTERCOM_REQUEST_TIMEOUT_MS + 1000)
			.reply(200, {})
			.get('/conversations/215468')
			.reply(200, conversation);
		const started = Date.now();
		const result = await onFakeTimers(async () => await runIntercom(getConversation()));
		nock.abortPendingRequests();
		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json.id).toBe('215468');
		expect(Date.now() - started).toBeLessThan(4000);
		expect(waits).toHaveLength(1);
		scope.done();
	});

	test('a reset connection is not retried for writes, and is reported', async () => {
		const waits = recordRetryWaits();
		const server = await flakyServer(5, '{}');

		const result = await runIntercom(addTag('VIP'), {
			credentials: credentials({ region: 'custom', baseUrl: server.url }),
		});

		expect(result.nodeError?.message).toBe(
			'Could not reach Intercom: the connection was reset — check the network and the region or base URL in the credential',
		);
		expect(result.nodeError?.description).toBe('Network error ECONNRESET');
		expect(server.requests).toEqual(['POST /tags']);
		expect(waits).toEqual([]);
		expectNoToken(result.nodeError);
	});

	test('the default policy really sleeps between attempts (on jest fake timers)', async () => {
		// the system clock sleeps with a timer; fake timers let its second-long backoff pass at once
		const scope = intercom()
			.get('/conversations/215468')
			.reply(500)
			.get('/conversations/215468')
			.reply(200, conversation);

		let waitedMs = 0;
		// 10×: the backoff of at most 1 s takes 0.1 s, far below the 30 s request timeout's 3 s
		const result = await onFakeTimers(async () => {
			const started = Date.now();
			const run = await runIntercom(getConversation());
			waitedMs = Date.now() - started;
			return run;
		}, 10);

		expect(result.nodeError).toBeUndefined();
		// full jitter keeps the first wait within [base / 2, base]
		expect(waitedMs).toBeGreaterThanOrEqual(INTERCOM_RETRY_POLICY.baseDelayMs / 2);
		scope.done();
	});

	test('defaults are bounded', () => {
		expect(INTERCOM_RETRY_POLICY.maxAttempts).toBe(5);
		expect(INTERCOM_RETRY_POLICY.maxDelayMs).toBeLessThanOrEqual(30_000);
	});
});

describe('error shapes from different n8n versions', () => {
	test('n8n 2.x: NodeApiError with httpCode, axios error as cause', () => {
		const axiosError = Object.assign(new Error('Request failed with status code 429'), {
			response: {
				status: 429,
				headers: { 'x-ratelimit-reset': '1767225600' },
				data: fixture('error-rate-limit'),
			},
		});
		const wrapped = Object.assign(
			new Error('The service is receiving too many requests from you'),
			{
				httpCode: '429',
				context: { data: fixture('error-rate-limit') },
				cause: axiosError,
			},
		);

		const failure = intercomFailure(wrapped);

		expect(failure.status).toBe(429);
		expect(failure.headers['x-ratelimit-reset']).toBe('1767225600');
		expect((failure.body?.errors as IDataObject[])[0].code).toBe('rate_limit_exceeded');
	});

	test('older helpers: request-library error with statusCode, body in error, headers on response', () => {
		const legacy = Object.assign(new Error('503 - "Service Unavailable"'), {
			statusCode: 503,
			error:
				'{"type":"error.list","errors":[{"code":"service_unavailable","message":"Try later"}]}',
			response: { statusCode: 503, headers: { 'retry-after': '7' }, body: 'x' },
		});

		const failure = intercomFailure(legacy);

		expect(failure.status).toBe(503);
		expect(failure.headers['retry-after']).toBe('7');
		expect((failure.body?.errors as IDataObject[])[0].code).toBe('service_unavailable');
	});

	test('network errors keep their code, nested or not', () => {
		expect(intercomFailure({ code: 'ETIMEDOUT' }).networkCode).toBe('ETIMEDOUT');
		expect(
			intercomFailure(
				Object.assign(new Error('x'), { httpCode: 'ECONNRESET', cause: { code: 'ECONNRESET' } }),
			),
		).toEqual({ status: undefined, headers: {}, body: undefined, networkCode: 'ECONNRESET' });
	});

	test('X-RateLimit-Reset is read as UNIX seconds', () => {
		expect(parseRateLimitReset('1767225610', 1767225600_000)).toBe(10_000);
		expect(parseRateLimitReset(1767225590, 1767225600_000)).toBe(0);
		expect(parseRateLimitReset('soon', 1767225600_000)).toBeUndefined();
	});
});
