import nock from 'nock';

import { IntercomKommoKommoApi } from '../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { registerNodes } from '../helpers/n8n';
import { evaluateCredentialExpression, Passthrough } from '../nodes/Kommo/kommoTestKit';

registerNodes(Passthrough);

// the test kit loads nock, which patches http for the whole process until restored
afterAll(() => nock.restore());

const evaluate = evaluateCredentialExpression;

const property = (type: { properties: Array<{ name: string; default: unknown }> }, name: string) =>
	String(type.properties.find((entry) => entry.name === name)!.default);

describe('long-lived token credential', () => {
	const credential = new IntercomKommoKommoApi();
	const testBaseUrl = String(credential.test.request.baseURL);

	test('tests GET /api/v4/account on the account host', () => {
		expect(credential.test.request.url).toBe('/api/v4/account');
		expect(
			evaluate(
				testBaseUrl,
				{ subdomain: 'acme', domain: 'kommo.com', baseUrl: '' },
				'$credentials',
			),
		).toBe('https://acme.kommo.com');
		expect(
			evaluate(
				testBaseUrl,
				{ subdomain: 'acme.amocrm.ru', domain: 'amocrm.ru', baseUrl: '' },
				'$credentials',
			),
		).toBe('https://acme.amocrm.ru');
		expect(
			evaluate(
				testBaseUrl,
				{ subdomain: '', domain: 'custom', baseUrl: 'http://localhost:9000/' },
				'$credentials',
			),
		).toBe('http://localhost:9000');
	});

	test('sends the token as a bearer header, keeping the request headers', async () => {
		const signed = await credential.authenticate(
			{ accessToken: 'tok_123', subdomain: 'acme' },
			{ url: '/api/v4/account', headers: { Accept: 'application/json' } },
		);
		expect(signed.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer tok_123' });
		expect(signed.url).toBe('/api/v4/account');
	});
});

describe('OAuth2 credential', () => {
	const credential = new IntercomKommoKommoOAuth2Api();

	test('authorizes at the global Kommo (or amoCRM) page', () => {
		const authUrl = property(credential, 'authUrl');
		expect(evaluate(authUrl, { subdomain: 'acme', domain: 'kommo.com' }, '$self')).toBe(
			'https://www.kommo.com/oauth',
		);
		expect(evaluate(authUrl, { subdomain: 'acme', domain: 'amocrm.ru' }, '$self')).toBe(
			'https://www.amocrm.ru/oauth',
		);
	});

	test('fetches tokens from the account host', () => {
		const tokenUrl = property(credential, 'accessTokenUrl');
		expect(
			evaluate(tokenUrl, { subdomain: 'acme', domain: 'kommo.com', baseUrl: '' }, '$self'),
		).toBe('https://acme.kommo.com/oauth2/access_token');
		expect(
			evaluate(
				tokenUrl,
				{ subdomain: 'x', domain: 'custom', baseUrl: 'http://localhost:9000' },
				'$self',
			),
		).toBe('http://localhost:9000/oauth2/access_token');
	});
});
