import { kommoForm } from '../kommoForm';
import { deliver, triggerWorkflow, kommoApi, setUpTriggerTests } from '../setup';
import { ALL_EVENTS, BATCH, warmCaches } from '../webhookKit';

setUpTriggerTests({ failOnUnmatched: true });

describe('Kommo Trigger webhook: filters', () => {
	test('pipeline filter keeps only leads in the chosen pipelines', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS, pipelineId: ['7012345'] }, warmCaches());
		const { result } = await deliver(workflow, kommoForm(BATCH()));
		expect(result.workflowData![0].map((item) => item.json.leadId)).toEqual([1002]);
	});

	test('stage filter matches pipeline:stage, so "won" in another pipeline does not count', async () => {
		const workflow = triggerWorkflow(
			{ events: ALL_EVENTS, stageIds: ['6950551:58141811', '6950551:142'] },
			warmCaches(),
		);
		const { result } = await deliver(workflow, kommoForm(BATCH()));
		expect(result.workflowData![0].map((item) => item.json.leadId)).toEqual([1001]);
	});

	test('a bare stage id (as the dropdown gives) matches in any pipeline, or in the chosen ones', async () => {
		const anyPipeline = triggerWorkflow({ events: ALL_EVENTS, stageIds: [142] }, warmCaches());
		const { result } = await deliver(anyPipeline, kommoForm(BATCH()));
		expect(result.workflowData![0].map((item) => item.json.leadId)).toEqual([1002]);

		const otherPipeline = triggerWorkflow(
			{ events: ALL_EVENTS, pipelineId: [6950551], stageIds: [142, 58141803] },
			warmCaches(),
		);
		const filtered = await deliver(otherPipeline, kommoForm(BATCH()));
		expect(filtered.result.workflowData![0].map((item) => item.json.leadId)).toEqual([1003]);
	});

	test('nothing left after filtering: 200 and no execution', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS, pipelineId: ['1234567'] }, warmCaches());
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		expect(response.status).toBe(200);
		expect(result.workflowData).toBeUndefined();
		expect(JSON.parse(response.body)).toEqual({
			message: 'No event matched the trigger; nothing started',
		});
	});

	test('a filter expression that is not an id is a configuration error', async () => {
		const workflow = triggerWorkflow({ pipelineId: ['Sales'] }, warmCaches());
		await expect(deliver(workflow, kommoForm(BATCH()))).rejects.toThrow(
			'The trigger\'s filter is invalid: Pipeline "Sales" is not a Kommo id',
		);
	});
});

describe('Kommo Trigger webhook: Fetch Full Lead', () => {
	const fullLead = (id: number, pipelineId: number, statusId: number) => ({
		id,
		name: `Lead ${id}`,
		price: 12000,
		pipeline_id: pipelineId,
		status_id: statusId,
		_embedded: { contacts: [{ id: 7001, is_main: true }] },
	});

	test('answers Kommo first, then fetches each lead once; note events get their position and meet the filter', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/1001')
			.query({ with: 'contacts' })
			.once()
			.reply(200, fullLead(1001, 6950551, 58141811))
			.get('/api/v4/leads/1003')
			.query({ with: 'contacts' })
			.reply(200, fullLead(1003, 6950551, 58141803));
		const workflow = triggerWorkflow(
			{ events: ALL_EVENTS, pipelineId: ['6950551'], options: { fetchFullLead: true } },
			warmCaches(),
		);

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(response.status).toBe(200);
		expect(JSON.parse(response.body)).toEqual({ message: 'Received' });
		expect(result.noWebhookResponse).toBe(true);
		const items = result.workflowData![0].map((item) => item.json);
		expect(items.map((item) => [item.event, item.leadId])).toEqual([
			['status_lead', 1001],
			['update_lead', 1003],
			['note_lead', 1001],
		]);
		expect(items[2]).toMatchObject({
			pipelineId: 6950551,
			pipelineName: 'Pipeline',
			statusId: 58141811,
			statusName: 'Proposal sent',
			fullLead: fullLead(1001, 6950551, 58141811),
		});
		expect(items[2].fullLeadError).toBeUndefined();
	});

	test('without Fetch Full Lead, note events cannot meet a pipeline filter and are dropped', async () => {
		const workflow = triggerWorkflow(
			{ events: ['note_lead'], pipelineId: ['6950551'] },
			warmCaches(),
		);
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		expect(response.status).toBe(200);
		expect(result.workflowData).toBeUndefined();
	});

	test('a lead that cannot be fetched is still emitted, with the reason', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/1003')
			.query({ with: 'contacts' })
			.reply(404, { title: 'Not Found', status: 404, detail: 'Lead not found' });
		const workflow = triggerWorkflow(
			{ events: ['update_lead'], options: { fetchFullLead: true } },
			warmCaches(),
		);

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(response.status).toBe(200);
		const [item] = result.workflowData![0].map((entry) => entry.json);
		expect(item).toMatchObject({ leadId: 1003, fullLead: null });
		expect(typeof item.fullLeadError).toBe('string');
		expect(item.fullLeadError).not.toBe('');
	});

	test('filtered out after the fetch: Kommo already has its 200, no execution starts', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/1001')
			.query({ with: 'contacts' })
			.reply(200, fullLead(1001, 7012345, 59000001));
		const workflow = triggerWorkflow(
			{ events: ['note_lead'], pipelineId: ['6950551'], options: { fetchFullLead: true } },
			warmCaches(),
		);

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(response.status).toBe(200);
		expect(result).toEqual({ noWebhookResponse: true });
	});
});
