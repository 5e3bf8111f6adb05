import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem } from '../../shared/errors';
import * as render from './render.operation';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const transcripts: INodeExecutionData[] = [];
	const noNewMessages: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const pairedItem = { item: itemIndex };
		const wrap = (json: IDataObject) => ({ json, pairedItem });
		try {
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			if (operation === 'render') {
				const result = await render.execute.call(this, itemIndex);
				transcripts.push(...result.transcript.map(wrap));
				noNewMessages.push(...result.noNewMessages.map(wrap));
			} else {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" is not supported`,
					{
						itemIndex,
					},
				);
			}
		} catch (error) {
			if (this.continueOnFail()) {
				transcripts.push(errorItem(this.getNode(), error, itemIndex));
				continue;
			}
			throw asNodeError(this.getNode(), error, itemIndex);
		}
	}
	return [transcripts, noNewMessages];
}
