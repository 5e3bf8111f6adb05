import type { NodeApiError } from 'n8n-workflow';
import nock from 'nock';

import { KOMMO_REQUEST_TIMEOUT_MS } from '../../../../nodes/shared/kommo/transport';
import { onFakeTimers } from '../../../helpers/fakeTimers';
import {
	BASE,
	TOKEN,
	contactFixture,
	credentials,
	kommo,
	leadFixture,
	pipelinesFixture,
	runKommo,
	setUpKommoTests,
} from '../../Kommo/kommoTestKit';
import { credentialReads, runWorkflow } from '../../../helpers/n8n';
import { sendTimes } from '../../../../nodes/shared/kommo/throttle';

const { clock } = setUpKommoTests();

const getLead = { resource: 'lead', operation: 'get', leadId: '19619' };

describe('kommoApiRequest through the node', () => {
	test('sends the bearer token to the account host and returns the body', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619')
			.query({ with: 'contacts' })
			.reply(200, leadFixture(19619, 58141807, 6950551));
		const result = await runKommo(getLead);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 19619, isOpen: true });
		scope.done();
	});

	test('a custom base URL replaces the account host', async () => {
		const scope = nock('http://localhost:8080')
			.get('/kommo/api/v4/leads/19619')
			.query(true)
			.reply(200, leadFixture(19619, 142, 6950551));
		const result = await runKommo(getLead, undefined, {
			credentials: {
				intercomKommoKommoApi: {
					...credentials.intercomKommoKommoApi,
					domain: 'custom',
					baseUrl: 'http://localhost:8080/kommo/',
				},
			},
		});
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 19619, isOpen: false });
		scope.done();
	});

	test('429 then success: waits what Retry-After asks, then retries', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(429, 'Too Many Requests', { 'Retry-After': '3', 'Content-Type': 'text/html' })
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(200, leadFixture(19619, 58141807, 6950551));
		const result = await runKommo(getLead);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0].id).toBe(19619);
		// the retry wait honours Retry-After (3 s) over the ~1 s first backoff
		expect(clock().waits).toContain(3000);
		scope.done();
	});

	test('429 without Retry-After backs off exponentially and gives up with a clear error', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619')
			.query(true)
			.times(4)
			.reply(429, 'Too Many Requests');
		const result = await runKommo(getLead);
		const error = result.error('Kommo') as NodeApiError;
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe("Kommo's rate limit was still exceeded after 4 attempts (HTTP 429)");
		expect(error.httpCode).toBe('429');
		// 4 attempts → 3 backoffs: ~1 s, ~2 s, ~4 s with jitter in the upper half of each step
		const backoffs = clock().waits.filter((ms) => ms >= 500);
		expect(backoffs).toHaveLength(3);
		expect(backoffs[0]).toBeGreaterThanOrEqual(500);
		expect(backoffs[0]).toBeLessThanOrEqual(1000);
		expect(backoffs[1]).toBeGreaterThanOrEqual(1000);
		expect(backoffs[1]).toBeLessThanOrEqual(2000);
		expect(backoffs[2]).toBeGreaterThanOrEqual(2000);
		expect(backoffs[2]).toBeLessThanOrEqual(4000);
		scope.done();
	});

	test('5xx is retried', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' })
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(200, leadFixture(19619, 58141807, 6950551));
		const result = await runKommo(getLead);
		expect(result.error()).toBeUndefined();
		scope.done();
	});

	test('403 with an HTML page fails at once, with one request and an explanation', async () => {
		let requests = 0;
		const scope = kommo()
			.get('/api/v4/leads/19619')
			.query(true)
			.times(5)
			.reply(() => {
				requests++;
				return [
					403,
					'<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center><hr><center>nginx</center></body></html>',
					{ 'Content-Type': 'text/html' },
				];
			});
		const result = await runKommo(getLead);
		const error = result.error('Kommo') as NodeApiError;
		expect(requests).toBe(1);
		expect(error.message).toBe('Kommo blocked requests from this IP address or account (HTTP 403)');
		expect(error.description).toMatch(/not retried/);
		expect(clock().waits.filter((ms) => ms >= 500)).toEqual([]);
		expect(scope.isDone()).toBe(false);
	});

	test('400 validation-errors become a message naming the field', async () => {
		const scope = kommo()
			.patch('/api/v4/leads/19619')
			.reply(
				400,
				{
					'validation-errors': [
						{
							request_id: '0',
							errors: [
								{
									code: 'NotSupportedChoice',
									path: 'custom_fields_values.0.field_id',
									detail: 'The value you selected is not a valid choice.',
								},
							],
						},
					],
					title: 'Bad Request',
					type: 'https://httpstatus.es/400',
					status: 400,
					detail: 'Request validation failed',
				},
				{ 'Content-Type': 'application/problem+json' },
			);
		const result = await runKommo({
			resource: 'lead',
			operation: 'update',
			leadId: '19619',
			updateFields: { name: 'Renamed' },
		});
		const error = result.error('Kommo') as NodeApiError;
		expect(error.message).toBe(
			'Kommo rejected the data: custom_fields_values.0.field_id: The value you selected is not a valid choice.',
		);
		expect(error.httpCode).toBe('400');
		scope.done();
	});

	test('401 says the token expired or was revoked, and is not retried by the transport', async () => {
		let requests = 0;
		const scope = kommo().get('/api/v4/leads/19619').query(true).times(8).reply(
			401,
			{
				title: 'Unauthorized',
				type: 'https://httpstatus.es/401',
				status: 401,
				detail: 'Unauthorized',
			},
			{ 'Content-Type': 'application/problem+json' },
		);
		scope.on('request', () => requests++);
		const result = await runKommo(getLead);
		const error = result.error('Kommo') as NodeApiError;
		expect(error.message).toBe('Kommo refused the token (HTTP 401): it has expired or was revoked');
		expect(error.description).toMatch(/long-lived token/);
		expect(error.httpCode).toBe('401');
		// n8n itself re-authenticates once on a 401 (that is how OAuth2 refresh happens); no backoff loop
		expect(requests).toBeLessThanOrEqual(2);
		expect(clock().waits.filter((ms) => ms >= 500)).toEqual([]);
	});

	test('the token never appears in an error', async () => {
		kommo()
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(400, { title: 'Bad Request', status: 400, detail: 'nope' });
		const result = await runKommo(getLead);
		const error = result.error('Kommo') as NodeApiError;
		const serialised = JSON.stringify({
			message: error.message,
			description: error.description,
			context: error.context,
			cause: error.cause,
		});
		expect(serialised).not.toContain(TOKEN);
		expect(error.description).toContain('nope');
	});

	test('network errors are retried for GET', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619')
			.query(true)
			.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(200, leadFixture(19619, 58141807, 6950551));
		const result = await runKommo(getLead);
		expect(result.error()).toBeUndefined();
		scope.done();
	});

	test('a request Kommo never answers times out and is retried for GET', async () => {
		// held longer than the client waits; fake timers let the 30 s timeout pass at once
		const scope = kommo()
			.get('/api/v4/leads/19619')
			.query(true)
			.delay(KOMMO_REQUEST_TIMEOUT_MS + 1000)
			.reply(200, {})
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(200, leadFixture(19619, 58141807, 6950551));
		const started = Date.now();
		const result = await onFakeTimers(async () => await runKommo(getLead));
		nock.abortPendingRequests();
		expect(result.error()).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(4000);
		scope.done();
	});

	test('network errors are not retried for writes', async () => {
		let requests = 0;
		const scope = kommo()
			.post('/api/v4/leads/notes')
			.times(3)
			.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		scope.on('request', () => requests++);
		const result = await runKommo({
			resource: 'note',
			operation: 'add',
			entityType: 'lead',
			entityId: '19619',
			text: 'Hello',
			skipIfAlreadyWritten: false,
		});
		const error = result.error('Kommo') as NodeApiError;
		expect(requests).toBe(1);
		expect(error.message).toMatch(/^Could not reach Kommo at https:\/\/acme\.kommo\.com/);
		expect(error.description).toMatch(/Not retried/);
	});

	test('a 5xx on a POST is not retried (Kommo may have stored it); on a PATCH it is; a 429 always is', async () => {
		const post = kommo()
			.post('/api/v4/leads/notes')
			.once()
			.reply(500, { title: 'Internal Server Error', status: 500 });
		const noteResult = await runKommo({
			resource: 'note',
			operation: 'add',
			entityType: 'lead',
			entityId: '19619',
			text: 'Hello',
			skipIfAlreadyWritten: false,
		});
		expect((noteResult.error('Kommo') as NodeApiError | undefined)?.description).toMatch(
			/Not retried, because Kommo may/,
		);
		post.done();

		const rateLimited = kommo()
			.post('/api/v4/leads/notes')
			.once()
			.reply(429, '<html>429 Too Many Requests</html>', { 'Content-Type': 'text/html' })
			.post('/api/v4/leads/notes')
			.once()
			.reply(200, { _embedded: { notes: [{ id: 5, entity_id: 19619 }] } });
		const retried = await runKommo({
			resource: 'note',
			operation: 'add',
			entityType: 'lead',
			entityId: '19619',
			text: 'Hello',
			skipIfAlreadyWritten: false,
		});
		expect(retried.error()).toBeUndefined();
		rateLimited.done();

		const patch = kommo()
			.patch('/api/v4/leads/19619')
			.once()
			.reply(502, '<html>502 Bad Gateway</html>', { 'Content-Type': 'text/html' })
			.patch('/api/v4/leads/19619')
			.once()
			.reply(200, { id: 19619, updated_at: 1700001000 });
		const updated = await runKommo({
			resource: 'lead',
			operation: 'update',
			leadId: 19619,
			updateFields: { name: 'Renamed' },
		});
		expect(updated.error()).toBeUndefined();
		patch.done();
	});

	test('a node run reads the credential once, whatever number of requests it makes, and signs each with it', async () => {
		const scope = kommo()
			.get('/api/v4/contacts')
			.query(true)
			.reply(200, { _embedded: { contacts: [contactFixture(2, ['ann@example.com'], [501])] } })
			.get('/api/v4/leads')
			.query(true)
			.reply(200, { _embedded: { leads: [leadFixture(501, 58141807, 6950551)] } })
			.get('/api/v4/leads/pipelines')
			.reply(200, pipelinesFixture);
		credentialReads.clear();
		const result = await runKommo({
			resource: 'contact',
			operation: 'findByEmail',
			email: 'ann@example.com',
			options: {},
		});
		expect(result.error()).toBeUndefined();
		scope.done();
		// 3 requests, 1 read: n8n signs each request with the credential the transport read, instead
		// of reading it again per request
		expect(credentialReads.get('intercomKommoKommoApi')).toBe(1);
	});

	test('continueOnFail turns the error into an item', async () => {
		kommo()
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(404, { title: 'Not Found', status: 404, detail: 'Lead not found' });
		const result = await runKommo(getLead, [{ json: {} }], { continueOnFail: true });
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')).toEqual([
			{
				error: 'Not found in Kommo (HTTP 404): Not Found: Lead not found',
				description: expect.stringContaining('GET /api/v4/leads/19619'),
			},
		]);
		expect(result.output('Kommo')[0][0].pairedItem).toEqual({ item: 0 });
	});

	test('records one send time per request for the account', async () => {
		kommo()
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(200, leadFixture(19619, 58141807, 6950551));
		await runKommo(getLead);
		expect(sendTimes(BASE)).toHaveLength(1);
	});
});

