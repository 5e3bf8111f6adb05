import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { optionalKommoId } from '../../../shared/kommo/ids';
import { kommoApiRequest } from '../../../shared/kommo/transport';
import {
	contactEmailProperty,
	contactPhoneProperty,
	newContactBody,
	responsibleUserOption,
} from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		description: 'Full name of the contact; when empty, the email or phone is used',
	},
	contactEmailProperty,
	contactPhoneProperty,
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
			{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
			responsibleUserOption,
		],
	},
];

const displayOptions = { show: { resource: ['contact'], operation: ['create'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const name = String(this.getNodeParameter('name', itemIndex, '')).trim();
	const email = String(this.getNodeParameter('email', itemIndex, '') ?? '');
	const phone = String(this.getNodeParameter('phone', itemIndex, '') ?? '');
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	if (!name && !email.trim() && !phone.trim()) {
		throw new NodeOperationError(this.getNode(), 'Give the contact a name, an email or a phone', {
			itemIndex,
		});
	}

	const contact = newContactBody(name, email, phone);
	if (additional.firstName) contact.first_name = additional.firstName;
	if (additional.lastName) contact.last_name = additional.lastName;
	const responsibleUserId = optionalKommoId(
		this.getNode(),
		additional.responsibleUserId,
		'Responsible User',
		itemIndex,
	);
	if (responsibleUserId !== undefined) contact.responsible_user_id = responsibleUserId;

	const response = (await kommoApiRequest.call(
		this,
		'POST',
		'/api/v4/contacts',
		[contact],
		undefined,
		{
			itemIndex,
		},
	)) as IDataObject | undefined;
	const created = (
		(response?._embedded as IDataObject | undefined)?.contacts as IDataObject[] | undefined
	)?.[0];
	return [
		{
			id: created?.id ?? null,
			name: contact.name,
			email: email.trim() || null,
			phone: phone.trim() || null,
		},
	];
}
