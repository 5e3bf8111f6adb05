import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { AdminResolver } from '../helpers/admin';
import { asNodeError, errorItem } from '../../shared/errors';
import { TagDirectory } from '../helpers/tags';
import type { ExecutionShared, OperationExecute } from './common';
import { addTag, get, removeTag } from './conversation/Conversation.resource';
import type { IntercomType } from './node.type';

type OperationsOf<R extends IntercomType['resource']> = Extract<
	IntercomType,
	{ resource: R }
>['operation'];

const operations: {
	[R in IntercomType['resource']]: Record<OperationsOf<R>, { execute: OperationExecute }>;
} = {
	conversation: { get, addTag, removeTag },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];
	const shared: ExecutionShared = { admins: new AdminResolver(this), tags: new TagDirectory(this) };

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as IntercomType['resource'];
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const handler = (operations[resource] as Record<string, { execute: OperationExecute }>)?.[
				operation
			];
			if (!handler) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" of "${resource}" is not supported`,
					{ itemIndex },
				);
			}
			const results = await handler.execute.call(this, itemIndex, shared);
			returnData.push(...results.map((json) => ({ json, pairedItem: { item: itemIndex } })));
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push(errorItem(this.getNode(), error, itemIndex));
				continue;
			}
			throw asNodeError(this.getNode(), error, itemIndex);
		}
	}
	return [returnData];
}
