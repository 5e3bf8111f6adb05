import { BASE, kommo, runKommo, setUpKommoTests } from '../../kommoTestKit';

setUpKommoTests();

test('creates a contact with name, email and phone', async () => {
	const scope = kommo()
		.post('/api/v4/contacts', [
			{
				name: 'Ann Lee',
				first_name: 'Ann',
				responsible_user_id: 8375357,
				custom_fields_values: [
					{ field_code: 'EMAIL', values: [{ value: 'ann@example.com', enum_code: 'WORK' }] },
					{ field_code: 'PHONE', values: [{ value: '+14155550100', enum_code: 'WORK' }] },
				],
			},
		])
		.reply(200, {
			_links: { self: { href: `${BASE}/api/v4/contacts` } },
			_embedded: {
				contacts: [
					{
						id: 406322,
						request_id: '0',
						_links: { self: { href: `${BASE}/api/v4/contacts/406322` } },
					},
				],
			},
		});
	const result = await runKommo(
		{
			resource: 'contact',
			operation: 'create',
			name: 'Ann Lee',
			email: '={{ $json.email }}',
			phone: '+14155550100',
			additionalFields: { firstName: 'Ann', responsibleUserId: 8375357 },
		},
		[{ json: { email: 'ann@example.com' } }],
	);
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([
		{ id: 406322, name: 'Ann Lee', email: 'ann@example.com', phone: '+14155550100' },
	]);
	scope.done();
});

test('a contact with only an email is named after it', async () => {
	const scope = kommo()
		.post('/api/v4/contacts', [
			{
				name: 'ann@example.com',
				custom_fields_values: [
					{ field_code: 'EMAIL', values: [{ value: 'ann@example.com', enum_code: 'WORK' }] },
				],
			},
		])
		.reply(200, { _embedded: { contacts: [{ id: 1, request_id: '0' }] } });
	const result = await runKommo({
		resource: 'contact',
		operation: 'create',
		name: '',
		email: 'ann@example.com',
	});
	expect(result.json('Kommo')[0]).toMatchObject({ id: 1, phone: null });
	scope.done();
});
