import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { LeadFieldDirectory } from '../helpers/customFields';
import type { PipelineDirectory } from '../helpers/leads';
import type { OperationExecute as SharedOperationExecute } from '../../shared/router';

/** State shared by all items of one execution, so lookups happen once. */
export interface ExecutionShared {
	fields: LeadFieldDirectory;
	pipelines: PipelineDirectory;
}

export type OperationExecute = SharedOperationExecute<ExecutionShared>;

export const customFieldsProperty: INodeProperties = {
	displayName: 'Custom Fields',
	name: 'customFields',
	type: 'fixedCollection',
	placeholder: 'Add Custom Field',
	typeOptions: { multipleValues: true },
	default: {},
	description:
		'Lead fields to fill. Choice fields take an option name (or several, comma-separated, for multi-select), checkboxes true/false, dates any date or Unix timestamp.',
	options: [
		{
			displayName: 'Field',
			name: 'field',
			values: [
				{
					displayName: 'Field Name or ID',
					name: 'fieldId',
					type: 'options',
					typeOptions: { loadOptionsMethod: 'getLeadCustomFields' },
					default: '',
					description:
						'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
				},
			],
		},
	],
};

export function readCustomFieldRows(
	context: IExecuteFunctions,
	itemIndex: number,
): Array<{ fieldId: string | number; value: unknown }> {
	const collection = context.getNodeParameter('customFields', itemIndex, {}) as IDataObject;
	return ((collection.field ?? []) as IDataObject[]).map((row) => ({
		fieldId: row.fieldId as string | number,
		value: row.value,
	}));
}

export const contactEmailProperty: INodeProperties = {
	displayName: 'Email',
	name: 'email',
	type: 'string',
	placeholder: 'name@email.com',
	default: '',
};

export const contactPhoneProperty: INodeProperties = {
	displayName: 'Phone',
	name: 'phone',
	type: 'string',
	placeholder: '+14155550100',
	default: '',
};

/** `custom_fields_values` for a contact's email and phone (Kommo's predefined multitext fields). */
export function contactChannels(email: string, phone: string): IDataObject[] {
	const values: IDataObject[] = [];
	if (email.trim()) {
		values.push({ field_code: 'EMAIL', values: [{ value: email.trim(), enum_code: 'WORK' }] });
	}
	if (phone.trim()) {
		values.push({ field_code: 'PHONE', values: [{ value: phone.trim(), enum_code: 'WORK' }] });
	}
	return values;
}

/** The "Responsible User" entry of a contact's or lead's field collection. */
export const responsibleUserOption: INodeProperties = {
	displayName: 'Responsible User Name or ID',
	name: 'responsibleUserId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getUsers' },
	default: '',
	description:
		'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
};

/** A new contact's body: its name (or else its email, or else its phone) and its email and phone. */
export function newContactBody(name: string, email: string, phone: string): IDataObject {
	const contact: IDataObject = { name: name || email.trim() || phone.trim() };
	const channels = contactChannels(email, phone);
	if (channels.length) contact.custom_fields_values = channels;
	return contact;
}
