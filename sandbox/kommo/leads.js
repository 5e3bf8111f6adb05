'use strict';
// Kommo leads: `GET /api/v4/leads` (`filter[id][]`, `filter[pipeline_id][]`, `query`,
// `with=contacts`), `GET /api/v4/leads/:id`, `POST /api/v4/leads`, `PATCH /api/v4/leads[/:id]`, and
// the lead model they share with seeds, `leads/complex` and incoming leads (`unsorted.js`). Writes record lead events (add, update,
// status, responsible) for the outgoing webhooks.

const { send, listParam, clone, nowSeconds } = require('../http');
const {
	err,
	BAD_CHOICE,
	problem,
	validationFailed,
	wrongBodyType,
	requestId,
	self,
	sendHal,
} = require('./responses');
const { paginate, sendPage, orderBy, withSet, fuzzyMatches } = require('./listing');
const { normalizeCustomFieldValues, mergeCustomFieldValues } = require('./customFields');
const { resolveTags } = require('./tags');
const { WON, LOST, takeId, link, mainPipeline, firstStage } = require('./model');

/** @typedef {import('./responses').KommoRequest} KommoRequest */
/** @typedef {import('./responses').ValidationError} ValidationError */
/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoLead} KommoLead */
/** @typedef {import('./model').UnsavedLead} UnsavedLead */

/**
 * Lead fields shared by create and update, applied to `lead` in place; `current` is the stored lead
 * on update. Returns what the request got wrong.
 * @param {KommoState} state
 * @param {UnsavedLead} lead
 * @param {any} input
 * @param {KommoLead | undefined} current
 * @returns {ValidationError[]}
 */
function applyLeadFields(state, lead, input, current) {
	/** @type {ValidationError[]} */
	const errors = [];
	if (input.name !== undefined) {
		if (typeof input.name !== 'string')
			errors.push(err('InvalidType', 'name', 'This value should be of type string.'));
		else lead.name = input.name;
	}
	if (input.price !== undefined && input.price !== null) {
		if (!Number.isInteger(input.price) || input.price < 0)
			errors.push(err('InvalidType', 'price', 'This value should be of type int.'));
		else lead.price = input.price;
	}
	if (input.responsible_user_id !== undefined) {
		if (!state.users.some((user) => user.id === Number(input.responsible_user_id)))
			errors.push(err('NotSupportedChoice', 'responsible_user_id', BAD_CHOICE));
		else lead.responsible_user_id = Number(input.responsible_user_id);
	}
	let pipeline;
	if (input.pipeline_id !== undefined) {
		pipeline = state.pipelines.find((entry) => entry.id === Number(input.pipeline_id));
		if (!pipeline) errors.push(err('NotSupportedChoice', 'pipeline_id', BAD_CHOICE));
	}
	if (input.status_id !== undefined) {
		const statusId = Number(input.status_id);
		// 142/143 exist in every pipeline, so they only make sense together with a pipeline
		pipeline ??= current
			? state.pipelines.find(
					(entry) =>
						entry.id === current.pipeline_id &&
						entry.statuses.some((status) => status.id === statusId),
				)
			: undefined;
		pipeline ??= [mainPipeline(state), ...state.pipelines].find(
			(entry) => entry && entry.statuses.some((status) => status.id === statusId),
		);
		if (!pipeline || !pipeline.statuses.some((status) => status.id === statusId)) {
			errors.push(err('NotSupportedChoice', 'status_id', BAD_CHOICE));
		} else {
			lead.pipeline_id = pipeline.id;
			lead.status_id = statusId;
		}
	} else if (pipeline && (!current || current.pipeline_id !== pipeline.id)) {
		lead.pipeline_id = pipeline.id;
		lead.status_id = firstStage(pipeline).id;
	}
	if (input.custom_fields_values !== undefined) {
		const cf = normalizeCustomFieldValues(state, 'leads', input.custom_fields_values);
		errors.push(...cf.errors);
		if (!cf.errors.length)
			lead.custom_fields_values = mergeCustomFieldValues(
				current ? lead.custom_fields_values : [],
				cf.values,
			);
	}
	if (input._embedded?.tags !== undefined) {
		// `_embedded.tags` replaces every tag; tags_to_add/tags_to_delete mutate
		const tags = resolveTags(state, input._embedded.tags, '_embedded.tags');
		errors.push(...tags.errors);
		lead._embedded.tags = tags.tags;
	}
	if (input.tags_to_add !== undefined) {
		const tags = resolveTags(state, input.tags_to_add, 'tags_to_add');
		errors.push(...tags.errors);
		for (const tag of tags.tags)
			if (!lead._embedded.tags.some((existing) => existing.id === tag.id))
				lead._embedded.tags.push(tag);
	}
	if (input.tags_to_delete !== undefined) {
		const tags = resolveTags(state, input.tags_to_delete, 'tags_to_delete');
		errors.push(...tags.errors);
		lead._embedded.tags = lead._embedded.tags.filter(
			(existing) => !tags.tags.some((tag) => tag.id === existing.id),
		);
	}
	if (input.loss_reason_id !== undefined) lead.loss_reason_id = input.loss_reason_id;
	return errors;
}

