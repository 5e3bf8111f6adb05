import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { buildCustomFieldsValues } from '../../helpers/customFields';
import { mapTagsToField } from '../../helpers/tagMapping';
import type { TagException } from '../../helpers/tagMapping';
import { optionalKommoId } from '../../../shared/kommo/ids';
import { kommoApiRequest } from '../../../shared/kommo/transport';
import { readCommaList } from '../../../shared/values';
import type { ExecutionShared } from '../common';
import { customFieldsProperty, readCustomFieldRows, responsibleUserOption } from '../common';
import { leadIdProperty, readLeadId } from './common';

const properties: INodeProperties[] = [
	leadIdProperty,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Lead Name', name: 'name', type: 'string', default: '' },
			{
				displayName: 'Pipeline Name or ID',
				name: 'pipelineId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getPipelines' },
				default: '',
				description:
					'Moves the lead to this pipeline. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Price',
				name: 'price',
				type: 'number',
				default: 0,
			},
			responsibleUserOption,
			{
				displayName: 'Stage Name or ID',
				name: 'statusId',
				type: 'options',
				typeOptions: {
					loadOptionsMethod: 'getStages',
					loadOptionsDependsOn: ['updateFields.pipelineId'],
				},
				default: '',
				description:
					'Moves the lead to this stage. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Tags to Add',
				name: 'tagsToAdd',
				type: 'string',
				default: '',
				placeholder: 'e.g. intercom, vip',
				description:
					"Tag names, comma-separated (or a list from an expression). Added next to the lead's existing tags, which are kept.",
			},
		],
	},
	customFieldsProperty,
	{
		displayName: 'Map Intercom Tags to a Field',
		name: 'mapTags',
		type: 'boolean',
		default: false,
		description:
			'Whether to write Intercom conversation tags into one lead field: a choice field gets the options named like the tags, a checkbox is ticked when a tag is present, a text field gets the tag names',
	},
	{
		displayName: 'Lead Field Name or ID',
		name: 'tagFieldId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTagMappingFields' },
		default: '',
		required: true,
		description:
			'A select, multi-select, radio, checkbox or text field of leads. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { mapTags: [true] } },
	},
	{
		displayName: 'Tag Names',
		name: 'tagNames',
		type: 'string',
		default: '={{ ($json.tags?.tags ?? $json.tags ?? []).map(tag => tag.name ?? tag) }}',
		description:
			'The Intercom tags: a list, or names separated by commas. The default reads the tags of an Intercom conversation in the input.',
		displayOptions: { show: { mapTags: [true] } },
	},
	{
		displayName: 'Tag → Option Exceptions',
		name: 'tagExceptions',
		type: 'fixedCollection',
		placeholder: 'Add Exception',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			'Tags whose field option has another name, or that should be ignored. Any other tag goes to the option of the same name (case does not matter).',
		displayOptions: { show: { mapTags: [true] } },
		options: [
			{
				displayName: 'Exception',
				name: 'exception',
				values: [
					{
						displayName: 'Intercom Tag',
						name: 'tag',
						type: 'string',
						default: '',
						placeholder: 'e.g. vip-customer',
					},
					{
						displayName: 'Field Option Name or ID',
						name: 'option',
						type: 'options',
						typeOptions: {
							loadOptionsMethod: 'getTagFieldOptions',
							loadOptionsDependsOn: ['tagFieldId'],
						},
						default: '',
						description:
							'The option this tag stands for, "(Ignore This Tag)", or for a checkbox "(Tick the Checkbox)". Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
						hint: 'Checkbox: once a row says "(Tick the Checkbox)", only such tags tick it. Text field: this replaces the tag name. Empty: the tag as it is.',
					},
				],
			},
		],
	},
	{
		displayName: 'When No Tag Matches',
		name: 'whenNoTagMatches',
		type: 'options',
		default: 'keep',
		options: [
			{ name: 'Keep the Field as It Is', value: 'keep' },
			{ name: 'Clear the Field', value: 'clear' },
		],
		displayOptions: { show: { mapTags: [true] } },
	},
];

