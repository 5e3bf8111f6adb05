import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { conversationCustomer } from '../../../shared/intercomConversation';
import type { IntercomConversation } from '../../../shared/intercom/messages';
import { chatConversationId, chatUserId } from '../../../shared/kommo/chat/messageId';
import {
	amojoRequest,
	getKommoChatChannel,
	isAmojoRefusal,
} from '../../../shared/kommo/chat/transport';
import { isObject, jsonParameterValue } from '../../../shared/values';
import { withConnectedScope } from '../../helpers/chatChannel';
import { deliveredMessageIds } from '../../helpers/chatHistory';
import { linkChatToContact } from '../../helpers/chatContact';
import {
	newMessageBody,
	pendingMessages,
	plannedMessages,
	silentFlags,
} from '../../helpers/chatMessages';
import type { NotifyMode } from '../../helpers/chatMessages';
import { readRecordId, recordLocatorProperty } from '../../helpers/recordLocator';

const properties: INodeProperties[] = [
	{
		displayName: 'Intercom Conversation',
		name: 'conversation',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description:
			'The conversation as Intercom › Conversation › Get outputs it; by default the input item',
	},
	recordLocatorProperty({
		displayName: 'Contact ID',
		name: 'contactId',
		kinds: ['contact'],
		searchListMethod: 'searchContacts',
		description:
			"The customer's contact: the chat is linked to it and shows on its deal, and no incoming lead is created",
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Include Bot Messages',
				name: 'includeBotMessages',
				type: 'boolean',
				default: true,
				description: "Whether Fin's and other bots' answers go into the chat",
			},
			{
				displayName: 'Include Internal Notes',
				name: 'includeInternalNotes',
				type: 'boolean',
				default: false,
				description:
					'Whether Intercom internal notes go into the chat (marked "Internal note:"); only your team sees them there',
			},
			{
				displayName: 'Notify',
				name: 'notify',
				type: 'options',
				default: 'newestCustomerMessage',
				options: [
					{
						name: "The Customer's Newest Message",
						value: 'newestCustomerMessage',
						description: 'One notification per run, as Kommo advises for imports',
					},
					{ name: 'Every Customer Message', value: 'everyCustomerMessage' },
					{ name: 'None (Silent Import)', value: 'none' },
				],
				description: 'Which messages notify your Kommo users; the rest arrive silently',
			},
			{
				displayName: 'Skip Messages Written Through the API',
				name: 'skipApiParts',
				type: 'boolean',
				default: true,
				description:
					"Whether to leave out Intercom messages an app wrote through Intercom's API, such as the replies your managers send from Kommo: they are already in the chat",
			},
		],
	},
];

