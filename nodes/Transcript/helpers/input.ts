import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseIdempotencyKey } from '../../shared/transcriptMarker';
import { conversationCustomer } from '../../shared/intercomConversation';
import type { Customer } from '../../shared/intercomConversation';
import { isObject, jsonParameterValue } from '../../shared/values';
import type { IntercomConversation } from '../../shared/intercom/messages';
import type { TranscriptStart } from '../render/transcript';

export interface ConversationInput {
	conversation: IntercomConversation;
	/** who the customer is, by the rule every node shares (trigger, Get, Transcript) */
	customer: Customer;
	appId: string;
}

export const NOT_A_CONVERSATION =
	'This item does not contain an Intercom conversation. Connect the Transcript node after the Intercom Trigger or the Intercom Conversations › Get node.';

function hasId(value: IDataObject): boolean {
	return (typeof value.id === 'string' && value.id !== '') || typeof value.id === 'number';
}

/**
 * Accepts the output of Intercom Conversations › Get (the conversation itself, maybe with a
 * `customer`) and of the Intercom Trigger (`conversation`, `conversationId`, `customer`, `appId`).
 */
export function conversationInput(json: IDataObject): ConversationInput | undefined {
	let conversation: IDataObject | undefined;
	if (json.type === 'conversation' && hasId(json)) conversation = json;
	else if (
		isObject(json.conversation) &&
		hasId(json.conversation) &&
		(json.conversation.type === undefined || json.conversation.type === 'conversation')
	) {
		conversation = json.conversation;
	}
	if (!conversation) return undefined;
	const typed = conversation as unknown as IntercomConversation;
	return {
		conversation: typed,
		customer: conversationCustomer(conversation, json.customer),
		appId: typeof json.appId === 'string' ? json.appId : '',
	};
}

/** The item itself, or what the "Conversation" option points at (e.g. after a Kommo step). */
export function conversationSource(
	context: IExecuteFunctions,
	itemIndex: number,
	option: unknown,
): IDataObject {
	if (option === undefined || option === null || option === '') {
		return context.getInputData()[itemIndex].json;
	}
	const value = jsonParameterValue(option);
	if (!isObject(value)) {
		throw new NodeOperationError(context.getNode(), 'The "Conversation" option is not an object', {
			itemIndex,
			description: `${NOT_A_CONVERSATION} Point "Conversation" at that node's item, e.g. {{ $('Get conversation').item.json }}.`,
		});
	}
	return value as IDataObject;
}

/**
 * Where to start: after the messages a transcript key names (the newest transcript note of this
 * conversation in Kommo, as Kommo › Find by Email reads it), or from the beginning when it is empty.
 */
export function startAfterKey(
	context: IExecuteFunctions,
	itemIndex: number,
	conversationId: string,
): TranscriptStart {
	const raw = context.getNodeParameter('startAfterKey', itemIndex, '') as unknown;
	if (raw === undefined || raw === null || String(raw).trim() === '') return null;
	const key = parseIdempotencyKey(String(raw));
	if (!key) {
		throw new NodeOperationError(
			context.getNode(),
			`"Start After Transcript Key" is not a transcript key: "${String(raw).slice(0, 80)}"`,
			{
				itemIndex,
				description:
					'It should be the "transcriptKey" of Kommo › Find by Email (with "Read Newest Transcript Note" on), such as intercom:215:403918334-9877, or empty.',
			},
		);
	}
	if (key.conversationId !== conversationId) {
		throw new NodeOperationError(
			context.getNode(),
			`The transcript key is for Intercom conversation ${key.conversationId}, not ${conversationId}`,
			{
				itemIndex,
				description:
					'Set the Intercom Conversation ID option of Kommo › Find by Email to this conversation, so it reads the notes of this conversation.',
			},
		);
	}
	return { lastRef: key.lastRef };
}
