import type { Sandbox } from '../../../sandbox';
import { parseMarker } from '../../../nodes/shared/transcriptMarker';
import type { Chat } from './chats';

const MESSAGE_LINE = /^\[(\d{2}):(\d{2}) ([^\]]+)\](?: \([^)]*\))?: (.*)$/;

export interface DeliveryCheck {
	notes: number;
	noteKeys: number;
	duplicateKeys: string[];
	expectedMessages: number;
	lost: string[];
	duplicates: string[];
	/** chats whose notes are on more than one lead, or on the wrong one */
	misplaced: string[];
	missingChats: string[];
	badLines: string[];
}

/** Reads every note in the sandbox's Kommo and checks each chat's messages are there exactly once. */
export function checkKommo(sandbox: Sandbox, chats: Chat[]): DeliveryCheck {
	const kommo = sandbox.state.kommo;
	const byConversation = new Map<string, Array<{ leadId: number; text: string }>>();
	const keys: string[] = [];
	for (const note of kommo.notes) {
		const key = parseMarker(note.params?.text);
		if (!key) continue;
		keys.push(key);
		const conversationId = key.split(':')[1];
		const list = byConversation.get(conversationId) ?? [];
		list.push({ leadId: note.entity_id, text: String(note.params.text) });
		byConversation.set(conversationId, list);
	}
	const seen = new Set<string>();
	const duplicateKeys = keys.filter((key) => (seen.has(key) ? true : (seen.add(key), false)));

	const check: DeliveryCheck = {
		notes: keys.length,
		noteKeys: seen.size,
		duplicateKeys,
		expectedMessages: 0,
		lost: [],
		duplicates: [],
		misplaced: [],
		missingChats: [],
		badLines: [],
	};
	for (const chat of chats) {
		check.expectedMessages += chat.messages.length;
		const notes = byConversation.get(chat.conversationId) ?? [];
		if (!notes.length) {
			check.missingChats.push(chat.conversationId);
			check.lost.push(...chat.messages);
			continue;
		}
		const leadIds = [...new Set(notes.map((note) => note.leadId))];
		const lead = kommo.leads.find((entry) => entry.id === leadIds[0]);
		const linked = kommo.links.some(
			(link) =>
				link.lead_id === leadIds[0] &&
				kommo.contacts.some(
					(contact) =>
						contact.id === link.contact_id &&
						JSON.stringify(contact.custom_fields_values ?? []).includes(chat.email),
				),
		);
		if (
			leadIds.length !== 1 ||
			!lead ||
			!linked ||
			(chat.seededLeadId !== undefined && leadIds[0] !== chat.seededLeadId)
		) {
			check.misplaced.push(`${chat.conversationId} → leads ${leadIds.join(', ')}`);
		}
		const counts = new Map<string, number>();
		for (const note of notes) {
			for (const line of note.text.split('\n')) {
				if (!line.startsWith('[') || line.startsWith('[Intercom]')) continue;
				const match = MESSAGE_LINE.exec(line);
				if (!match) {
					check.badLines.push(line);
					continue;
				}
				counts.set(match[4], (counts.get(match[4]) ?? 0) + 1);
			}
		}
		for (const message of chat.messages) {
			const count = counts.get(message) ?? 0;
			if (count === 0) check.lost.push(message);
			if (count > 1) check.duplicates.push(`${message} ×${count}`);
		}
	}
	return check;
}