/**
 * A lead from request or seed fields: in the first stage of the main pipeline unless told, `tags`
 * (seeds) as names. `id` stays undefined unless the input has one.
 * @param {KommoState} state
 * @param {any} input
 * @returns {{ lead: UnsavedLead, errors: ValidationError[] }}
 */
function buildLead(state, input) {
	const now = nowSeconds();
	const created = input.created_at ?? now;
	const userId = state.account?.current_user_id ?? 0;
	const pipeline = mainPipeline(state);
	/** @type {UnsavedLead} */
	const lead = {
		id: input.id !== undefined ? Number(input.id) : undefined,
		name: '',
		price: 0,
		responsible_user_id: userId,
		group_id: 0,
		status_id: pipeline ? firstStage(pipeline).id : 0,
		pipeline_id: pipeline ? pipeline.id : 0,
		loss_reason_id: null,
		created_by: input.created_by ?? userId,
		updated_by: input.updated_by ?? userId,
		created_at: created,
		updated_at: input.updated_at ?? created,
		closed_at: null,
		closest_task_at: null,
		is_deleted: false,
		custom_fields_values: null,
		score: null,
		account_id: state.account?.id ?? 0,
		labor_cost: null,
		_embedded: { tags: [], companies: [] },
	};
	const fields = { ...input };
	if (Array.isArray(input.tags))
		fields._embedded = {
			...(input._embedded ?? {}),
			tags: input.tags.map((/** @type {string} */ name) => ({ name })),
		};
	const errors = applyLeadFields(state, lead, fields, undefined);
	if (!lead.name) lead.name = '';
	if (lead.status_id === WON || lead.status_id === LOST)
		lead.closed_at = input.closed_at ?? created;
	return { lead, errors };
}

/**
 * Gives a built lead the next lead id (and a default name) and stores it.
 * @param {KommoState} state
 * @param {UnsavedLead} built
 * @returns {KommoLead}
 */
function storeNewLead(state, built) {
	const lead = { ...built, id: takeId(state, 'lead') };
	if (!lead.name) lead.name = `Lead #${lead.id}`;
	state.leads.push(lead);
	return lead;
}

/**
 * @param {KommoState} state
 * @param {import('node:http').IncomingMessage} req
 * @param {KommoLead} lead
 * @param {boolean} withContacts
 */
function renderLead(state, req, lead, withContacts) {
	const out = { ...clone(lead), _links: self(req, `/api/v4/leads/${lead.id}`) };
	if (withContacts) {
		/** @type {Record<string, unknown>} */ (out._embedded).contacts = state.links
			.filter((entry) => entry.lead_id === lead.id)
			.map((entry) => ({
				id: entry.contact_id,
				is_main: entry.is_main,
				_links: self(req, `/api/v4/contacts/${entry.contact_id}`),
			}));
	}
	return out;
}

/** @param {KommoRequest} request */
function listLeads({ state, req, res, path, searchParams }) {
	const ids = listParam(searchParams, 'filter[id]').map(Number);
	const pipelineIds = listParam(searchParams, 'filter[pipeline_id]').map(Number);
	const query = searchParams.get('query');
	let leads = state.leads.filter((lead) => !lead.is_deleted);
	if (ids.length) leads = leads.filter((lead) => ids.includes(lead.id));
	if (pipelineIds.length) leads = leads.filter((lead) => pipelineIds.includes(lead.pipeline_id));
	if (query !== null && query !== '') leads = leads.filter((lead) => fuzzyMatches(lead, query));
	const withContacts = withSet(searchParams).has('contacts');
	const rendered = orderBy(leads, searchParams).map((lead) =>
		renderLead(state, req, lead, withContacts),
	);
	return sendPage(res, paginate(req, path, searchParams, rendered, 'leads'));
}

/**
 * An unknown id answers 204 like an empty list (the official SDK treats it as "no data").
 * @param {KommoRequest} request
 */
function getLead({ state, req, res, params, searchParams }) {
	const lead = state.leads.find((entry) => entry.id === Number(params[0]) && !entry.is_deleted);
	if (!lead) return send(res, 204);
	return sendHal(res, renderLead(state, req, lead, withSet(searchParams).has('contacts')));
}

