'use strict';
// The stored Intercom workspace: its empty shape, id counters, and seed input → stored admins,
// contacts, tags and conversations (the fields Intercom derives from the parts are derived here).
// Shapes follow the examples of Intercom's OpenAPI descriptions for API versions 2.14-2.16
// (https://github.com/intercom/Intercom-OpenAPI).

const { clone, nowSeconds } = require('../http');
const { conversationStatistics } = require('./statistics');

/** @typedef {import('../index').IntercomState} IntercomState */
/** @typedef {import('../index').IntercomConversation} IntercomConversation */
/** @typedef {import('../index').IntercomPart} IntercomPart */
/** @typedef {import('../index').IntercomAuthor} IntercomAuthor */
/** @typedef {import('../index').IntercomContact} IntercomContact */
/** @typedef {import('../index').IntercomAdmin} IntercomAdmin */
/** @typedef {import('../index').IntercomTagRef} IntercomTagRef */
/** @typedef {keyof IntercomState['nextId']} IntercomIdKind */

/** The workspace's AI agent, the author of `bot` parts. */
const BOT = { id: '5009999', name: 'Fin' };

/** @returns {IntercomState} */
function emptyIntercomState() {
	return {
		app: null,
		me: null,
		admins: [],
		contacts: [],
		tags: [],
		conversations: [],
		// ranges of their own, apart from the demo seed's ids (sandbox/seed.js)
		nextId: {
			tag: 9100001,
			part: 41000001,
			conversation: 3001,
			source: 404000001,
			contact: 1001,
		},
	};
}

/**
 * Intercom ids are strings of digits.
 * @param {IntercomState} state
 * @param {IntercomIdKind} kind
 */
function takeId(state, kind) {
	const id = state.nextId[kind];
	state.nextId[kind] = id + 1;
	return String(id);
}

// ---------------------------------------------------------------- seed input → stored records

/**
 * @param {any} input
 * @returns {IntercomAdmin}
 */
function normalizeAdmin(input) {
	return {
		type: 'admin',
		id: String(input.id),
		name: input.name ?? null,
		email: input.email ?? null,
		job_title: input.job_title ?? null,
		away_mode_enabled: input.away_mode_enabled ?? false,
		away_mode_reassign: input.away_mode_reassign ?? false,
		has_inbox_seat: input.has_inbox_seat ?? true,
		team_ids: input.team_ids ?? [],
		avatar: input.avatar ?? null,
	};
}

/**
 * @param {any} input
 * @param {IntercomState} state
 * @returns {IntercomContact}
 */
function normalizeContact(input, state) {
	const now = nowSeconds();
	return {
		type: 'contact',
		id: String(input.id),
		workspace_id: state.app?.id_code ?? null,
		external_id: input.external_id ?? null,
		role: input.role ?? 'user',
		email: input.email ?? null,
		phone: input.phone ?? null,
		name: input.name ?? null,
		avatar: null,
		owner_id: null,
		social_profiles: { type: 'list', data: [] },
		has_hard_bounced: false,
		marked_email_as_spam: false,
		unsubscribed_from_emails: false,
		created_at: input.created_at ?? now,
		updated_at: input.updated_at ?? input.created_at ?? now,
		signed_up_at: input.role === 'lead' ? null : (input.created_at ?? now),
		last_seen_at: input.last_seen_at ?? null,
		last_replied_at: null,
		last_contacted_at: null,
		language_override: null,
		browser: null,
		os: null,
		location: { type: 'location', country: null, region: null, city: null },
		custom_attributes: input.custom_attributes ?? {},
		tags: {
			type: 'list',
			data: [],
			url: `/contacts/${input.id}/tags`,
			total_count: 0,
			has_more: false,
		},
		notes: {
			type: 'list',
			data: [],
			url: `/contacts/${input.id}/notes`,
			total_count: 0,
			has_more: false,
		},
		companies: {
			type: 'list',
			data: [],
			url: `/contacts/${input.id}/companies`,
			total_count: 0,
			has_more: false,
		},
	};
}

/**
 * Author objects as Intercom sends them: name/email filled from the admin or contact registry;
 * `from_ai_agent`/`is_ai_answer` (API 2.14+) on every author, true for the bot.
 * @param {IntercomState} state
 * @param {any} author the input's author: `{ type, id?, name?, email? }`
 * @param {string} partType
 * @returns {IntercomAuthor}
 */
