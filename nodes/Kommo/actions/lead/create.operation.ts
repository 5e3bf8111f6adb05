import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { buildCustomFieldsValues } from '../../helpers/customFields';
import { readRecordId, recordLocatorProperty } from '../../helpers/recordLocator';
import { optionalKommoId } from '../../../shared/kommo/ids';
import { kommoApiRequest } from '../../../shared/kommo/transport';
import { readCommaList } from '../../../shared/values';
import type { ExecutionShared } from '../common';
import {
	customFieldsProperty,
	newContactBody,
	readCustomFieldRows,
	responsibleUserOption,
} from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Lead Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Intercom chat with Ann',
	},
	{
		displayName: 'Pipeline Name or ID',
		name: 'pipelineId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getPipelinesOrMain' },
		default: '',
		description:
			'"Main Pipeline" (the default) is the account\'s main pipeline. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Stage Name or ID',
		name: 'statusId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getStagesOrFirst', loadOptionsDependsOn: ['pipelineId'] },
		default: '',
		description:
			'"First Stage of the Pipeline" (the default) is the first stage of the chosen pipeline. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Contact',
		name: 'contactMode',
		type: 'options',
		default: 'none',
		options: [
			{ name: 'None', value: 'none', description: 'Create the lead without a contact' },
			{
				name: 'Existing Contact',
				value: 'existing',
				description: 'Link a contact that is already in Kommo',
			},
			{
				name: 'New Contact',
				value: 'new',
				description: 'Create the contact together with the lead, in one request',
			},
		],
	},
	{
		...recordLocatorProperty({
			displayName: 'Contact ID',
			name: 'contactId',
			kinds: ['contact'],
			searchListMethod: 'searchContacts',
			description: 'The contact to link the lead to, e.g. the "contactId" of a Find by Email step',
		}),
		displayOptions: { show: { contactMode: ['existing'] } },
	},
	{
		displayName: 'Contact Name',
		name: 'contactName',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { contactMode: ['new'] } },
	},
	{
		displayName: 'Contact Email',
		name: 'contactEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		displayOptions: { show: { contactMode: ['new'] } },
	},
	{
		displayName: 'Contact Phone',
		name: 'contactPhone',
		type: 'string',
		placeholder: '+14155550100',
		default: '',
		displayOptions: { show: { contactMode: ['new'] } },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Price',
				name: 'price',
				type: 'number',
				default: 0,
				description: 'Deal value in the account currency',
			},
			responsibleUserOption,
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'e.g. intercom, inbound',
				description: 'Tag names, comma-separated (or a list from an expression)',
			},
		],
	},
	customFieldsProperty,
];

const displayOptions = { show: { resource: ['lead'], operation: ['create'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
): Promise<IDataObject[]> {
	const node = this.getNode();
	const name = String(this.getNodeParameter('name', itemIndex, '')).trim();
	if (!name) throw new NodeOperationError(node, 'The lead needs a name', { itemIndex });
	const pipelineId = optionalKommoId(
		node,
		this.getNodeParameter('pipelineId', itemIndex, ''),
		'Pipeline',
		itemIndex,
	);
	const statusId = optionalKommoId(
		node,
		this.getNodeParameter('statusId', itemIndex, ''),
		'Stage',
		itemIndex,
	);
	const contactMode = this.getNodeParameter('contactMode', itemIndex, 'none') as string;
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const customFields = await buildCustomFieldsValues(
		this,
		shared.fields,
		readCustomFieldRows(this, itemIndex),
		itemIndex,
	);

	const lead: IDataObject = { name };
	if (pipelineId !== undefined) lead.pipeline_id = pipelineId;
	if (statusId !== undefined) lead.status_id = statusId;
	if (additional.price !== undefined && additional.price !== '')
		lead.price = Number(additional.price);
	const responsibleUserId = optionalKommoId(
		node,
		additional.responsibleUserId,
		'Responsible User',
		itemIndex,
	);
	if (responsibleUserId !== undefined) lead.responsible_user_id = responsibleUserId;
	if (customFields.length) lead.custom_fields_values = customFields;
	const embedded: IDataObject = {};
	const tags = readCommaList(additional.tags);
	if (tags.length) embedded.tags = tags.map((tag) => ({ name: tag }));

	if (contactMode === 'new') {
		const contactName = String(this.getNodeParameter('contactName', itemIndex, '')).trim();
		const email = String(this.getNodeParameter('contactEmail', itemIndex, '') ?? '');
		const phone = String(this.getNodeParameter('contactPhone', itemIndex, '') ?? '');
		const contact = newContactBody(contactName, email, phone);
		if (!contact.name) {
			throw new NodeOperationError(node, 'The new contact needs a name, an email or a phone', {
				itemIndex,
			});
		}
		embedded.contacts = [contact];
		lead._embedded = embedded;
		// answers a bare array; with duplicate control on, `merged: true` means an existing lead was reused
		const response = (await kommoApiRequest.call(
			this,
			'POST',
			'/api/v4/leads/complex',
			[lead],
			undefined,
			{
				itemIndex,
			},
		)) as IDataObject[] | undefined;
		const created = Array.isArray(response) ? response[0] : undefined;
		return [
			{
				id: created?.id ?? null,
				contactId: created?.contact_id ?? null,
				merged: created?.merged === true,
				name,
				pipelineId: pipelineId ?? null,
				statusId: statusId ?? null,
			},
		];
	}

	let contactId: number | undefined;
	if (contactMode === 'existing') {
		contactId = readRecordId(this, 'contactId', itemIndex, 'Contact ID', 'contact');
		embedded.contacts = [{ id: contactId, is_main: true }];
	}
	if (Object.keys(embedded).length) lead._embedded = embedded;
	const response = (await kommoApiRequest.call(this, 'POST', '/api/v4/leads', [lead], undefined, {
		itemIndex,
	})) as IDataObject | undefined;
	const created = (
		(response?._embedded as IDataObject | undefined)?.leads as IDataObject[] | undefined
	)?.[0];
	return [
		{
			id: created?.id ?? null,
			contactId: contactId ?? null,
			merged: false,
			name,
			pipelineId: pipelineId ?? null,
			statusId: statusId ?? null,
		},
	];
}
