/** Chats seeded into the sandbox: one Intercom contact each, and Kommo records by case. */
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox';

export type KommoCase = 'open-lead' | 'contact-only' | 'unknown';

export interface Chat {
	index: number;
	conversationId: string;
	contactId: string;
	name: string;
	email: string;
	kommoCase: KommoCase;
	/** the open lead seeded for 'open-lead' */
	seededLeadId?: number;
	kommoContactId?: number;
	/** every message text written into the chat, in order */
	messages: string[];
}

const KOMMO_SALES = 8100001;
const KOMMO_QUALIFIED = 81000011;

function nonce(index: number, message: number) {
	return ((index * 7919 + message * 104729) % 1_000_003).toString(36);
}

/** `count` new chats (only the customer's first message), one Intercom contact each, and Kommo records by case. */
export function seedChats(sandbox: Sandbox, count: number, firstId = 7000): Chat[] {
	const now = Math.floor(Date.now() / 1000) - 3600;
	const chats: Chat[] = [];
	const intercomContacts: IDataObject[] = [];
	const conversations: IDataObject[] = [];
	const kommoContacts: IDataObject[] = [];
	const leads: IDataObject[] = [];
	for (let i = 0; i < count; i++) {
		const kommoCase: KommoCase = (['open-lead', 'contact-only', 'unknown'] as const)[i % 3];
		const chat: Chat = {
			index: i,
			conversationId: String(firstId + i),
			contactId: `65f0fa0000000000000${String(1000 + i)}`,
			name: `Customer ${firstId + i}`,
			email: `customer${firstId + i}@example.test`,
			kommoCase,
			messages: [`chat ${firstId + i} opens with a question ${nonce(i, 0)}`],
		};
		intercomContacts.push({
			id: chat.contactId,
			role: 'user',
			name: chat.name,
			email: chat.email,
			created_at: now - 86400,
		});
		conversations.push({
			id: chat.conversationId,
			created_at: now + i,
			contacts: [chat.contactId],
			source: {
				id: String(500000000 + i),
				author: { type: 'user', id: chat.contactId },
				body: `<p>${chat.messages[0]}</p>`,
			},
			parts: [],
			tags: [],
		});
		if (kommoCase !== 'unknown') {
			chat.kommoContactId = 20100000 + i;
			kommoContacts.push({
				id: chat.kommoContactId,
				name: chat.name,
				custom_fields_values: [
					{ field_code: 'EMAIL', values: [{ value: chat.email, enum_code: 'WORK' }] },
				],
			});
		}
		if (kommoCase === 'open-lead') {
			chat.seededLeadId = 30100000 + i;
			leads.push({
				id: chat.seededLeadId,
				name: `${chat.name} - existing deal`,
				pipeline_id: KOMMO_SALES,
				status_id: KOMMO_QUALIFIED,
				contacts: [chat.kommoContactId],
			});
		}
		chats.push(chat);
	}
	sandbox.seed(
		{
			intercom: { contacts: intercomContacts, conversations },
			kommo: { contacts: kommoContacts, leads },
		},
		{ merge: true },
	);
	return chats;
}

/** Appends an admin answer and a customer reply to the chat; returns their texts. */
export function addReplies(sandbox: Sandbox, chat: Chat, round: number): string[] {
	const answer = `agent answers chat ${chat.conversationId} round ${round} ${nonce(chat.index, round * 2 + 1)}`;
	const reply = `customer replies in chat ${chat.conversationId} round ${round} ${nonce(chat.index, round * 2 + 2)}`;
	sandbox.appendIntercomPart(chat.conversationId, { kind: 'admin', body: `<p>${answer}</p>` });
	sandbox.appendIntercomPart(chat.conversationId, { kind: 'customer', body: `<p>${reply}</p>` });
	chat.messages.push(answer, reply);
	return [answer, reply];
}