/** @param {KommoRequest} request */
function createLeads({ state, req, res, path, body, events }) {
	if (!Array.isArray(body) || !body.length) return wrongBodyType(res, 'array');
	const built = body.map((input, index) => {
		const safe = input && typeof input === 'object' ? input : {};
		const { lead, errors } = buildLead(state, {
			...safe,
			id: undefined,
			created_at: undefined,
			tags: undefined,
		});
		const contacts = safe._embedded?.contacts ?? [];
		(Array.isArray(contacts) ? contacts : []).forEach((contact, i) => {
			if (!state.contacts.some((entry) => entry.id === Number(contact?.id)))
				errors.push(err('NotFound', `_embedded.contacts.${i}.id`, 'Contact not found'));
		});
		return { input: safe, index, lead, errors, contacts };
	});
	const groups = built
		.filter((entry) => entry.errors.length)
		.map((entry) => ({ request_id: requestId(entry.input, entry.index), errors: entry.errors }));
	if (groups.length) return validationFailed(res, groups);
	const created = built.map(({ input, index, lead: fields, contacts }) => {
		const lead = storeNewLead(state, fields);
		for (const contact of contacts) link(state, lead.id, Number(contact.id), contact.is_main);
		events.push({ action: 'add', lead: clone(lead) });
		return {
			id: lead.id,
			request_id: requestId(input, index),
			_links: self(req, `/api/v4/leads/${lead.id}`),
		};
	});
	return sendHal(res, { _links: self(req, path), _embedded: { leads: created } });
}

/**
 * Stores a validated change and records its events: `update` always, `status` when the stage or
 * pipeline moved (with `closed_at` set on won/lost, cleared otherwise), `responsible` when the
 * owner changed.
 * @param {KommoRequest} request
 * @param {KommoLead} current the stored lead, updated in place
 * @param {KommoLead} next the lead as the request leaves it
 * @param {number} now
 */
function commitLeadChange({ state, events }, current, next, now) {
	const old = {
		status_id: current.status_id,
		pipeline_id: current.pipeline_id,
		responsible_user_id: current.responsible_user_id,
	};
	const statusChanged = next.status_id !== old.status_id || next.pipeline_id !== old.pipeline_id;
	next.updated_at = now;
	next.updated_by = state.account?.current_user_id ?? 0;
	if (statusChanged)
		next.closed_at = next.status_id === WON || next.status_id === LOST ? now : null;
	Object.assign(current, next);
	const snapshot = clone(current);
	events.push({ action: 'update', lead: snapshot });
	if (statusChanged) {
		events.push({
			action: 'status',
			lead: snapshot,
			old_status_id: old.status_id,
			old_pipeline_id: old.pipeline_id,
		});
	}
	if (next.responsible_user_id !== old.responsible_user_id) {
		events.push({
			action: 'responsible',
			lead: snapshot,
			old_responsible_user_id: old.responsible_user_id,
		});
	}
	return current;
}

/**
 * `PATCH /api/v4/leads` (a list, each with its `id`) and `PATCH /api/v4/leads/:id` (one object; an
 * unknown id answers 404). Nothing is stored unless every lead of the request is valid.
 * @param {KommoRequest} request
 */
function updateLeads(request) {
	const { state, req, res, path, params, body } = request;
	const single = params.length > 0;
	if (single && (!body || typeof body !== 'object' || Array.isArray(body)))
		return wrongBodyType(res, 'object');
	if (!single && (!Array.isArray(body) || !body.length)) return wrongBodyType(res, 'array');
	/** @type {any[]} */
	const inputs = single ? [{ ...body, id: Number(params[0]) }] : body;
	if (single && !state.leads.some((lead) => lead.id === Number(params[0]) && !lead.is_deleted)) {
		return problem(res, 404, 'Not Found', `Lead ${params[0]} not found`);
	}
	const planned = inputs.map((input, index) => {
		const safe = input && typeof input === 'object' ? input : {};
		const current = state.leads.find((lead) => lead.id === Number(safe.id) && !lead.is_deleted);
		if (!current) return { input: safe, index, errors: [err('NotFound', 'id', 'Lead not found')] };
		const next = clone(current);
		const errors = applyLeadFields(state, next, safe, current);
		return { input: safe, index, current, next, errors };
	});
	const groups = planned
		.filter((entry) => entry.errors.length)
		.map((entry) => ({ request_id: requestId(entry.input, entry.index), errors: entry.errors }));
	if (groups.length) return validationFailed(res, groups);
	const now = nowSeconds();
	const updated = planned.map(({ current, next }) =>
		// no errors, so every plan found its lead
		commitLeadChange(
			request,
			/** @type {KommoLead} */ (current),
			/** @type {KommoLead} */ (next),
			now,
		),
	);
	/** @param {KommoLead} lead */
	const summary = (lead) => ({
		id: lead.id,
		updated_at: lead.updated_at,
		_links: self(req, `/api/v4/leads/${lead.id}`),
	});
	return sendHal(
		res,
		single
			? summary(updated[0])
			: { _links: self(req, path), _embedded: { leads: updated.map(summary) } },
	);
}

module.exports = {
	buildLead,
	storeNewLead,
	listLeads,
	getLead,
	createLeads,
	updateLeads,
	commitLeadChange,
};
