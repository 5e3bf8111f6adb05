'use strict';
// Incoming leads (Kommo's "Unsorted"): `POST /api/v4/leads/unsorted/forms` (the "forms" category,
// one of the two an integration may create), `GET /api/v4/leads/unsorted[/:uid]` and
// `POST /api/v4/leads/unsorted/:uid/accept`. An incoming lead is a lead in its pipeline's
// "Incoming leads" stage (the status with `type: 1`) plus the record that names its source; its new
// contact is stored with `is_unsorted: true` until the lead is accepted. Accepting moves the lead
// to the stage asked for (or the pipeline's first stage) and records the lead events of a move.

const crypto = require('node:crypto');

const { send, listParam, clone, nowSeconds } = require('../http');
const {
	err,
	BLANK,
	BAD_CHOICE,
	validationFailed,
	wrongBodyType,
	requestId,
	self,
	sendHal,
} = require('./responses');
const { paginate, sendPage } = require('./listing');
const { link, mainPipeline, firstStage, WON, LOST } = require('./model');
const { buildContact, storeNewContact } = require('./contacts');
const { buildLead, storeNewLead, commitLeadChange } = require('./leads');

/** @typedef {import('./responses').KommoRequest} KommoRequest */
/** @typedef {import('./responses').ValidationError} ValidationError */
/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoPipeline} KommoPipeline */
/** @typedef {import('../index').KommoUnsorted} KommoUnsorted */

const FIELD_MISSING = 'This field is missing.';

/** The metadata a "forms" incoming lead must carry. */
const REQUIRED_FORM_METADATA = ['form_id', 'form_name', 'form_page', 'form_sent_at'];

/** At most this many incoming leads per request, as for the other batch writes. */
const UNSORTED_MAX = 50;

/**
 * The "Incoming leads" stage of a pipeline (type 1), if it has one.
 * @param {KommoPipeline} pipeline
 */
function incomingStage(pipeline) {
	return pipeline.statuses.find((status) => status.type === 1);
}

/**
 * A long hex uid like Kommo's, always the same for the same account and lead.
 * @param {KommoState} state
 * @param {number} leadId
 */
function unsortedUid(state, leadId) {
	return crypto
		.createHash('sha256')
		.update(`kommo-unsorted:${state.account?.id ?? 0}:${leadId}`)
		.digest('hex')
		.slice(0, 60);
}

/**
 * A required non-empty string field of an entry.
 * @param {any} value
 * @param {string} path
 * @param {ValidationError[]} errors
 */
function requireString(value, path, errors) {
	if (value === undefined || value === null) errors.push(err('FieldMissing', path, FIELD_MISSING));
	else if (typeof value !== 'string')
		errors.push(err('InvalidType', path, 'This value should be of type string.'));
	else if (value.trim() === '') errors.push(err('NotBlank', path, BLANK));
}

/**
 * One entry of the request, checked, with the lead and contact it would create.
 * @param {KommoState} state
 * @param {unknown} input
 * @param {number} index
 */