const displayOptions = { show: { resource: ['lead'], operation: ['update'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
): Promise<IDataObject[]> {
	const node = this.getNode();
	const leadId = readLeadId(this, itemIndex);
	const updates = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;

	const body: IDataObject = {};
	if (typeof updates.name === 'string' && updates.name.trim()) body.name = updates.name.trim();
	if (updates.price !== undefined && updates.price !== '') body.price = Number(updates.price);
	const pipelineId = optionalKommoId(node, updates.pipelineId, 'Pipeline', itemIndex);
	if (pipelineId !== undefined) body.pipeline_id = pipelineId;
	const statusId = optionalKommoId(node, updates.statusId, 'Stage', itemIndex);
	if (statusId !== undefined) body.status_id = statusId;
	const responsibleUserId = optionalKommoId(
		node,
		updates.responsibleUserId,
		'Responsible User',
		itemIndex,
	);
	if (responsibleUserId !== undefined) body.responsible_user_id = responsibleUserId;
	// `_embedded.tags` would replace every tag on the lead; `tags_to_add` keeps the existing ones
	const tagsToAdd = readCommaList(updates.tagsToAdd);
	if (tagsToAdd.length) body.tags_to_add = tagsToAdd.map((tag) => ({ name: tag }));

	const customFields = await buildCustomFieldsValues(
		this,
		shared.fields,
		readCustomFieldRows(this, itemIndex),
		itemIndex,
	);

	let tagMapping: IDataObject | undefined;
	if (this.getNodeParameter('mapTags', itemIndex, false) === true) {
		const fieldId = optionalKommoId(
			node,
			this.getNodeParameter('tagFieldId', itemIndex, ''),
			'Lead Field',
			itemIndex,
		);
		if (fieldId === undefined) {
			throw new NodeOperationError(node, 'Choose the lead field the Intercom tags go into', {
				itemIndex,
			});
		}
		const field = await shared.fields.get(fieldId, itemIndex);
		const tags = readCommaList(this.getNodeParameter('tagNames', itemIndex, []));
		const table = this.getNodeParameter('tagExceptions', itemIndex, {}) as IDataObject;
		const exceptions: TagException[] = ((table.exception ?? []) as IDataObject[])
			.map((row) => ({ tag: String(row.tag ?? ''), option: String(row.option ?? '') }))
			.filter((row) => row.tag.trim() !== '');
		const clear = this.getNodeParameter('whenNoTagMatches', itemIndex, 'keep') === 'clear';
		const result = mapTagsToField(field, tags, exceptions, clear);
		if (result.values !== null) {
			const existing = customFields.findIndex((entry) => entry.field_id === fieldId);
			if (existing !== -1) customFields.splice(existing, 1);
			// an empty value list clears the field; Kommo wants null for that
			customFields.push({ field_id: fieldId, values: result.values.length ? result.values : null });
		}
		tagMapping = {
			fieldId,
			fieldName: field.name,
			fieldType: field.type,
			written: result.values !== null,
			mappedTags: result.mappedTags,
			unmatchedTags: result.unmatchedTags,
			// only when cut: without it the output keeps its earlier shape
			...(result.leftOutTags ? { tagsTruncated: true, leftOutTags: result.leftOutTags } : {}),
		};
	}
	if (customFields.length) body.custom_fields_values = customFields;

	if (!Object.keys(body).length) {
		return [{ id: leadId, updated: false, ...(tagMapping ? { tagMapping } : {}) }];
	}
	const response = (await kommoApiRequest.call(
		this,
		'PATCH',
		`/api/v4/leads/${leadId}`,
		body,
		undefined,
		{
			itemIndex,
		},
	)) as IDataObject | undefined;
	return [
		{
			id: response?.id ?? leadId,
			updated: true,
			updatedAt: response?.updated_at ?? null,
			...(tagMapping ? { tagMapping } : {}),
		},
	];
}
