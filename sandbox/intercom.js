'use strict';
// The Intercom slice: data model (seed normalisation, rendering) and the REST handlers.
// Shapes follow the examples of Intercom's OpenAPI descriptions for API versions 2.14-2.16
// (https://github.com/intercom/Intercom-OpenAPI).

const crypto = require('node:crypto');
const { send, parseJson, bearerToken, clone, nowSeconds } = require('./http');
const { conversationStatistics } = require('./intercomStatistics');
const { searchConversations, SearchError } = require('./intercomSearch');

/** Intercom returns at most this many parts - the newest ones - and reports the real total. */
const MAX_PARTS = 500;

const BOT = { id: '5009999', name: 'Fin' };

function emptyIntercomState() {
	return {
		app: null,
		me: null,
		admins: [],
		contacts: [],
		tags: [],
		conversations: [],
		nextId: {
			tag: 9100001,
			part: 41000001,
			conversation: 3001,
			source: 404000001,
			contact: 1001,
		},
	};
}

function takeId(state, kind) {
	const id = state.nextId[kind];
	state.nextId[kind] = id + 1;
	return String(id);
}

// ---------------------------------------------------------------- seed normalisation

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
 */
function normalizeConversation(state, input) {
	const createdAt = input.created_at ?? nowSeconds();
	const source = input.source ?? {};
	const contacts = (input.contacts?.contacts ?? input.contacts ?? []).map((entry) =>
		String(typeof entry === 'object' ? entry.id : entry),
	);
	if (
		!contacts.length &&
		source.author &&
		['user', 'lead', 'contact'].includes(source.author.type)
	) {
		contacts.push(String(source.author.id));
	}
	const parts = (input.parts ?? input.conversation_parts?.conversation_parts ?? []).map(
		(part, index) => normalizePart(state, part, createdAt + index + 1),
	);
	const tags = (input.tags?.tags ?? input.tags ?? []).map((tag) => ({
		id: String(typeof tag === 'object' ? tag.id : tag),
		applied_at: tag.applied_at ?? createdAt,
		applied_by: tag.applied_by ?? { type: 'admin', id: state.me },
	}));
	const lastActivity = parts.reduce((latest, part) => Math.max(latest, part.created_at), createdAt);
	const conversationState = input.state ?? 'open';
	const sourceAuthor = resolveAuthor(
		state,
		source.author ?? { type: 'user', id: contacts[0] },
		'comment',
	);
	delete sourceAuthor.from_ai_agent;
	delete sourceAuthor.is_ai_answer;
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
		statistics: null, // derived: see refreshDerived
		conversation_rating: null,
		custom_attributes: input.custom_attributes ?? {},
		topics: { type: 'topic.list', topics: [], total_count: 0 },
		ticket: null,
		linked_objects: { type: 'list', data: [], total_count: 0, has_more: false },
		ai_agent: null,
		ai_agent_participated: false,
		parts,
	};
}

/** Fields Intercom derives from the parts, recomputed whenever the parts change. */
function refreshDerived(conversation) {
	refreshAiAgent(conversation);
	conversation.statistics = conversationStatistics(conversation);
}

function refreshAiAgent(conversation) {
	const botParts = conversation.parts.filter(
		(part) => part.author.type === 'bot' || part.author.from_ai_agent,
	);
	conversation.ai_agent_participated = botParts.length > 0;
	conversation.ai_agent = botParts.length
		? {
				source_type: 'essentials_plan_setup',
				source_title: null,
				last_answer_type: 'ai_answer',
				resolution_state: conversation.parts.some((part) => part.author.type === 'admin')
					? 'routed_to_team'
					: 'assumed_resolution',
				rating: null,
				rating_remark: null,
				content_sources: { type: 'content_source.list', total_count: 0, content_sources: [] },
			}
		: null;
}

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
		refreshDerived(conversation);
		upsert(state.conversations, conversation);
	}
}

function upsert(list, record) {
	const index = list.findIndex((entry) => String(entry.id) === String(record.id));
	if (index === -1) list.push(record);
	else list[index] = record;
}

// ---------------------------------------------------------------- rendering

/** Crude HTML → text, for `display_as=plaintext`. */
function htmlToText(html) {
	if (typeof html !== 'string') return html;
	return html
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<\/(p|div|li|h\d)>/gi, '\n')
		.replace(/<[^>]+>/g, '')
		.replace(/&nbsp;/g, ' ')
		.replace(/&mdash;/g, '—')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&')
		.replace(/\n+$/g, '')
		.trim();
}

function renderTagRef(state, ref) {
	const tag = state.tags.find((entry) => entry.id === ref.id);
	return {
		type: 'tag',
		id: ref.id,
		name: tag ? tag.name : null,
		applied_at: ref.applied_at,
		applied_by: ref.applied_by,
	};
}

