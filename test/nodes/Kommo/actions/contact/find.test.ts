import {
	BASE,
	contactFixture,
	kommo,
	leadFixture,
	pipelinesFixture,
	runKommo,
	setUpKommoTests,
} from '../../kommoTestKit';

setUpKommoTests();

const findByEmail = (email: string, options = {}) => ({
	resource: 'contact',
	operation: 'findByEmail',
	email,
	options,
});

test('204 No Content from the search is "not found", not an error', async () => {
	const scope = kommo()
		.get('/api/v4/contacts')
		.query({ limit: '250', query: 'nobody@example.com', with: 'leads' })
		.reply(204);
	const result = await runKommo(findByEmail('nobody@example.com'));
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([{ found: false, email: 'nobody@example.com' }]);
	scope.done();
});

test('keeps only contacts whose EMAIL really matches the fuzzy search, case-insensitively', async () => {
	const scope = kommo()
		.get('/api/v4/contacts')
		.query({ limit: '250', query: 'ANN@example.com', with: 'leads' })
		.reply(200, {
			_page: 1,
			_links: {
				self: { href: `${BASE}/api/v4/contacts?limit=250&query=ANN%40example.com&with=leads` },
			},
			_embedded: {
				contacts: [
					contactFixture(1, ['joann@example.com']),
					contactFixture(2, ['other@example.com', ' Ann@Example.COM '], [501, 502]),
					contactFixture(3, [], [], ['+1 415 555 0100']),
				],
			},
		})
		.get('/api/v4/leads')
		.query({ limit: '250', 'filter[id][]': ['501', '502'] })
		.reply(200, {
			_page: 1,
			_links: { self: { href: `${BASE}/api/v4/leads` } },
			_embedded: {
				leads: [
					leadFixture(501, 58141807, 6950551, 1700000500),
					leadFixture(502, 142, 7000001, 1700000900),
				],
			},
		})
		.get('/api/v4/leads/pipelines')
		.reply(200, pipelinesFixture);

	const result = await runKommo(findByEmail('ANN@example.com'));
	expect(result.error()).toBeUndefined();
	const items = result.json('Kommo');
	expect(items).toHaveLength(1);
	expect(items[0]).toMatchObject({
		found: true,
		email: 'ANN@example.com',
		id: 2,
		name: 'Contact 2',
		emails: ['other@example.com', ' Ann@Example.COM '],
		hasOpenLead: true,
		latestOpenLeadId: 501,
	});
	expect(items[0]._embedded).toBeUndefined();
	// newest first; 142 (won) is closed
	expect(items[0].leads).toEqual([
		expect.objectContaining({
			id: 502,
			status_id: 142,
			status_name: 'Closed - Won',
			pipeline_name: 'Support',
			isOpen: false,
		}),
		expect.objectContaining({
			id: 501,
			status_id: 58141807,
			status_name: 'Qualified',
			pipeline_name: 'Sales',
			isOpen: true,
		}),
	]);
	scope.done();
});

test('a match without leads makes no lead or pipeline calls', async () => {
	const scope = kommo()
		.get('/api/v4/contacts')
		.query(true)
		.reply(200, {
			_page: 1,
			_links: {},
			_embedded: { contacts: [contactFixture(7, ['ann@example.com'])] },
		});
	const result = await runKommo(findByEmail('ann@example.com'));
	expect(result.json('Kommo')[0]).toMatchObject({
		found: true,
		id: 7,
		leads: [],
		hasOpenLead: false,
		latestOpenLeadId: null,
	});
	scope.done();
});

