/**
 * One way to read a Kommo account address: whatever people paste into Subdomain, the credential
 * test, the OAuth2 token URL, the Kommo node's requests and the Kommo Trigger's account check all
 * agree on the host, and a value that is no Kommo address fails with words saying what to enter.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { IntercomKommoKommoApi } from '../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { resolveKommoAccount } from '../../nodes/shared/kommo/account';
import { deliverWebhook, runWorkflow } from '../helpers/n8n';
import { kommoAccountApi, setUpKommoNock } from '../helpers/kommoNock';
import { evaluateCredentialExpression, kommoTriggerWorkflow } from '../nodes/Kommo/kommoTestKit';
import { kommoForm } from '../nodes/KommoTrigger/kommoForm';

const TOKEN = 'kommo-address-token';

// the virtual clock: an old build that sends a request anyway must fail fast, not wait out real backoffs
setUpKommoNock();

const evaluate = evaluateCredentialExpression;

const testRequestBaseUrl = String(new IntercomKommoKommoApi().test.request.baseURL);
const tokenUrl = String(
	new IntercomKommoKommoOAuth2Api().properties.find((entry) => entry.name === 'accessTokenUrl')!
		.default,
);

const credentialOf = (subdomain: string, domain: string, baseUrl = '') => ({
	subdomain,
	domain,
	baseUrl,
	accessToken: TOKEN,
	maxRequestsPerSecond: 7,
});

async function leadGetHost(fields: IDataObject) {
	return await runWorkflow({
		nodes: [
			{ name: 'Passthrough', type: 'passthrough' },
			{
				name: 'Kommo',
				type: 'kommo',
				parameters: { resource: 'lead', operation: 'get', leadId: '19619' },
				credentials: { intercomKommoKommoApi: 'Kommo account' },
			},
		],
		credentials: { intercomKommoKommoApi: fields } as never,
	});
}

const accepted: Array<[string, string, string, string]> = [
	// pasted Subdomain, Domain, account URL, account[subdomain] Kommo sends
	['acme', 'kommo.com', 'https://acme.kommo.com', 'acme'],
	['acme/', 'kommo.com', 'https://acme.kommo.com', 'acme'],
	['acme.kommo.com', 'kommo.com', 'https://acme.kommo.com', 'acme'],
	['https://acme.kommo.com/', 'kommo.com', 'https://acme.kommo.com', 'acme'],
	['  ACME  ', 'kommo.com', 'https://acme.kommo.com', 'acme'],
	['HTTPS://Acme.Kommo.com/leads/detail/19619', 'kommo.com', 'https://acme.kommo.com', 'acme'],
	['acme.amocrm.ru', 'amocrm.ru', 'https://acme.amocrm.ru', 'acme'],
	['acme', 'amocrm.ru', 'https://acme.amocrm.ru', 'acme'],
	['my-shop-2', 'amocrm.com', 'https://my-shop-2.amocrm.com', 'my-shop-2'],
];

describe.each(accepted)('Subdomain "%s" with Domain %s', (subdomain, domain, url, kommoName) => {
	const fields = credentialOf(subdomain, domain);

	test(`the credential test and the OAuth2 token URL use ${url}`, () => {
		expect(evaluate(testRequestBaseUrl, fields, '$credentials')).toBe(url);
		expect(evaluate(tokenUrl, fields, '$self')).toBe(`${url}/oauth2/access_token`);
	});

	test(`the Kommo node calls ${url}`, async () => {
		const scope = kommoAccountApi(url, TOKEN)
			.get('/api/v4/leads/19619')
			.query(true)
			.reply(200, { id: 19619, status_id: 1, pipeline_id: 1, _embedded: { contacts: [] } });
		const result = await leadGetHost(fields);
		expect(result.error()).toBeUndefined();
		scope.done();
	});

	test(`the Kommo Trigger accepts webhooks of account "${kommoName}"`, async () => {
		const scope = kommoAccountApi(url, TOKEN)
			.get('/api/v4/account')
			.reply(200, { id: 31361463, subdomain: kommoName })
			.get('/api/v4/leads/pipelines')
			.reply(200, { _embedded: { pipelines: [] } });
		const workflow = kommoTriggerWorkflow();
		const { response, result } = await deliverWebhook({
			workflow,
			nodeName: 'Kommo Trigger',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: kommoForm([
				['leads[status][0][id]', '1001'],
				['leads[status][0][status_id]', '142'],
				['leads[status][0][pipeline_id]', '6950551'],
				['account[subdomain]', kommoName],
				['account[id]', '31361463'],
			]),
			credentials: { intercomKommoKommoApi: fields } as never,
		});
		expect(response.status).toBe(200);
		expect(result.workflowData?.[0]).toHaveLength(1);
		scope.done();
	});
});

test('a custom base URL is used as it is, without its trailing slash', async () => {
	const fields = credentialOf('', 'custom', ' http://127.0.0.1:5680/kommo/ ');
	expect(evaluate(testRequestBaseUrl, fields, '$credentials')).toBe('http://127.0.0.1:5680/kommo');
	expect(evaluate(tokenUrl, fields, '$self')).toBe(
		'http://127.0.0.1:5680/kommo/oauth2/access_token',
	);
	const scope = nock('http://127.0.0.1:5680')
		.get('/kommo/api/v4/leads/19619')
		.query(true)
		.reply(200, { id: 19619, status_id: 1, pipeline_id: 1 });
	expect((await leadGetHost(fields)).error()).toBeUndefined();
	scope.done();
});

const refused: Array<[string, string, string, RegExp]> = [
	[
		'an empty subdomain',
		'',
		'kommo.com',
		/has no Subdomain: for https:\/\/mycompany\.kommo\.com enter "mycompany"/,
	],
	[
		'another site',
		'acme.example.com',
		'kommo.com',
		/"acme\.example\.com" is not a Kommo account address/,
	],
	[
		'a name with an underscore',
		'acme_shop',
		'kommo.com',
		/"acme_shop" is not a Kommo account address/,
	],
	[
		"Kommo's own site",
		'www.kommo.com',
		'kommo.com',
		/"www\.kommo\.com" is not a Kommo account address/,
	],
	[
		'an address on another domain than chosen',
		'acme.amocrm.ru',
		'kommo.com',
		/is on amocrm\.ru, but Domain is kommo\.com: choose amocrm\.ru as Domain, or enter only "acme"/,
	],
];

describe.each(refused)('%s is a clear error', (_label, subdomain, domain, message) => {
	const fields = credentialOf(subdomain, domain);

	test('the credential test gets no address, so it calls no host made of a wrong value', () => {
		// n8n's legacy expression engine drops the error's message (the vm engine reports it)
		expect(evaluate(testRequestBaseUrl, fields, '$credentials') ?? null).toBeNull();
		expect(() => resolveKommoAccount(subdomain, domain, '')).toThrow(message);
	});

	test('in the Kommo node, before any request', async () => {
		const result = await leadGetHost(fields);
		expect(result.error('Kommo')?.message).toMatch(message);
	});
});

test('a custom base URL that is no address is a clear error', async () => {
	const fields = credentialOf('', 'custom', 'kommo-proxy');
	expect(evaluate(testRequestBaseUrl, fields, '$credentials') ?? null).toBeNull();
	expect((await leadGetHost(fields)).error('Kommo')?.message).toMatch(
		/Base URL must be a full address/,
	);
});