/**
 * The conversation without its parts, in the stored key order (the API's), with the references
 * swapped for their rendered lists and the statistics derived again (tests may edit
 * `sandbox.state` parts directly).
 */
function renderTopLevel(state, conversation) {
	const model = {};
	for (const [key, value] of Object.entries(conversation)) {
		if (key === 'parts') continue;
		if (key === 'contacts') {
			model.contacts = {
				type: 'contact.list',
				contacts: value.map((id) => {
					const contact = state.contacts.find((entry) => entry.id === id);
					return { type: 'contact', id, external_id: contact ? contact.external_id : null };
				}),
			};
		} else if (key === 'tags') {
			model.tags = { type: 'tag.list', tags: value.map((ref) => renderTagRef(state, ref)) };
		} else if (key === 'statistics') {
			model.statistics = conversationStatistics(conversation);
		} else {
			model[key] = clone(value);
		}
	}
	return model;
}

/** The Conversation model as `GET /conversations/{id}` answers it. */
function renderConversation(state, conversation, { plaintext = false } = {}) {
	const model = renderTopLevel(state, conversation);
	const sorted = clone(conversation.parts).sort((a, b) => a.created_at - b.created_at);
	const newest = sorted.slice(Math.max(0, sorted.length - MAX_PARTS));
	model.conversation_parts = {
		type: 'conversation_part.list',
		conversation_parts: newest,
		total_count: sorted.length,
	};
	if (plaintext) {
		model.source.body = htmlToText(model.source.body);
		for (const part of newest) part.body = htmlToText(part.body);
	}
	return model;
}

/** A search/list hit: Intercom's `conversation_list_item` is the conversation without its parts. */
function renderListItem(state, conversation) {
	return renderTopLevel(state, conversation);
}

// ---------------------------------------------------------------- errors

function errorList(errors) {
	return { type: 'error.list', request_id: crypto.randomUUID(), errors };
}

function fail(res, headers, status, code, message, field) {
	send(res, status, errorList([{ code, message, ...(field ? { field } : {}) }]), headers);
}

// ---------------------------------------------------------------- handlers

const PART_KINDS = ['customer', 'admin', 'bot', 'note', 'close'];

function partAuthor(state, conversation, kind, adminId) {
	if (kind === 'customer') {
		const contactId = conversation.contacts[0];
		const contact = state.contacts.find((entry) => entry.id === contactId);
		return { type: contact?.role ?? 'user', id: contactId };
	}
	if (kind === 'bot') return { type: 'bot' };
	return { type: 'admin', id: adminId ?? state.me };
}

/** A close carries no text unless the admin wrote a closing message. */
function partBody(kind, body) {
	if (body !== undefined) return body;
	return kind === 'close' ? null : '<p>(no text)</p>';
}

/** What a part does to the conversation besides moving `updated_at`. */
function applyPartEffects(conversation, kind, time) {
	if (kind === 'customer') {
		conversation.state = 'open';
		conversation.open = true;
		conversation.waiting_since = time;
	} else if (kind === 'admin') {
		conversation.waiting_since = null;
	} else if (kind === 'close') {
		conversation.state = 'closed';
		conversation.open = false;
		conversation.waiting_since = null;
	}
}

/** Never before an existing part, so the transcript order stays the append order. */
function nextPartTime(conversation) {
	return Math.max(
		nowSeconds(),
		...conversation.parts.map((part) => part.created_at + 1),
		conversation.created_at + 1,
	);
}

/**
 * Appends a part (control endpoint, JS API). `kind`: customer | admin | bot | note | close.
 * Every part moves the conversation's `updated_at`, as on Intercom. Returns the stored part.
 */
function appendPart(
	state,
	conversationId,
	{ kind = 'customer', body, adminId, createdAt, partType } = {},
) {
	const conversation = state.conversations.find((entry) => entry.id === String(conversationId));
	if (!conversation) return undefined;
	if (!PART_KINDS.includes(kind))
		throw new Error(`Unknown reply kind "${kind}" (${PART_KINDS.join(', ')})`);
	const time = createdAt ?? nextPartTime(conversation);
	applyPartEffects(conversation, kind, time);
	const part = normalizePart(
		state,
		{
			part_type: partType ?? (kind === 'note' || kind === 'close' ? kind : 'comment'),
			body: partBody(kind, body),
			author: partAuthor(state, conversation, kind, adminId),
			created_at: time,
			state: conversation.state,
		},
		time,
	);
	conversation.parts.push(part);
	conversation.updated_at = time;
	refreshDerived(conversation);
	return part;
}

/** An id of `kind` that no record of `list` has yet (seeds may use any id). */
function freshId(state, kind, list, format = String) {
	let id;
	do id = format(takeId(state, kind));
	while (list.some((entry) => entry.id === id));
	return id;
}

