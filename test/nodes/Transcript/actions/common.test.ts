/**
 * RunContext, what every item of one Transcript run shares, as the router builds it: the delivery
 * state belongs to the workflow (its id is the receipts' workflowKey), and the workflow's static
 * data is read only by an operation that keeps something.
 */
import { createWorkflow, runWorkflow, staticDataChanged } from '../../../helpers/n8n';
import { jsonParameterValue } from '../../../../nodes/Transcript/actions/common';
import {
	feed,
	generatedConversation,
	resetDeliveryStateAroundEachTest,
	transcriptNode,
} from '../helpers';

resetDeliveryStateAroundEachTest();

const renderIn = async (id: string, parameters: Record<string, unknown>) => {
	const nodes = [feed, transcriptNode({ options: { timezone: 'UTC' }, ...parameters })];
	const workflow = createWorkflow({ nodes, id });
	const result = await runWorkflow({
		nodes,
		workflow,
		input: [{ json: generatedConversation('910', 2) }, { json: generatedConversation('911', 1) }],
	});
	return { workflow, result };
};

test('the receipts name the workflow the run belongs to', async () => {
	const { result } = await renderIn('wf-run-context-1', {});
	expect(result.error()).toBeUndefined();
	const receipts = result
		.json('Transcript')
		.map((item) => item.delivery as { workflowKey: string });
	expect(receipts).toHaveLength(2);
	for (const receipt of receipts) expect(receipt.workflowKey).toBe('wf-run-context-1');
});

test('a run that keeps nothing never reads the static data; one that tracks delivery does', async () => {
	const untracked = await renderIn('wf-run-context-2', {});
	expect(untracked.result.error()).toBeUndefined();
	expect(staticDataChanged(untracked.workflow)).toBe(false);
	expect(Object.keys(untracked.workflow.staticData)).toEqual([]);

	const tracked = await renderIn('wf-run-context-3', { onlyNewMessages: true });
	expect(tracked.result.error()).toBeUndefined();
	// n8n creates the global static data object on the first read
	expect(Object.keys(tracked.workflow.staticData)).toEqual(['global']);
});

describe('jsonParameterValue', () => {
	test('passes what an expression returned, parses typed JSON text, and gives undefined for other text', () => {
		const object = { workflowKey: 'wf', conversationId: '1' };
		expect(jsonParameterValue(object)).toBe(object);
		expect(jsonParameterValue(null)).toBeNull();
		expect(jsonParameterValue('{"a":1}')).toEqual({ a: 1 });
		expect(jsonParameterValue('[1,2]')).toEqual([1, 2]);
		expect(jsonParameterValue('not json')).toBeUndefined();
	});
});