const displayOptions = { show: { resource: ['chat'], operation: ['sendConversation'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function readConversation(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const value = jsonParameterValue(this.getNodeParameter('conversation', itemIndex));
	const conversation = isObject(value) && isObject(value.conversation) ? value.conversation : value;
	if (
		!isObject(conversation) ||
		(typeof conversation.id !== 'string' && typeof conversation.id !== 'number')
	) {
		throw new NodeOperationError(
			this.getNode(),
			'Intercom Conversation is not an Intercom conversation',
			{
				itemIndex,
				description:
					"Point it at the output of Intercom › Conversation › Get, e.g. {{ $('Get conversation').item.json }}.",
			},
		);
	}
	return isObject(value) && isObject(value.customer)
		? { ...conversation, customer: value.customer }
		: conversation;
}

/**
 * Sends one message; 'repeat' when amojo refused it because another run (a redelivered webhook,
 * the catch-up) sent it first, as the chat's history then shows. Any other failure is thrown.
 */
async function sendOrFindRepeat(
	this: IExecuteFunctions,
	scopeId: string,
	chatId: string,
	prefix: string,
	msgid: string,
	body: object,
	itemIndex: number,
): Promise<IDataObject | undefined | 'repeat'> {
	let failure: unknown;
	try {
		return await amojoRequest.call(
			this,
			'POST',
			`/v2/origin/custom/${encodeURIComponent(scopeId)}`,
			body,
			{
				itemIndex,
			},
		);
	} catch (error) {
		failure = error;
	}
	if (isAmojoRefusal(failure)) {
		const delivered = await deliveredMessageIds.call(this, scopeId, chatId, prefix, itemIndex);
		if (delivered.has(msgid)) return 'repeat';
	}
	throw failure;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const conversation = readConversation.call(this, itemIndex);
	const contactId = readRecordId(this, 'contactId', itemIndex, 'Contact ID', 'contact');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const channel = await getKommoChatChannel.call(this);

	const customer = conversationCustomer(conversation, conversation.customer);
	if (customer.id === null) {
		throw new NodeOperationError(this.getNode(), 'This Intercom conversation names no customer', {
			itemIndex,
			description:
				'A Kommo chat is with one person; Intercom lists no contact for this conversation.',
		});
	}
	const conversationRef = chatConversationId(conversation.id as string | number);
	const client = {
		id: chatUserId('contact', customer.id),
		name: customer.name ?? customer.email ?? `Intercom contact ${customer.id}`,
		email: customer.email,
	};

	// the chat first (idempotent on conversation_id), connecting the channel if amojo has no scope
	const { value: opened, connectedNow } = await withConnectedScope(
		this,
		itemIndex,
		async (scopeId: string) => {
			const chat = await amojoRequest.call(
				this,
				'POST',
				`/v2/origin/custom/${encodeURIComponent(scopeId)}/chats`,
				{
					conversation_id: conversationRef,
					user: {
						id: client.id,
						name: client.name,
						...(client.email ? { profile: { email: client.email } } : {}),
					},
				},
				{ itemIndex },
			);
			return { scopeId, chatId: typeof chat?.id === 'string' ? chat.id : '' };
		},
	);
	const { scopeId, chatId } = opened;
	if (chatId === '') {
		throw new NodeOperationError(
			this.getNode(),
			"Kommo's chat service created the chat but sent back no chat ID",
			{
				itemIndex,
			},
		);
	}
	// linked before any message, so Kommo shows the chat on the contact's deal instead of opening an incoming lead
	const link = await linkChatToContact.call(this, chatId, contactId, itemIndex);

	const { messages, skipped } = plannedMessages(conversation as unknown as IntercomConversation, {
		includeInternalNotes: options.includeInternalNotes === true,
		includeBotMessages: options.includeBotMessages !== false,
		skipApiParts: options.skipApiParts !== false,
	});
	const prefix = `${conversationRef}-`;
	const delivered = await deliveredMessageIds.call(this, scopeId, chatId, prefix, itemIndex);
	const { pending, alreadyInKommo } = pendingMessages(messages, delivered);
	const silent = silentFlags(pending, (options.notify as NotifyMode) ?? 'newestCustomerMessage');

	const sent: IDataObject[] = [];
	let refusedAsRepeats = 0;
	for (const [index, message] of pending.entries()) {
		const body = newMessageBody(message, {
			conversationRef,
			client,
			botId: channel.botId,
			silent: silent[index],
		});
		const outcome = await sendOrFindRepeat.call(
			this,
			scopeId,
			chatId,
			prefix,
			message.msgid,
			body,
			itemIndex,
		);
		if (outcome === 'repeat') {
			refusedAsRepeats++;
			continue;
		}
		const answer = outcome;
		const accepted = isObject(answer?.new_message) ? answer.new_message : {};
		sent.push({
			partId: message.partId,
			msgid: message.msgid,
			messageId: typeof accepted.msgid === 'string' ? accepted.msgid : null,
			direction: message.direction,
			silent: silent[index],
		});
	}

	return [
		{
			conversationId: String(conversation.id),
			chatId,
			scopeId,
			conversationRef,
			contactId: link.contactId,
			linkedNow: link.linkedNow,
			connectedNow,
			sent,
			sentCount: sent.length,
			alreadyInKommo: alreadyInKommo + refusedAsRepeats,
			skipped: { ...skipped },
		},
	];
}
