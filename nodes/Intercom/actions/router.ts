import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { AdminResolver } from '../helpers/admin';
import { routeOperations } from '../../shared/router';
import type { OperationTable } from '../../shared/router';
import { TagDirectory } from '../helpers/tags';
import type { ExecutionShared } from './common';
import { addTag, get, removeTag, reply } from './conversation/Conversation.resource';
import type { IntercomType } from './node.type';

const operations: OperationTable<IntercomType, ExecutionShared> = {
	conversation: { get, addTag, removeTag, reply },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const shared: ExecutionShared = { admins: new AdminResolver(this), tags: new TagDirectory(this) };

	return await routeOperations(this, operations, shared);
}
