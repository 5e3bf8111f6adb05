import type { INodeProperties } from 'n8n-workflow';

import * as connectChannel from './connectChannel.operation';
import * as sendConversation from './sendConversation.operation';
import * as setDeliveryStatus from './setDeliveryStatus.operation';

export { connectChannel, sendConversation, setDeliveryStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		options: [
			{
				name: 'Connect Channel',
				value: 'connectChannel',
				description: 'Connect your Kommo Chat API channel to this Kommo account',
				action: 'Connect the chat channel',
			},
			{
				name: 'Send Intercom Conversation',
				value: 'sendConversation',
				description:
					"Put an Intercom conversation into its Kommo chat on the contact's deal: new messages once, in order",
				action: 'Send a conversation to its chat',
			},
			{
				name: 'Set Delivery Status',
				value: 'setDeliveryStatus',
				description: "Mark a manager's chat message as delivered, read or failed",
				action: 'Set the delivery status of a message',
			},
		],
		default: 'sendConversation',
	},
	...connectChannel.description,
	...sendConversation.description,
	...setDeliveryStatus.description,
];
