import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readRecordId, recordLocatorProperty } from '../../helpers/recordLocator';

export const leadIdProperty: INodeProperties = recordLocatorProperty({
	displayName: 'Lead ID',
	name: 'leadId',
	kinds: ['lead'],
	searchListMethod: 'searchLeads',
	description: 'The lead (deal): pick it, paste its address from Kommo, or map its ID',
});

/** The Lead ID parameter of an item, checked. */
export function readLeadId(context: IExecuteFunctions, itemIndex: number): number {
	return readRecordId(context, 'leadId', itemIndex, 'Lead ID', 'lead');
}
