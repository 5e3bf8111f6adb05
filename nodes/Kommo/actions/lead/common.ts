import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requireKommoId } from '../../../shared/kommo/ids';

export const leadIdProperty: INodeProperties = {
	displayName: 'Lead ID',
	name: 'leadId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 19619',
	description: "The number in the lead's address in Kommo (…/leads/detail/19619)",
};

/** The Lead ID parameter of an item, checked. */
export function readLeadId(context: IExecuteFunctions, itemIndex: number): number {
	return requireKommoId(
		context.getNode(),
		context.getNodeParameter('leadId', itemIndex),
		'Lead ID',
		itemIndex,
	);
}
