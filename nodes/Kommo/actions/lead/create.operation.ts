import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { buildCustomFieldsValues } from '../../helpers/customFields';
import { readRecordId, recordLocatorProperty } from '../../helpers/recordLocator';
import { optionalKommoId } from '../../../shared/kommo/ids';
import { kommoApiRequest } from '../../../shared/kommo/transport';
import { readCommaList } from '../../../shared/values';
import { createUnsortedLead, DEFAULT_UNSORTED_SOURCE_NAME } from '../../helpers/unsorted';
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
		displayName: 'Create In',
		name: 'createIn',
		type: 'options',
		default: 'stage',
		options: [
			{
				name: 'Pipeline Stage',
				value: 'stage',
				description: 'Create the lead in a stage of the pipeline (the first stage unless chosen)',
			},
			{
				name: 'Incoming Leads (Unsorted)',
				value: 'unsorted',
				description:
					'Create it in the pipeline\'s "Incoming leads" stage, where a manager accepts or declines it. The pipeline must have Incoming leads turned on.',
			},
		],
	},
	{
		displayName: 'Stage Name or ID',
		name: 'statusId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getStagesOrFirst', loadOptionsDependsOn: ['pipelineId'] },
		default: '',
		description:
			'"First Stage of the Pipeline" (the default) is the first stage of the chosen pipeline. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		// hide rather than show: workflows saved before "Create In" existed do not carry it
		displayOptions: { hide: { createIn: ['unsorted'] } },
	},
	{
		displayName: 'Source Name',
		name: 'sourceName',
		type: 'string',
		default: DEFAULT_UNSORTED_SOURCE_NAME,
		placeholder: 'e.g. Intercom',
		description: 'Where the incoming lead comes from, as Kommo shows it in Incoming leads',
		displayOptions: { show: { createIn: ['unsorted'] } },
	},
	{
		displayName: 'Source UID',
		name: 'sourceUid',
		type: 'string',
		default: '',
		placeholder: 'e.g. intercom-215468',
		description:
			'Identifies this incoming lead at its source; use one per lead, e.g. the Intercom conversation ID. Empty: "n8n-&lt;execution ID&gt;-&lt;item index&gt;".',
		displayOptions: { show: { createIn: ['unsorted'] } },
	},
	{
		displayName: 'Incoming Lead Options',
		name: 'incomingLeadOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { createIn: ['unsorted'] } },
		options: [
			{
				displayName: 'Form Name',
				name: 'formName',
				type: 'string',
				default: '',
				description: 'The form Kommo shows the incoming lead came from. Empty: the source name.',
			},
			{
				displayName: 'Form Page',
				name: 'formPage',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://example.com/contact',
				description: 'The page the form was on. Empty: the source name.',
			},
		],
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
	const inUnsorted = this.getNodeParameter('createIn', itemIndex, 'stage') === 'unsorted';
	// the Incoming leads stage is the pipeline's own; a stage chosen before switching is ignored
	const statusId = inUnsorted
		? undefined
		: optionalKommoId(node, this.getNodeParameter('statusId', itemIndex, ''), 'Stage', itemIndex);
	const contactMode = this.getNodeParameter('contactMode', itemIndex, 'none') as string;
	if (inUnsorted && contactMode === 'existing') {
		// checked before anything is read or written: Kommo's form body creates its contact
		throw new NodeOperationError(
			node,
			'An incoming lead (Unsorted) cannot be linked to an existing contact',
			{
				itemIndex,
				description:
					'Kommo creates an incoming lead\'s contact together with it; the form request has no way to link a contact that is already in Kommo. Set Contact to "New Contact" (name, email, phone) or "None", or set Create In to "Pipeline Stage" to link the existing contact.',
			},
		);
	}
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const customFields = await buildCustomFieldsValues(
		this,
		shared.fields,
		readCustomFieldRows(this, itemIndex),
		itemIndex,
	);

	const lead: IDataObject = { name };
	// an incoming lead names its pipeline beside the lead, not on it
	if (pipelineId !== undefined && !inUnsorted) lead.pipeline_id = pipelineId;
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

	const newContact = contactMode === 'new' ? readNewContact(this, itemIndex) : undefined;

	if (inUnsorted) {
		if (Object.keys(embedded).length) lead._embedded = embedded;
		return [await createInUnsorted(this, itemIndex, lead, newContact, pipelineId)];
	}

	if (newContact) {
		embedded.contacts = [newContact];
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

/** The "New Contact" fields of an item, as the contact's body; fails without a name, email or phone. */
function readNewContact(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const contactName = String(context.getNodeParameter('contactName', itemIndex, '')).trim();
	const email = String(context.getNodeParameter('contactEmail', itemIndex, '') ?? '');
	const phone = String(context.getNodeParameter('contactPhone', itemIndex, '') ?? '');
	const contact = newContactBody(contactName, email, phone);
	if (!contact.name) {
		throw new NodeOperationError(
			context.getNode(),
			'The new contact needs a name, an email or a phone',
			{ itemIndex },
		);
	}
	return contact;
}

/** Create In = Incoming Leads (Unsorted): one `leads/unsorted/forms` request, output like a Create. */
async function createInUnsorted(
	context: IExecuteFunctions,
	itemIndex: number,
	lead: IDataObject,
	contact: IDataObject | undefined,
	pipelineId: number | undefined,
): Promise<IDataObject> {
	const sourceName =
		String(context.getNodeParameter('sourceName', itemIndex, '') ?? '').trim() ||
		DEFAULT_UNSORTED_SOURCE_NAME;
	const sourceUid = String(context.getNodeParameter('sourceUid', itemIndex, '') ?? '').trim();
	const options = context.getNodeParameter('incomingLeadOptions', itemIndex, {}) as IDataObject;
	const created = await createUnsortedLead(
		context,
		{
			lead,
			contact,
			pipelineId,
			sourceName,
			sourceUid,
			formName: String(options.formName ?? '').trim(),
			formPage: String(options.formPage ?? '').trim(),
		},
		itemIndex,
	);
	return {
		id: created.leadId,
		contactId: created.contactId,
		merged: false,
		name: lead.name,
		pipelineId: pipelineId ?? null,
		// Kommo puts it in the pipeline's Incoming leads stage until a manager accepts it
		statusId: null,
		inUnsorted: true,
		unsortedUid: created.uid,
		sourceUid: created.sourceUid,
	};
}
