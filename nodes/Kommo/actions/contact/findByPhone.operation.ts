import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import type { ExecutionShared } from '../common';
import { contactPhoneProperty } from '../common';
import { findContacts, findOptions } from './find';

const properties: INodeProperties[] = [
	{
		...contactPhoneProperty,
		required: true,
		description:
			'Kommo searches loosely, so only contacts with a phone whose digits equal these digits are returned (spaces, dashes and brackets are ignored; the country code must match)',
	},
	findOptions,
];

const displayOptions = { show: { resource: ['contact'], operation: ['findByPhone'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
): Promise<IDataObject[]> {
	return await findContacts.call(this, itemIndex, shared, 'phone');
}
