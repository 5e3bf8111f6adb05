'use strict';
// Kommo contacts: `GET /api/v4/contacts` (fuzzy `query`, `filter[id][]`, `with=leads`),
// `GET /api/v4/contacts/:id`, `POST /api/v4/contacts`, and the contact model they share with seeds
// and `leads/complex`.

const { send, listParam, clone, nowSeconds } = require('../http');
const {
	err,
	BAD_CHOICE,
	validationFailed,
	wrongBodyType,
	requestId,
	self,
	sendHal,
} = require('./responses');
const { paginate, sendPage, orderBy, withSet, fuzzyMatches } = require('./listing');
const { normalizeCustomFieldValues, mergeCustomFieldValues } = require('./customFields');
const { resolveTags } = require('./tags');
const { takeId } = require('./model');

/** @typedef {import('./responses').KommoRequest} KommoRequest */
/** @typedef {import('./responses').ValidationError} ValidationError */
/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoContact} KommoContact */
/** @typedef {import('./model').UnsavedContact} UnsavedContact */

/**
 * A contact from request or seed fields; `id` stays undefined unless the input has one (the
 * caller takes a new id once the whole request is valid).
 * @param {KommoState} state
 * @param {any} input
 * @param {number} [createdAt]
 * @returns {{ contact: UnsavedContact, errors: ValidationError[] }}
 */
function buildContact(state, input, createdAt) {
	const now = nowSeconds();
	/** @type {ValidationError[]} */
	const errors = [];
	const cf = normalizeCustomFieldValues(state, 'contacts', input.custom_fields_values);
	errors.push(...cf.errors);
	const tags = resolveTags(state, input._embedded?.tags, '_embedded.tags');
	errors.push(...tags.errors);
	const firstName = input.first_name ?? '';
	const lastName = input.last_name ?? '';
	const name = input.name ?? ([firstName, lastName].filter(Boolean).join(' ') || '');
	const userId = input.responsible_user_id ?? state.account?.current_user_id ?? 0;
	if (
		input.responsible_user_id !== undefined &&
		!state.users.some((user) => user.id === Number(input.responsible_user_id))
	) {
		errors.push(err('NotSupportedChoice', 'responsible_user_id', BAD_CHOICE));
	}
	const created = createdAt ?? input.created_at ?? now;
	return {
		errors,
		contact: {
			id: input.id !== undefined ? Number(input.id) : undefined,
			name,
			first_name: firstName,
			last_name: lastName,
			responsible_user_id: Number(userId),
			group_id: 0,
			created_by: input.created_by ?? Number(userId),
			updated_by: input.updated_by ?? Number(userId),
			created_at: created,
			updated_at: input.updated_at ?? created,
			closest_task_at: null,
			is_deleted: false,
			is_unsorted: false,
			custom_fields_values: mergeCustomFieldValues([], cf.values),
			account_id: state.account?.id ?? 0,
			_embedded: { tags: tags.tags, companies: [] },
		},
	};
}

/**
 * Gives a built contact the next contact id and stores it.
 * @param {KommoState} state
 * @param {UnsavedContact} built
 * @returns {KommoContact}
 */
function storeNewContact(state, built) {
	const contact = { ...built, id: takeId(state, 'contact') };
	state.contacts.push(contact);
	return contact;
}

/**
 * The contact's e-mail addresses, trimmed and lower-cased.
 * @param {{ custom_fields_values?: KommoContact['custom_fields_values'] }} contact
 */
function emailsOf(contact) {
	return (contact.custom_fields_values ?? [])
		.filter((field) => field.field_code === 'EMAIL')
		.flatMap((field) => field.values ?? [])
		.map((value) => String(value.value).trim().toLowerCase());
}

/**
 * A second contact with the same email and phone as `contactId` and no leads, as imports, forms and
 * native integrations leave them in real accounts. It is the most recently updated contact unless
 * `updatedAt` says otherwise.
 * @param {KommoState} state
 * @param {number} contactId
 * @param {{ name?: string, updatedAt?: number }} [options]
 * @returns {KommoContact}
 */
function duplicateContact(state, contactId, { name, updatedAt } = {}) {
	const original = state.contacts.find((contact) => contact.id === Number(contactId));
	if (!original) throw new Error(`No Kommo contact ${contactId} to duplicate`);
	const newest = Math.max(
		nowSeconds(),
		...state.contacts.map((contact) => contact.updated_at ?? 0),
	);
	const copy = {
		...clone(original),
		id: takeId(state, 'contact'),
		name: name ?? original.name,
		updated_at: updatedAt ?? newest + 1,
	};
	state.contacts.push(copy);
	return copy;
}

/**
 * @param {KommoState} state
 * @param {import('node:http').IncomingMessage} req
 * @param {KommoContact} contact
 * @param {boolean} withLeads
 */
function renderContact(state, req, contact, withLeads) {
	const out = { ...clone(contact), _links: self(req, `/api/v4/contacts/${contact.id}`) };
	if (withLeads) {
		/** @type {Record<string, unknown>} */ (out._embedded).leads = state.links
			.filter((entry) => entry.contact_id === contact.id)
			.map((entry) => ({ id: entry.lead_id, _links: self(req, `/api/v4/leads/${entry.lead_id}`) }));
	}
	return out;
}

/** @param {KommoRequest} request */
function listContacts({ state, req, res, path, searchParams }) {
	const ids = listParam(searchParams, 'filter[id]').map(Number);
	const query = searchParams.get('query');
	let contacts = state.contacts.filter((contact) => !contact.is_deleted);
	if (ids.length) contacts = contacts.filter((contact) => ids.includes(contact.id));
	if (query !== null && query !== '')
		contacts = contacts.filter((contact) => fuzzyMatches(contact, query));
	const withLeads = withSet(searchParams).has('leads');
	const rendered = orderBy(contacts, searchParams).map((contact) =>
		renderContact(state, req, contact, withLeads),
	);
	return sendPage(res, paginate(req, path, searchParams, rendered, 'contacts'));
}

/** @param {KommoRequest} request */
function getContact({ state, req, res, params, searchParams }) {
	const contact = state.contacts.find(
		(entry) => entry.id === Number(params[0]) && !entry.is_deleted,
	);
	if (!contact) return send(res, 204);
	return sendHal(res, renderContact(state, req, contact, withSet(searchParams).has('leads')));
}

/** @param {KommoRequest} request */
function createContacts({ state, req, res, path, body }) {
	if (!Array.isArray(body) || !body.length) return wrongBodyType(res, 'array');
	const built = body.map((input, index) => ({
		input,
		index,
		...buildContact(state, { ...(input ?? {}), id: undefined }),
	}));
	const groups = built
		.filter((entry) => entry.errors.length)
		.map((entry) => ({ request_id: requestId(entry.input, entry.index), errors: entry.errors }));
	if (groups.length) return validationFailed(res, groups);
	const created = built.map(({ contact: fields, input, index }) => {
		const contact = storeNewContact(state, fields);
		return {
			id: contact.id,
			is_deleted: false,
			is_unsorted: false,
			request_id: requestId(input, index),
			_links: self(req, `/api/v4/contacts/${contact.id}`),
		};
	});
	return sendHal(res, { _links: self(req, path), _embedded: { contacts: created } });
}

module.exports = {
	buildContact,
	storeNewContact,
	emailsOf,
	duplicateContact,
	listContacts,
	getContact,
	createContacts,
};
