import { kommoForm } from '../kommoForm';
import { deliver, triggerWorkflow, kommoApi, setUpTriggerTests } from '../setup';
import { ALL_EVENTS, BATCH, warmCaches } from '../webhookKit';

setUpTriggerTests({ failOnUnmatched: true });

describe('Kommo Trigger webhook: Stage → Intercom Tag', () => {
	const rows = (...mapping: Array<[string | number, string]>) => ({
		stageTags: { mapping: mapping.map(([stageId, tag]) => ({ stageId, tag })) },
	});
	const TYPICAL = rows([58141807, 'qualified'], [142, 'deal_won'], [143, 'deal_lost']);

	test('every item carries its tag; events whose stage has no row are dropped', async () => {
		const workflow = triggerWorkflow(
			{
				events: ALL_EVENTS,
				options: rows([58141811, 'proposal_sent'], [142, 'deal_won'], [143, 'deal_lost']),
			},
			warmCaches(),
		);
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		expect(response.status).toBe(200);
		// 1003 moved to "Incoming leads" (no row); the note event says no stage at all
		expect(result.workflowData![0].map((item) => item.json)).toEqual([
			expect.objectContaining({ event: 'status_lead', leadId: 1001, intercomTag: 'proposal_sent' }),
			expect.objectContaining({ event: 'status_lead', leadId: 1002, intercomTag: 'deal_won' }),
		]);
	});

	test("a row pinned to the lead's pipeline wins over a bare stage id, in either order", async () => {
		for (const options of [
			rows([142, 'deal_won'], ['7012345:142', 'partner_signed']),
			rows(['7012345:142', 'partner_signed'], [142, 'deal_won']),
		]) {
			const workflow = triggerWorkflow({ options }, warmCaches());
			const { result } = await deliver(workflow, kommoForm(BATCH()));
			expect(
				result.workflowData![0].map((item) => [item.json.leadId, item.json.intercomTag]),
			).toEqual([[1002, 'partner_signed']]);
		}
	});

	test('no event has a row: Kommo gets its 200 and no execution starts', async () => {
		// Won is pinned to the other pipeline, and nobody moved to Qualified or Lost
		const workflow = triggerWorkflow(
			{ options: rows(['6950551:142', 'deal_won'], [58141807, 'qualified'], [143, 'deal_lost']) },
			warmCaches(),
		);
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		expect(response.status).toBe(200);
		expect(result.workflowData).toBeUndefined();
		expect(JSON.parse(response.body)).toEqual({
			message: 'No event matched the trigger; nothing started',
		});
	});

	test('the mapping and the filters both apply', async () => {
		const workflow = triggerWorkflow(
			{
				events: ALL_EVENTS,
				pipelineId: ['6950551'],
				options: rows([58141811, 'proposal_sent'], [142, 'deal_won'], [58141803, 'new']),
			},
			warmCaches(),
		);
		const { result } = await deliver(workflow, kommoForm(BATCH()));
		expect(
			result.workflowData![0].map((item) => [item.json.leadId, item.json.intercomTag]),
		).toEqual([
			[1001, 'proposal_sent'],
			[1003, 'new'],
		]);
	});

	test('with Fetch Full Lead a note event takes its stage, and its tag, from the lead', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/1001')
			.query({ with: 'contacts' })
			.reply(200, { id: 1001, pipeline_id: 6950551, status_id: 58141807 });
		const workflow = triggerWorkflow(
			{ events: ['note_lead'], options: { ...TYPICAL, fetchFullLead: true } },
			warmCaches(),
		);
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		api.done();
		expect(response.status).toBe(200);
		expect(result.workflowData![0].map((item) => item.json)).toEqual([
			expect.objectContaining({
				event: 'note_lead',
				leadId: 1001,
				statusId: 58141807,
				statusName: 'Qualified',
				intercomTag: 'qualified',
			}),
		]);
	});

	test('without rows the items have no intercomTag and nothing is dropped', async () => {
		for (const options of [{}, { stageTags: {} }, { stageTags: { mapping: [] } }]) {
			const workflow = triggerWorkflow({ events: ALL_EVENTS, options }, warmCaches());
			const { result } = await deliver(workflow, kommoForm(BATCH()));
			const items = result.workflowData![0].map((item) => item.json);
			expect(items).toHaveLength(4);
			for (const item of items) expect(item).not.toHaveProperty('intercomTag');
		}
	});

	test.each([
		[rows([142, ' ']), 'row 1 of Stage → Intercom Tag has no Intercom tag name'],
		[rows([142, 'deal_won'], ['', 'x']), 'row 2 of Stage → Intercom Tag has no stage'],
		[rows(['Won', 'deal_won']), 'Stage "Won" is not a Kommo id'],
	])('an unusable row is a configuration error (%#)', async (options, reason) => {
		const workflow = triggerWorkflow({ options }, warmCaches());
		await expect(deliver(workflow, kommoForm(BATCH()))).rejects.toThrow(
			`The trigger's Stage → Intercom Tag option is invalid: ${reason}`,
		);
	});
});
