import type { INodeProperties } from 'n8n-workflow';

import * as addTag from './addTag.operation';
import * as get from './get.operation';
import * as removeTag from './removeTag.operation';
import * as reply from './reply.operation';

export { addTag, get, removeTag, reply };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Add Tag',
				value: 'addTag',
				description: 'Tag a conversation, creating the tag if needed',
				action: 'Add a tag to a conversation',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a conversation with all its messages and notes',
				action: 'Get a conversation',
			},
			{
				name: 'Remove Tag',
				value: 'removeTag',
				description: 'Remove a tag from a conversation',
				action: 'Remove a tag from a conversation',
			},
			{
				name: 'Reply',
				value: 'reply',
				description: 'Reply to the customer, or add an internal note, as an admin',
				action: 'Reply to a conversation',
			},
		],
		default: 'get',
	},
	...get.description,
	...addTag.description,
	...removeTag.description,
	...reply.description,
];
