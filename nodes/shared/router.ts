import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem } from './errors';

/** An operation module's `execute`: one input item in, its output items out. */
export type OperationExecute<Shared> = (
	this: IExecuteFunctions,
	itemIndex: number,
	shared: Shared,
) => Promise<IDataObject[]>;

/** A node's type union of `{ resource, operation }` pairs (`node.type.ts`). */
interface ResourceOperation {
	resource: string;
	operation: string;
}

/**
 * Every resource of a node's type union mapped to the modules of its operations: the compiler
 * refuses a table that misses an operation or names one the union does not have.
 */
export type OperationTable<NodeType extends ResourceOperation, Shared> = {
	[R in NodeType['resource']]: Record<
		Extract<NodeType, { resource: R }>['operation'],
		{ execute: OperationExecute<Shared> }
	>;
};

/**
 * The resource/operation router of the Intercom and Kommo nodes: reads both parameters per item
 * (inside the try, so a bad expression fails that item only), runs the operation, pairs its output
 * with the item, and applies Continue On Fail the same way everywhere.
 */
export async function routeOperations<Shared>(
	context: IExecuteFunctions,
	operations: Record<string, Record<string, { execute: OperationExecute<Shared> }>>,
	shared: Shared,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = context.getNodeParameter('resource', itemIndex) as string;
			const operation = context.getNodeParameter('operation', itemIndex) as string;
			const handler = operations[resource]?.[operation];
			if (!handler) {
				throw new NodeOperationError(
					context.getNode(),
					`The operation "${operation}" of "${resource}" is not supported`,
					{ itemIndex },
				);
			}
			const results = await handler.execute.call(context, itemIndex, shared);
			returnData.push(...results.map((json) => ({ json, pairedItem: { item: itemIndex } })));
		} catch (error) {
			if (context.continueOnFail()) {
				returnData.push(errorItem(context.getNode(), error, itemIndex));
				continue;
			}
			throw asNodeError(context.getNode(), error, itemIndex);
		}
	}
	return [returnData];
}
