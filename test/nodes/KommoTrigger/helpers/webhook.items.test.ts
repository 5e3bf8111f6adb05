import nock from 'nock';

import { deliverWebhook, runWorkflow, staticDataChanged } from '../../../helpers/n8n';
import { bigStatusBatch, kommoForm, loadText } from '../kommoForm';
import {
	CREDENTIALS,
	deliver,
	triggerStaticData,
	triggerWorkflow,
	kommoApi,
	setUpTriggerTests,
} from '../setup';
import { now } from '../../../../nodes/shared/clock';
import { ACCOUNT, activatedAccount, ALL_EVENTS, BATCH, PIPELINES, warmCaches } from '../webhookKit';

setUpTriggerTests({ failOnUnmatched: true });

describe('Kommo Trigger webhook: no static data written', () => {
	// in queue mode a static-data change in webhook() is a database write before Kommo's answer
	test.each([
		['a first delivery that fetches the account and the names', {}],
		['a delivery that reads the account activation stored', activatedAccount()],
	])('%s leaves static data untouched; a second delivery needs no request', async (_, stored) => {
		const api = kommoApi().get('/api/v4/leads/pipelines').reply(200, PIPELINES);
		if (!('node:Kommo Trigger' in stored)) api.get('/api/v4/account').reply(200, ACCOUNT);
		const workflow = triggerWorkflow({ events: ALL_EVENTS }, structuredClone(stored));
		const before = JSON.stringify(triggerStaticData(workflow));

		const first = await deliver(workflow, kommoForm(BATCH()));
		const second = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(first.result.workflowData![0]).toHaveLength(4);
		expect(second.result.workflowData![0][0].json.statusName).toBe('Proposal sent');
		expect(staticDataChanged(workflow)).toBe(false);
		expect(JSON.stringify(triggerStaticData(workflow))).toBe(before);
	});
});

