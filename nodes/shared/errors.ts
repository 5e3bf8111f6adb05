import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * Transport errors are already NodeApiErrors with the API's explanation, and our own errors already
 * speak plainly; they pass through (tagged with the item) instead of being wrapped again. Anything
 * else (an expression that failed, say) becomes a NodeOperationError for that item.
 */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), {
		itemIndex,
	});
}

/** The item Continue On Fail puts out for a failed input item, the same in every node. */
export function errorItem(node: INode, error: unknown, itemIndex: number): INodeExecutionData {
	const failure = asNodeError(node, error, itemIndex);
	const json: IDataObject = { error: failure.message, description: failure.description ?? null };
	return { json, pairedItem: { item: itemIndex } };
}
