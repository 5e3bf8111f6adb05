import { loadOptions } from '../../../helpers/n8n';
import { EU, credentials, fixture, intercom, setupNock } from '../helpers';

setupNock();

const node = {
	name: 'Intercom',
	type: 'intercom',
	parameters: { resource: 'conversation', operation: 'addTag', actAs: 'chosenAdmin' },
	credentials: { intercomKommoIntercomApi: 'Intercom account' },
};

describe('getAdmins', () => {
	test('lists admins by name with email, sorted, ids as values', async () => {
		const scope = intercom().get('/admins').reply(200, fixture('admins'));

		const options = await loadOptions({ node, method: 'getAdmins', credentials: credentials() });

		expect(options).toEqual([
			{ name: 'Anna Schmidt (anna.schmidt@shop.example.com)', value: '991267460' },
			{ name: 'Billing team (team-814865@intercom-mail.com)', value: '814865' },
			{ name: 'Jonas Weber (jonas.weber@shop.example.com)', value: '991267459' },
		]);
		scope.done();
	});

	test('falls back to the email or id when an admin has no name; uses the credential region', async () => {
		const scope = intercom(EU)
			.get('/admins')
			.reply(200, {
				type: 'admin.list',
				admins: [
					{ type: 'admin', id: 5, name: '', email: 'x@example.com' },
					{ type: 'admin', id: '6', name: null, email: null },
				],
			});

		const options = await loadOptions({
			node,
			method: 'getAdmins',
			credentials: credentials({ region: 'eu' }),
		});

		expect(options).toEqual([
			{ name: 'Admin 6', value: '6' },
			{ name: 'x@example.com', value: '5' },
		]);
		scope.done();
	});

	test('a rejected token is explained', async () => {
		const scope = intercom().get('/admins').times(2).reply(401, fixture('error-unauthorized'));

		await expect(
			loadOptions({ node, method: 'getAdmins', credentials: credentials() }),
		).rejects.toThrow('The Intercom access token was rejected');
		scope.done();
	});
});
