import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { amojoRequest } from '../../../shared/kommo/chat/transport';
import { withConnectedScope } from '../../helpers/chatChannel';

/** amojo's codes: https://developers.kommo.com/reference/update-delivery-status */
const STATUS_CODES: Record<string, number> = { delivered: 1, read: 2, error: -1 };

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '={{ $json.messageId }}',
		required: true,
		description: "Kommo's ID of the message a manager wrote, as the Kommo Chat Trigger outputs it",
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'delivered',
		options: [
			{ name: 'Delivered', value: 'delivered' },
			{ name: 'Read', value: 'read' },
			{
				name: 'Error',
				value: 'error',
				description: 'The manager sees the message marked as failed, with the text below',
			},
		],
	},
	{
		displayName: 'Error Text',
		name: 'errorText',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Could not deliver to Intercom',
		description: 'What the manager reads beside the failed message in Kommo',
		displayOptions: { show: { status: ['error'] } },
	},
];

const displayOptions = { show: { resource: ['chat'], operation: ['setDeliveryStatus'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const messageId = String(this.getNodeParameter('messageId', itemIndex, '') ?? '').trim();
	if (!/^[0-9A-Za-z-]{1,64}$/.test(messageId)) {
		throw new NodeOperationError(
			this.getNode(),
			`"${messageId.slice(0, 80)}" is not a Kommo chat message ID`,
			{
				itemIndex,
				description:
					'Map the "messageId" of the Kommo Chat Trigger, e.g. {{ $(\'Kommo Chat Trigger\').item.json.messageId }}.',
			},
		);
	}
	const status = this.getNodeParameter('status', itemIndex) as string;
	const body: IDataObject = { msgid: messageId, delivery_status: STATUS_CODES[status] };
	if (status === 'error') {
		const text = String(this.getNodeParameter('errorText', itemIndex, '') ?? '').trim();
		// 905 "other": the one code whose text Kommo shows the manager
		body.error_code = 905;
		body.error = text || 'Could not deliver the message';
	}
	const { value: scopeId } = await withConnectedScope(this, itemIndex, async (scope) => {
		await amojoRequest.call(
			this,
			'POST',
			`/v2/origin/custom/${encodeURIComponent(scope)}/${encodeURIComponent(messageId)}/delivery_status`,
			body,
			{ itemIndex },
		);
		return scope;
	});
	return [{ messageId, status, scopeId, ...(status === 'error' ? { error: body.error } : {}) }];
}
