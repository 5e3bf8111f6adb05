import { createWorkflow, runWorkflow } from '../../../helpers/n8n';
import {
	feed,
	generatedConversation,
	markDeliveredNode,
	perNotePipeline,
	resetDeliveryStateAroundEachTest,
	runOnce,
	storedWatermarks,
} from '../helpers';

resetDeliveryStateAroundEachTest();

describe('Mark as Delivered', () => {
	test('an error item from the note step (continue on fail) is not marked as delivered', async () => {
		const target = perNotePipeline({ writer: { fail: true }, writerContinues: true });
		const result = await runOnce(target, generatedConversation('218', 2));
		expect(result.error()).toBeUndefined();
		expect(result.json('Mark as Delivered')).toEqual([
			{
				error: 'Kommo answered 500',
				delivered: false,
				reason:
					'The previous step reported an error for this note, so it is not marked as delivered.',
			},
		]);
		expect(storedWatermarks(target.workflow)).toEqual({});
	});

	test('a receipt from another workflow or a missing receipt is not applied', async () => {
		const target = perNotePipeline();
		const nodes = [feed, { ...markDeliveredNode({ receipt: '={{ $json.receipt }}' }) }];
		const workflow = createWorkflow({ nodes, id: target.workflow.id });
		const result = await runWorkflow({
			nodes,
			workflow,
			input: [
				{
					json: {
						receipt: {
							workflowKey: 'another-workflow',
							conversationId: '221',
							after: null,
							upTo: { t: 1, id: '1' },
						},
					},
				},
				{ json: { receipt: null } },
			],
		});
		expect(result.json('Mark as Delivered').map((item) => [item.delivered, item.reason])).toEqual([
			[false, 'The delivery receipt comes from another workflow.'],
			[
				false,
				'No delivery receipt for this item. Check that "Delivery Receipt" points to the "delivery" field of the Transcript node that rendered the note.',
			],
		]);
		expect(storedWatermarks(workflow)).toEqual({});
	});
});
