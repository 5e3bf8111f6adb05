/**
 * The ids this package gives Kommo's Chat API (amojo) for an Intercom conversation: the chat's
 * `conversation_id` and each message's `msgid`. Both are "ids on the integration side": amojo keeps
 * them beside its own ids and hands them back.
 *
 * Why they are derived, not random:
 * - `msgid`: "The API does not accept several messages with the same payload[msgid]"
 *   (https://www.amocrm.ru/developers/content/chats/chat-step-by-step, "Отправка сообщения из чата в
 *   amoCRM"; https://developers.kommo.com/reference/send-import-messages). Intercom delivers a
 *   webhook again, a catch-up run meets parts already sent, a retry repeats a request whose answer
 *   was lost: with the same msgid for the same Intercom message every time, amojo refuses the
 *   repeat instead of showing the message twice in the lead.
 * - `conversation_id`: creating a chat "for the passed conversation_id" that already exists returns
 *   the existing chat, and a message with an unknown conversation_id opens a new chat
 *   (https://www.amocrm.ru/developers/content/chats/chat-api-reference, "Создание нового чата").
 *   One id per Intercom conversation keeps all its messages in one Kommo chat, and Kommo sends it
 *   back in every webhook of that chat as `message.conversation.client_id`, which is how a
 *   manager's reply finds its Intercom conversation (absent only for a chat a Kommo user opened
 *   with "Write first").
 *
 * Form: `intercom-<conversation id>` and `intercom-<conversation id>-<message id>`. Kommo documents
 * both fields only as strings, with no length or character rule (the one documented limit, 40
 * printable ASCII characters, is for `source.external_id`). So the form stays within what Kommo's
 * own examples use (`my_int-5f2836a8ca481`, `my_integration-8e3e7640-49af-4448-a2c6-d5a421f7f217`):
 * ASCII letters, digits and `-`, at most 50 characters, the longest of Kommo's examples being 51.
 * The Intercom ids may hold letters and digits only (Intercom's conversation and part ids are digit
 * strings), at most 20 each, so `-` only ever separates: two different (conversation, message) pairs
 * never give the same msgid.
 *
 * The message id is the part's `id`, or for the opening message (which Intercom keeps in
 * `conversation.source`, not among the parts) the source's `id`. The conversation id is part of
 * every msgid, so a part id needs to be unique only within its conversation.
 */

const PREFIX = 'intercom-';
const INTERCOM_ID = /^[A-Za-z0-9]{1,20}$/;
const CONVERSATION_ID = /^intercom-([A-Za-z0-9]{1,20})$/;

/** An Intercom id as text; a RangeError naming `label` when it is not one this module accepts. */
function intercomId(value: unknown, label: string): string {
	const text =
		typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
			? String(value)
			: typeof value === 'string'
				? value.trim()
				: '';
	if (!INTERCOM_ID.test(text)) {
		const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
		throw new RangeError(
			`${label} must be 1 to 20 letters or digits to name a Kommo chat or message (got "${shown}")`,
		);
	}
	return text;
}

/** The amojo `conversation_id` of the chat that mirrors Intercom conversation `conversationId`. */
export function chatConversationId(conversationId: string | number): string {
	return `${PREFIX}${intercomId(conversationId, 'Intercom conversation ID')}`;
}

/**
 * The amojo `msgid` of Intercom message `messageId` (a part id, or the source id of the opening
 * message) in conversation `conversationId`: the same pair always gives the same msgid.
 */
export function chatMessageId(conversationId: string | number, messageId: string | number): string {
	const conversation = intercomId(conversationId, 'Intercom conversation ID');
	return `${PREFIX}${conversation}-${intercomId(messageId, 'Intercom message ID')}`;
}

/**
 * The Intercom conversation a chat's `conversation_id` (a webhook's
 * `message.conversation.client_id`) names, or null when it is not one {@link chatConversationId}
 * makes: absent ("Write first" chats), another integration's, or malformed.
 */
export function intercomConversationIdOf(chatId: unknown): string | null {
	if (typeof chatId !== 'string') return null;
	const match = CONVERSATION_ID.exec(chatId);
	return match ? match[1] : null;
}

/** Intercom contact and admin ids: hex strings of 24 (contacts) or digits (admins); 40 leaves room. */
const PERSON_ID = /^[A-Za-z0-9]{1,40}$/;

/**
 * The amojo user id (`user.id`, `sender.id`, `receiver.id`: "our" id of a chat participant) of an
 * Intercom contact or teammate. amojo keeps one participant per id ("if you enter an existing
 * user[id] you will get the existing information related to this user"), so the same Intercom
 * person is the same participant in every chat.
 */
export function chatUserId(kind: 'contact' | 'admin', personId: string | number): string {
	const text = typeof personId === 'number' ? String(personId) : String(personId ?? '').trim();
	if (!PERSON_ID.test(text)) {
		throw new RangeError(
			`Intercom ${kind} ID must be 1 to 40 letters or digits to name a Kommo chat participant (got "${text}")`,
		);
	}
	return `${PREFIX}${kind}-${text}`;
}
