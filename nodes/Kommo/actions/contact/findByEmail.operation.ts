import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import type { ExecutionShared } from '../common';
import { contactEmailProperty } from '../common';
import { findContacts, findOptions } from './find';

const properties: INodeProperties[] = [
	{
		...contactEmailProperty,
		required: true,
		description:
			'Kommo searches loosely, so only contacts whose email field equals this address (ignoring case) are returned',
	},
	findOptions,
];

const displayOptions = { show: { resource: ['contact'], operation: ['findByEmail'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
): Promise<IDataObject[]> {
	return await findContacts.call(this, itemIndex, shared, 'email');
}
