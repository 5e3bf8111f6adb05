/**
 * routeOperations, the router of the Intercom and Kommo nodes: reads `resource`/`operation` per item
 * and, with Continue On Fail, turns any failure of an item (a bad expression in those parameters
 * included) into one error item of the same shape. (The Transcript node's own router:
 * test/nodes/Transcript/actions/router.test.ts.)
 */
import type { IDataObject } from 'n8n-workflow';

import { Intercom } from '../../../nodes/Intercom/Intercom.node';
import { itFailsItemByItem, registerNodes, runWorkflow } from '../../helpers/n8n';
// registers the Kommo node and a trigger-like Passthrough start node
import '../Kommo/kommoTestKit';

registerNodes(Intercom);

// reading a property of a missing object throws inside n8n's expression evaluator
const BAD_EXPRESSION = '={{ $json.missing.deeper }}';

const cases: Array<[string, string, IDataObject]> = [
	['intercom', 'resource', { resource: BAD_EXPRESSION, operation: 'get' }],
	['intercom', 'operation', { resource: 'conversation', operation: BAD_EXPRESSION }],
	['kommo', 'resource', { resource: BAD_EXPRESSION, operation: 'findByEmail' }],
	['kommo', 'operation', { resource: 'contact', operation: BAD_EXPRESSION }],
];

describe.each(cases)('%s with a bad expression in "%s"', (type, _parameter, parameters) => {
	const run = async (continueOnFail: boolean) =>
		await runWorkflow({
			nodes: [
				{ name: 'Start', type: 'passthrough' },
				{ name: 'Node', type, parameters, continueOnFail },
			],
			input: [{ json: { n: 1 } }, { json: { n: 2 } }],
		});

	itFailsItemByItem('Node', run);
});

describe('an operation the table does not have', () => {
	const run = async (type: string, parameters: IDataObject, continueOnFail = false) =>
		await runWorkflow({
			nodes: [
				{ name: 'Start', type: 'passthrough' },
				{ name: 'Node', type, parameters, continueOnFail },
			],
			input: [{ json: { n: 1 } }],
		});

	test.each([
		['intercom', { resource: 'conversation', operation: 'delete' }, 'delete', 'conversation'],
		['kommo', { resource: 'note', operation: 'get' }, 'get', 'note'],
	])('%s %j is refused by name, for that item', async (type, parameters, operation, resource) => {
		const result = await run(type, parameters);
		const error = result.error('Node') as
			| (Error & { context?: { itemIndex?: number } })
			| undefined;
		expect(error?.message).toBe(`The operation "${operation}" of "${resource}" is not supported`);
		expect(error?.context?.itemIndex).toBe(0);

		const tolerated = await run(type, parameters, true);
		expect(tolerated.output('Node')[0]).toEqual([
			{
				json: {
					error: `The operation "${operation}" of "${resource}" is not supported`,
					description: null,
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});
