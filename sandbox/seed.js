'use strict';
// Seed data. The default seed tells one demo story:
//  - Intercom: Jane Doe <jane@example.com> asks about annual pricing; Fin (the AI agent) answers,
//    hands over to Alex, who replies and leaves an internal note. The conversation is tagged
//    "Pricing".
//  - Kommo (account "demo", id 31000001): pipeline "Sales" (Incoming, Qualified, Proposal,
//    142 Won, 143 Lost) and "Partners". Jane is NOT in Kommo yet, but Mary Jane Watson
//    <maryjane@example.com> is, with an open lead and a won one - so Kommo's fuzzy search for
//    "jane@example.com" returns her, and the sync must not mistake her for Jane.
//  - The lead field "Intercom tags" (multiselect) has one option per demo Intercom tag.
//
// Times are relative to "now" so the demo always looks recent.

const HOUR = 3600;
const MINUTE = 60;

const IDS = {
	intercom: {
		appId: 'sbx0demo',
		alex: '5001001',
		priya: '5001002',
		fin: '5009999',
		jane: '65f0c0de0000000000000001',
		sam: '65f0c0de0000000000000002',
		conversation: '1001',
		secondConversation: '1002',
		tags: { pricing: '9000001', vip: '9000002', demo: '9000003', bug: '9000004' },
	},
	kommo: {
		account: 31000001,
		alex: 9100001,
		priya: 9100002,
		sales: 8100001,
		partners: 8100002,
		status: {
			incoming: 81000010,
			qualified: 81000011,
			proposal: 81000012,
			partnersIncoming: 81000020,
			onboarding: 81000021,
			won: 142,
			lost: 143,
		},
		fields: {
			email: 700001,
			phone: 700002,
			intercomTags: 710001,
			conversationUrl: 710002,
			seats: 710003,
			source: 710004,
		},
		enums: {
			pricing: 720001,
			vip: 720002,
			demo: 720003,
			bug: 720004,
			sourceChat: 721001,
			sourceWeb: 721002,
		},
		maryJane: 20000001,
		openLead: 30000001,
		wonLead: 30000002,
	},
};

function kommoStatus(id, name, sort, pipelineId, color, type = 0, isEditable = true) {
	return { id, name, sort, is_editable: isEditable, pipeline_id: pipelineId, color, type };
}