function resolveAuthor(state, author, partType) {
	const type = author?.type ?? 'admin';
	const id = author?.id !== undefined ? String(author.id) : type === 'bot' ? BOT.id : state.me;
	let name = author?.name;
	let email = author?.email;
	if (type === 'admin') {
		const admin = state.admins.find((entry) => entry.id === id);
		name ??= admin?.name ?? null;
		email ??= admin?.email ?? null;
	} else if (type === 'user' || type === 'lead' || type === 'contact') {
		const contact = state.contacts.find((entry) => entry.id === id);
		name ??= contact?.name ?? null;
		email ??= contact?.email ?? null;
	} else if (type === 'bot') {
		name ??= BOT.name;
		email ??= null;
	}
	const isBot = type === 'bot';
	return {
		type,
		id,
		name: name ?? null,
		email: email ?? null,
		from_ai_agent: author?.from_ai_agent ?? isBot,
		is_ai_answer: author?.is_ai_answer ?? (isBot && partType === 'comment'),
	};
}

/**
 * @param {IntercomState} state
 * @param {any} input
 * @param {number} fallbackTime `created_at` when the input has none
 * @returns {IntercomPart}
 */
function normalizePart(state, input, fallbackTime) {
	const createdAt = input.created_at ?? fallbackTime;
	const partType = input.part_type ?? 'comment';
	return {
		type: 'conversation_part',
		id: input.id !== undefined ? String(input.id) : takeId(state, 'part'),
		part_type: partType,
		// system parts (assignment, close, attribute updates, ...) carry no body
		body: input.body === undefined ? null : input.body,
		created_at: createdAt,
		updated_at: input.updated_at ?? createdAt,
		notified_at: input.notified_at ?? createdAt,
		assigned_to: input.assigned_to ?? null,
		author: resolveAuthor(state, input.author, partType),
		attachments: input.attachments ?? [],
		external_id: input.external_id ?? null,
		redacted: input.redacted ?? false,
		state: input.state ?? 'open',
		tags: input.tags ?? [],
		event_details: input.event_details ?? null,
		app_package_code: input.app_package_code ?? null,
	};
}

/**
 * A stored conversation is the Intercom model with two differences: `parts` holds every part
 * (the API answer is cut to the newest 500), and `contacts`/`tags` hold references that are
 * rendered into `contact.list`/`tag.list` on the way out.
 * @param {IntercomState} state
 * @param {any} input
 * @returns {IntercomConversation}
 */
function normalizeConversation(state, input) {
	const createdAt = input.created_at ?? nowSeconds();
	const source = input.source ?? {};
	/** @type {string[]} */
	const contacts = (input.contacts?.contacts ?? input.contacts ?? []).map(
		(/** @type {any} */ entry) => String(typeof entry === 'object' ? entry.id : entry),
	);
	if (
		!contacts.length &&
		source.author &&
		['user', 'lead', 'contact'].includes(source.author.type)
	) {
		contacts.push(String(source.author.id));
	}
	/** @type {IntercomPart[]} */
	const parts = (input.parts ?? input.conversation_parts?.conversation_parts ?? []).map(
		(/** @type {any} */ part, /** @type {number} */ index) =>
			normalizePart(state, part, createdAt + index + 1),
	);
	/** @type {IntercomTagRef[]} */
	const tags = (input.tags?.tags ?? input.tags ?? []).map((/** @type {any} */ tag) => ({
		id: String(typeof tag === 'object' ? tag.id : tag),
		applied_at: tag.applied_at ?? createdAt,
		applied_by: tag.applied_by ?? { type: 'admin', id: state.me },
	}));
	const lastActivity = parts.reduce((latest, part) => Math.max(latest, part.created_at), createdAt);
	const conversationState = input.state ?? 'open';
	// a source author carries no AI flags
	const {
		from_ai_agent: _fromAiAgent,
		is_ai_answer: _isAiAnswer,
		...sourceAuthor
	} = resolveAuthor(state, source.author ?? { type: 'user', id: contacts[0] }, 'comment');
	return {
		type: 'conversation',
		id: input.id !== undefined ? String(input.id) : takeId(state, 'conversation'),
		title: input.title ?? null,
		created_at: createdAt,
		updated_at: input.updated_at ?? lastActivity,
		waiting_since: input.waiting_since ?? null,
		snoozed_until: null,
		open: conversationState === 'open',
		state: conversationState,
		read: input.read ?? true,
		priority: input.priority ?? 'not_priority',
		admin_assignee_id: input.admin_assignee_id ?? null,
		team_assignee_id: input.team_assignee_id ?? null,
		source: {
			type: 'conversation',
			id: source.id !== undefined ? String(source.id) : takeId(state, 'source'),
			delivered_as: source.delivered_as ?? 'customer_initiated',
			subject: source.subject ?? '',
			body: source.body ?? '',
			author: sourceAuthor,
			attachments: source.attachments ?? [],
			url: source.url ?? null,
			redacted: false,
		},
		contacts,
		teammates: {
			type: 'admin.list',
			admins: input.admin_assignee_id
				? [{ type: 'admin', id: String(input.admin_assignee_id) }]
				: [],
		},
		first_contact_reply: { created_at: createdAt, type: 'conversation', url: source.url ?? null },
		tags,
		sla_applied: null,
		statistics: conversationStatistics({
			created_at: createdAt,
			source: { author: sourceAuthor },
			parts,
		}),
		conversation_rating: null,
		custom_attributes: input.custom_attributes ?? {},
		topics: { type: 'topic.list', topics: [], total_count: 0 },
		ticket: null,
		linked_objects: { type: 'list', data: [], total_count: 0, has_more: false },
		ai_agent: aiAgentOf(parts),
		ai_agent_participated: hasBotParts(parts),
		parts,
	};
}

