import nock from 'nock';

import { IntercomKommoKommoApi } from '../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { createWorkflow, registerNodes } from '../helpers/n8n';
import { Passthrough } from '../nodes/Kommo/kommoTestKit';

registerNodes(Passthrough);

// the test kit loads nock, which patches http for the whole process until restored
afterAll(() => nock.restore());

/** Evaluates a credential expression the way n8n does: `$credentials` as a key, `$self` as self data. */
function evaluate(
	expression: string,
	data: Record<string, unknown>,
	as: '$credentials' | '$self',
): unknown {
	const workflow = createWorkflow({ nodes: [{ name: 'Passthrough', type: 'passthrough' }] });
	return workflow.expression.getParameterValue(
		expression,
		null,
		0,
		0,
		'Passthrough',
		[],
		'manual',
		as === '$credentials' ? ({ $credentials: data } as never) : {},
		undefined,
		false,
		as === '$self' ? data : undefined,
	);
}

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

	test('sends the token as a bearer header', () => {
		expect(credential.authenticate.properties.headers).toEqual({
			Authorization: '=Bearer {{$credentials.accessToken}}',
		});
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
