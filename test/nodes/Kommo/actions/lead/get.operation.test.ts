import { kommo, leadFixture, runKommo, setUpKommoTests } from '../../kommoTestKit';

setUpKommoTests();

describe('Lead → Get', () => {
	test('returns the lead with its contacts and isOpen', async () => {
		const lead = {
			...leadFixture(19619, 143, 6950551),
			_embedded: {
				tags: [],
				companies: [],
				contacts: [
					{ id: 11, is_main: false },
					{ id: 12, is_main: true },
				],
			},
		};
		const scope = kommo().get('/api/v4/leads/19619').query({ with: 'contacts' }).reply(200, lead);
		const result = await runKommo({ resource: 'lead', operation: 'get', leadId: '19619' });
		expect(result.json('Kommo')[0]).toMatchObject({
			id: 19619,
			status_id: 143,
			isOpen: false,
			contactIds: [11, 12],
			mainContactId: 12,
		});
		expect(result.json('Kommo')[0]._links).toBeUndefined();
		scope.done();
	});

	test('204 → a "not found" error', async () => {
		kommo().get('/api/v4/leads/5').query(true).reply(204);
		const result = await runKommo({ resource: 'lead', operation: 'get', leadId: '5' });
		expect(result.error('Kommo')?.message).toBe('Kommo has no lead with ID 5');
	});

	test('a lead ID that is not a number fails before any request', async () => {
		const result = await runKommo({ resource: 'lead', operation: 'get', leadId: 'abc' });
		expect(result.error('Kommo')?.message).toBe(
			'Lead ID must be a Kommo ID (digits only), got "abc"',
		);
	});
});
