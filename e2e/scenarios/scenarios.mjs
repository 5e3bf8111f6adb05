// The template scenarios and their assertions, shared by the one-process suite
// (e2e/templates.e2e.mjs) and the queue-mode cluster suite (e2e/cluster.e2e.mjs), so both check the
// same things the same way. `createScenarios()` binds them to a suite's check recorder.
//
// `n8n` is the process whose REST API lists the executions (the one n8n, or the cluster's main);
// `chat.url` / `stage.url` are the Production URLs the sandbox posts to (the cluster's nginx).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';

import {
	addStageTagRows,
	editAndRepublish,
	kommoApi,
	productionUrl,
	CATCH_UP_STATIC_DATA,
	registerKommoWebhook,
	waitForWebhook,
} from '../../n8n-driver/templates.mjs';

const require = createRequire(import.meta.url);
const { IDS } = require('../../sandbox/seed.js');

export const QUALIFIED_TAG = 'Kommo: Qualified';
export const WON_TAG = 'Kommo: Won';

/**
 * Workflow static data as n8n stores it (a JSON text or an object, `null` when never written) holds
 * nothing: no value, or only empty objects (n8n keeps a `node:<name>` entry per node that asked).
 */
export function staticDataIsEmpty(stored, { except = [] } = {}) {
	let value = stored;
	if (typeof value === 'string') value = value.trim() === '' ? null : JSON.parse(value);
	if (value === null || value === undefined) return true;
	if (typeof value !== 'object') return false;
	return Object.entries(value).every(
		([key, entry]) =>
			except.includes(key) ||
			(entry && typeof entry === 'object' && Object.keys(entry).length === 0),
	);
}

/**
 * `check`, `save`: the suite's recorder (checks.mjs). `linkAppId`: the app id the chat template's
 * note link carries. `quietMs`: how long a request that must start nothing is watched.
 * `toPublicUrl(url)`: a URL as n8n's REST API names it → as the sandbox calls it.
 * `settleTimeoutMs`: how long settle() waits for executions to finish.
 */
