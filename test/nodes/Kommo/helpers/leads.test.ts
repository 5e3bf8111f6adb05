import type { IDataObject } from 'n8n-workflow';

import {
	describeLead,
	isLeadOpen,
	newestFirst,
	PIPELINE_NAMES_TTL_MS,
} from '../../../../nodes/Kommo/helpers/leads';
import {
	contactFixture,
	kommo,
	leadFixture,
	pipelinesFixture,
	runKommo,
	setUpKommoTests,
} from '../kommoTestKit';
import { contactSearch } from '../actions/contact/findKit';

const { clock } = setUpKommoTests();

const findByEmail = (email: string, options = {}) => ({
	resource: 'contact',
	operation: 'findByEmail',
	email,
	options,
});

describe('pure lead helpers', () => {
	test('newestFirst: most recently updated first, the higher id on a tie', () => {
		const leads = [
			{ id: 1, updated_at: 100 },
			{ id: 3, updated_at: 50 },
			{ id: 2, updated_at: 100 },
			{ id: 4 },
		];
		expect([...leads].sort(newestFirst).map((lead) => lead.id)).toEqual([2, 1, 3, 4]);
	});

	test('isLeadOpen: not won, not lost, not deleted', () => {
		expect(isLeadOpen({ status_id: 58141807 })).toBe(true);
		expect(isLeadOpen({ status_id: 142 })).toBe(false);
		expect(isLeadOpen({ status_id: '143' })).toBe(false);
		expect(isLeadOpen({ status_id: 58141807, is_deleted: true })).toBe(false);
	});

	test('describeLead: the closing stages by their fixed names, other names from the directory', () => {
		const names = {
			pipelines: new Map([[6950551, 'Sales']]),
			stages: new Map([
				[58141807, 'Qualified'],
				[142, 'Won (renamed)'],
			]),
		};
		const open = leadFixture(19619, 58141807, 6950551);
		expect(describeLead(open, names)).toEqual({
			id: 19619,
			name: 'Deal 19619',
			price: 1000,
			status_id: 58141807,
			statusName: 'Qualified',
			pipeline_id: 6950551,
			pipelineName: 'Sales',
			responsible_user_id: 8375357,
			created_at: 1690000000,
			updated_at: 1700000000,
			closed_at: null,
			isOpen: true,
		});
		expect(describeLead(leadFixture(1, 142, 6950551), names)).toMatchObject({
			statusName: 'Closed - Won',
			isOpen: false,
		});
		expect(describeLead(leadFixture(2, 143, 7000001))).toMatchObject({
			statusName: 'Closed - Lost',
			pipelineName: null,
		});
		expect(describeLead(leadFixture(3, 1, 1))).toMatchObject({
			statusName: null,
			pipelineName: null,
			isOpen: true,
		});
	});
});

describe('PipelineDirectory and fetchLeadsByIds, through Find by Email', () => {
	test('pipeline names are read once per account for ten minutes, then again', async () => {
		const searchWithLead = () =>
			contactSearch()
				.reply(200, { _embedded: { contacts: [contactFixture(2, ['ann@example.com'], [501])] } })
				.get('/api/v4/leads')
				.query(true)
				.reply(200, { _embedded: { leads: [leadFixture(501, 58141807, 6950551)] } });
		const pipelines = kommo().get('/api/v4/leads/pipelines').once().reply(200, pipelinesFixture);
		for (let run = 0; run < 3; run++) {
			const scope = searchWithLead();
			const result = await runKommo(findByEmail('ann@example.com'));
			expect(result.error()).toBeUndefined();
			expect((result.json('Kommo')[0].contacts as IDataObject[])[0].leads).toEqual([
				expect.objectContaining({ statusName: 'Qualified', pipelineName: 'Sales' }),
			]);
			scope.done();
		}
		pipelines.done();

		await clock().sleep(PIPELINE_NAMES_TTL_MS);
		const refetch = kommo().get('/api/v4/leads/pipelines').once().reply(200, pipelinesFixture);
		const scope = searchWithLead();
		expect((await runKommo(findByEmail('ann@example.com'))).error()).toBeUndefined();
		refetch.done();
		scope.done();
	});

	test('leads are fetched by id, at most 100 ids a request, each id once', async () => {
		const leadIds = Array.from({ length: 150 }, (_, index) => 1000 + index);
		const asked: string[][] = [];
		const scope = contactSearch()
			.reply(200, {
				_embedded: {
					contacts: [
						contactFixture(2, ['ann@example.com'], leadIds),
						contactFixture(3, ['ann@example.com'], leadIds.slice(0, 10)),
					],
				},
			})
			.get('/api/v4/leads')
			.query(true)
			.times(2)
			.reply(200, (uri) => {
				const ids = new URL(uri, 'https://acme.kommo.com').searchParams.getAll('filter[id][]');
				asked.push(ids);
				return { _embedded: { leads: ids.map((id) => leadFixture(Number(id), 142, 6950551)) } };
			})
			.get('/api/v4/leads/pipelines')
			.reply(200, pipelinesFixture);
		const result = await runKommo(findByEmail('ann@example.com'));
		expect(result.error()).toBeUndefined();
		expect(asked.map((ids) => ids.length)).toEqual([100, 50]);
		expect(asked.flat().map(Number)).toEqual(leadIds);
		const contacts = result.json('Kommo')[0].contacts as IDataObject[];
		const leadCount = (id: number) =>
			(contacts.find((contact) => contact.id === id)?.leads as IDataObject[]).length;
		expect([leadCount(2), leadCount(3)]).toEqual([150, 10]);
		scope.done();
	});
});
