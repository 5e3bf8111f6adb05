import { conversationEntries } from '../../shared/intercom/messages';
import type { ConversationEntry, IntercomConversation } from '../../shared/intercom/messages';
import { chatMessageId, chatUserId } from '../../shared/kommo/chat/messageId';

/**
 * Which messages of an Intercom conversation go into its Kommo chat, in what order, under which
 * msgid, and which of them are sent silently. Pure: the operation does the requests.
 */

export interface ChatFilter {
	/** Intercom internal notes stay out of Kommo unless the user opts in (they are not for customers) */
	includeInternalNotes: boolean;
	includeBotMessages: boolean;
	/**
	 * Leave out parts an app wrote through Intercom's API (`app_package_code` set). A manager's
	 * reply from Kommo reaches Intercom that way; mirrored back, it would show twice in the chat.
	 */
	skipApiParts: boolean;
}

export type NotifyMode = 'newestCustomerMessage' | 'none' | 'everyCustomerMessage';

export interface PlannedMessage {
	msgid: string;
	/** the Intercom part id, or the source id for the opening message */
	partId: string;
	direction: 'incoming' | 'outgoing';
	text: string;
	/** seconds, as Intercom stamps parts */
	createdAt: number;
	authorName: string;
	authorId: string | null;
	isNote: boolean;
}

export interface SkippedCounts {
	internalNotes: number;
	botMessages: number;
	fromApps: number;
	empty: number;
}

function entryText(entry: ConversationEntry): string {
	const lines = [entry.text, ...entry.attachments].filter((line) => line !== '');
	const text = lines.join('\n');
	return entry.kind === 'note' && text !== '' ? `Internal note: ${text}` : text;
}

/** Every message of the conversation that belongs in the chat, oldest first, and what was left out. */
export function plannedMessages(
	conversation: IntercomConversation,
	filter: ChatFilter,
): { messages: PlannedMessage[]; skipped: SkippedCounts } {
	const skipped: SkippedCounts = { internalNotes: 0, botMessages: 0, fromApps: 0, empty: 0 };
	const messages: PlannedMessage[] = [];
	for (const entry of conversationEntries(conversation)) {
		if (entry.kind === 'event') continue;
		if (entry.kind === 'note' && !filter.includeInternalNotes) {
			skipped.internalNotes++;
			continue;
		}
		if (entry.role === 'bot' && !filter.includeBotMessages) {
			skipped.botMessages++;
			continue;
		}
		if (filter.skipApiParts && entry.appPackageCode !== null) {
			skipped.fromApps++;
			continue;
		}
		const text = entryText(entry);
		if (entry.redacted || text === '') {
			skipped.empty++;
			continue;
		}
		messages.push({
			msgid: chatMessageId(conversation.id, entry.id),
			partId: entry.id,
			direction: entry.role === 'customer' && entry.kind !== 'note' ? 'incoming' : 'outgoing',
			text,
			createdAt: entry.t,
			authorName: entry.author,
			authorId: entry.authorId,
			isNote: entry.kind === 'note',
		});
	}
	return { messages, skipped };
}

/**
 * The messages still to send: those after the newest one Kommo already has. Messages go out in
 * order and a run stops at the first failure, so what Kommo has is a prefix of the list; a message
 * before that point that Kommo lacks (a filter changed since) is not sent out of order.
 */
export function pendingMessages(
	messages: PlannedMessage[],
	delivered: ReadonlySet<string>,
): { pending: PlannedMessage[]; alreadyInKommo: number } {
	let lastDelivered = -1;
	let alreadyInKommo = 0;
	messages.forEach((message, index) => {
		if (delivered.has(message.msgid)) {
			lastDelivered = index;
			alreadyInKommo++;
		}
	});
	return { pending: messages.slice(lastDelivered + 1), alreadyInKommo };
}

/**
 * `silent` per pending message. Kommo's advice for importing a conversation: silent for all but
 * the newest message, "so … only one notification". Here only customer messages ever notify
 * (teammates' answers are no news to the team), by default the newest one of the run.
 */
export function silentFlags(pending: PlannedMessage[], notify: NotifyMode): boolean[] {
	if (notify === 'none') return pending.map(() => true);
	if (notify === 'everyCustomerMessage') return pending.map((m) => m.direction !== 'incoming');
	let newestIncoming = -1;
	pending.forEach((message, index) => {
		if (message.direction === 'incoming') newestIncoming = index;
	});
	return pending.map((_, index) => index !== newestIncoming);
}

/** A teammate's participant id; one shared id when Intercom names no usable author (a workflow's message). */
function teamParticipantId(authorId: string | null): string {
	if (authorId === null) return 'intercom-team';
	try {
		return chatUserId('admin', authorId);
	} catch {
		// chatUserId owns the rule for a person id; an id it refuses gets the shared one
		return 'intercom-team';
	}
}

export interface ChatClient {
	/** our participant id (chatUserId) */
	id: string;
	name: string;
	email: string | null;
}

/**
 * The `new_message` body: a customer's message as incoming (sender = the client, no receiver), a
 * teammate's, bot's or note as outgoing from the channel's bot (`sender.ref_id` = bot id, receiver =
 * the client), for which Kommo sends no hook back ("hooks are not sent for imported messages from
 * the integration bot"), so it cannot echo into Intercom.
 */
export function newMessageBody(
	message: PlannedMessage,
	context: {
		conversationRef: string;
		client: ChatClient;
		botId: string;
		silent: boolean;
	},
): object {
	const { client } = context;
	const clientParty = {
		id: client.id,
		name: client.name,
		...(client.email ? { profile: { email: client.email } } : {}),
	};
	const timestamp = Math.max(0, Math.floor(message.createdAt));
	return {
		event_type: 'new_message',
		payload: {
			timestamp,
			msec_timestamp: timestamp * 1000,
			msgid: message.msgid,
			conversation_id: context.conversationRef,
			...(message.direction === 'incoming'
				? { sender: clientParty }
				: {
						sender: {
							id: teamParticipantId(message.authorId),
							name: message.authorName,
							ref_id: context.botId,
						},
						receiver: clientParty,
					}),
			message: { type: 'text', text: message.text },
			silent: context.silent,
		},
	};
}