describe('Kommo Trigger webhook: payload to items', () => {
	test('several leads and several events in one POST: one item per lead event, names resolved', async () => {
		const api = kommoApi()
			.get('/api/v4/account')
			.reply(200, ACCOUNT)
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES);
		const workflow = triggerWorkflow({ events: ALL_EVENTS });

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(response.status).toBe(200);
		// names had to be fetched, so Kommo was answered before that
		expect(result.noWebhookResponse).toBe(true);
		const items = result.workflowData![0].map((item) => item.json);
		expect(items.map((item) => [item.event, item.leadId])).toEqual([
			['status_lead', 1001],
			['status_lead', 1002],
			['update_lead', 1003],
			['note_lead', 1001],
		]);
		expect(items[0]).toEqual({
			event: 'status_lead',
			leadId: 1001,
			pipelineId: 6950551,
			pipelineName: 'Pipeline',
			statusId: 58141811,
			statusName: 'Proposal sent',
			oldPipelineId: 6950551,
			oldStatusId: 58141807,
			oldStatusName: 'Qualified',
			account: { id: 31361463, subdomain: 'devteam' },
			lead: expect.objectContaining({
				id: '1001',
				name: 'Acme + Co: 50 seats',
				custom_fields: [
					{ id: '1119321', name: 'Source', values: [{ value: 'Intercom chat' }] },
					{ id: '1119325', name: 'Plan', values: [{ value: 'Pro', enum: '889911' }] },
				],
			}),
		});
		// won (142) is named after the lead's own pipeline
		expect(items[1]).toMatchObject({
			statusId: 142,
			statusName: 'Partner signed',
			oldStatusName: 'Negotiation',
		});
		expect(items[2]).toMatchObject({
			statusName: 'Incoming leads',
			oldStatusId: null,
			oldStatusName: null,
		});
		expect(items[3]).toMatchObject({
			pipelineId: null,
			pipelineName: null,
			statusId: null,
			statusName: null,
			lead: {
				note: expect.objectContaining({
					element_id: '1001',
					text: 'Called back, wants a demo & a quote',
				}),
			},
		});

		// a second delivery uses the cached account and names: no HTTP, n8n's normal answer
		const again = await deliver(workflow, kommoForm(BATCH()));
		expect(again.result.noWebhookResponse).toBeUndefined();
		expect(again.result.workflowData![0]).toHaveLength(4);
		expect(again.response.body).toBe(JSON.stringify({ message: 'Workflow was started' }));
	});

	test('account and names survive static data that n8n overwrote with an older copy', async () => {
		const api = kommoApi()
			.get('/api/v4/account')
			.reply(200, ACCOUNT)
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES);
		await deliver(triggerWorkflow({ events: ALL_EVENTS }), kommoForm(BATCH()));
		api.done();

		// the execution that followed saved its own, empty, copy: the process still remembers
		const again = await deliver(triggerWorkflow({ events: ALL_EVENTS }, {}), kommoForm(BATCH()));
		expect(again.result.noWebhookResponse).toBeUndefined();
		expect(again.result.workflowData![0][0].json).toMatchObject({
			pipelineName: 'Pipeline',
			statusName: expect.any(String),
		});
	});

	test('the captured 2016 request: subdomain-only account (with Require Account ID off), unknown pipeline names stay null', async () => {
		// that account lives on its own host; its pipeline list does not know pipeline 2116
		const api = nock('https://test000002.kommo.com')
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES);
		const workflow = triggerWorkflow({ requireAccountId: false });

		const { response, result } = await deliverWebhook({
			workflow,
			nodeName: 'Kommo Trigger',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: loadText('status-lead.captured-2016.form.txt'),
			credentials: {
				intercomKommoKommoApi: { ...CREDENTIALS.intercomKommoKommoApi, subdomain: 'test000002' },
			},
		});

		api.done();
		expect(response.status).toBe(200);
		expect(result.workflowData![0].map((item) => item.json)).toEqual([
			expect.objectContaining({
				event: 'status_lead',
				leadId: 31926520,
				pipelineId: 2116,
				pipelineName: null,
				statusId: 10216994,
				statusName: null,
				oldStatusId: 10216995,
				oldStatusName: null,
				account: { id: null, subdomain: 'test000002' },
			}),
		]);
	});

	test('keeps all 1500+ fields of a big batch (n8n itself keeps 1000)', async () => {
		const pairs = bigStatusBatch(40, 12);
		expect(pairs.length).toBeGreaterThan(1500);
		const workflow = triggerWorkflow({}, warmCaches());

		const { response, result } = await deliver(workflow, kommoForm(pairs));

		expect(response.status).toBe(200);
		const items = result.workflowData![0].map((item) => item.json);
		expect(items).toHaveLength(40);
		expect(items[39]).toMatchObject({
			leadId: 500039,
			statusName: 'Proposal sent',
			oldStatusName: 'Qualified',
		});
		expect((items[39].lead as { custom_fields: unknown[] }).custom_fields).toHaveLength(12);
	});

	test('only the selected events become items', async () => {
		const workflow = triggerWorkflow({ events: ['update_lead'] }, warmCaches());
		const { result } = await deliver(workflow, kommoForm(BATCH()));
		expect(result.workflowData![0].map((item) => [item.json.event, item.json.leadId])).toEqual([
			['update_lead', 1003],
		]);
	});

	test('a name missing from a cache older than a minute triggers one refetch', async () => {
		const staticData = warmCaches({
			fetchedAt: now() - 5 * 60 * 1000,
			edit: (pipelines) => (pipelines[1].statuses = []),
		});
		const api = kommoApi().get('/api/v4/leads/pipelines').reply(200, PIPELINES);
		const workflow = triggerWorkflow({}, staticData);

		const { result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(result.workflowData![0][1].json).toMatchObject({ statusName: 'Partner signed' });
	});

	test('names that cannot be loaded are null, and the event still starts the workflow', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/pipelines')
			.times(4)
			.reply(500, { title: 'Internal Server Error' });
		const staticData = activatedAccount();
		const workflow = triggerWorkflow({}, staticData);

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		expect(response.status).toBe(200);
		expect(result.workflowData![0][0].json).toMatchObject({
			leadId: 1001,
			pipelineName: null,
			statusName: null,
			oldStatusName: null,
		});
		expect(api.isDone()).toBe(true);
	});
});

test('trigger output flows through a workflow into the next node', async () => {
	const workflow = triggerWorkflow(
		{ events: ALL_EVENTS, stageIds: ['6950551:58141811'] },
		warmCaches(),
	);
	const { result } = await deliver(workflow, kommoForm(BATCH()));

	const run = await runWorkflow({
		nodes: [
			{
				name: 'Kommo Trigger',
				type: 'kommoTrigger',
				parameters: { events: ALL_EVENTS },
				credentials: { intercomKommoKommoApi: 'kommo' },
			},
			{ name: 'Passthrough', type: 'passthrough' },
		],
		credentials: CREDENTIALS,
		input: result.workflowData![0],
	});

	expect(run.error()).toBeUndefined();
	expect(run.json('Passthrough')).toEqual([
		expect.objectContaining({
			event: 'status_lead',
			leadId: 1001,
			statusName: 'Proposal sent',
			pipelineName: 'Pipeline',
		}),
	]);
});