export function createScenarios({
	check,
	save,
	linkAppId,
	quietMs = 4000,
	toPublicUrl = (url) => url,
	settleTimeoutMs = 90_000,
}) {
	// ------------------------------------------------------------------ expected transcript text

	/** The seeded messages of conversation 1001 as the README's note format shows them. */
	const SEEDED_MESSAGES = {
		403900001: {
			author: 'Jane Doe',
			text: 'Hi! We are evaluating Acme Pro for a team of 12.\n  Do you offer annual billing & a discount?',
		},
		40000001: {
			author: 'Fin',
			badge: ' [Bot]',
			text: 'Hi Jane! Yes — annual plans save 20%. See our pricing page (https://acme.example/pricing#annual).',
		},
		40000003: {
			author: 'Alex Morgan',
			text: 'Hi Jane, Alex here. For 12 seats I can offer annual billing at $40/seat/month.\n  - SSO included\n  - Priority support',
		},
		40000004: {
			author: 'Jane Doe',
			text: 'Sounds good. Could you send a formal quote to jane@example.com?',
		},
	};

	const day = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);
	const clock = (seconds) => new Date(seconds * 1000).toISOString().slice(11, 16);

	/**
	 * One note: header, link, blank line, `--- day ---` at the start and at every day change, one
	 * `[HH:MM Author]: text` block per message, blank line, marker with the first and last part id.
	 */
	function expectedNote(conversationId, createdAt, messages) {
		const lines = [];
		let lastDay = '';
		for (const message of messages) {
			if (day(message.t) !== lastDay) lines.push(`--- ${day(message.t)} ---`);
			lastDay = day(message.t);
			lines.push(`[${clock(message.t)} ${message.author}]${message.badge ?? ''}: ${message.text}`);
		}
		return [
			`[Intercom] Chat #${conversationId} from ${day(createdAt)}`,
			`https://app.intercom.com/a/inbox/${linkAppId}/inbox/conversation/${conversationId}`,
			'',
			...lines,
			'',
			`#intercom-kommo key=intercom:${conversationId}:${messages[0].id}-${messages[messages.length - 1].id}`,
		].join('\n');
	}

	/** Line-by-line difference, for a readable failure detail. */
	function firstDifference(actual, expected) {
		const a = String(actual ?? '').split('\n');
		const e = expected.split('\n');
		for (let i = 0; i < Math.max(a.length, e.length); i++) {
			if (a[i] !== e[i])
				return `line ${i + 1}: got ${JSON.stringify(a[i])}, expected ${JSON.stringify(e[i])}`;
		}
		return '';
	}

	// ------------------------------------------------------------------ observation helpers

	const finished = (e) => !['new', 'running', 'waiting', 'unknown'].includes(e.status);

	/**
	 * Waits until the workflow has at least `atLeast` executions, none of them running, and the count
	 * stayed the same for `stableMs`. Returns the executions.
	 */
	async function settle(
		n8n,
		workflowId,
		atLeast,
		{ stableMs = 1500, timeoutMs = settleTimeoutMs, mode = 'webhook' } = {},
	) {
		const started = Date.now();
		let stableSince = 0;
		let lastCount = -1;
		let executions = [];
		while (Date.now() - started < timeoutMs) {
			executions = await n8n.executions(workflowId, { mode });
			const done = executions.length >= atLeast && executions.every(finished);
			if (done && executions.length === lastCount) {
				if (Date.now() - stableSince >= stableMs) return executions;
			} else {
				stableSince = Date.now();
			}
			lastCount = done ? executions.length : -1;
			await delay(400);
		}
		return executions;
	}

	async function sandboxState(sandbox) {
		const response = await fetch(`${sandbox.url}/_sandbox/state`);
		return await response.json();
	}

	function notesOf(state, leadId) {
		return state.kommo.notes
			.filter((note) => note.entity_type === 'leads' && Number(note.entity_id) === Number(leadId))
			.sort((a, b) => a.id - b.id);
	}

	function noteKey(note) {
		return /#intercom-kommo key=(\S+)\s*$/.exec(note.params?.text ?? '')?.[1];
	}

	function leadContacts(state, leadId) {
		return state.kommo.links
			.filter((link) => Number(link.lead_id) === Number(leadId))
			.map((link) => Number(link.contact_id));
	}

	function conversationTagNames(state, conversationId) {
		const conversation = state.intercom.conversations.find((c) => c.id === String(conversationId));
		return (conversation?.tags ?? []).map(
			(tag) => tag.name ?? state.intercom.tags.find((t) => t.id === String(tag.id))?.name,
		);
	}

	function storedPart(state, conversationId, partId) {
		const conversation = state.intercom.conversations.find((c) => c.id === String(conversationId));
		return conversation.parts.find((p) => String(p.id) === String(partId));
	}

	/** Every `[HH:MM Jane Doe]: <text>` occurrence of the given texts across the notes of a lead. */
	function occurrences(notes, texts) {
		const all = notes.map((n) => n.params?.text ?? '').join('\n');
		return texts.map((text) => all.split(`: ${text}\n`).length - 1);
	}

	async function executionFailures(n8n, executions) {
		const failures = [];
		for (const summary of executions.filter((e) => e.status !== 'success')) {
			const execution = await n8n.execution(summary.id).catch(() => undefined);
			save(`execution-${summary.id}.json`, execution ?? summary);
			const error = execution?.data?.resultData?.error;
			failures.push(
				`#${summary.id} ${summary.status}${error ? `: ${error.message} (${error.node?.name ?? '?'})` : ''}`,
			);
		}
		return failures;
	}

	// ------------------------------------------------------------------ scenarios

	async function chatScenarios(n8n, sandbox, chat) {
		const url = chat.url;
		const seedLeads = new Set(sandbox.state.kommo.leads.map((lead) => lead.id));
		const seedContacts = new Set(sandbox.state.kommo.contacts.map((c) => c.id));
		const conversationId = IDS.intercom.conversation;
		let executions = 0;

		// 1. A new chat → lead + contact + ONE note with the exact transcript.
		const created = await sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.created',
			conversationId,
		});
		check('1. signed conversation.user.created → 200', created.status === 200, `${created.status}`);
		executions += 1;
		let list = await settle(n8n, chat.id, executions);
		let state = await sandboxState(sandbox);
		save('state-1.json', state);
		const newLeads = state.kommo.leads.filter((lead) => !seedLeads.has(lead.id));
		const newContacts = state.kommo.contacts.filter((c) => !seedContacts.has(c.id));
		const janeLead = newLeads[0];
		const janeContact = newContacts[0];
		check(
			'1. one new Kommo lead and one new contact (Jane, not fuzzy-matched Mary Jane)',
			newLeads.length === 1 &&
				newContacts.length === 1 &&
				JSON.stringify(janeContact).includes('jane@example.com') &&
				leadContacts(state, janeLead.id).includes(janeContact.id),
			`${newLeads.length} lead(s) ${newLeads.map((l) => `${l.id} "${l.name}"`).join(', ')}; ${newContacts.length} contact(s) ${newContacts.map((c) => `"${c.name}"`).join(', ')}`,
		);
		const maryJaneNotes = notesOf(state, IDS.kommo.openLead);
		check(
			"1. nothing written on Mary Jane's open deal",
			maryJaneNotes.length === 1,
			`${maryJaneNotes.length} note(s)`,
		);
		const conv = state.intercom.conversations.find((c) => c.id === conversationId);
		const seeded = ['403900001', '40000001', '40000003', '40000004'].map((id) => ({
			id,
			t: id === '403900001' ? conv.created_at : storedPart(state, conversationId, id).created_at,
			...SEEDED_MESSAGES[id],
		}));
		const expectedFirst = expectedNote(conversationId, conv.created_at, seeded);
		save('expected-note-1.txt', expectedFirst);
		let notes = janeLead ? notesOf(state, janeLead.id) : [];
		if (notes[0]) save('actual-note-1.txt', notes[0].params.text);
		check(
			'1. exactly one note on the new lead, of type common',
			notes.length === 1 && notes[0].note_type === 'common',
			`${notes.length} note(s)`,
		);
		check(
			"1. the note's text equals the Transcript rendering (header, link, date, every message, marker)",
			notes[0]?.params?.text === expectedFirst,
			firstDifference(notes[0]?.params?.text, expectedFirst),
		);
		if (!janeLead) throw new Error('no lead was created for the new chat; later scenarios need it');

		// 2. A customer reply → a second note with ONLY the new message.
		const reply = sandbox.appendIntercomPart(conversationId, {
			kind: 'customer',
			body: '<p>Any news on the quote?</p>',
		});
		const replied = await sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.replied',
			conversationId,
		});
		executions += 1;
		list = await settle(n8n, chat.id, executions);
		state = await sandboxState(sandbox);
		notes = notesOf(state, janeLead.id);
		const expectedReply = expectedNote(conversationId, conv.created_at, [
			{ id: reply.id, t: reply.created_at, author: 'Jane Doe', text: 'Any news on the quote?' },
		]);
		save('expected-note-2.txt', expectedReply);
		if (notes[1]) save('actual-note-2.txt', notes[1].params.text);
		check(
			'2. reply → 200 and a second note holding only the new message',
			replied.status === 200 && notes.length === 2 && notes[1].params.text === expectedReply,
			`${replied.status}, ${notes.length} note(s); ${firstDifference(notes[1]?.params?.text, expectedReply)}`,
		);

		// 3. The same notification delivered 3 times → one note for it.
		const third = sandbox.appendIntercomPart(conversationId, {
			kind: 'customer',
			body: '<p>Also: can we pay by invoice?</p>',
		});
		const notificationId = `notif_${randomUUID()}`;
		const triple = await Promise.all(
			[0, 1, 2].map((attempt) =>
				sandbox.sendIntercomWebhook({
					url,
					topic: 'conversation.user.replied',
					conversationId,
					notificationId,
					deliveryAttempts: attempt + 1,
				}),
			),
		);
		list = await settle(n8n, chat.id, executions + 1);
		const tripleExecutions = list.length - executions;
		executions = list.length;
		state = await sandboxState(sandbox);
		notes = notesOf(state, janeLead.id);
		const [thirdCount] = occurrences(notes, ['Also: can we pay by invoice?']);
		check(
			'3. one notification delivered 3 times → all 200, its message in exactly one note',
			triple.every((r) => r.status === 200) && thirdCount === 1 && notes.length === 3,
			`statuses ${triple.map((r) => r.status).join(',')}; ${tripleExecutions} execution(s); message found ${thirdCount}×; ${notes.length} note(s) on the lead`,
		);
		void third;

		// 4. Two different notifications, concurrently, after two new parts → every message once.
		const texts = ['Fourth: we need SSO for 14 seats.', 'Fifth: and a DPA, please.'];
		for (const text of texts)
			sandbox.appendIntercomPart(conversationId, { kind: 'customer', body: `<p>${text}</p>` });
		const pair = await Promise.all(
			[0, 1].map(() =>
				sandbox.sendIntercomWebhook({ url, topic: 'conversation.user.replied', conversationId }),
			),
		);
		executions += 2;
		list = await settle(n8n, chat.id, executions);
		state = await sandboxState(sandbox);
		notes = notesOf(state, janeLead.id);
		save('notes-jane-lead.json', notes);
		const everyText = [
			...Object.values(SEEDED_MESSAGES).map((m) => m.text.split('\n')[0]),
			'Any news on the quote?',
			'Also: can we pay by invoice?',
			...texts,
		];
		const all = notes.map((n) => n.params.text).join('\n');
		const counts = everyText.map((text) => all.split(`]: ${text}`).length - 1);
		check(
			'4. two concurrent notifications → all 200; every message of the chat in Kommo exactly once',
			pair.every((r) => r.status === 200) && counts.every((c) => c === 1),
			`statuses ${pair.map((r) => r.status).join(',')}; counts ${counts.join(',')}; ${notes.length} note(s)`,
		);
		const keys = notes.map(noteKey);
		check(
			'4. every note carries a distinct idempotency marker',
			keys.every(Boolean) && new Set(keys).size === keys.length,
			keys.join(' '),
		);

		// 5. A chat from an existing Kommo contact with an open deal → note on that deal, no new lead.
		const maryJaneIntercomId = '65f0c0de0000000000000003';
		const now = Math.floor(Date.now() / 1000);
		const seedResponse = await fetch(`${sandbox.url}/_sandbox/seed`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				merge: true,
				intercom: {
					contacts: [
						{
							id: maryJaneIntercomId,
							role: 'user',
							name: 'Mary Jane Watson',
							email: 'maryjane@example.com',
							created_at: now - 3600,
						},
					],
					conversations: [
						{
							id: '1003',
							created_at: now - 60,
							contacts: [maryJaneIntercomId],
							source: {
								id: '403900003',
								delivered_as: 'customer_initiated',
								author: { type: 'user', id: maryJaneIntercomId },
								body: '<p>We would like to add 3 seats to our team plan.</p>',
							},
							parts: [],
							tags: [],
						},
					],
				},
			}),
		});
		if (!seedResponse.ok)
			throw new Error(`seeding conversation 1003: ${await seedResponse.text()}`);
		const before5 = await sandboxState(sandbox);
		const existing = await sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.created',
			conversationId: '1003',
		});
		executions += 1;
		list = await settle(n8n, chat.id, executions);
		state = await sandboxState(sandbox);
		const openNotes = notesOf(state, IDS.kommo.openLead);
		const expectedExisting = expectedNote('1003', now - 60, [
			{
				id: '403900003',
				t: now - 60,
				author: 'Mary Jane Watson',
				text: 'We would like to add 3 seats to our team plan.',
			},
		]);
		check(
			'5. existing contact with an open deal → the note lands on that deal (30000001), exact text',
			existing.status === 200 &&
				openNotes.length === 2 &&
				openNotes[1].params.text === expectedExisting,
			`${existing.status}, ${openNotes.length} note(s) on 30000001; ${firstDifference(openNotes[1]?.params?.text, expectedExisting)}`,
		);
		check(
			'5. no new lead and no new contact',
			state.kommo.leads.length === before5.kommo.leads.length &&
				state.kommo.contacts.length === before5.kommo.contacts.length,
			`leads ${before5.kommo.leads.length}→${state.kommo.leads.length}, contacts ${before5.kommo.contacts.length}→${state.kommo.contacts.length}`,
		);

		// 7. A forged signature → 401, no execution, nothing written.
		const notesBefore = state.kommo.notes.length;
		const forged = await sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.created',
			conversationId: IDS.intercom.secondConversation,
			clientSecret: 'not-the-client-secret',
		});
		await delay(quietMs);
		list = await n8n.executions(chat.id, { mode: 'webhook' });
		state = await sandboxState(sandbox);
		check(
			'7. forged X-Hub-Signature → 401, no execution, no note',
			forged.status === 401 &&
				list.length === executions &&
				state.kommo.notes.length === notesBefore,
			`${forged.status} ${String(forged.body).slice(0, 100)}; executions ${executions}→${list.length}; notes ${notesBefore}→${state.kommo.notes.length}`,
		);

		const failures = await executionFailures(n8n, list);
		check(
			`chat workflow: all ${list.length} executions succeeded`,
			failures.length === 0,
			failures.join(' | '),
		);
		return { janeLeadId: janeLead.id };
	}

	/**
	 * 6. Duplicate Kommo contacts (two contacts with the same email, as imports leave them) and no
	 * open deal: one chat gives ONE new deal, linked to the most recently updated contact, and one note.
	 */
	async function duplicateContactScenario(n8n, sandbox, chat) {
		const email = 'dana.duplicate@example.com';
		const intercomId = '65f0c0de0000000000000006';
		const conversationId = '1006';
		const now = Math.floor(Date.now() / 1000);
		// in-process: the suite runs the sandbox itself (POST /_sandbox/seed and
		// /_sandbox/kommo/contacts/:id/duplicate do the same over HTTP)
		sandbox.seed(
			{
				intercom: {
					contacts: [
						{ id: intercomId, role: 'user', name: 'Dana Duplicate', email, created_at: now - 3600 },
					],
					conversations: [
						{
							id: conversationId,
							created_at: now - 60,
							contacts: [intercomId],
							source: {
								id: '403900006',
								delivered_as: 'customer_initiated',
								author: { type: 'user', id: intercomId },
								body: '<p>Hello, is there a discount for nonprofits?</p>',
							},
							parts: [],
							tags: [],
						},
					],
				},
				kommo: {
					contacts: [
						{
							name: 'Dana Duplicate',
							created_at: now - 7200,
							custom_fields_values: [
								{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] },
							],
						},
					],
				},
			},
			{ merge: true },
		);
		const hasEmail = (contact) =>
			JSON.stringify(contact.custom_fields_values ?? []).includes(email);
		const original = sandbox.state.kommo.contacts.find(hasEmail);
		const duplicate = sandbox.duplicateKommoContact(original.id, {
			name: 'Dana Duplicate (import)',
		});

		const before = await sandboxState(sandbox);
		const executionsBefore = (await n8n.executions(chat.id, { mode: 'webhook' })).length;
		const created = await sandbox.sendIntercomWebhook({
			url: chat.url,
			topic: 'conversation.user.created',
			conversationId,
		});
		await settle(n8n, chat.id, executionsBefore + 1);
		const state = await sandboxState(sandbox);
		save('state-6-duplicates.json', state);
		const knownLeads = new Set(before.kommo.leads.map((lead) => lead.id));
		const newLeads = state.kommo.leads.filter((lead) => !knownLeads.has(lead.id));
		const notes = newLeads.flatMap((lead) => notesOf(state, lead.id));
		check(
			'5b. two Kommo contacts with the same email, no open deal → 200 and exactly one new deal',
			created.status === 200 && newLeads.length === 1,
			`${created.status}; ${newLeads.length} new lead(s) ${newLeads.map((l) => `${l.id} "${l.name}"`).join(', ')}`,
		);
		check(
			'5b. the deal is linked to the most recently updated of the two contacts, and no contact is created',
			newLeads.length === 1 &&
				JSON.stringify(leadContacts(state, newLeads[0].id)) === JSON.stringify([duplicate.id]) &&
				state.kommo.contacts.length === before.kommo.contacts.length,
			`contacts of the deal: ${newLeads.map((l) => leadContacts(state, l.id).join(',')).join(' / ')}; expected ${duplicate.id}; contacts ${before.kommo.contacts.length}→${state.kommo.contacts.length}`,
		);
		check(
			'5b. exactly one note, holding the chat',
			notes.length === 1 && notes[0].params.text.includes('discount for nonprofits'),
			`${notes.length} note(s)`,
		);
	}

	/**
	 * 12. A visitor who typed an existing customer's email (docs/intercom.md): Intercom keeps the
	 * writer as a contact with role `lead`. As shipped, the chat goes on the customer's deal with a
	 * warning in each note's header; with "Start a new deal for it" set on Find contact by email (as
	 * a user sets it in the editor), it gets a deal of its own, found again for the next message,
	 * and the customer's deal is untouched. The setting is put back afterwards.
	 */
	async function visitorScenario(n8n, sandbox, chat) {
		const email = 'vera.customer@example.com';
		const visitorId = '65f0c0de0000000000000011';
		const now = Math.floor(Date.now() / 1000);
		const hasEmail = (contact) =>
			JSON.stringify(contact.custom_fields_values ?? []).includes(email);
		sandbox.seed(
			{
				kommo: {
					contacts: [
						{
							name: 'Vera Customer',
							created_at: now - 7200,
							custom_fields_values: [
								{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] },
							],
						},
					],
				},
			},
			{ merge: true },
		);
		const customer = sandbox.state.kommo.contacts.find(hasEmail);
		sandbox.seed(
			{
				kommo: {
					leads: [
						{
							name: 'Vera Customer - renewal',
							pipeline_id: IDS.kommo.sales,
							status_id: IDS.kommo.status.qualified,
							contacts: [customer.id],
						},
					],
				},
				intercom: {
					contacts: [{ id: visitorId, role: 'lead', name: 'Vera', email, created_at: now - 600 }],
				},
			},
			{ merge: true },
		);
		const customerDeal = sandbox.state.kommo.leads.find((lead) =>
			lead.name.startsWith('Vera Customer - renewal'),
		);
		const visitorChat = (conversationId, text) => {
			sandbox.seed(
				{
					intercom: {
						conversations: [
							{
								id: conversationId,
								created_at: Math.floor(Date.now() / 1000) - 5,
								contacts: [visitorId],
								source: {
									id: `4039${conversationId}`,
									delivered_as: 'customer_initiated',
									author: { type: 'lead', id: visitorId },
									body: `<p>${text}</p>`,
								},
								parts: [],
								tags: [],
							},
						],
					},
				},
				{ merge: true },
			);
		};
		const deliver = async (topic, conversationId) => {
			const before = (await n8n.executions(chat.id, { mode: 'webhook' })).length;
			const sent = await sandbox.sendIntercomWebhook({ url: chat.url, topic, conversationId });
			await settle(n8n, chat.id, before + 1);
			return sent.status;
		};
		const chatNotes = (state, conversationId) =>
			state.kommo.notes.filter((note) =>
				String(note.params?.text ?? '').startsWith(`[Intercom] Chat #${conversationId} `),
			);
		const warned = (note) =>
			String(note.params?.text ?? '')
				.split('\n')[2]
				?.startsWith(
					`Warning: not verified. This chat was written in Intercom by a visitor who typed the email ${email}`,
				);

		visitorChat('1021', 'Please send the contract to my new address.');
		const marked = await deliver('conversation.user.created', '1021');
		let state = await sandboxState(sandbox);
		const markedNotes = chatNotes(state, '1021');
		check(
			"12. a visitor's chat with a customer's email (as shipped) → one note on the customer's deal, its header says the email is not verified",
			marked === 200 &&
				markedNotes.length === 1 &&
				Number(markedNotes[0].entity_id) === customerDeal.id &&
				warned(markedNotes[0]),
			`${marked}; ${markedNotes.length} note(s) on ${markedNotes.map((n) => n.entity_id).join(', ')} (customer's deal ${customerDeal.id}); header: ${String(markedNotes[0]?.params?.text ?? '').split('\n')[2] ?? '-'}`,
		);

		const setChoice = (visitorMatch) =>
			editAndRepublish(n8n, chat.id, (nodes) => {
				nodes.find(
					(node) => node.name === 'Find contact by email',
				).parameters.options.visitorMatch = visitorMatch;
			});
		await setChoice('newDeal');
		try {
			const leadsBefore = new Set(state.kommo.leads.map((lead) => lead.id));
			visitorChat('1022', 'I am the new owner of this account, change the email please.');
			const first = await deliver('conversation.user.created', '1022');
			sandbox.appendIntercomPart('1022', {
				kind: 'customer',
				body: '<p>And send the invoices to me.</p>',
			});
			const second = await deliver('conversation.user.replied', '1022');
			state = await sandboxState(sandbox);
			save('state-12-visitor.json', state);
			const newLeads = state.kommo.leads.filter((lead) => !leadsBefore.has(lead.id));
			const notes = chatNotes(state, '1022');
			check(
				'12. with "Start a new deal for it": one new deal without a contact, both messages on it once, each note marked',
				first === 200 &&
					second === 200 &&
					newLeads.length === 1 &&
					leadContacts(state, newLeads[0].id).length === 0 &&
					notes.length === 2 &&
					notes.every((note) => Number(note.entity_id) === newLeads[0].id && warned(note)) &&
					occurrences(notes, ['And send the invoices to me.'])[0] === 1,
				`${first}/${second}; new deals ${newLeads.map((l) => `${l.id} "${l.name}" (contacts ${leadContacts(state, l.id).join(',') || 'none'})`).join(', ')}; notes on ${notes.map((n) => n.entity_id).join(', ')}`,
			);
			check(
				"12. … and the customer's deal is untouched",
				notesOf(state, customerDeal.id).length === 1,
				`${notesOf(state, customerDeal.id).length} note(s) on ${customerDeal.id}`,
			);
		} finally {
			await setChoice('mark');
		}
	}

	/**
	 * 9. / 10. Kommo is the only record of what is delivered. A new customer's chat (their message
	 * and a teammate's answer) becomes one note on a new deal; then something happens to n8n between
	 * that and the customer's reply: `between()` (9: n8n restarted; 10: the workflow's static data
	 * wiped in n8n's database), which resolves to a description of what it did. The reply's note
	 * must hold only the new message (exact text), on the same deal, and nothing is written twice.
	 *
	 * `number` names the checks; `conversationId` (four digits, unused elsewhere) seeds the chat.
	 */
	async function betweenTwoMessagesScenario(
		n8n,
		sandbox,
		chat,
		{ number, what, conversationId, between },
	) {
		const intercomId = `65f0c0de0000000000${conversationId.padStart(6, '0')}`;
		const name = `Casey Between-${conversationId}`;
		const email = `casey.${conversationId}@between.example`;
		const firstText = `Chat ${conversationId}: do you ship to Norway?`;
		const replyText = `Chat ${conversationId}: thanks, and what does shipping cost?`;
		const createdAt = Math.floor(Date.now() / 1000) - 120;
		sandbox.seed(
			{
				intercom: {
					contacts: [{ id: intercomId, role: 'user', name, email, created_at: createdAt - 3600 }],
					conversations: [
						{
							id: conversationId,
							created_at: createdAt,
							contacts: [intercomId],
							source: {
								id: `4039${conversationId.padStart(5, '0')}`,
								delivered_as: 'customer_initiated',
								author: { type: 'user', id: intercomId },
								body: `<p>${firstText}</p>`,
							},
							parts: [],
							tags: [],
						},
					],
				},
			},
			{ merge: true },
		);
		const answer = sandbox.appendIntercomPart(conversationId, {
			kind: 'admin',
			body: '<p>Yes, we ship to Norway.</p>',
		});
		const adminName = sandbox.state.intercom.admins.find(
			(admin) => admin.id === sandbox.state.intercom.me,
		)?.name;
		const before = await sandboxState(sandbox);
		const knownLeads = new Set(before.kommo.leads.map((lead) => lead.id));
		const executionsBefore = await n8n.executions(chat.id, { mode: 'webhook' });
		const lastBefore = Math.max(0, ...executionsBefore.map((e) => Number(e.id)));

		const created = await sandbox.sendIntercomWebhook({
			url: chat.url,
			topic: 'conversation.user.created',
			conversationId,
		});
		await settle(n8n, chat.id, executionsBefore.length + 1);
		let state = await sandboxState(sandbox);
		const newLeads = state.kommo.leads.filter((lead) => !knownLeads.has(lead.id));
		const lead = newLeads[0];
		let notes = lead ? notesOf(state, lead.id) : [];
		const expectedFirst = expectedNote(conversationId, createdAt, [
			{ id: `4039${conversationId.padStart(5, '0')}`, t: createdAt, author: name, text: firstText },
			{ id: answer.id, t: answer.created_at, author: adminName, text: 'Yes, we ship to Norway.' },
		]);
		save(`expected-note-${number}-1.txt`, expectedFirst);
		if (notes[0]) save(`actual-note-${number}-1.txt`, notes[0].params.text);
		check(
			`${number}. new chat → 200, one new deal holding one note with the whole chat (exact text)`,
			created.status === 200 &&
				newLeads.length === 1 &&
				notes.length === 1 &&
				notes[0].params.text === expectedFirst,
			`${created.status}; ${newLeads.length} new lead(s); ${notes.length} note(s); ${firstDifference(notes[0]?.params?.text, expectedFirst)}`,
		);
		if (!lead)
			throw new Error(`scenario ${number}: no deal was created for chat ${conversationId}`);

		const happened = await between();
		const executionsBetween = await n8n.executions(chat.id, { mode: 'webhook' });
		const reply = sandbox.appendIntercomPart(conversationId, {
			kind: 'customer',
			body: `<p>${replyText}</p>`,
		});
		const replied = await sandbox.sendIntercomWebhook({
			url: chat.url,
			topic: 'conversation.user.replied',
			conversationId,
		});
		const list = await settle(n8n, chat.id, executionsBetween.length + 1);
		state = await sandboxState(sandbox);
		save(`state-${number}.json`, state);
		notes = notesOf(state, lead.id);
		const expectedReply = expectedNote(conversationId, createdAt, [
			{ id: reply.id, t: reply.created_at, author: name, text: replyText },
		]);
		save(`expected-note-${number}-2.txt`, expectedReply);
		if (notes[1]) save(`actual-note-${number}-2.txt`, notes[1].params.text);
		const ofChat = state.kommo.notes.filter((note) =>
			String(note.params?.text ?? '').startsWith(`[Intercom] Chat #${conversationId} `),
		);
		check(
			`${number}. ${what}, then a reply → 200 and a second note on the same deal holding only the new message (exact text)`,
			replied.status === 200 &&
				notes.length === 2 &&
				notes[1].params.text === expectedReply &&
				ofChat.length === 2,
			`${happened}; reply ${replied.status}; ${notes.length} note(s) on lead ${lead.id}, ${ofChat.length} note(s) of chat ${conversationId} in Kommo; ${firstDifference(notes[1]?.params?.text, expectedReply)}`,
		);
		const mine = list.filter((e) => Number(e.id) > lastBefore);
		const failures = await executionFailures(n8n, mine);
		check(
			`${number}. chat workflow: all ${mine.length} executions of the scenario succeeded`,
			failures.length === 0,
			failures.join(' | '),
		);
	}

	/**
	 * 9. n8n restarted between two messages of a chat: `restart()` stops and starts every n8n
	 * process of the suite (and signs in again), resolving to a description. Whatever a process
	 * remembered (the trigger's notification ids, the customer locks, caches) is gone; Kommo is not.
	 */
	async function restartScenario(n8n, sandbox, chat, { restart }) {
		await betweenTwoMessagesScenario(n8n, sandbox, chat, {
			number: '9',
			what: 'n8n restarted',
			conversationId: '1009',
			between: restart,
		});
	}

	/**
	 * 10. The chat workflow's static data wiped in n8n's database between two messages, as an admin
	 * could (n8n running): `wipe(workflowId)` runs the database's own UPDATE and resolves to
	 * `{ before, rows, how }` (the stored value it replaced, the rows it changed). The template keeps
	 * nothing there, so the wipe must change nothing in what is written.
	 */
	async function staticDataWipedScenario(n8n, sandbox, chat, { wipe }) {
		await betweenTwoMessagesScenario(n8n, sandbox, chat, {
			number: '10',
			what: "the workflow's static data wiped in n8n's database",
			conversationId: '1010',
			between: async () => {
				const { before, rows, how } = await wipe(chat.id);
				const after = (await n8n.workflow(chat.id))?.staticData ?? null;
				const cursorOnly = { except: [CATCH_UP_STATIC_DATA] };
				check(
					"10. the chat path keeps no static data (Kommo holds what is delivered; only the catch-up's cursor is there), and the wipe reached n8n's database",
					staticDataIsEmpty(before, cursorOnly) && rows === 1 && staticDataIsEmpty(after),
					`stored before the wipe: ${JSON.stringify(before)}; ${how}: ${rows} row(s); n8n's API after: ${JSON.stringify(after)}`,
				);
				return `static data wiped (${how}, ${rows} row)`;
			},
		});
	}

	async function stageScenarios(n8n, sandbox, stage, { janeLeadId }) {
		await registerKommoWebhook(sandbox, stage.url);
		let executions = 0;

		// 6. Jane's lead → Won: the template's own row tags the conversation the lead came from.
		await kommoApi(sandbox, 'PATCH', `/api/v4/leads/${janeLeadId}`, {
			status_id: IDS.kommo.status.won,
		});
		await sandbox.flushWebhooks();
		executions += 1;
		let list = await settle(n8n, stage.id, executions);
		let state = await sandboxState(sandbox);
		const delivery = state.deliveries.at(-1);
		save('state-6.json', state);
		check(
			'6. lead PATCH fired the form-encoded status_lead webhook; n8n answered 200',
			delivery?.status === 200 || delivery?.response?.status === 200,
			JSON.stringify(delivery ?? null).slice(0, 300),
		);
		const tags1001 = conversationTagNames(state, IDS.intercom.conversation);
		check(
			`6. Won → tag "${WON_TAG}" on conversation 1001 (the lead's chat)`,
			tags1001.includes(WON_TAG),
			`1001 tags: ${tags1001.join(', ')}; ${list.length} execution(s)`,
		);

		// Mary Jane's open deal → Qualified: the row a user adds in the editor (saved and published
		// again while the workflow is live); tags conversation 1003.
		await addStageTagRows(n8n, stage, [
			{ stageId: IDS.kommo.status.qualified, tag: QUALIFIED_TAG },
		]);
		const republished = await productionUrl(n8n, stage);
		check(
			'6. after the Qualified row is saved and published, the Production URL is unchanged',
			toPublicUrl(republished.url) === stage.url,
			`${toPublicUrl(republished.url)} vs ${stage.url}`,
		);
		await waitForWebhook(stage.url);
		await kommoApi(sandbox, 'PATCH', `/api/v4/leads/${IDS.kommo.openLead}`, {
			status_id: IDS.kommo.status.qualified,
		});
		await sandbox.flushWebhooks();
		executions += 1;
		list = await settle(n8n, stage.id, executions);
		state = await sandboxState(sandbox);
		const tags1003 = conversationTagNames(state, '1003');
		const tags1001After = conversationTagNames(state, IDS.intercom.conversation);
		check(
			`6. Qualified → tag "${QUALIFIED_TAG}" on conversation 1003 only`,
			tags1003.includes(QUALIFIED_TAG) && !tags1001After.includes(QUALIFIED_TAG),
			`1003 tags: ${tags1003.join(', ')}; 1001 tags: ${tags1001After.join(', ')}`,
		);

		// A stage without a row starts nothing.
		await kommoApi(sandbox, 'PATCH', `/api/v4/leads/${IDS.kommo.openLead}`, {
			status_id: IDS.kommo.status.proposal,
		});
		await sandbox.flushWebhooks();
		await delay(quietMs);
		list = await n8n.executions(stage.id);
		check(
			'6. a stage without a Stage → Intercom Tag row starts no execution',
			list.length === executions,
			`${list.length} execution(s), expected ${executions}`,
		);

		const failures = await executionFailures(n8n, list);
		check(
			`stage workflow: all ${list.length} executions succeeded`,
			failures.length === 0,
			failures.join(' | '),
		);
	}

	/**
	 * 11. A failing execution of the chat template runs the shipped error workflow: the templates name
	 * `workflows/error-report.json` in `settings.errorWorkflow`, so with both imported as shipped and the
	 * error workflow published (n8n runs no inactive error workflow), a
	 * chat whose conversation Intercom does not know (Get conversation → 404) fails, and n8n runs
	 * "Error report" with the failure: its summary names the workflow, the step and the execution.
	 * Run it last: it leaves a failed execution in the chat workflow's list.
	 */
	async function errorWorkflowScenario(n8n, sandbox, chat, errorReport) {
		// n8n 2.x runs only a published error workflow ("… is not active and cannot be executed"
		// otherwise): published as the README says, with nothing changed in it. n8n 1.x refuses to
		// activate a workflow whose only trigger is the Error Trigger, and runs it anyway.
		const activation = await editAndRepublish(n8n, errorReport.id, () => {}).then(
			() => 'published',
			(error) => {
				if (!n8n.legacyLine) throw error;
				return `not activated: ${error.message}`;
			},
		);
		const stored = await n8n.workflow(chat.id);
		check(
			'11. the chat template names the shipped error workflow (settings.errorWorkflow)',
			stored.settings?.errorWorkflow === errorReport.id,
			`settings.errorWorkflow = ${stored.settings?.errorWorkflow}; "${errorReport.name}" = ${errorReport.id}, ${activation}`,
		);
		const chatBefore = (await n8n.executions(chat.id, { mode: 'webhook' })).length;
		const reportsBefore = (await n8n.executions(errorReport.id, { mode: 'error' })).length;
		const missingConversation = '99999999901';
		const sent = await sandbox.sendIntercomWebhook({
			url: chat.url,
			topic: 'conversation.user.replied',
			// the notification's Conversation, of an id the sandbox's Intercom does not hold
			item: {
				type: 'conversation',
				id: missingConversation,
				created_at: Math.floor(Date.now() / 1000),
				updated_at: Math.floor(Date.now() / 1000),
			},
		});
		const chatRuns = await settle(n8n, chat.id, chatBefore + 1);
		const failedRun = chatRuns
			.filter((e) => e.status !== 'success')
			.sort((a, b) => Number(b.id) - Number(a.id))[0];
		check(
			'11. a chat whose conversation Intercom does not know: the chat execution fails',
			sent.status === 200 && chatRuns.length === chatBefore + 1 && Boolean(failedRun),
			`${sent.status}; ${chatRuns.length - chatBefore} new execution(s); ${failedRun ? `#${failedRun.id} ${failedRun.status}` : 'none failed'}`,
		);
		const reports = await settle(n8n, errorReport.id, reportsBefore + 1, { mode: 'error' });
		const report = reports.sort((a, b) => Number(b.id) - Number(a.id))[0];
		const execution =
			reports.length > reportsBefore
				? await n8n.execution(report.id).catch(() => undefined)
				: undefined;
		if (execution) save(`execution-${report.id}-error-report.json`, execution);
		const runData = execution?.data?.resultData?.runData ?? {};
		const summary = runData['Write failure summary']?.[0]?.data?.main?.[0]?.[0]?.json ?? {};
		const sentOn = runData['Send this to your team']?.[0]?.data?.main?.[0]?.[0]?.json ?? {};
		check(
			'11. n8n runs the error workflow: "Error report" writes the summary of that failure',
			report?.status === 'success' &&
				reports.length === reportsBefore + 1 &&
				String(summary.subject ?? '').includes(chat.name) &&
				String(summary.subject ?? '').includes('Get conversation') &&
				String(summary.summary ?? '').includes(`/executions/${failedRun?.id}`) &&
				sentOn.subject === summary.subject,
			`${reports.length - reportsBefore} run(s) of "${errorReport.name}"${report ? ` (#${report.id} ${report.status}, mode ${report.mode})` : ''}; subject: ${summary.subject ?? '-'}`,
		);
	}

	return {
		SEEDED_MESSAGES,
		expectedNote,
		firstDifference,
		finished,
		settle,
		sandboxState,
		notesOf,
		noteKey,
		leadContacts,
		conversationTagNames,
		storedPart,
		occurrences,
		kommoApi,
		executionFailures,
		chatScenarios,
		duplicateContactScenario,
		visitorScenario,
		restartScenario,
		staticDataWipedScenario,
		stageScenarios,
		errorWorkflowScenario,
	};
}
