import type { INodeProperties } from 'n8n-workflow';

export const leadIdProperty: INodeProperties = {
	displayName: 'Lead ID',
	name: 'leadId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 19619',
	description: "The number in the lead's address in Kommo (…/leads/detail/19619)",
};