describe('with OAuth2 authentication', () => {
	const oauthCredentials = {
		intercomKommoKommoOAuth2Api: {
			subdomain: 'acme',
			domain: 'amocrm.ru',
			baseUrl: '',
			maxRequestsPerSecond: 7,
			grantType: 'authorizationCode',
			clientId: 'client-id',
			clientSecret: 'client-secret',
			authUrl: 'https://www.amocrm.ru/oauth',
			accessTokenUrl: 'https://acme.amocrm.ru/oauth2/access_token',
			scope: '',
			authentication: 'body',
			oauthTokenData: {
				access_token: 'oauth-access',
				refresh_token: 'oauth-refresh',
				token_type: 'Bearer',
				expires_in: 86400,
			},
		},
	};

	const getLeadWithOAuth2 = async () =>
		await runWorkflow({
			nodes: [
				{ name: 'Passthrough', type: 'passthrough' },
				{
					name: 'Kommo',
					type: 'kommo',
					parameters: {
						authentication: 'oAuth2',
						resource: 'lead',
						operation: 'get',
						leadId: '19619',
					},
					credentials: { intercomKommoKommoOAuth2Api: 'Kommo app' },
				},
			],
			credentials: oauthCredentials as never,
		});

	test('with OAuth2 selected, the OAuth2 credential and its account host are used', async () => {
		const scope = nock('https://acme.amocrm.ru', {
			reqheaders: { authorization: 'Bearer oauth-access' },
		})
			.get('/api/v4/leads/19619')
			.query({ with: 'contacts' })
			.reply(200, leadFixture(19619, 58141807, 6950551));
		const result = await getLeadWithOAuth2();
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 19619 });
		scope.done();
	});

	test('a 401 lets n8n refresh the OAuth2 token first; the request then succeeds', async () => {
		const api = nock('https://acme.amocrm.ru')
			.get('/api/v4/leads/19619')
			.query(true)
			.matchHeader('authorization', 'Bearer oauth-access')
			.reply(401, { title: 'Unauthorized', status: 401 })
			.post('/oauth2/access_token')
			.reply(200, {
				token_type: 'Bearer',
				expires_in: 86400,
				access_token: 'fresh-access',
				refresh_token: 'fresh-refresh',
			})
			.get('/api/v4/leads/19619')
			.query(true)
			.matchHeader('authorization', 'Bearer fresh-access')
			.reply(200, leadFixture(19619, 58141807, 6950551));
		const result = await getLeadWithOAuth2();
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 19619 });
		api.done();
	});
});
