import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { connectChannel } from '../../helpers/chatChannel';

const properties: INodeProperties[] = [
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		placeholder: 'Intercom',
		description:
			"The channel's name in this account; empty keeps the name Kommo support registered",
	},
];

const displayOptions = { show: { resource: ['chat'], operation: ['connectChannel'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/**
 * Connects the credential's channel to the Kommo account (amojo's "connect"), which Kommo wants
 * after each install of the integration. Send Intercom Conversation connects by itself when amojo
 * does not know the channel, so this is for checking the set-up and reading the scope ID.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const title = String(this.getNodeParameter('title', itemIndex, '') ?? '').trim();
	return [await connectChannel.call(this, itemIndex, title || undefined)];
}