// ---------------------------------------------------------------- derived fields

/**
 * Fields Intercom derives from the parts, recomputed whenever the parts change.
 * @param {IntercomConversation} conversation
 */
function refreshDerived(conversation) {
	conversation.ai_agent_participated = hasBotParts(conversation.parts);
	conversation.ai_agent = aiAgentOf(conversation.parts);
	conversation.statistics = conversationStatistics(conversation);
}

/** @param {IntercomPart[]} parts */
function hasBotParts(parts) {
	return parts.some((part) => part.author.type === 'bot' || part.author.from_ai_agent);
}

/**
 * The AI agent's summary once it took part: it resolved the chat unless an admin took over.
 * @param {IntercomPart[]} parts
 */
function aiAgentOf(parts) {
	return hasBotParts(parts)
		? {
				source_type: 'essentials_plan_setup',
				source_title: null,
				last_answer_type: 'ai_answer',
				resolution_state: parts.some((part) => part.author.type === 'admin')
					? 'routed_to_team'
					: 'assumed_resolution',
				rating: null,
				rating_remark: null,
				content_sources: { type: 'content_source.list', total_count: 0, content_sources: [] },
			}
		: null;
}

// ---------------------------------------------------------------- seeding

/**
 * Adds (or replaces, by id) what `seed` lists; a conversation tagged with an unknown tag throws.
 * @param {IntercomState} state
 * @param {any} [seed] the `intercom` part of a seed
 */
function seedIntercom(state, seed = {}) {
	if (seed.app) state.app = clone(seed.app);
	for (const admin of seed.admins ?? []) upsert(state.admins, normalizeAdmin(admin));
	if (seed.me !== undefined) state.me = String(seed.me);
	if (!state.me && state.admins.length) state.me = state.admins[0].id;
	for (const contact of seed.contacts ?? [])
		upsert(state.contacts, normalizeContact(contact, state));
	for (const tag of seed.tags ?? [])
		upsert(state.tags, { type: 'tag', id: String(tag.id), name: String(tag.name) });
	for (const input of seed.conversations ?? []) {
		const conversation = normalizeConversation(state, input);
		for (const tag of conversation.tags) {
			if (!state.tags.some((entry) => entry.id === tag.id))
				throw new Error(`Seed: conversation ${conversation.id} uses unknown tag ${tag.id}`);
		}
		upsert(state.conversations, conversation);
	}
}

/**
 * Replaces the record with the same id, or appends it.
 * @template {{ id: string }} T
 * @param {T[]} list
 * @param {T} record
 */
function upsert(list, record) {
	const index = list.findIndex((entry) => String(entry.id) === String(record.id));
	if (index === -1) list.push(record);
	else list[index] = record;
}

module.exports = {
	BOT,
	emptyIntercomState,
	takeId,
	normalizeContact,
	normalizePart,
	normalizeConversation,
	refreshDerived,
	seedIntercom,
};
