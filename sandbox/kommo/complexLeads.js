'use strict';
// `POST /api/v4/leads/complex`: leads created together with their contact and company, at most 50
// per request, answered with a bare array (not HAL). With `kommoDuplicateControl` on, a new
// contact whose e-mail already exists reuses that contact, and its open lead comes back with
// `merged: true` instead of a new lead.

const { send, clone } = require('../http');
const { err, validationFailed, wrongBodyType, requestId } = require('./responses');
const { takeId, link, isOpenLead } = require('./model');
const { buildContact, storeNewContact, emailsOf } = require('./contacts');
const { buildLead, storeNewLead } = require('./leads');

/** @typedef {import('./responses').KommoRequest} KommoRequest */
/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoContact} KommoContact */

const COMPLEX_MAX_LEADS = 50;

/**
 * One entry of the request, checked, with what it would create or reuse.
 * @param {KommoState} state
 * @param {unknown} input
 * @param {number} index
 */
function planEntry(state, input, index) {
	/** @type {any} */
	const safe = input && typeof input === 'object' ? input : {};
	const { lead, errors } = buildLead(state, {
		...safe,
		id: undefined,
		created_at: undefined,
		tags: undefined,
	});
	/** @type {any[]} */
	const contacts = Array.isArray(safe._embedded?.contacts) ? safe._embedded.contacts : [];
	/** @type {any[]} */
	const companies = Array.isArray(safe._embedded?.companies) ? safe._embedded.companies : [];
	if (contacts.length > 1)
		errors.push(err('TooManyEntities', '_embedded.contacts', 'No more than one contact per lead.'));
	if (companies.length > 1)
		errors.push(
			err('TooManyEntities', '_embedded.companies', 'No more than one company per lead.'),
		);
	/** @type {KommoContact | undefined} */
	let existingContact;
	/** @type {import('./model').UnsavedContact | undefined} */
	let newContact;
	const contactInput = contacts[0];
	if (contactInput && contactInput.id !== undefined) {
		existingContact = state.contacts.find((contact) => contact.id === Number(contactInput.id));
		if (!existingContact)
			errors.push(err('NotFound', '_embedded.contacts.0.id', 'Contact not found'));
	} else if (contactInput) {
		const built = buildContact(state, { ...contactInput, id: undefined });
		errors.push(
			...built.errors.map((entry) => ({ ...entry, path: `_embedded.contacts.0.${entry.path}` })),
		);
		newContact = built.contact;
	}
	return { input: safe, index, lead, errors, existingContact, newContact, company: companies[0] };
}

/**
 * With duplicate control on: the stored contact that shares an e-mail with the new one.
 * @param {KommoState} state
 * @param {{ custom_fields_values?: KommoContact['custom_fields_values'] }} newContact
 */
function contactWithSameEmail(state, newContact) {
	const emails = emailsOf(newContact);
	return state.contacts.find((existing) =>
		emailsOf(existing).some((email) => emails.includes(email)),
	);
}

/**
 * @param {KommoState} state
 * @param {KommoContact} contact
 */
function openLeadOf(state, contact) {
	return state.links
		.filter((entry) => entry.contact_id === contact.id)
		.map((entry) => state.leads.find((lead) => lead.id === entry.lead_id))
		.find((lead) => lead && isOpenLead(lead));
}

/** @param {KommoRequest} request */
function createComplexLeads({ ctx, state, res, body, events }) {
	if (!Array.isArray(body) || !body.length) return wrongBodyType(res, 'array');
	if (body.length > COMPLEX_MAX_LEADS) {
		return validationFailed(res, [
			{
				request_id: '0',
				errors: [
					err(
						'TooManyEntities',
						'',
						`You can add no more than ${COMPLEX_MAX_LEADS} leads per request.`,
					),
				],
			},
		]);
	}
	const plans = body.map((input, index) => planEntry(state, input, index));
	const groups = plans
		.filter((plan) => plan.errors.length)
		.map((plan) => ({ request_id: requestId(plan.input, plan.index), errors: plan.errors }));
	if (groups.length) return validationFailed(res, groups);

	const result = plans.map((plan) => {
		let contact = plan.existingContact;
		if (plan.newContact && ctx.config.kommoDuplicateControl) {
			contact = contactWithSameEmail(state, plan.newContact);
			const openLead = contact && openLeadOf(state, contact);
			if (contact && openLead)
				return {
					id: openLead.id,
					contact_id: contact.id,
					company_id: null,
					request_id: [requestId(plan.input, plan.index)],
					merged: true,
				};
		}
		if (!contact && plan.newContact) contact = storeNewContact(state, plan.newContact);
		/** @type {number | null} */
		let companyId = null;
		if (plan.company) {
			companyId =
				plan.company.id !== undefined ? Number(plan.company.id) : takeId(state, 'company');
			if (!state.companies.some((company) => company.id === companyId))
				state.companies.push({ id: companyId, name: plan.company.name ?? '' });
			plan.lead._embedded.companies = [{ id: companyId }];
		}
		const lead = storeNewLead(state, plan.lead);
		if (contact) link(state, lead.id, contact.id, true);
		events.push({ action: 'add', lead: clone(lead) });
		return {
			id: lead.id,
			contact_id: contact ? contact.id : null,
			company_id: companyId,
			request_id: [requestId(plan.input, plan.index)],
			merged: false,
		};
	});
	return send(res, 200, result, {}, 'application/json');
}

module.exports = { createComplexLeads };
