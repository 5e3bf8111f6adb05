/**
 * The Transcript node's router: one item in, its items out on the output its operation names
 * ("Transcript" or "No New Messages"), and the Continue On Fail shape every node shares.
 */
import type { IDataObject } from 'n8n-workflow';

import { IntercomTranscript } from '../../../../nodes/Transcript/IntercomTranscript.node';
import { itFailsItemByItem, runWorkflow } from '../../../helpers/n8n';
import { feed, generatedConversation, transcriptNode } from '../helpers';

// reading a property of a missing object throws inside n8n's expression evaluator
const BAD_EXPRESSION = '={{ $json.missing.deeper }}';

describe('intercomTranscript with a bad expression in "operation"', () => {
	const run = async (continueOnFail: boolean) =>
		await runWorkflow({
			nodes: [feed, transcriptNode({ operation: BAD_EXPRESSION }, { continueOnFail })],
			input: [{ json: { n: 1 } }, { json: { n: 2 } }],
		});

	itFailsItemByItem('Transcript', run);
});

describe('outputs', () => {
	const declared = new IntercomTranscript().description;

	test('the two declared outputs are the two arrays the router returns', async () => {
		expect(declared.outputs).toHaveLength(2);
		expect(declared.outputNames).toEqual(['Transcript', 'No New Messages']);
		const quiet = generatedConversation('905', 0);
		quiet.source!.body = '<p> </p>';
		const result = await runWorkflow({
			nodes: [feed, transcriptNode({ options: { timezone: 'UTC' } })],
			input: [{ json: generatedConversation('906', 2) }, { json: quiet }],
		});
		expect(result.error('Transcript')).toBeUndefined();
		const outputs = result.output('Transcript');
		expect(outputs).toHaveLength(2);
		expect(outputs[0].map((item) => [item.json.conversationId, item.pairedItem])).toEqual([
			['906', { item: 0 }],
		]);
		expect(outputs[1].map((item) => [item.json.conversationId, item.pairedItem])).toEqual([
			['905', { item: 1 }],
		]);
	});

	test('every operation the node offers is routed; any other is refused by name', async () => {
		const operationProperty = declared.properties.find((property) => property.name === 'operation');
		const offered = (operationProperty?.options as Array<{ value: string }>).map(
			(option) => option.value,
		);
		expect(offered.sort()).toEqual(['render']);
		for (const operation of [...offered, 'archive']) {
			const result = await runWorkflow({
				nodes: [feed, transcriptNode({ operation } as IDataObject, { continueOnFail: true })],
				input: [{ json: {} }],
			});
			const messages = result.output('Transcript')[0].map((item) => item.json.error);
			if (operation === 'archive') {
				expect(messages).toEqual(['The operation "archive" is not supported']);
			} else {
				expect(messages.join(' ')).not.toContain('is not supported');
			}
		}
	});
});
