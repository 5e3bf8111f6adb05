import { loadOptions } from '../../../helpers/n8n';
import { CHECKBOX_TICK, IGNORE_TAG } from '../../../../nodes/Kommo/helpers/tagMapping';
import { BASE, credentials, kommo, pipelinesFixture, setUpKommoTests } from '../kommoTestKit';

setUpKommoTests();

const node = (parameters = {}) => ({
	name: 'Kommo',
	type: 'kommo',
	parameters: { resource: 'lead', operation: 'create', ...parameters },
	credentials: { intercomKommoKommoApi: 'Kommo account' },
});

const load = async (method: string, parameters = {}) =>
	await loadOptions({ node: node(parameters), method, credentials: credentials as never });

test('getPipelines lists pipelines by board order, value = id', async () => {
	const scope = kommo().get('/api/v4/leads/pipelines').reply(200, pipelinesFixture);
	expect(await load('getPipelines')).toEqual([
		{ name: 'Sales', value: 6950551 },
		{ name: 'Support', value: 7000001 },
	]);
	scope.done();
});

test('getStages of the chosen pipeline, Won/Lost included', async () => {
	const scope = kommo().get('/api/v4/leads/pipelines').reply(200, pipelinesFixture);
	expect(await load('getStages', { pipelineId: 7000001 })).toEqual([
		{ name: 'New chat', value: 60000001 },
		{ name: 'Closed - won', value: 142 },
		{ name: 'Closed - lost', value: 143 },
	]);
	scope.done();
});

test('getStages without a pipeline: every stage as "Pipeline › Stage", Won/Lost once', async () => {
	const scope = kommo().get('/api/v4/leads/pipelines').reply(200, pipelinesFixture);
	expect(await load('getStages')).toEqual([
		{ name: 'Sales › Incoming leads', value: 58141803 },
		{ name: 'Sales › Qualified', value: 58141807 },
		{ name: 'Support › New chat', value: 60000001 },
		{ name: 'Any Pipeline › Closed - Won', value: 142 },
		{ name: 'Any Pipeline › Closed - Lost', value: 143 },
	]);
	scope.done();
});

test('getStages adds Won/Lost when Kommo leaves them out of a pipeline', async () => {
	const pipeline = {
		...pipelinesFixture._embedded.pipelines[1],
		_embedded: { statuses: [pipelinesFixture._embedded.pipelines[1]._embedded.statuses[0]] },
	};
	const scope = kommo()
		.get('/api/v4/leads/pipelines')
		.reply(200, { _embedded: { pipelines: [pipeline] } });
	expect(await load('getStages', { pipelineId: 7000001 })).toEqual([
		{ name: 'New chat', value: 60000001 },
		{ name: 'Closed - Won', value: 142 },
		{ name: 'Closed - Lost', value: 143 },
	]);
	scope.done();
});

test('Lead › Create lists "Main Pipeline" and "First Stage of the Pipeline" first, with the empty value the node reads as Kommo\'s defaults', async () => {
	const scope = kommo().get('/api/v4/leads/pipelines').times(2).reply(200, pipelinesFixture);
	const pipelines = await load('getPipelinesOrMain', { pipelineId: '' });
	const stages = (await load('getStagesOrFirst', { pipelineId: '' })) as Array<{ value: unknown }>;
	scope.done();
	expect(pipelines[0]).toMatchObject({ name: 'Main Pipeline', value: '' });
	expect(pipelines.slice(1)).toEqual([
		{ name: 'Sales', value: 6950551 },
		{ name: 'Support', value: 7000001 },
	]);
	expect(stages[0]).toMatchObject({ name: 'First Stage of the Pipeline', value: '' });
	expect(stages.slice(1).map((stage) => stage.value)).toEqual([
		58141803, 58141807, 60000001, 142, 143,
	]);
});

test('Lead › Create: the stage list after "First Stage of the Pipeline" follows the chosen pipeline', async () => {
	const scope = kommo().get('/api/v4/leads/pipelines').reply(200, pipelinesFixture);
	expect(await load('getStagesOrFirst', { pipelineId: 7000001 })).toEqual([
		expect.objectContaining({ name: 'First Stage of the Pipeline', value: '' }),
		{ name: 'New chat', value: 60000001 },
		{ name: 'Closed - won', value: 142 },
		{ name: 'Closed - lost', value: 143 },
	]);
	scope.done();
});

test('getUsers follows pagination', async () => {
	const scope = kommo()
		.get('/api/v4/users')
		.query({ limit: '250' })
		.reply(200, {
			_links: { next: { href: `${BASE}/api/v4/users?limit=250&page=2` } },
			_embedded: { users: [{ id: 2, name: 'Zoe', email: 'zoe@example.com' }] },
		})
		.get('/api/v4/users')
		.query({ limit: '250', page: '2' })
		.reply(200, {
			_links: {},
			_embedded: { users: [{ id: 1, name: 'Adam', email: 'adam@example.com' }] },
		});
	expect(await load('getUsers')).toEqual([
		{ name: 'Adam (adam@example.com)', value: 1 },
		{ name: 'Zoe (zoe@example.com)', value: 2 },
	]);
	scope.done();
});

test('getLeadCustomFields lists writable fields from every page (Kommo sends 50 per page)', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields')
		.query({ limit: '250' })
		.reply(200, {
			_links: { next: { href: `${BASE}/api/v4/leads/custom_fields?limit=250&page=2` } },
			_embedded: {
				custom_fields: [
					{
						id: 777,
						name: 'Source',
						type: 'select',
						enums: [
							{ id: 1, value: 'Intercom', sort: 1 },
							{ id: 2, value: 'Web', sort: 2 },
						],
					},
					{ id: 790, name: 'UTM', type: 'tracking_data', enums: null },
				],
			},
		})
		.get('/api/v4/leads/custom_fields')
		.query({ limit: '250', page: '2' })
		.reply(200, {
			_embedded: { custom_fields: [{ id: 778, name: 'Budget', type: 'numeric', enums: null }] },
		});
	expect(await load('getLeadCustomFields')).toEqual([
		{ name: 'Budget (numeric)', value: 778, description: undefined },
		{ name: 'Source (select)', value: 777, description: 'Options: Intercom, Web' },
	]);
	scope.done();
});

test('getTagFieldOptions for a checkbox offers "tick" next to "ignore"', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/803')
		.reply(200, { id: 803, name: 'Escalated', type: 'checkbox', enums: null });
	expect(
		await load('getTagFieldOptions', { operation: 'update', mapTags: true, tagFieldId: 803 }),
	).toEqual([
		{ name: '(Ignore This Tag)', value: IGNORE_TAG },
		{ name: '(Tick the Checkbox)', value: CHECKBOX_TICK },
	]);
	scope.done();
});

test('getTagFieldOptions lists the chosen field\'s options plus "ignore"', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/801')
		.reply(200, {
			id: 801,
			name: 'Segment',
			type: 'select',
			enums: [{ id: 1, value: 'VIP', sort: 1 }],
		});
	expect(
		await load('getTagFieldOptions', { operation: 'update', mapTags: true, tagFieldId: 801 }),
	).toEqual([
		{ name: '(Ignore This Tag)', value: IGNORE_TAG },
		{ name: 'VIP', value: 'VIP' },
	]);
	scope.done();
});
