import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { intercomApiRequest } from '../../../shared/intercom/transport';
import type { ExecutionShared } from '../common';
import { actAsFields, conversationLocator, readTagRequest, tagNamesField } from '../common';

const properties: INodeProperties[] = [
	conversationLocator,
	{
		...tagNamesField,
		description: `${tagNamesField.description} Tags that do not exist yet are created.`,
	},
	...actAsFields,
];

const displayOptions = { show: { resource: ['conversation'], operation: ['addTag'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
): Promise<IDataObject[]> {
	const { conversationId, names, adminId } = await readTagRequest(this, itemIndex, shared);

	const results: IDataObject[] = [];
	for (const name of names) {
		const tag = await shared.tags.findOrCreate(name);
		await intercomApiRequest.call(this, 'POST', `/conversations/${conversationId}/tags`, {
			id: tag.id,
			admin_id: adminId,
		});
		results.push({ conversationId, tag: { id: tag.id, name: tag.name }, applied: true });
	}
	return results;
}
