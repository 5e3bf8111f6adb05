import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { kommoApiRequest } from '../../shared/kommo/transport';

/**
 * Links a chat to a Kommo contact (`POST /api/v4/contacts/chats`), so Kommo shows it on that
 * contact's deal. Kommo allows it to account administrators only, and a chat has one contact:
 * linking again would move it. A chat a manager already moved to another contact stays there.
 */
export async function linkChatToContact(
	this: IExecuteFunctions,
	chatId: string,
	contactId: number,
	itemIndex: number,
): Promise<{ contactId: number; linkedNow: boolean }> {
	const existing = (await kommoApiRequest.call(
		this,
		'GET',
		'/api/v4/contacts/chats',
		undefined,
		{ chat_id: chatId },
		{ itemIndex },
	)) as IDataObject | undefined;
	const links = (existing?._embedded as IDataObject | undefined)?.chats;
	const current = Array.isArray(links)
		? (links as IDataObject[]).find((link) => link.chat_id === chatId)
		: undefined;
	if (current && Number(current.contact_id) > 0) {
		return { contactId: Number(current.contact_id), linkedNow: false };
	}
	// one link per chat: a repeat of this POST after a lost answer links the same pair again
	await kommoApiRequest.call(
		this,
		'POST',
		'/api/v4/contacts/chats',
		[{ contact_id: contactId, chat_id: chatId }],
		undefined,
		{ itemIndex, idempotent: true },
	);
	return { contactId, linkedNow: true };
}
