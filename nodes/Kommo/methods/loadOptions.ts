import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { CHECKBOX_TICK, IGNORE_TAG } from '../helpers/tagMapping';
import { readKommoId } from '../../shared/kommo/ids';
import { kommoApiRequest, kommoApiRequestAllItems } from '../../shared/kommo/transport';

export async function getUsers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const users = await kommoApiRequestAllItems.call(this, '/api/v4/users', 'users');
	return users
		.map((user) => ({
			name: user.email ? `${String(user.name)} (${String(user.email)})` : String(user.name),
			value: user.id as number,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Field types whose value the node can write from a typed-in string. */
const WRITABLE_FIELD_TYPES = new Set([
	'text',
	'textarea',
	'numeric',
	'url',
	'price',
	'monetary',
	'checkbox',
	'select',
	'radiobutton',
	'multiselect',
	'date',
	'date_time',
	'birthday',
	'streetaddress',
]);

/** The account's lead fields of the given types, named "Field (type)". */
async function leadFieldOptions(
	context: ILoadOptionsFunctions,
	types: Set<string>,
	listEnums: boolean,
): Promise<INodePropertyOptions[]> {
	const fields = await kommoApiRequestAllItems.call(
		context,
		'/api/v4/leads/custom_fields',
		'custom_fields',
	);
	return fields
		.filter((field) => types.has(String(field.type)))
		.map((field) => ({
			name: `${String(field.name)} (${String(field.type)})`,
			value: field.id as number,
			description:
				listEnums && Array.isArray(field.enums)
					? `Options: ${(field.enums as IDataObject[]).map((option) => String(option.value)).join(', ')}`
					: undefined,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

export async function getLeadCustomFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await leadFieldOptions(this, WRITABLE_FIELD_TYPES, true);
}

/** Fields a tag mapping can fill: one choice, several choices, yes/no, or text. */
const TAG_FIELD_TYPES = new Set([
	'select',
	'radiobutton',
	'multiselect',
	'checkbox',
	'text',
	'textarea',
]);

export async function getTagMappingFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await leadFieldOptions(this, TAG_FIELD_TYPES, false);
}

/** Options of the field chosen in `tagFieldId`, for the Tag → Option exceptions table. */
export async function getTagFieldOptions(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const fieldId = readKommoId(this.getNodeParameter('tagFieldId', ''));
	if (fieldId === null) return [{ name: '(Ignore This Tag)', value: IGNORE_TAG }];
	const field = (await kommoApiRequest.call(
		this,
		'GET',
		`/api/v4/leads/custom_fields/${fieldId}`,
	)) as IDataObject | undefined;
	const enums = Array.isArray(field?.enums) ? (field.enums as IDataObject[]) : [];
	return [
		{ name: '(Ignore This Tag)', value: IGNORE_TAG },
		// a checkbox has no options; a row says whether its tag ticks it
		...(field?.type === 'checkbox' ? [{ name: '(Tick the Checkbox)', value: CHECKBOX_TICK }] : []),
		...enums.map((option) => ({ name: String(option.value), value: String(option.value) })),
	];
}
