/** The From List mode of the Kommo record fields: Kommo's search, page by page, through n8n's LoadOptionsContext. */
import { LoadOptionsContext } from 'n8n-core';
import type { IDataObject, INodeListSearchResult } from 'n8n-workflow';

import { createAdditionalData, createWorkflow, loadOptions } from '../../../helpers/n8n';
import { listSearch } from '../../../../nodes/Kommo/methods';
import { SEARCH_PAGE_SIZE } from '../../../../nodes/Kommo/methods/listSearch';
import {
	BASE,
	contactFixture,
	credentials,
	kommo,
	leadFixture,
	setUpKommoTests,
} from '../kommoTestKit';

setUpKommoTests();

const search = async (
	method: string,
	filter?: string,
	paginationToken?: string,
	parameters: IDataObject = { resource: 'lead', operation: 'get' },
) =>
	(await loadOptions({
		node: {
			name: 'Kommo',
			type: 'kommo',
			parameters,
			credentials: { intercomKommoKommoApi: 'Kommo account' },
		},
		method,
		kind: 'listSearch',
		args: [filter, paginationToken],
		credentials: credentials as never,
	})) as INodeListSearchResult;

/** A page of Kommo's list answer; `next` when Kommo says there is another page. */
function page(key: string, records: unknown[], pageNumber: number, next: boolean) {
	const href = (n: number) => ({
		href: `${BASE}/api/v4/${key}?page=${n}&limit=${SEARCH_PAGE_SIZE}`,
	});
	return {
		_page: pageNumber,
		_links: { self: href(pageNumber), ...(next ? { next: href(pageNumber + 1) } : {}) },
		_embedded: { [key]: records },
	};
}

const query = (extra: Record<string, string> = {}) => ({
	limit: String(SEARCH_PAGE_SIZE),
	page: '1',
	'order[updated_at]': 'desc',
	...extra,
});

describe('searchLeads', () => {
	test('searches with the typed text: name and ID of each lead, linked to its card', async () => {
		const scope = kommo()
			.get('/api/v4/leads')
			.query(query({ query: 'Ann' }))
			.reply(200, page('leads', [leadFixture(19619, 58141807, 6950551)], 1, false));
		expect(await search('searchLeads', ' Ann ')).toEqual({
			results: [
				{
					name: 'Deal 19619 (ID 19619)',
					value: '19619',
					url: `${BASE}/leads/detail/19619`,
				},
			],
		});
		scope.done();
	});

	test('with nothing typed, lists the most recently updated leads, without a query', async () => {
		const scope = kommo()
			.get('/api/v4/leads')
			.query(query())
			.reply(
				200,
				page('leads', [leadFixture(2, 142, 6950551), leadFixture(1, 142, 6950551)], 1, false),
			);
		const result = await search('searchLeads');
		expect(result.results.map((item) => item.value)).toEqual(['2', '1']);
		expect(result.paginationToken).toBeUndefined();
		scope.done();
	});

	test('pages on while Kommo has a next page: the token is the next page number', async () => {
		const first = kommo()
			.get('/api/v4/leads')
			.query(query({ query: 'Deal' }))
			.reply(200, page('leads', [leadFixture(3, 142, 6950551)], 1, true));
		const firstPage = await search('searchLeads', 'Deal');
		expect(firstPage.paginationToken).toBe('2');
		first.done();

		const second = kommo()
			.get('/api/v4/leads')
			.query(query({ query: 'Deal', page: '2' }))
			.reply(200, page('leads', [leadFixture(4, 142, 6950551)], 2, false));
		const secondPage = await search('searchLeads', 'Deal', firstPage.paginationToken);
		expect(secondPage).toEqual({
			results: [{ name: 'Deal 4 (ID 4)', value: '4', url: `${BASE}/leads/detail/4` }],
		});
		second.done();
	});

	test('Kommo answers 204 with no body when nothing matches: an empty list', async () => {
		const scope = kommo()
			.get('/api/v4/leads')
			.query(query({ query: 'nobody' }))
			.reply(204);
		expect(await search('searchLeads', 'nobody')).toEqual({ results: [] });
		scope.done();
	});

	test('a 204 past the last page ends the list too', async () => {
		const scope = kommo()
			.get('/api/v4/leads')
			.query(query({ page: '3' }))
			.reply(204);
		expect(await search('searchLeads', '', '3')).toEqual({ results: [] });
		scope.done();
	});

	test('a lead without a name still shows, by its ID', async () => {
		const scope = kommo()
			.get('/api/v4/leads')
			.query(query())
			.reply(200, page('leads', [{ ...leadFixture(7, 142, 6950551), name: '' }], 1, false));
		expect((await search('searchLeads')).results[0].name).toBe('(no name) (ID 7)');
		scope.done();
	});

	test("Kommo's errors reach the list as the node's readable errors", async () => {
		const scope = kommo()
			.get('/api/v4/leads')
			.query(true)
			.reply(402, { title: 'Payment Required', detail: 'Account is blocked' });
		await expect(search('searchLeads', 'Ann')).rejects.toThrow(
			"Kommo says the account's plan does not allow this (HTTP 402): Payment Required: Account is blocked",
		);
		scope.done();
	});
});

