import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { isLeadOpen } from '../../helpers/leads';
import { kommoApiRequest } from '../../../shared/kommo/transport';
import { leadIdProperty, readLeadId } from './common';

const properties: INodeProperties[] = [leadIdProperty];

const displayOptions = { show: { resource: ['lead'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const leadId = readLeadId(this, itemIndex);
	const lead = (await kommoApiRequest.call(
		this,
		'GET',
		`/api/v4/leads/${leadId}`,
		undefined,
		{ with: 'contacts' },
		{ itemIndex },
	)) as IDataObject | undefined;
	if (!lead) {
		throw new NodeOperationError(this.getNode(), `Kommo has no lead with ID ${leadId}`, {
			itemIndex,
		});
	}
	const contacts = ((lead._embedded as IDataObject | undefined)?.contacts ?? []) as IDataObject[];
	const fields = { ...lead };
	delete fields._links;
	return [
		{
			...fields,
			isOpen: isLeadOpen(lead),
			contactIds: contacts.map((contact) => contact.id),
			mainContactId:
				contacts.find((contact) => contact.is_main === true)?.id ?? contacts[0]?.id ?? null,
		},
	];
}