function defaultSeed(now = Math.floor(Date.now() / 1000)) {
	const start = now - 3 * HOUR;
	const i = IDS.intercom;
	const k = IDS.kommo;
	return {
		intercom: {
			app: {
				type: 'app',
				id_code: i.appId,
				name: 'Acme Support (sandbox)',
				created_at: now - 400 * 24 * HOUR,
				secure: false,
				identity_verification: false,
				timezone: 'Europe/Berlin',
				region: 'US',
			},
			me: i.alex,
			admins: [
				{
					id: i.alex,
					name: 'Alex Morgan',
					email: 'alex.morgan@acme.example',
					job_title: 'Support Lead',
				},
				{
					id: i.priya,
					name: 'Priya Shah',
					email: 'priya.shah@acme.example',
					job_title: 'Account Executive',
				},
			],
			contacts: [
				{
					id: i.jane,
					role: 'user',
					name: 'Jane Doe',
					email: 'jane@example.com',
					phone: '+1 415 555 0142',
					external_id: 'cust-2001',
					created_at: now - 30 * 24 * HOUR,
				},
				{
					id: i.sam,
					role: 'lead',
					name: 'Sam Lee',
					email: 'sam.lee@example.org',
					phone: null,
					external_id: null,
					created_at: now - 2 * 24 * HOUR,
				},
			],
			tags: [
				{ id: i.tags.pricing, name: 'Pricing' },
				{ id: i.tags.vip, name: 'VIP' },
				{ id: i.tags.demo, name: 'Demo request' },
				{ id: i.tags.bug, name: 'Bug' },
			],
			conversations: [
				{
					id: i.conversation,
					created_at: start,
					admin_assignee_id: Number(i.alex),
					contacts: [i.jane],
					source: {
						id: '403900001',
						delivered_as: 'customer_initiated',
						author: { type: 'user', id: i.jane },
						url: 'https://acme.example/pricing',
						body: '<p>Hi! We are evaluating <b>Acme Pro</b> for a team of 12.</p><p>Do you offer <i>annual</i> billing &amp; a discount?</p>',
					},
					parts: [
						{
							id: '40000001',
							part_type: 'comment',
							created_at: start + 1 * MINUTE,
							author: { type: 'bot', id: i.fin },
							body: '<p>Hi Jane! Yes &mdash; annual plans save 20%. See <a href="https://acme.example/pricing#annual">our pricing page</a>.</p>',
						},
						{
							id: '40000002',
							part_type: 'assignment',
							created_at: start + 2 * MINUTE,
							author: { type: 'bot', id: i.fin },
							assigned_to: { type: 'admin', id: i.alex },
							body: null,
						},
						{
							id: '40000003',
							part_type: 'comment',
							created_at: start + 10 * MINUTE,
							author: { type: 'admin', id: i.alex },
							body: '<p>Hi Jane, Alex here. For 12 seats I can offer <b>annual billing at $40/seat/month</b>.</p><ul><li>SSO included</li><li>Priority support</li></ul>',
						},
						{
							id: '40000004',
							part_type: 'comment',
							created_at: start + 25 * MINUTE,
							author: { type: 'user', id: i.jane },
							body: '<p>Sounds good. Could you send a formal quote to <a href="mailto:jane@example.com">jane@example.com</a>?</p>',
						},
						{
							id: '40000005',
							part_type: 'note',
							created_at: start + 27 * MINUTE,
							author: { type: 'admin', id: i.alex },
							body: '<p>Hot lead: 12 seats, wants annual. Handing over to <b>Priya</b> for the quote.</p>',
						},
						{
							id: '40000006',
							part_type: 'close',
							created_at: start + 30 * MINUTE,
							author: { type: 'admin', id: i.alex },
							body: null,
						},
					],
					tags: [
						{
							id: i.tags.pricing,
							applied_at: start + 11 * MINUTE,
							applied_by: { type: 'admin', id: i.alex },
						},
					],
					state: 'closed',
				},
				{
					id: i.secondConversation,
					created_at: now - 20 * MINUTE,
					contacts: [i.sam],
					source: {
						id: '403900002',
						delivered_as: 'customer_initiated',
						author: { type: 'lead', id: i.sam },
						body: '<p>Can I get a demo next week?</p>',
					},
					parts: [],
					tags: [],
				},
			],
		},
		kommo: {
			account: {
				id: k.account,
				name: 'Demo Co (sandbox)',
				subdomain: 'demo',
				created_at: now - 500 * 24 * HOUR,
				created_by: 0,
				updated_at: now - 24 * HOUR,
				updated_by: 0,
				current_user_id: k.alex,
				country: 'US',
				currency: 'USD',
				currency_symbol: '$',
				customers_mode: 'disabled',
				is_unsorted_on: true,
				mobile_feature_version: 0,
				is_loss_reason_enabled: true,
				is_helpbot_enabled: false,
				is_technical_account: false,
				contact_name_display_order: 1,
			},
			users: [
				{
					id: k.alex,
					name: 'Alex Morgan',
					email: 'alex.morgan@acme.example',
					lang: 'en',
					rights: { is_admin: true, is_free: false, is_active: true },
				},
				{
					id: k.priya,
					name: 'Priya Shah',
					email: 'priya.shah@acme.example',
					lang: 'en',
					rights: { is_admin: false, is_free: false, is_active: true },
				},
			],
			pipelines: [
				{
					id: k.sales,
					name: 'Sales',
					sort: 1,
					is_main: true,
					is_unsorted_on: true,
					is_archive: false,
					statuses: [
						kommoStatus(k.status.incoming, 'Incoming', 10, k.sales, '#c1c1c1', 1, false),
						kommoStatus(k.status.qualified, 'Qualified', 20, k.sales, '#99ccff'),
						kommoStatus(k.status.proposal, 'Proposal', 30, k.sales, '#ffcc66'),
						kommoStatus(k.status.won, 'Won', 10000, k.sales, '#CCFF66', 0, false),
						kommoStatus(k.status.lost, 'Lost', 11000, k.sales, '#D5D8DB', 0, false),
					],
				},
				{
					id: k.partners,
					name: 'Partners',
					sort: 2,
					is_main: false,
					is_unsorted_on: true,
					is_archive: false,
					statuses: [
						kommoStatus(
							k.status.partnersIncoming,
							'Incoming leads',
							10,
							k.partners,
							'#c1c1c1',
							1,
							false,
						),
						kommoStatus(k.status.onboarding, 'Onboarding', 20, k.partners, '#99ccff'),
						kommoStatus(k.status.won, 'Closed - won', 10000, k.partners, '#CCFF66', 0, false),
						kommoStatus(k.status.lost, 'Closed - lost', 11000, k.partners, '#D5D8DB', 0, false),
					],
				},
			],
			customFields: {
				contacts: [
					{
						id: k.fields.phone,
						name: 'Phone',
						type: 'multitext',
						code: 'PHONE',
						sort: 4,
						is_predefined: true,
						enums: [
							{ id: 730001, value: 'WORK', sort: 2 },
							{ id: 730002, value: 'WORKDD', sort: 4 },
							{ id: 730003, value: 'MOB', sort: 6 },
							{ id: 730004, value: 'FAX', sort: 8 },
							{ id: 730005, value: 'HOME', sort: 10 },
							{ id: 730006, value: 'OTHER', sort: 12 },
						],
					},
					{
						id: k.fields.email,
						name: 'Email',
						type: 'multitext',
						code: 'EMAIL',
						sort: 6,
						is_predefined: true,
						enums: [
							{ id: 730011, value: 'WORK', sort: 2 },
							{ id: 730012, value: 'PRIV', sort: 4 },
							{ id: 730013, value: 'OTHER', sort: 6 },
						],
					},
				],
				leads: [
					{
						id: k.fields.intercomTags,
						name: 'Intercom tags',
						type: 'multiselect',
						code: null,
						sort: 510,
						enums: [
							{ id: k.enums.pricing, value: 'Pricing', sort: 1 },
							{ id: k.enums.vip, value: 'VIP', sort: 2 },
							{ id: k.enums.demo, value: 'Demo request', sort: 3 },
							{ id: k.enums.bug, value: 'Bug', sort: 4 },
						],
					},
					{
						id: k.fields.conversationUrl,
						name: 'Intercom conversation',
						type: 'url',
						code: null,
						sort: 511,
					},
					{ id: k.fields.seats, name: 'Seats', type: 'numeric', code: null, sort: 512 },
					{
						id: k.fields.source,
						name: 'Source',
						type: 'select',
						code: null,
						sort: 513,
						enums: [
							{ id: k.enums.sourceChat, value: 'Chat', sort: 1 },
							{ id: k.enums.sourceWeb, value: 'Website', sort: 2 },
						],
					},
				],
			},
			contacts: [
				{
					id: k.maryJane,
					name: 'Mary Jane Watson',
					first_name: 'Mary Jane',
					last_name: 'Watson',
					responsible_user_id: k.priya,
					created_at: now - 60 * 24 * HOUR,
					custom_fields_values: [
						{ field_code: 'EMAIL', values: [{ value: 'maryjane@example.com', enum_code: 'WORK' }] },
						{ field_code: 'PHONE', values: [{ value: '+1 415 555 0100', enum_code: 'MOB' }] },
					],
				},
			],
			leads: [
				{
					id: k.openLead,
					name: 'Mary Jane Watson - Team plan',
					price: 4800,
					pipeline_id: k.sales,
					status_id: k.status.proposal,
					responsible_user_id: k.priya,
					created_at: now - 20 * 24 * HOUR,
					contacts: [k.maryJane],
					tags: ['returning customer'],
					custom_fields_values: [
						{ field_id: k.fields.intercomTags, values: [{ enum_id: k.enums.vip }] },
						{ field_id: k.fields.seats, values: [{ value: '5' }] },
					],
				},
				{
					id: k.wonLead,
					name: 'Mary Jane Watson - Starter plan',
					price: 1200,
					pipeline_id: k.sales,
					status_id: k.status.won,
					responsible_user_id: k.priya,
					created_at: now - 55 * 24 * HOUR,
					closed_at: now - 50 * 24 * HOUR,
					contacts: [k.maryJane],
				},
			],
			notes: [
				{
					entity_type: 'leads',
					entity_id: k.openLead,
					note_type: 'common',
					params: { text: 'Sent the team-plan proposal by email.' },
					created_at: now - 10 * 24 * HOUR,
					created_by: k.priya,
				},
			],
		},
	};
}