/** Intercom contact ids are 24 hex digits. */
function contactIdFormat(counter) {
	return `65f0c0de${counter.padStart(16, '0')}`;
}

/**
 * The contact with this email and role, or a new one (role `user` unless given). Intercom keeps a
 * visitor who types a user's email as a contact of its own, role `lead`, until they sign in.
 */
function findOrCreateContact(state, { name = null, email = null, role = 'user' } = {}, time) {
	const wanted = email?.toLowerCase();
	const existing =
		wanted &&
		state.contacts.find(
			(entry) => entry.email?.toLowerCase() === wanted && (entry.role ?? 'user') === role,
		);
	if (existing) return existing;
	const id = freshId(state, 'contact', state.contacts, contactIdFormat);
	const contact = normalizeContact({ id, name, email, role, created_at: time }, state);
	state.contacts.push(contact);
	return contact;
}

/**
 * A conversation started by a customer (the first message is the source, no parts), as
 * `conversation.user.created` announces it. `contact`: `{name, email, role}` (found by email or
 * created) or `contactId` of an existing contact. Returns the stored conversation.
 */
function createConversation(state, { contact, contactId, body, createdAt } = {}) {
	const time = createdAt ?? nowSeconds();
	const customer =
		contactId !== undefined
			? state.contacts.find((entry) => entry.id === String(contactId))
			: findOrCreateContact(state, contact, time);
	if (!customer) throw new Error(`Unknown Intercom contact ${contactId}`);
	const conversation = normalizeConversation(state, {
		id: freshId(state, 'conversation', state.conversations),
		created_at: time,
		waiting_since: time,
		contacts: [customer.id],
		source: {
			delivered_as: 'customer_initiated',
			author: { type: customer.role, id: customer.id },
			body: body ?? '<p>(no text)</p>',
		},
	});
	refreshDerived(conversation);
	state.conversations.push(conversation);
	return conversation;
}

function search(res, headers, state, body) {
	try {
		const items = state.conversations.map((conversation) => renderListItem(state, conversation));
		return send(res, 200, searchConversations(body, items), headers);
	} catch (error) {
		if (!(error instanceof SearchError)) throw error;
		return fail(res, headers, 400, 'parameter_invalid', error.message);
	}
}

