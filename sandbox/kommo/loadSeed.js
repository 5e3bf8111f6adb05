'use strict';
// Seed data (sandbox/seed.js shapes) → the stored Kommo account. Records go through the same
// builders as API writes, so a seed that the API would refuse throws instead of storing it.

const { clone } = require('../http');
const { takeId, upsert, link } = require('./model');
const { buildContact } = require('./contacts');
const { buildLead } = require('./leads');
const { buildNote } = require('./notes');
const { buildWebhook } = require('./webhooks');

/** @typedef {import('../index').KommoState} KommoState */

/**
 * Adds (or replaces, by id) what `seed` lists.
 * @param {KommoState} state
 * @param {any} [seed] the `kommo` part of a seed
 */
function seedKommo(state, seed = {}) {
	if (seed.account) state.account = clone(seed.account);
	const accountId = state.account?.id ?? 0;
	for (const user of seed.users ?? [])
		upsert(state.users, {
			id: Number(user.id),
			name: user.name,
			email: user.email ?? null,
			lang: user.lang ?? 'en',
			rights: user.rights ?? { is_admin: false, is_free: false, is_active: true },
			...(typeof user.amojo_id === 'string' ? { amojo_id: user.amojo_id } : {}),
		});
	for (const pipeline of seed.pipelines ?? []) {
		const { statuses = [], _embedded, ...rest } = pipeline;
		upsert(state.pipelines, {
			id: Number(pipeline.id),
			name: rest.name,
			sort: rest.sort ?? 1,
			is_main: Boolean(rest.is_main),
			is_unsorted_on: rest.is_unsorted_on ?? true,
			is_archive: Boolean(rest.is_archive),
			account_id: accountId,
			statuses: (statuses.length ? statuses : (_embedded?.statuses ?? [])).map(
				(/** @type {any} */ status) => ({
					id: Number(status.id),
					name: status.name,
					sort: status.sort ?? 10,
					is_editable: status.is_editable ?? true,
					pipeline_id: Number(pipeline.id),
					color: status.color ?? '#99ccff',
					type: status.type ?? 0,
					account_id: accountId,
				}),
			),
		});
	}
	for (const entityType of /** @type {const} */ (['leads', 'contacts'])) {
		for (const field of seed.customFields?.[entityType] ?? []) {
			upsert(state.customFields[entityType], {
				id: Number(field.id),
				name: field.name,
				type: field.type,
				account_id: accountId,
				code: field.code ?? null,
				sort: field.sort ?? 500,
				is_api_only: false,
				enums: field.enums ? clone(field.enums) : null,
				group_id: null,
				required_statuses: [],
				is_deletable: !field.is_predefined,
				is_predefined: Boolean(field.is_predefined),
				entity_type: entityType,
				remind: null,
			});
		}
	}
	for (const input of seed.contacts ?? []) {
		const { contact, errors } = buildContact(state, input, input.created_at);
		if (errors.length) throw new Error(`Seed: contact ${input.id}: ${JSON.stringify(errors)}`);
		upsert(state.contacts, { ...contact, id: contact.id ?? takeId(state, 'contact') });
	}
	for (const input of seed.leads ?? []) {
		const { lead: built, errors } = buildLead(state, input);
		if (errors.length) throw new Error(`Seed: lead ${input.id}: ${JSON.stringify(errors)}`);
		const lead = { ...built, id: built.id ?? takeId(state, 'lead') };
		if (!lead.name) lead.name = `Lead #${lead.id}`;
		upsert(state.leads, lead);
		for (const contactId of input.contacts ?? []) {
			if (!state.contacts.some((contact) => contact.id === Number(contactId)))
				throw new Error(`Seed: lead ${lead.id} links unknown contact ${contactId}`);
			link(state, lead.id, Number(contactId));
		}
	}
	for (const input of seed.notes ?? []) {
		state.notes.push(buildNote(state, input.entity_type ?? 'leads', input));
	}
	for (const hook of seed.webhooks ?? []) {
		state.webhooks.push(buildWebhook(state, hook));
	}
}

module.exports = { seedKommo };