/** An empty workspace/account: only the app, the token owner and Kommo's system fields exist. */
function emptySeed(now = Math.floor(Date.now() / 1000)) {
	const full = defaultSeed(now);
	return {
		intercom: { app: full.intercom.app, me: full.intercom.me, admins: [full.intercom.admins[0]] },
		kommo: {
			account: full.kommo.account,
			users: [full.kommo.users[0]],
			pipelines: [full.kommo.pipelines[0]],
			customFields: { contacts: full.kommo.customFields.contacts, leads: [] },
		},
	};
}

const DAY = 24 * HOUR;
const FIRST_NAMES = ['Ava', 'Ben', 'Chloe', 'Dev', 'Elena', 'Finn', 'Grace', 'Hugo', 'Iris', 'Jon'];
const LAST_NAMES = ['Adams', 'Brooks', 'Chen', 'Diaz', 'Evans', 'Fox', 'Gupta', 'Hale', 'Ito'];

/** Small seeded PRNG (mulberry32): the same options always give the same history. */
function seededRandom(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Contact ids of the history (24 hex digits, apart from the demo's and the sandbox's own). */
function historyContactId(n) {
	return `65f0c0df${String(n).padStart(16, '0')}`;
}

function historyContact(n, emailDomain, createdAt) {
	const first = FIRST_NAMES[n % FIRST_NAMES.length];
	const last = LAST_NAMES[Math.floor(n / FIRST_NAMES.length) % LAST_NAMES.length];
	return {
		id: historyContactId(n),
		role: 'user',
		name: `${first} ${last} ${n}`,
		email: `customer${n}@${emailDomain}`,
		created_at: createdAt,
	};
}

/** 1-3 parts alternating admin and customer, all inside the conversation's time slot. */
function historyParts(n, contactId, createdAt, slot, random) {
	const count = 1 + Math.floor(random() * 3);
	const gap = Math.max(1, Math.min(7 * MINUTE, Math.floor(slot / 4)));
	const customerFirst = random() < 0.3;
	return Array.from({ length: count }, (_, k) => {
		const fromCustomer = (k % 2 === 0) === customerFirst;
		return {
			part_type: 'comment',
			created_at: createdAt + (k + 1) * gap,
			author: fromCustomer
				? { type: 'user', id: contactId }
				: { type: 'admin', id: IDS.intercom.alex },
			body: fromCustomer
				? `<p>Follow-up ${k + 1} on request ${n}.</p>`
				: `<p>Answer ${k + 1} to request ${n}.</p>`,
		};
	});
}

/**
 * Bulk Intercom history for catch-up tests: `count` conversations from `count` distinct contacts
 * (role user, emails `customer<n>@<emailDomain>`), created over the last `days` days, each with
 * 1-3 admin/customer parts, all in the past; ids from `startId` (default 5001) up. No Kommo data.
 * Deterministic for the same options and `now`. Use it on top of a preset:
 * `sandbox.seed(historySeed({ count: 300, days: 7 }))` or with `{ merge: true }`.
 * @param {import('./index').HistorySeedOptions} options
 * @returns {import('./index').SeedData}
 */
function historySeed(
	// called without options, the checks below say what is missing
	{
		count,
		days,
		startId = 5001,
		emailDomain = 'history.example',
		now = Math.floor(Date.now() / 1000),
	} = /** @type {import('./index').HistorySeedOptions} */ ({}),
) {
	if (!Number.isInteger(count) || count < 1) throw new Error('historySeed needs a count >= 1');
	if (!(days > 0)) throw new Error('historySeed needs days > 0');
	const random = seededRandom(Number(startId) * 31 + count * 7 + Math.round(days * 1000));
	const slot = (days * DAY) / count;
	const start = now - days * DAY;
	const contacts = [];
	const conversations = [];
	for (let index = 0; index < count; index++) {
		const n = Number(startId) + index;
		const createdAt = Math.floor(start + index * slot + random() * (slot / 8));
		const contact = historyContact(n, emailDomain, createdAt - DAY);
		const parts = historyParts(n, contact.id, createdAt, slot, random);
		const last = parts.at(-1);
		contacts.push(contact);
		conversations.push({
			id: String(n),
			created_at: createdAt,
			contacts: [contact.id],
			source: {
				delivered_as: 'customer_initiated',
				author: { type: 'user', id: contact.id },
				body: `<p>Question ${n}: can you help with my account?</p>`,
			},
			waiting_since: last?.author.type === 'user' ? last.created_at : null,
			parts,
		});
	}
	return { intercom: { contacts, conversations } };
}

const PRESETS = { default: defaultSeed, empty: emptySeed };

module.exports = { IDS, defaultSeed, emptySeed, historySeed, PRESETS };
