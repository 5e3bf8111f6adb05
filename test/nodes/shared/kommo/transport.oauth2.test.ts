import nock from 'nock';

import { leadFixture, setUpKommoTests } from '../../Kommo/kommoTestKit';
import { runWorkflow } from '../../../helpers/n8n';

setUpKommoTests();

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

test('with OAuth2 selected, the OAuth2 credential and its account host are used', async () => {
	const scope = nock('https://acme.amocrm.ru', {
		reqheaders: { authorization: 'Bearer oauth-access' },
	})
		.get('/api/v4/leads/19619')
		.query({ with: 'contacts' })
		.reply(200, leadFixture(19619, 58141807, 6950551));
	const result = await runWorkflow({
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
	const result = await runWorkflow({
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
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')[0]).toMatchObject({ id: 19619 });
	api.done();
});