test('"Only Open Leads" and "Pipelines" narrow the listed leads', async () => {
	const scope = kommo()
		.get('/api/v4/contacts')
		.query(true)
		.reply(200, {
			_page: 1,
			_links: {},
			_embedded: { contacts: [contactFixture(2, ['ann@example.com'], [501, 502, 503])] },
		})
		.get('/api/v4/leads')
		.query({ limit: '250', 'filter[id][]': ['501', '502', '503'] })
		.reply(200, {
			_embedded: {
				leads: [
					leadFixture(501, 58141807, 6950551),
					leadFixture(502, 143, 6950551),
					leadFixture(503, 60000001, 7000001),
				],
			},
		})
		.get('/api/v4/leads/pipelines')
		.reply(200, pipelinesFixture);
	const result = await runKommo(
		findByEmail('ann@example.com', { onlyOpenLeads: true, pipelineIds: [6950551] }),
	);
	expect(result.json('Kommo')[0].leads).toEqual([
		expect.objectContaining({ id: 501, isOpen: true }),
	]);
	scope.done();
});

test('several matches share one lead request and one pipeline request', async () => {
	const scope = kommo()
		.get('/api/v4/contacts')
		.query(true)
		.reply(200, {
			_embedded: {
				contacts: [
					contactFixture(2, ['ann@example.com'], [501]),
					contactFixture(3, ['ann@example.com'], [502]),
				],
			},
		})
		.get('/api/v4/leads')
		.query({ limit: '250', 'filter[id][]': ['501', '502'] })
		.reply(200, {
			_embedded: {
				leads: [leadFixture(501, 58141807, 6950551), leadFixture(502, 58141807, 6950551)],
			},
		})
		.get('/api/v4/leads/pipelines')
		.reply(200, pipelinesFixture);
	const result = await runKommo(findByEmail('ann@example.com'));
	expect(result.json('Kommo').map((item) => [item.id, item.latestOpenLeadId])).toEqual([
		[2, 501],
		[3, 502],
	]);
	expect(result.output('Kommo')[0].map((item) => item.pairedItem)).toEqual([
		{ item: 0 },
		{ item: 0 },
	]);
	scope.done();
});

test('follows _links.next through every page of search results', async () => {
	const scope = kommo()
		.get('/api/v4/contacts')
		.query({ limit: '250', query: 'ann@example.com', with: 'leads' })
		.reply(200, {
			_page: 1,
			_links: {
				next: {
					href: `${BASE}/api/v4/contacts?limit=250&query=ann%40example.com&with=leads&page=2`,
				},
			},
			_embedded: { contacts: [contactFixture(1, ['x@example.com'])] },
		})
		.get('/api/v4/contacts')
		.query({ limit: '250', query: 'ann@example.com', with: 'leads', page: '2' })
		.reply(200, {
			_page: 2,
			_links: {},
			_embedded: { contacts: [contactFixture(9, ['ann@example.com'])] },
		});
	const result = await runKommo(findByEmail('ann@example.com'));
	expect(result.json('Kommo')).toEqual([expect.objectContaining({ found: true, id: 9 })]);
	scope.done();
});

test('Find by Phone compares digits only', async () => {
	const scope = kommo()
		.get('/api/v4/contacts')
		.query({ limit: '250', query: '+1 (415) 555-0100', with: 'leads' })
		.reply(200, {
			_embedded: {
				contacts: [
					contactFixture(1, [], [], ['+1 415 555 0101']),
					contactFixture(2, [], [], ['1-415-555-0100']),
				],
			},
		});
	const result = await runKommo({
		resource: 'contact',
		operation: 'findByPhone',
		phone: '+1 (415) 555-0100',
	});
	expect(result.json('Kommo')).toEqual([
		expect.objectContaining({
			found: true,
			phone: '+1 (415) 555-0100',
			id: 2,
			phones: ['1-415-555-0100'],
		}),
	]);
	scope.done();
});

test('Find by Phone: nothing matching → found false', async () => {
	const scope = kommo().get('/api/v4/contacts').query(true).reply(204);
	const result = await runKommo({
		resource: 'contact',
		operation: 'findByPhone',
		phone: '+14155550100',
	});
	expect(result.json('Kommo')).toEqual([{ found: false, phone: '+14155550100' }]);
	scope.done();
});

test('an input that is not an email fails before any request', async () => {
	const result = await runKommo(findByEmail('not-an-email'));
	expect(result.error('Kommo')?.message).toBe('"not-an-email" is not an email address');
});
