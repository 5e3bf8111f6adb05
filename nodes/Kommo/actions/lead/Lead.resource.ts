import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as get from './get.operation';
import * as getIntercomConversation from './getIntercomConversation.operation';
import * as update from './update.operation';

export { create, get, getIntercomConversation, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['lead'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a lead, linked to an existing contact or together with a new one',
				action: 'Create a lead',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a lead with its stage and contacts',
				action: 'Get a lead',
			},
			{
				name: 'Get Intercom Conversation',
				value: 'getIntercomConversation',
				description:
					'Find the Intercom conversation whose transcript notes are on the lead (the newest one); "found" is false when there is none',
				// Sentence case throughout (n8n's scanner ignores eslint-disable comments): no proper noun here.
				action: 'Get the chat conversation linked to a lead',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change fields, add tags, or map Intercom tags into a field',
				action: 'Update a lead',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getIntercomConversation.description,
	...update.description,
];
