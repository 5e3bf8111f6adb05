import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { parseConversationId } from '../../../shared/intercomConversation';
import { parseTagNames } from '../../helpers/tags';
import { intercomApiRequest } from '../../transport';
import type { ExecutionShared } from '../common';
import { actAsFields, conversationLocator, tagNamesField } from '../common';

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
	const node = this.getNode();
	const conversationId = parseConversationId(
		node,
		this.getNodeParameter('conversationId', itemIndex, undefined, { extractValue: false }),
		itemIndex,
	);
	const names = parseTagNames(node, this.getNodeParameter('tagNames', itemIndex), itemIndex);
	// before any tag is created, so a bad admin setting leaves the workspace untouched
	const adminId = await shared.admins.adminIdFor(itemIndex);

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
