import { IntercomKommoIntercomApi } from '../../credentials/IntercomKommoIntercomApi.credentials';

describe('Intercom credential', () => {
	const credential = new IntercomKommoIntercomApi();

	test('signs a request with the token, the chosen API version and JSON, keeping its own headers', async () => {
		const signed = await credential.authenticate(
			{ accessToken: 'dG9rOmFiYw==', apiVersion: '2.14', region: 'us' },
			{ url: '/conversations/215468', headers: { 'X-Request': 'kept' } },
		);
		expect(signed.headers).toEqual({
			'X-Request': 'kept',
			Authorization: 'Bearer dG9rOmFiYw==',
			'Intercom-Version': '2.14',
			Accept: 'application/json',
		});
		expect(signed.url).toBe('/conversations/215468');
	});
});
