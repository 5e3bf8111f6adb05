import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { asNodeError } from '../../../shared/errors';
import { intercomApiRequest, intercomErrorCodes } from '../../../shared/intercom/transport';
import type { ExecutionShared } from '../common';
import { actAsFields, conversationLocator, readTagRequest, tagNamesField } from '../common';

const properties: INodeProperties[] = [
	conversationLocator,
	{
		...tagNamesField,
		description: `${tagNamesField.description} A tag that does not exist is reported as not removed; it is never created.`,
	},
	...actAsFields,
];

const displayOptions = { show: { resource: ['conversation'], operation: ['removeTag'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
): Promise<IDataObject[]> {
	const { node, conversationId, names, adminId } = await readTagRequest(this, itemIndex, shared);

	const results: IDataObject[] = [];
	for (const name of names) {
		const tag = await shared.tags.find(name);
		if (!tag) {
			results.push({ conversationId, tag: { id: null, name }, removed: false });
			continue;
		}
		let removed = true;
		try {
			await intercomApiRequest.call(
				this,
				'DELETE',
				`/conversations/${conversationId}/tags/${encodeURIComponent(tag.id)}`,
				{ admin_id: adminId },
			);
		} catch (error) {
			// the tag exists in the workspace but is not on this conversation: nothing to remove
			if (!intercomErrorCodes(error).includes('tag_not_found')) {
				throw asNodeError(node, error, itemIndex);
			}
			removed = false;
		}
		results.push({ conversationId, tag: { id: tag.id, name: tag.name }, removed });
	}
	return results;
}
