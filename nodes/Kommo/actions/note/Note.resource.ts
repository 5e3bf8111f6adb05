import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';

export { add };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['note'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Add a text note to a lead or contact, once',
				action: 'Add a note',
			},
		],
		default: 'add',
	},
	...add.description,
];
