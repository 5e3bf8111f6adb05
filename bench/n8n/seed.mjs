// The chats bench/n8n.bench.mjs seeds into the sandbox: existing customers with an open deal (the
// latency rounds' path) and new customers (the new-lead path and the burst), and the concrete calls
// the floor workflow replays for one existing-deal chat.
import { createRequire } from 'node:module';

import { isNotePost } from '../lib/sandbox-log.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/**
 * One call the template made for existing-deal chat 0, with the ids it used, so that the floor can
 * make the same call for chat `i` (bareCalls).
 * @typedef {object} CallShape
 * @property {string} api
 * @property {string} method
 * @property {string} path
 * @property {{ conversationId: string, contactId: string, leadId: number, email: string }} ids
 */

const require = createRequire(import.meta.url);
const { IDS } = require('../../sandbox/seed.js');

// an hour back: the catch-up's first check (Import History 0, 10 min look-back) never sees them
const now = Math.floor(Date.now() / 1000) - 3600;
/**
 * @param {string} prefix
 * @param {number} i
 */
export const intercomContactId = (prefix, i) => `65f0be${prefix}${String(i).padStart(16, '0')}`;

/**
 * `count` Intercom chats whose customers have a Kommo contact with an open deal.
 * @param {number} count
 */
export function existingDealSeed(count) {
	/** @type {{ contacts: object[], conversations: object[] }} */
	const intercom = { contacts: [], conversations: [] };
	/** @type {{ contacts: object[], leads: object[] }} */
	const kommo = { contacts: [], leads: [] };
	for (let i = 0; i < count; i++) {
		const email = `existing${i}@bench.example`;
		const contactId = intercomContactId('01', i);
		intercom.contacts.push({
			id: contactId,
			role: 'user',
			name: `Existing ${i}`,
			email,
			created_at: now - 7200,
		});
		intercom.conversations.push({
			id: String(700000 + i),
			created_at: now - 600,
			contacts: [contactId],
			source: {
				id: String(800000000 + i),
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: contactId },
				body: `<p>Question ${i}: can we add 3 seats?</p>`,
			},
			parts: [],
			tags: [],
		});
		kommo.contacts.push({
			id: 26000000 + i,
			name: `Existing ${i}`,
			custom_fields_values: [
				{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] },
			],
		});
		kommo.leads.push({
			id: 36000000 + i,
			name: `Existing ${i} - Team plan`,
			pipeline_id: IDS.kommo.sales,
			status_id: IDS.kommo.status.proposal,
			contacts: [26000000 + i],
		});
	}
	return { intercom, kommo };
}

/**
 * `count` Intercom chats from customers Kommo does not know.
 * @param {string} prefix
 * @param {number} firstId
 * @param {number} count
 */
export function newChatSeed(prefix, firstId, count) {
	/** @type {{ contacts: object[], conversations: object[] }} */
	const intercom = { contacts: [], conversations: [] };
	for (let i = 0; i < count; i++) {
		const contactId = intercomContactId(prefix, i);
		intercom.contacts.push({
			id: contactId,
			role: 'user',
			name: `New ${prefix}-${i}`,
			email: `new${prefix}-${i}@bench.example`,
			created_at: now - 3600,
		});
		intercom.conversations.push({
			id: String(firstId + i),
			created_at: now - 300,
			contacts: [contactId],
			source: {
				id: String(810000000 + firstId + i),
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: contactId },
				body: `<p>Hello, I am interested in the annual plan (${i}).</p>`,
			},
			parts: [],
			tags: [],
		});
	}
	return { intercom };
}

/**
 * The concrete calls of the bare workflow for existing-deal chat `i`.
 * @param {CallShape[]} callShapes
 * @param {Sandbox} sandbox
 * @param {number} i
 * @returns {{ url: string, body: unknown }[]}
 */
export function bareCalls(callShapes, sandbox, i) {
	const conversationId = String(700000 + i);
	const leadId = 36000000 + i;
	const contactId = intercomContactId('01', i);
	return callShapes.map((call) => {
		const base = call.api === 'intercom' ? sandbox.intercomUrl : sandbox.kommoUrl;
		const urlPath = call.path
			.replace(/^\/(intercom|kommo)/, '')
			.replaceAll(call.ids.conversationId, conversationId)
			.replaceAll(call.ids.contactId, contactId)
			.replaceAll(String(call.ids.leadId), String(leadId))
			.replaceAll(call.ids.email, encodeURIComponent(`existing${i}@bench.example`));
		let body;
		if (isNotePost(call)) {
			body = [
				{
					entity_id: leadId,
					note_type: 'common',
					params: { text: `[bare] Chat #${conversationId}\nQuestion ${i}: can we add 3 seats?` },
				},
			];
		} else if (call.method === 'PATCH') body = { tags_to_add: [{ name: 'Bench' }] };
		else if (call.method === 'POST') body = {};
		return { url: `${base}${urlPath}`, body };
	});
}