/** Handles one request under `/intercom`. `path` is the part after the prefix. */
async function handleIntercom(ctx, req, res, path, searchParams, rawBody) {
	const state = ctx.state.intercom;
	const headers = {};
	const quota = ctx.intercomCounter ? ctx.intercomCounter.take() : undefined;
	if (quota) {
		headers['X-RateLimit-Limit'] = String(quota.limit);
		headers['X-RateLimit-Remaining'] = String(quota.remaining);
		headers['X-RateLimit-Reset'] = String(quota.resetAt);
	}

	if (bearerToken(req) !== ctx.config.intercomToken) {
		return fail(res, headers, 401, 'unauthorized', 'Access Token Invalid');
	}
	if (quota && !quota.allowed) {
		return fail(res, headers, 429, 'rate_limit_exceeded', 'Rate Limit Exceeded');
	}

	let body;
	if (['POST', 'PUT', 'DELETE'].includes(req.method)) {
		const parsed = parseJson(rawBody);
		if (parsed.error) return fail(res, headers, 400, 'parameter_invalid', parsed.error);
		body = parsed.value ?? {};
		if (typeof body !== 'object' || body === null || Array.isArray(body)) {
			return fail(res, headers, 400, 'parameter_invalid', 'The request body must be a JSON object');
		}
	}

	const method = req.method;
	let match;

	if (method === 'GET' && path === '/me') {
		const admin = state.admins.find((entry) => entry.id === state.me);
		if (!admin) return fail(res, headers, 401, 'unauthorized', 'Access Token Invalid');
		return send(
			res,
			200,
			{
				...clone(admin),
				email_verified: true,
				app: clone(state.app),
				avatar: { type: 'avatar', image_url: null },
			},
			headers,
		);
	}

	if (method === 'GET' && path === '/admins') {
		return send(res, 200, { type: 'admin.list', admins: clone(state.admins) }, headers);
	}

	if (method === 'GET' && (match = /^\/admins\/([^/]+)$/.exec(path))) {
		const admin = state.admins.find((entry) => entry.id === decodeURIComponent(match[1]));
		if (!admin) return fail(res, headers, 404, 'admin_not_found', 'Admin not found');
		return send(res, 200, clone(admin), headers);
	}

	if (method === 'GET' && (match = /^\/contacts\/([^/]+)$/.exec(path))) {
		const contact = state.contacts.find((entry) => entry.id === decodeURIComponent(match[1]));
		if (!contact) return fail(res, headers, 404, 'not_found', 'User Not Found');
		return send(res, 200, clone(contact), headers);
	}

	if (method === 'POST' && path === '/conversations/search') {
		return search(res, headers, state, body);
	}

	if (method === 'GET' && (match = /^\/conversations\/([^/]+)$/.exec(path))) {
		const conversation = state.conversations.find(
			(entry) => entry.id === decodeURIComponent(match[1]),
		);
		if (!conversation) return fail(res, headers, 404, 'not_found', 'Conversation not found');
		const plaintext = searchParams.get('display_as') === 'plaintext';
		return send(res, 200, renderConversation(state, conversation, { plaintext }), headers);
	}

	if (method === 'GET' && path === '/tags') {
		return send(res, 200, { type: 'list', data: clone(state.tags) }, headers);
	}

	if (method === 'GET' && (match = /^\/tags\/([^/]+)$/.exec(path))) {
		const tag = state.tags.find((entry) => entry.id === decodeURIComponent(match[1]));
		if (!tag) return fail(res, headers, 404, 'not_found', 'Resource Not Found');
		return send(res, 200, clone(tag), headers);
	}

	if (method === 'POST' && path === '/tags') {
		const name = typeof body.name === 'string' ? body.name.trim() : '';
		if (!name) return fail(res, headers, 400, 'parameter_invalid', 'Name is required', 'name');
		if (body.id !== undefined) {
			// with an id, POST /tags renames that tag
			const tag = state.tags.find((entry) => entry.id === String(body.id));
			if (!tag) return fail(res, headers, 404, 'not_found', 'Resource Not Found');
			tag.name = name;
			return send(res, 200, clone(tag), headers);
		}
		// names are case-insensitive: an existing tag is returned as it is spelled in the workspace
		let tag = state.tags.find((entry) => entry.name.toLowerCase() === name.toLowerCase());
		if (!tag) {
			tag = { type: 'tag', id: takeId(state, 'tag'), name };
			state.tags.push(tag);
		}
		return send(res, 200, clone(tag), headers);
	}

	if (method === 'POST' && (match = /^\/conversations\/([^/]+)\/tags$/.exec(path))) {
		const conversation = state.conversations.find(
			(entry) => entry.id === decodeURIComponent(match[1]),
		);
		if (!conversation) return fail(res, headers, 404, 'not_found', 'Conversation not found');
		if (body.id === undefined || body.id === null || body.id === '') {
			return fail(res, headers, 400, 'parameter_invalid', 'Tag id is required', 'id');
		}
		if (body.admin_id === undefined || body.admin_id === null || body.admin_id === '') {
			return fail(res, headers, 400, 'parameter_invalid', 'Admin id is required', 'admin_id');
		}
		if (!state.admins.some((admin) => admin.id === String(body.admin_id))) {
			return fail(res, headers, 400, 'parameter_invalid', 'Admin not found', 'admin_id');
		}
		const tag = state.tags.find((entry) => entry.id === String(body.id));
		if (!tag) return fail(res, headers, 404, 'tag_not_found', 'Tag not found');
		let ref = conversation.tags.find((entry) => entry.id === tag.id);
		if (!ref) {
			ref = {
				id: tag.id,
				applied_at: nowSeconds(),
				applied_by: { type: 'admin', id: String(body.admin_id) },
			};
			conversation.tags.push(ref);
		}
		return send(res, 200, renderTagRef(state, ref), headers);
	}

	if (method === 'DELETE' && (match = /^\/conversations\/([^/]+)\/tags\/([^/]+)$/.exec(path))) {
		const conversation = state.conversations.find(
			(entry) => entry.id === decodeURIComponent(match[1]),
		);
		if (!conversation) return fail(res, headers, 404, 'not_found', 'Conversation not found');
		if (body.admin_id === undefined || body.admin_id === null || body.admin_id === '') {
			return fail(res, headers, 400, 'parameter_invalid', 'Admin id is required', 'admin_id');
		}
		if (!state.admins.some((admin) => admin.id === String(body.admin_id))) {
			return fail(res, headers, 400, 'parameter_invalid', 'Admin not found', 'admin_id');
		}
		const tagId = decodeURIComponent(match[2]);
		const index = conversation.tags.findIndex((entry) => entry.id === tagId);
		if (index === -1) return fail(res, headers, 404, 'tag_not_found', 'Tag not found');
		conversation.tags.splice(index, 1);
		const tag = state.tags.find((entry) => entry.id === tagId);
		return send(res, 200, { type: 'tag', id: tagId, name: tag ? tag.name : null }, headers);
	}

	return fail(res, headers, 404, 'not_found', `The sandbox does not serve ${method} ${path}`);
}

module.exports = {
	MAX_PARTS,
	emptyIntercomState,
	seedIntercom,
	renderConversation,
	renderListItem,
	appendPart,
	createConversation,
	handleIntercom,
	htmlToText,
	errorList,
};
