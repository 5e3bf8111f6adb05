import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as findByEmail from './findByEmail.operation';
import * as findByPhone from './findByPhone.operation';

export { create, findByEmail, findByPhone };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a contact with a name, email and phone',
				action: 'Create a contact',
			},
			{
				name: 'Find by Email',
				value: 'findByEmail',
				description: 'Find contacts with exactly this email, with their leads',
				action: 'Find contacts by email',
			},
			{
				name: 'Find by Phone',
				value: 'findByPhone',
				description: 'Find contacts with exactly this phone number, with their leads',
				action: 'Find contacts by phone',
			},
		],
		default: 'findByEmail',
	},
	...findByEmail.description,
	...findByPhone.description,
	...create.description,
];