describe('searchContacts', () => {
	test('names each contact with its email (or else phone) and ID', async () => {
		const scope = kommo()
			.get('/api/v4/contacts')
			.query(query({ query: 'ann' }))
			.reply(
				200,
				page(
					'contacts',
					[
						contactFixture(406322, ['ann@example.com']),
						contactFixture(406323, [], [], ['+1 415 555 0100']),
						contactFixture(406324, []),
					],
					1,
					false,
				),
			);
		expect(await search('searchContacts', 'ann')).toEqual({
			results: [
				{
					name: 'Contact 406322 · ann@example.com (ID 406322)',
					value: '406322',
					url: `${BASE}/contacts/detail/406322`,
				},
				{
					name: 'Contact 406323 · +1 415 555 0100 (ID 406323)',
					value: '406323',
					url: `${BASE}/contacts/detail/406323`,
				},
				{
					name: 'Contact 406324 (ID 406324)',
					value: '406324',
					url: `${BASE}/contacts/detail/406324`,
				},
			],
		});
		scope.done();
	});

	test('204: an empty list', async () => {
		const scope = kommo()
			.get('/api/v4/contacts')
			.query(query({ query: 'x' }))
			.reply(204);
		expect(await search('searchContacts', 'x')).toEqual({ results: [] });
		scope.done();
	});
});

describe('searchNoteOwners (Note › Add)', () => {
	test.each([
		['lead', '/api/v4/leads', 'leads', leadFixture(19619, 142, 6950551), '/leads/detail/19619'],
		[
			'contact',
			'/api/v4/contacts',
			'contacts',
			contactFixture(19619, []),
			'/contacts/detail/19619',
		],
	])('Add To = %s lists %s', async (entityType, endpoint, key, record, link) => {
		const scope = kommo()
			.get(endpoint)
			.query(query())
			.reply(200, page(key, [record], 1, false));
		const result = await search('searchNoteOwners', undefined, undefined, {
			resource: 'note',
			operation: 'add',
			entityType,
		});
		expect(result.results.map((item) => [item.value, item.url])).toEqual([
			['19619', `${BASE}${link}`],
		]);
		scope.done();
	});
});

test('while the node is being edited, the list follows Add To as it is on screen, not as saved', async () => {
	const workflow = createWorkflow({
		nodes: [
			{
				name: 'Kommo',
				type: 'kommo',
				parameters: { resource: 'note', operation: 'add', entityType: 'lead' },
				credentials: { intercomKommoKommoApi: 'Kommo account' },
			},
		],
	});
	const additionalData = createAdditionalData(credentials as never);
	// the editor sends every parameter as on screen, defaults included
	additionalData.currentNodeParameters = {
		authentication: 'longLivedToken',
		resource: 'note',
		operation: 'add',
		entityType: 'contact',
	};
	const context = new LoadOptionsContext(
		workflow,
		workflow.getNode('Kommo')!,
		additionalData,
		'parameters.entityId',
	);
	const scope = kommo()
		.get('/api/v4/contacts')
		.query(query({ query: 'ann' }))
		.reply(200, page('contacts', [contactFixture(406322, ['ann@example.com'])], 1, false));
	const result = await listSearch.searchNoteOwners.call(context, 'ann');
	expect(result.results.map((item) => item.value)).toEqual(['406322']);
	scope.done();
});