function planEntry(state, input, index) {
	/** @type {any} */
	const safe = input && typeof input === 'object' && !Array.isArray(input) ? input : {};
	/** @type {ValidationError[]} */
	const errors = [];
	requireString(safe.source_uid, 'source_uid', errors);
	requireString(safe.source_name, 'source_name', errors);

	const metadata = safe.metadata && typeof safe.metadata === 'object' ? safe.metadata : undefined;
	if (!metadata) errors.push(err('FieldMissing', 'metadata', FIELD_MISSING));
	else
		for (const key of REQUIRED_FORM_METADATA)
			if (metadata[key] === undefined || metadata[key] === null || metadata[key] === '')
				errors.push(err('FieldMissing', `metadata.${key}`, FIELD_MISSING));

	/** @type {KommoPipeline | undefined} */
	let pipeline;
	if (safe.pipeline_id !== undefined) {
		pipeline = state.pipelines.find((entry) => entry.id === Number(safe.pipeline_id));
		if (!pipeline) errors.push(err('NotSupportedChoice', 'pipeline_id', BAD_CHOICE));
	} else {
		pipeline = mainPipeline(state);
	}
	const incoming = pipeline ? incomingStage(pipeline) : undefined;
	// the sandbox's wording: a pipeline with Incoming leads turned off takes no incoming lead
	if (pipeline && (pipeline.is_unsorted_on === false || !incoming))
		errors.push(
			err('NotSupportedChoice', 'pipeline_id', 'Incoming leads are turned off in this pipeline.'),
		);

	/** @type {any[]} */
	const leads = Array.isArray(safe._embedded?.leads) ? safe._embedded.leads : [];
	/** @type {any[]} */
	const contacts = Array.isArray(safe._embedded?.contacts) ? safe._embedded.contacts : [];
	if (leads.length > 1)
		errors.push(err('TooManyEntities', '_embedded.leads', 'No more than one lead.'));
	if (contacts.length > 1)
		errors.push(err('TooManyEntities', '_embedded.contacts', 'No more than one contact.'));

	const leadInput = leads[0] && typeof leads[0] === 'object' ? leads[0] : {};
	// the incoming lead's pipeline and stage are the entry's, never the lead's own
	const built = buildLead(state, {
		...leadInput,
		id: undefined,
		created_at: safe.created_at,
		pipeline_id: undefined,
		status_id: undefined,
		tags: undefined,
	});
	errors.push(
		...built.errors.map((entry) => ({ ...entry, path: `_embedded.leads.0.${entry.path}` })),
	);

	/** @type {import('./model').UnsavedContact | undefined} */
	let contact;
	const contactInput = contacts[0];
	if (contactInput && typeof contactInput === 'object' && contactInput.id !== undefined) {
		// the form body creates its contact; the sandbox refuses an id rather than ignoring it
		errors.push(err('FieldUnexpected', '_embedded.contacts.0.id', 'This field was not expected.'));
	} else if (contactInput && typeof contactInput === 'object') {
		const checked = buildContact(state, { ...contactInput, id: undefined });
		errors.push(
			...checked.errors.map((entry) => ({ ...entry, path: `_embedded.contacts.0.${entry.path}` })),
		);
		contact = { ...checked.contact, is_unsorted: true };
	}
	return { input: safe, index, errors, pipeline, incoming, lead: built.lead, contact, metadata };
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {KommoUnsorted} record
 */
function renderUnsorted(req, record) {
	const out = clone(record);
	return {
		...out,
		_links: self(req, `/api/v4/leads/unsorted/${record.uid}`),
		_embedded: {
			leads: out._embedded.leads.map((entry) => ({
				...entry,
				_links: self(req, `/api/v4/leads/${entry.id}`),
			})),
			contacts: out._embedded.contacts.map((entry) => ({
				...entry,
				_links: self(req, `/api/v4/contacts/${entry.id}`),
			})),
			companies: out._embedded.companies,
		},
	};
}

/** @param {KommoRequest} request */
function createFormsUnsorted({ state, req, res, path, body }) {
	if (!Array.isArray(body) || !body.length) return wrongBodyType(res, 'array');
	if (body.length > UNSORTED_MAX) {
		return validationFailed(res, [
			{
				request_id: '0',
				errors: [
					err('TooManyEntities', '', `You can add no more than ${UNSORTED_MAX} incoming leads.`),
				],
			},
		]);
	}
	const plans = body.map((input, index) => planEntry(state, input, index));
	const groups = plans
		.filter((plan) => plan.errors.length)
		.map((plan) => ({ request_id: requestId(plan.input, plan.index), errors: plan.errors }));
	if (groups.length) return validationFailed(res, groups);

	const created = plans.map((plan) => {
		// no errors, so the plan has its pipeline and its incoming stage
		const pipeline = /** @type {KommoPipeline} */ (plan.pipeline);
		const lead = storeNewLead(state, {
			...plan.lead,
			pipeline_id: pipeline.id,
			status_id: /** @type {{ id: number }} */ (plan.incoming).id,
		});
		const contact = plan.contact ? storeNewContact(state, plan.contact) : undefined;
		if (contact) link(state, lead.id, contact.id, true);
		/** @type {KommoUnsorted} */
		const record = {
			uid: unsortedUid(state, lead.id),
			source_uid: String(plan.input.source_uid),
			source_name: String(plan.input.source_name),
			category: 'forms',
			pipeline_id: pipeline.id,
			created_at: Number(plan.input.created_at ?? nowSeconds()),
			metadata: clone(plan.metadata),
			account_id: state.account?.id ?? 0,
			_embedded: {
				leads: [{ id: lead.id }],
				contacts: contact ? [{ id: contact.id }] : [],
				companies: [],
			},
		};
		state.unsorted.push(record);
		return { ...renderUnsorted(req, record), request_id: requestId(plan.input, plan.index) };
	});
	return sendHal(res, {
		_total_items: created.length,
		_links: self(req, path),
		_embedded: { unsorted: created },
	});
}

/**
 * Incoming leads not yet accepted, newest first; `filter[pipeline_id][]` and `filter[uid][]`
 * narrow them. 204 when there are none.
 * @param {KommoRequest} request
 */
function listUnsorted({ state, req, res, path, searchParams }) {
	const pipelineIds = listParam(searchParams, 'filter[pipeline_id]').map(Number);
	const uids = listParam(searchParams, 'filter[uid]');
	let records = [...state.unsorted].reverse();
	if (pipelineIds.length)
		records = records.filter((record) => pipelineIds.includes(record.pipeline_id));
	if (uids.length) records = records.filter((record) => uids.includes(record.uid));
	const rendered = records.map((record) => renderUnsorted(req, record));
	return sendPage(res, paginate(req, path, searchParams, rendered, 'unsorted'));
}

/**
 * An unknown (or already accepted) uid answers 204, like an unknown lead.
 * @param {KommoRequest} request
 */
function getUnsorted({ state, req, res, params }) {
	const record = state.unsorted.find((entry) => entry.uid === params[0]);
	if (!record) return send(res, 204);
	return sendHal(res, renderUnsorted(req, record));
}

/**
 * `{ user_id?, status_id? }`: the lead leaves Incoming leads for `status_id` (a stage of the same
 * pipeline) or the pipeline's first stage; its contact becomes a regular one.
 * @param {KommoRequest} request
 */
function acceptUnsorted(request) {
	const { state, req, res, params, body } = request;
	const record = state.unsorted.find((entry) => entry.uid === params[0]);
	if (!record) {
		return validationFailed(res, [
			{ request_id: '0', errors: [err('NotFound', 'uid', 'Incoming lead not found')] },
		]);
	}
	/** @type {any} */
	const input = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
	const pipeline = state.pipelines.find((entry) => entry.id === record.pipeline_id);
	/** @type {ValidationError[]} */
	const errors = [];
	let statusId = pipeline ? firstStage(pipeline).id : 0;
	if (input.status_id !== undefined) {
		const status = pipeline?.statuses.find((entry) => entry.id === Number(input.status_id));
		if (!status || status.type === 1 || status.id === WON || status.id === LOST)
			errors.push(err('NotSupportedChoice', 'status_id', BAD_CHOICE));
		else statusId = status.id;
	}
	if (input.user_id !== undefined && !state.users.some((user) => user.id === Number(input.user_id)))
		errors.push(err('NotSupportedChoice', 'user_id', BAD_CHOICE));
	if (errors.length) return validationFailed(res, [{ request_id: '0', errors }]);

	for (const { id } of record._embedded.leads) {
		const lead = state.leads.find((entry) => entry.id === id);
		if (!lead) continue;
		const next = { ...clone(lead), status_id: statusId };
		if (input.user_id !== undefined) next.responsible_user_id = Number(input.user_id);
		commitLeadChange(request, lead, next, nowSeconds());
	}
	for (const { id } of record._embedded.contacts) {
		const contact = state.contacts.find((entry) => entry.id === id);
		if (contact) contact.is_unsorted = false;
	}
	state.unsorted = state.unsorted.filter((entry) => entry !== record);
	const rendered = renderUnsorted(req, record);
	return sendHal(res, {
		uid: record.uid,
		_links: rendered._links,
		_embedded: { leads: rendered._embedded.leads, contacts: rendered._embedded.contacts },
	});
}

module.exports = { createFormsUnsorted, listUnsorted, getUnsorted, acceptUnsorted, incomingStage };
