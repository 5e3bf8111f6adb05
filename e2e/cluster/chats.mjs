// The chats of the cluster-only scenarios: new customers, each with a new chat, seeded in the
// sandbox; every message counted over the Kommo notes of its chat; a notification sent as Intercom
// sends it, its failure kept as a status instead of stopping the burst it is part of.

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../sandbox/index.js').SandboxState} SandboxState */

/**
 * A chat of these scenarios: its conversation id, the customer's email, and the texts of its
 * messages (the scenarios add to them as they add messages).
 * @typedef {{ id: string, email?: string, texts: string[] }} SeededChat
 */

/**
 * Seeds `count` new customers, each with one new chat (source message), ids `base+1…`.
 * @param {Sandbox} sandbox
 * @param {number} base
 * @param {number} count
 * @param {string} label
 * @returns {SeededChat[]}
 */
export function seedChats(sandbox, base, count, label) {
	const now = Math.floor(Date.now() / 1000);
	const chats = [];
	const contacts = [];
	const conversations = [];
	for (let i = 1; i <= count; i++) {
		const id = String(base + i);
		const intercomId = `65f0c0de00000000${id.padStart(8, '0')}`;
		const email = `customer-${id}@${label}.example`;
		const text = `Chat ${id}: hello from customer ${id}, do you have a ${label} plan?`;
		contacts.push({
			id: intercomId,
			role: 'user',
			name: `Customer ${id}`,
			email,
			created_at: now - 3600,
		});
		conversations.push({
			id,
			created_at: now - 30,
			contacts: [intercomId],
			source: {
				id: `4${id.padStart(8, '0')}`,
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: intercomId },
				body: `<p>${text}</p>`,
			},
			parts: [],
			tags: [],
		});
		chats.push({ id, email, texts: [text] });
	}
	sandbox.seed({ intercom: { contacts, conversations } }, { merge: true });
	return chats;
}

/**
 * Every message of every chat counted over all Kommo notes of that chat.
 * @param {SandboxState} state
 * @param {SeededChat[]} chats
 */
export function messageCounts(state, chats) {
	const perChat = [];
	let duplicated = 0;
	let lost = 0;
	for (const chat of chats) {
		const notes = state.kommo.notes.filter((note) =>
			String(note.params?.text ?? '').startsWith(`[Intercom] Chat #${chat.id} `),
		);
		const all = notes.map((note) => note.params.text).join('\n');
		const counts = chat.texts.map((text) => all.split(`]: ${text}`).length - 1);
		duplicated += counts.reduce((sum, c) => sum + Math.max(0, c - 1), 0);
		lost += counts.filter((c) => c === 0).length;
		const leads = new Set(notes.map((note) => Number(note.entity_id)));
		perChat.push({ id: chat.id, counts, notes: notes.length, leads: [...leads] });
	}
	return {
		messages: chats.reduce((sum, chat) => sum + chat.texts.length, 0),
		duplicated,
		lost,
		perChat,
		chatsWithDuplicates: perChat.filter((c) => c.counts.some((n) => n > 1)).map((c) => c.id),
		chatsWithLosses: perChat.filter((c) => c.counts.some((n) => n === 0)).map((c) => c.id),
		chatsOnSeveralDeals: perChat.filter((c) => c.leads.length > 1).map((c) => c.id),
	};
}

/**
 * One signed notification, as Intercom sends it; its answer's status, or `error <code>` when it
 * got none.
 * @param {Sandbox} sandbox
 * @param {string} url
 * @param {string} topic
 * @param {string} conversationId
 * @param {Partial<import('../../sandbox/index.js').SendIntercomWebhookOptions>} [extra]
 * @returns {Promise<{ status: number | string }>}
 */
export const send = (sandbox, url, topic, conversationId, extra = {}) =>
	sandbox.sendIntercomWebhook({ url, topic, conversationId, ...extra }).catch((error) => ({
		status: `error ${error.code ?? error.message}`,
	}));
