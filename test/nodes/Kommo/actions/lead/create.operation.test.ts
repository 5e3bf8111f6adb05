import { BASE, kommo, runKommo, setUpKommoTests } from '../../kommoTestKit';

setUpKommoTests();

const sourceField = {
	id: 777,
	name: 'Source',
	type: 'select',
	account_id: 31361463,
	code: null,
	sort: 510,
	is_api_only: false,
	enums: [
		{ id: 9001, value: 'Intercom', sort: 1 },
		{ id: 9002, value: 'Website', sort: 2 },
	],
	group_id: null,
	required_statuses: [],
	is_deletable: true,
	is_predefined: false,
	entity_type: 'leads',
};
const vipField = { id: 778, name: 'VIP', type: 'checkbox', enums: null, entity_type: 'leads' };
const budgetField = { id: 779, name: 'Budget', type: 'numeric', enums: null, entity_type: 'leads' };

test('creates a lead linked to an existing contact, with stage, user, price, tags and typed custom fields', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/777')
		.reply(200, sourceField)
		.get('/api/v4/leads/custom_fields/778')
		.reply(200, vipField)
		.get('/api/v4/leads/custom_fields/779')
		.reply(200, budgetField)
		.post('/api/v4/leads', [
			{
				name: 'Intercom chat with Ann',
				pipeline_id: 6950551,
				status_id: 58141807,
				price: 1500,
				responsible_user_id: 8375357,
				custom_fields_values: [
					{ field_id: 777, values: [{ enum_id: 9001 }] },
					{ field_id: 778, values: [{ value: true }] },
					{ field_id: 779, values: [{ value: 12.5 }] },
				],
				_embedded: {
					tags: [{ name: 'intercom' }, { name: 'inbound' }],
					contacts: [{ id: 406322, is_main: true }],
				},
			},
		])
		.reply(200, {
			_links: { self: { href: `${BASE}/api/v4/leads` } },
			_embedded: {
				leads: [
					{ id: 19619, request_id: '0', _links: { self: { href: `${BASE}/api/v4/leads/19619` } } },
				],
			},
		});

	const result = await runKommo(
		{
			resource: 'lead',
			operation: 'create',
			name: 'Intercom chat with Ann',
			pipelineId: 6950551,
			statusId: 58141807,
			contactMode: 'existing',
			contactId: '={{ $json.contactId }}',
			additionalFields: { price: 1500, responsibleUserId: 8375357, tags: 'intercom, inbound' },
			customFields: {
				field: [
					{ fieldId: 777, value: 'intercom' },
					{ fieldId: 778, value: 'yes' },
					{ fieldId: 779, value: '12,5' },
				],
			},
		},
		[{ json: { contactId: 406322 } }],
	);
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([
		{
			id: 19619,
			contactId: 406322,
			merged: false,
			name: 'Intercom chat with Ann',
			pipelineId: 6950551,
			statusId: 58141807,
		},
	]);
	scope.done();
});

test('creates the lead and a new contact in one /leads/complex call', async () => {
	const scope = kommo()
		.post('/api/v4/leads/complex', [
			{
				name: 'Website request',
				pipeline_id: 6950551,
				status_id: 58141803,
				_embedded: {
					tags: [{ name: 'n8n' }],
					contacts: [
						{
							name: 'Ann Lee',
							custom_fields_values: [
								{ field_code: 'EMAIL', values: [{ value: 'ann@example.com', enum_code: 'WORK' }] },
								{ field_code: 'PHONE', values: [{ value: '+14155550100', enum_code: 'WORK' }] },
							],
						},
					],
				},
			},
		])
		.reply(200, [
			{ id: 9774766, contact_id: 12117258, company_id: null, request_id: ['0'], merged: false },
		]);

	const result = await runKommo({
		resource: 'lead',
		operation: 'create',
		name: 'Website request',
		pipelineId: 6950551,
		statusId: 58141803,
		contactMode: 'new',
		contactName: 'Ann Lee',
		contactEmail: 'ann@example.com',
		contactPhone: ' +14155550100 ',
		additionalFields: { tags: '={{ ["n8n"] }}' },
	});
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([
		{
			id: 9774766,
			contactId: 12117258,
			merged: false,
			name: 'Website request',
			pipelineId: 6950551,
			statusId: 58141803,
		},
	]);
	scope.done();
});

test('reports a lead reused by duplicate control as merged', async () => {
	kommo()
		.post('/api/v4/leads/complex')
		.reply(200, [
			{ id: 9774766, contact_id: 12117258, company_id: null, request_id: ['0'], merged: true },
		]);
	const result = await runKommo({
		resource: 'lead',
		operation: 'create',
		name: 'Again',
		contactMode: 'new',
		contactName: 'Ann Lee',
	});
	expect(result.json('Kommo')[0]).toMatchObject({ id: 9774766, merged: true });
});

test('without pipeline, stage or contact only the name is sent', async () => {
	const scope = kommo()
		.post('/api/v4/leads', [{ name: 'Bare' }])
		.reply(200, { _embedded: { leads: [{ id: 1, request_id: '0' }] } });
	const result = await runKommo({ resource: 'lead', operation: 'create', name: 'Bare' });
	expect(result.json('Kommo')[0]).toMatchObject({ id: 1, contactId: null });
	scope.done();
});

test('an option name the field does not have fails with the options listed, before the lead is written', async () => {
	const scope = kommo().get('/api/v4/leads/custom_fields/777').reply(200, sourceField);
	const result = await runKommo({
		resource: 'lead',
		operation: 'create',
		name: 'X',
		customFields: { field: [{ fieldId: 777, value: 'Telegram' }] },
	});
	expect(result.error('Kommo')?.message).toBe(
		'Lead field "Source": "Telegram" is not one of its options ("Intercom", "Website")',
	);
	scope.done();
});

test('a Pipeline or Stage that is not a Kommo ID fails the item, rather than being left out', async () => {
	// the old optional-id reader dropped it, and the lead went to the main pipeline unnoticed
	const result = await runKommo({
		resource: 'lead',
		operation: 'create',
		name: 'X',
		pipelineId: '={{ "Sales" }}',
	});
	expect(result.error('Kommo')?.message).toBe(
		'Pipeline must be a Kommo ID (digits only), got "Sales"',
	);
});
