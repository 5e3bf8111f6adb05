import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { LeadFieldDirectory } from '../helpers/customFields';
import { asNodeError, errorItem } from '../../shared/errors';
import { PipelineDirectory } from '../helpers/leads';
import type { ExecutionShared, OperationExecute } from './common';
import * as contact from './contact/Contact.resource';
import * as lead from './lead/Lead.resource';
import type { KommoType } from './node.type';
import * as note from './note/Note.resource';

type OperationsOf<R extends KommoType['resource']> = Extract<
	KommoType,
	{ resource: R }
>['operation'];

const operations: {
	[R in KommoType['resource']]: Record<OperationsOf<R>, { execute: OperationExecute }>;
} = {
	contact: {
		findByEmail: contact.findByEmail,
		findByPhone: contact.findByPhone,
		create: contact.create,
	},
	lead: {
		create: lead.create,
		get: lead.get,
		getIntercomConversation: lead.getIntercomConversation,
		update: lead.update,
	},
	note: { add: note.add },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];
	const shared: ExecutionShared = {
		fields: new LeadFieldDirectory(this),
		pipelines: new PipelineDirectory(this),
	};

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as KommoType['resource'];
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
