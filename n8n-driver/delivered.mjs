// What Kommo holds of an Intercom chat, read from the sandbox's state: which messages of each chat
// are in its Kommo notes, and how often. The e2e suites and the benchmarks judge delivery with it.

/** Intercom's retry of a failed delivery comes a minute later (docs/catch-up.md). */
export const INTERCOM_RETRY_MS = 60_000;

/** @typedef {import('../sandbox/index.js').SandboxState} SandboxState */
/** @typedef {import('../sandbox/index.js').IntercomConversation} IntercomConversation */

/**
 * What countDelivered() found: `messages` expected in all, `missing` and `doubled` as
 * `<conversation id>: <first 60 characters>` lines (`doubled` with `×<count>`).
 * @typedef {{ messages: number, missing: string[], doubled: string[], chats: number }} Delivered
 */

/**
 * The text of an HTML body, whitespace collapsed.
 * @param {unknown} html
 */
function plain(html) {
	return String(html ?? '')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&nbsp;/g, ' ')
		.replace(/&amp;/g, '&')
		.replace(/\s+/g, ' ')
		.trim();
}

/**
 * The messages of a conversation Kommo should hold, from the sandbox's own record of it: the first
 * message and every customer, teammate and bot comment with text (and a closing message), in order.
 * @param {IntercomConversation} conversation
 * @returns {string[]}
 */
export function expectedMessages(conversation) {
	const texts = [plain(conversation.source?.body)];
	for (const part of conversation.parts ?? []) {
		if (part.part_type === 'note') continue;
		if (!['comment', 'close'].includes(part.part_type)) continue;
		const text = plain(part.body);
		if (text) texts.push(text);
	}
	return texts.filter(Boolean);
}

/**
 * For each conversation id: how often each of its messages is in the Kommo notes of that chat.
 * `{ messages, missing, doubled, perChat }`, counted over every note of the chat on any deal.
 * @param {SandboxState} state
 * @param {Array<string | number>} conversationIds
 * @returns {Delivered}
 */
export function countDelivered(state, conversationIds) {
	/** @type {Delivered} */
	const result = { messages: 0, missing: [], doubled: [], chats: conversationIds.length };
	for (const id of conversationIds) {
		const conversation = state.intercom.conversations.find((c) => c.id === String(id));
		if (!conversation) throw new Error(`conversation ${id} is not in the sandbox's Intercom`);
		const notes = state.kommo.notes
			.map((note) => String(note.params?.text ?? ''))
			.filter((text) => text.startsWith(`[Intercom] Chat #${id} `));
		const lines = notes.join('\n').split('\n');
		for (const text of expectedMessages(conversation)) {
			result.messages++;
			const first = text.slice(0, 60);
			const count = lines.filter(
				(line) =>
					/^\[[^\]]+\](?: \([^)]*\))?: /.test(line) &&
					plain(line.replace(/^\[[^\]]+\](?: \([^)]*\))?: /, '')).startsWith(first),
			).length;
			if (count === 0) result.missing.push(`${id}: ${first}`);
			if (count > 1) result.doubled.push(`${id}: ${first} ×${count}`);
		}
	}
	return result;
}
