'use strict';
// The Kommo (amoCRM) API v4 slice: data model, validation and the REST handlers.
// Shapes follow Kommo's API v4 docs (https://developers.kommo.com/reference) and its PHP SDK
// (amocrm/amocrm-api-php): HAL answers, 204 with an empty body for empty lists, fuzzy `query`,
// `validation-errors` on 400, problem+json errors, bare array from /leads/complex.

const { send, parseJson, listParam, bearerToken, clone, nowSeconds } = require('./http');

const HAL = 'application/hal+json';
const PROBLEM = 'application/problem+json';

const WON = 142;
const LOST = 143;

/** Kommo's maximum page size on list endpoints; custom fields come 50 at most. */
const MAX_LIMIT = 250;
const CUSTOM_FIELDS_PAGE = 50;
const DEFAULT_LIMIT = 50;
const COMPLEX_MAX_LEADS = 50;
const MAX_CUSTOM_FIELD_VALUES = 40;
const TEXT_MAX = 256;

const NOTE_TYPES = [
	'common',
	'call_in',
	'call_out',
	'service_message',
	'extended_service_message',
	'message_cashier',
	'geolocation',
	'sms_in',
	'sms_out',
	'attachment',
];
const TEXT_NOTE_TYPES = new Set([
	'common',
	'service_message',
	'extended_service_message',
	'message_cashier',
	'sms_in',
	'sms_out',
]);

const WEBHOOK_SETTINGS = [
	'add_lead',
	'update_lead',
	'delete_lead',
	'restore_lead',
	'status_lead',
	'responsible_lead',
	'note_lead',
	'add_contact',
	'update_contact',
	'delete_contact',
	'restore_contact',
	'responsible_contact',
	'note_contact',
	'add_company',
	'update_company',
	'delete_company',
	'restore_company',
	'responsible_company',
	'note_company',
	'add_task',
	'update_task',
	'delete_task',
	'responsible_task',
	'add_message',
	'add_chat_template_review',
	'add_talk',
	'update_talk',
	'add_unsorted',
	'delete_unsorted',
];

function emptyKommoState() {
	return {
		account: null,
		users: [],
		pipelines: [],
		customFields: { leads: [], contacts: [] },
		contacts: [],
		companies: [],
		leads: [],
		/** lead ↔ contact links: `{ lead_id, contact_id, is_main }` */
		links: [],
		notes: [],
		tags: [],
		webhooks: [],
		nextId: {
			contact: 20100001,
			company: 25100001,
			lead: 30100001,
			note: 40100001,
			tag: 50100001,
			webhook: 60100001,
		},
	};
}

function takeId(state, kind) {
	const id = state.nextId[kind];
	state.nextId[kind] = id + 1;
	return id;
}

// ---------------------------------------------------------------- errors

function problem(res, status, title, detail) {
	send(
		res,
		status,
		{ title, type: `https://httpstatus.es/${status}`, status, detail },
		{},
		PROBLEM,
	);
}

/** `groups`: `[{ request_id, errors: [{ code, path, detail }] }]` - the documented 400 body. */
function validationFailed(res, groups) {
	send(
		res,
		400,
		{
			'validation-errors': groups,
			title: 'Bad Request',
			type: 'https://httpstatus.es/400',
			status: 400,
			detail: 'Request validation failed',
		},
		{},
		PROBLEM,
	);
}

const BLANK = 'This value should not be blank.';
const BAD_CHOICE = 'The value you selected is not a valid choice.';

function err(code, path, detail) {
	return { code, path, detail };
}

// ---------------------------------------------------------------- custom fields

function findField(state, entityType, ref) {
	const fields = state.customFields[entityType] ?? [];
	if (ref.field_id !== undefined && ref.field_id !== null)
		return fields.find((field) => field.id === Number(ref.field_id));
	if (typeof ref.field_code === 'string')
		return fields.find(
			(field) => String(field.code ?? '').toUpperCase() === ref.field_code.toUpperCase(),
		);
	return undefined;
}

function findEnum(field, value) {
	const enums = field.enums ?? [];
	if (value.enum_id !== undefined && value.enum_id !== null)
		return enums.find((option) => option.id === Number(value.enum_id));
	if (value.enum_code !== undefined && value.enum_code !== null)
		return enums.find(
			(option) => option.value.toUpperCase() === String(value.enum_code).toUpperCase(),
		);
	if (value.value !== undefined && value.value !== null)
		return enums.find((option) => option.value.toLowerCase() === String(value.value).toLowerCase());
	return undefined;
}

/**
 * Validates `custom_fields_values` as the API would and returns the stored shape
 * (`{ field_id, field_name, field_code, field_type, values }`, `values: null` meaning "clear").
 */
function normalizeCustomFieldValues(state, entityType, input, prefix = 'custom_fields_values') {
	const errors = [];
	const result = [];
	if (input === undefined || input === null) return { values: [], errors };
	if (!Array.isArray(input))
		return {
			values: [],
			errors: [err('InvalidType', prefix, 'This value should be of type array.')],
		};
	if (input.length > MAX_CUSTOM_FIELD_VALUES) {
		errors.push(
			err(
				'TooManyValues',
				prefix,
				`No more than ${MAX_CUSTOM_FIELD_VALUES} custom field values are allowed.`,
			),
		);
	}
	input.forEach((entry, i) => {
		const path = `${prefix}.${i}`;
		if (!entry || typeof entry !== 'object')
			return errors.push(err('InvalidType', path, 'This value should be of type object.'));
		const field = findField(state, entityType, entry);
		if (!field)
			return errors.push(
				err(
					'NotSupportedChoice',
					`${path}.${entry.field_id !== undefined ? 'field_id' : 'field_code'}`,
					BAD_CHOICE,
				),
			);
		const stored = {
			field_id: field.id,
			field_name: field.name,
			field_code: field.code ?? null,
			field_type: field.type,
			values: null,
		};
		if (entry.values === null) return result.push(stored);
		if (!Array.isArray(entry.values))
			return errors.push(
				err('InvalidType', `${path}.values`, 'This value should be of type array.'),
			);
		stored.values = [];
		entry.values.forEach((value, j) => {
			const valuePath = `${path}.values.${j}`;
			if (!value || typeof value !== 'object')
				return errors.push(err('InvalidType', valuePath, 'This value should be of type object.'));
			switch (field.type) {
				case 'select':
				case 'radiobutton':
				case 'multiselect': {
					const option = findEnum(field, value);
					if (!option)
						return errors.push(
							err(
								'NotSupportedChoice',
								`${valuePath}.${value.enum_id !== undefined ? 'enum_id' : 'value'}`,
								BAD_CHOICE,
							),
						);
					stored.values.push({ value: option.value, enum_id: option.id, enum_code: null });
					return undefined;
				}
				case 'multitext': {
					if (typeof value.value !== 'string' || value.value.trim() === '')
						return errors.push(err('NotBlank', `${valuePath}.value`, BLANK));
					const option =
						value.enum_id !== undefined || value.enum_code !== undefined
							? findEnum(field, { enum_id: value.enum_id, enum_code: value.enum_code })
							: (field.enums ?? [])[0];
					if (!option)
						return errors.push(err('NotSupportedChoice', `${valuePath}.enum_code`, BAD_CHOICE));
					stored.values.push({ value: value.value, enum_id: option.id, enum_code: option.value });
					return undefined;
				}
				case 'checkbox':
					if (typeof value.value !== 'boolean')
						return errors.push(
							err('InvalidType', `${valuePath}.value`, 'This value should be of type bool.'),
						);
					stored.values.push({ value: value.value });
					return undefined;
				case 'numeric':
				case 'price':
				case 'monetary':
					if (value.value === '' || value.value === null || !Number.isFinite(Number(value.value))) {
						return errors.push(
							err('InvalidType', `${valuePath}.value`, 'This value should be of type numeric.'),
						);
					}
					stored.values.push({ value: String(value.value) });
					return undefined;
				case 'date':
				case 'date_time':
				case 'birthday':
					if (!Number.isInteger(Number(value.value)))
						return errors.push(
							err('InvalidType', `${valuePath}.value`, 'This value should be of type int.'),
						);
					stored.values.push({ value: Number(value.value) });
					return undefined;
				case 'text':
					if (typeof value.value !== 'string')
						return errors.push(
							err('InvalidType', `${valuePath}.value`, 'This value should be of type string.'),
						);
					// the API rejects text fields over 256 characters although the UI accepts them
					if (value.value.length > TEXT_MAX) {
						return errors.push(
							err(
								'InvalidLength',
								`${valuePath}.value`,
								`This value is too long. It should have ${TEXT_MAX} characters or less.`,
							),
						);
					}
					stored.values.push({ value: value.value });
					return undefined;
				default:
					if (value.value === undefined || value.value === null)
						return errors.push(err('NotBlank', `${valuePath}.value`, BLANK));
					stored.values.push({ value: String(value.value) });
					return undefined;
			}
		});
		result.push(stored);
		return undefined;
	});
	return { values: result, errors };
}

/** Stored values with `incoming` applied field by field (`values: null` clears a field). */
function mergeCustomFieldValues(current, incoming) {
	const merged = (current ?? []).filter(
		(field) => !incoming.some((entry) => entry.field_id === field.field_id),
	);
	for (const entry of incoming)
		if (entry.values !== null && entry.values.length) merged.push(entry);
	const result = merged.sort((a, b) => a.field_id - b.field_id);
	return result.length ? result : null;
}

// ---------------------------------------------------------------- tags

function resolveTags(state, input, path) {
	const errors = [];
	const tags = [];
	if (input === undefined || input === null) return { tags, errors };
	if (!Array.isArray(input))
		return { tags, errors: [err('InvalidType', path, 'This value should be of type array.')] };
	input.forEach((entry, i) => {
		let tag;
		if (entry && entry.id !== undefined) {
			tag = state.tags.find((existing) => existing.id === Number(entry.id));
			if (!tag) return errors.push(err('NotFound', `${path}.${i}.id`, 'Tag not found'));
		} else if (entry && typeof entry.name === 'string' && entry.name.trim()) {
			const name = entry.name.trim();
			tag = state.tags.find((existing) => existing.name.toLowerCase() === name.toLowerCase());
			if (!tag) {
				tag = { id: takeId(state, 'tag'), name, color: null };
				state.tags.push(tag);
			}
		} else {
			return errors.push(err('NotBlank', `${path}.${i}.name`, BLANK));
		}
		if (!tags.some((existing) => existing.id === tag.id)) tags.push(tag);
		return undefined;
	});
	return {
		tags: tags.map((tag) => ({ id: tag.id, name: tag.name, color: tag.color ?? null })),
		errors,
	};
}

// ---------------------------------------------------------------- pipelines

function mainPipeline(state) {
	return state.pipelines.find((pipeline) => pipeline.is_main) ?? state.pipelines[0];
}

/** First regular stage (type 0) - where a lead lands when no status is given. */
function firstStage(pipeline) {
	return (
		[...pipeline.statuses]
			.sort((a, b) => a.sort - b.sort)
			.find((status) => status.type === 0 && status.id !== WON && status.id !== LOST) ??
		pipeline.statuses[0]
	);
}

function isOpenLead(lead) {
	return !lead.is_deleted && lead.status_id !== WON && lead.status_id !== LOST;
}

// ---------------------------------------------------------------- seed normalisation

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
			statuses: (statuses.length ? statuses : (_embedded?.statuses ?? [])).map((status) => ({
				id: Number(status.id),
				name: status.name,
				sort: status.sort ?? 10,
				is_editable: status.is_editable ?? true,
				pipeline_id: Number(pipeline.id),
				color: status.color ?? '#99ccff',
				type: status.type ?? 0,
				account_id: accountId,
			})),
		});
	}
	for (const entityType of ['leads', 'contacts']) {
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
		if (contact.id === undefined) contact.id = takeId(state, 'contact');
		upsert(state.contacts, contact);
	}
	for (const input of seed.leads ?? []) {
		const { lead, errors } = buildLead(state, input);
		if (errors.length) throw new Error(`Seed: lead ${input.id}: ${JSON.stringify(errors)}`);
		if (lead.id === undefined) lead.id = takeId(state, 'lead');
		if (!lead.name) lead.name = `Lead #${lead.id}`;
		upsert(state.leads, lead);
		for (const contactId of input.contacts ?? []) {
			if (!state.contacts.some((contact) => contact.id === Number(contactId)))
				throw new Error(`Seed: lead ${lead.id} links unknown contact ${contactId}`);
			link(state, lead.id, Number(contactId));
		}
	}
	for (const input of seed.notes ?? []) {
		const entityType = input.entity_type ?? 'leads';
		const note = buildNote(state, entityType, input);
		state.notes.push(note);
	}
	for (const hook of seed.webhooks ?? []) {
		state.webhooks.push(buildWebhook(state, hook));
	}
}

/**
 * A second contact with the same email and phone as `contactId` and no leads, as imports, forms and
 * native integrations leave them in real accounts. It is the most recently updated contact unless
 * `updatedAt` says otherwise.
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

function upsert(list, record) {
	const index = list.findIndex((entry) => entry.id === record.id);
	if (index === -1) list.push(record);
	else list[index] = record;
}

function link(state, leadId, contactId, isMain) {
	if (state.links.some((entry) => entry.lead_id === leadId && entry.contact_id === contactId))
		return;
	const main = isMain ?? !state.links.some((entry) => entry.lead_id === leadId);
	state.links.push({ lead_id: leadId, contact_id: contactId, is_main: main });
}

function buildContact(state, input, createdAt) {
	const now = nowSeconds();
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

/** Lead fields shared by create and update; `current` is the stored lead on update. */
function applyLeadFields(state, lead, input, current) {
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

function buildLead(state, input) {
	const now = nowSeconds();
	const created = input.created_at ?? now;
	const userId = state.account?.current_user_id ?? 0;
	const pipeline = mainPipeline(state);
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
		fields._embedded = { ...(input._embedded ?? {}), tags: input.tags.map((name) => ({ name })) };
	const errors = applyLeadFields(state, lead, fields, undefined);
	if (!lead.name) lead.name = '';
	if (lead.status_id === WON || lead.status_id === LOST)
		lead.closed_at = input.closed_at ?? created;
	return { lead, errors };
}

function buildNote(state, entityType, input) {
	const now = nowSeconds();
	const userId = input.created_by ?? state.account?.current_user_id ?? 0;
	return {
		id: input.id !== undefined ? Number(input.id) : takeId(state, 'note'),
		entity_id: Number(input.entity_id),
		entity_type: entityType,
		created_by: userId,
		updated_by: userId,
		created_at: input.created_at ?? now,
		updated_at: input.updated_at ?? input.created_at ?? now,
		responsible_user_id: input.responsible_user_id ?? userId,
		group_id: 0,
		note_type: input.note_type,
		params: clone(input.params ?? {}),
		account_id: state.account?.id ?? 0,
	};
}

function buildWebhook(state, input) {
	const now = nowSeconds();
	return {
		id: takeId(state, 'webhook'),
		destination: input.destination,
		created_at: now,
		updated_at: now,
		account_id: state.account?.id ?? 0,
		created_by: state.account?.current_user_id ?? 0,
		sort: input.sort ?? 1,
		disabled: Boolean(input.disabled),
		settings: [...input.settings],
	};
}

// ---------------------------------------------------------------- rendering

function baseUrl(req) {
	return `http://${req.headers.host}/kommo`;
}

function self(req, path) {
	return { self: { href: `${baseUrl(req)}${path}` } };
}

function renderContact(state, req, contact, withLeads) {
	const out = clone(contact);
	out._links = self(req, `/api/v4/contacts/${contact.id}`);
	if (withLeads) {
		out._embedded.leads = state.links
			.filter((entry) => entry.contact_id === contact.id)
			.map((entry) => ({ id: entry.lead_id, _links: self(req, `/api/v4/leads/${entry.lead_id}`) }));
	}
	return out;
}

function renderLead(state, req, lead, withContacts) {
	const out = clone(lead);
	out._links = self(req, `/api/v4/leads/${lead.id}`);
	if (withContacts) {
		out._embedded.contacts = state.links
			.filter((entry) => entry.lead_id === lead.id)
			.map((entry) => ({
				id: entry.contact_id,
				is_main: entry.is_main,
				_links: self(req, `/api/v4/contacts/${entry.contact_id}`),
			}));
	}
	return out;
}

function renderNote(req, note) {
	const { entity_type: entityType, ...rest } = clone(note);
	return { ...rest, _links: self(req, `/api/v4/${entityType}/${note.entity_id}/notes/${note.id}`) };
}

function renderPipeline(req, pipeline) {
	const { statuses, ...rest } = clone(pipeline);
	return {
		...rest,
		_links: self(req, `/api/v4/leads/pipelines/${pipeline.id}`),
		_embedded: {
			statuses: statuses.map((status) => ({
				...status,
				_links: self(req, `/api/v4/leads/pipelines/${pipeline.id}/statuses/${status.id}`),
			})),
		},
	};
}

function renderField(req, field) {
	return {
		...clone(field),
		_links: self(req, `/api/v4/${field.entity_type}/custom_fields/${field.id}`),
	};
}

/**
 * One page of a HAL list, or undefined when the page is empty (the caller answers 204).
 * `_links.next` repeats every query parameter with the next page number.
 */
function paginate(
	req,
	pathname,
	searchParams,
	items,
	embeddedKey,
	{ maxLimit = MAX_LIMIT, totalItems = false } = {},
) {
	const requestedLimit = Number.parseInt(searchParams.get('limit') ?? '', 10);
	const limit = Math.min(
		maxLimit,
		Number.isInteger(requestedLimit) && requestedLimit > 0
			? requestedLimit
			: Math.min(DEFAULT_LIMIT, maxLimit),
	);
	const requestedPage = Number.parseInt(searchParams.get('page') ?? '', 10);
	const page = Number.isInteger(requestedPage) && requestedPage > 0 ? requestedPage : 1;
	const slice = items.slice((page - 1) * limit, page * limit);
	if (!slice.length) return undefined;
	const href = (pageNumber) => {
		const params = new URLSearchParams(searchParams);
		params.set('page', String(pageNumber));
		params.set('limit', String(limit));
		return { href: `${baseUrl(req)}${pathname}?${params.toString()}` };
	};
	const links = { self: href(page) };
	if (page * limit < items.length) links.next = href(page + 1);
	if (page > 1) {
		links.first = href(1);
		links.prev = href(page - 1);
	}
	return {
		...(totalItems ? { _total_items: items.length } : {}),
		_page: page,
		_links: links,
		_embedded: { [embeddedKey]: slice },
	};
}

function orderBy(items, searchParams) {
	for (const key of ['id', 'updated_at', 'created_at']) {
		const direction = searchParams.get(`order[${key}]`);
		if (direction) {
			const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
			return [...items].sort((a, b) => sign * (a[key] - b[key] || a.id - b.id));
		}
	}
	return [...items].sort((a, b) => a.id - b.id);
}

/** `with=leads,catalog_elements` → Set. */
function withSet(searchParams) {
	return new Set(
		(searchParams.get('with') ?? '')
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean),
	);
}

/**
 * Kommo's `query` is a fuzzy full-text search: a substring of the name or of any filled field
 * matches (so "ann@x.io" also finds "joann@x.io"), and for phone-like queries the digits alone.
 */
function fuzzyMatches(record, query) {
	const needle = query.trim().toLowerCase();
	if (!needle) return true;
	const haystack = [record.name, record.first_name, record.last_name, String(record.id)];
	for (const field of record.custom_fields_values ?? []) {
		for (const value of field.values ?? []) haystack.push(value.value);
	}
	const texts = haystack
		.filter((value) => value !== undefined && value !== null)
		.map((value) => String(value).toLowerCase());
	if (texts.some((text) => text.includes(needle))) return true;
	const digits = needle.replace(/\D/g, '');
	return digits.length >= 5 && texts.some((text) => text.replace(/\D/g, '').includes(digits));
}

// ---------------------------------------------------------------- handlers

/**
 * Handles one request under `/kommo`. `events` collects lead events for outgoing webhooks
 * (delivered by the caller after the response).
 */
async function handleKommo(ctx, req, res, path, searchParams, rawBody, events) {
	const state = ctx.state.kommo;
	if (bearerToken(req) !== ctx.config.kommoToken) {
		return problem(res, 401, 'Unauthorized', 'Unauthorized');
	}
	if (ctx.kommoLimiter) {
		const verdict = ctx.kommoLimiter.take();
		if (!verdict.allowed) {
			// Kommo's 429 body is not JSON
			return send(
				res,
				429,
				'<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>',
				{},
				'text/html',
			);
		}
	}

	let body;
	if (['POST', 'PATCH', 'DELETE', 'PUT'].includes(req.method)) {
		const parsed = parseJson(rawBody);
		if (parsed.error) return problem(res, 400, 'Bad Request', parsed.error);
		body = parsed.value;
	}
	const method = req.method;
	let match;

	// ------------------------------------------------------------ account & users
	if (method === 'GET' && path === '/api/v4/account') {
		return send(
			res,
			200,
			{ ...clone(state.account), _links: self(req, '/api/v4/account') },
			{},
			HAL,
		);
	}

	if (method === 'GET' && path === '/api/v4/users') {
		const users = orderBy(state.users, searchParams).map((user) => ({
			...clone(user),
			_links: self(req, `/api/v4/users/${user.id}`),
		}));
		return sendPage(res, paginate(req, path, searchParams, users, 'users', { totalItems: true }));
	}

	// ------------------------------------------------------------ pipelines & custom fields
	if (method === 'GET' && path === '/api/v4/leads/pipelines') {
		return send(
			res,
			200,
			{
				_total_items: state.pipelines.length,
				_links: self(req, path),
				_embedded: { pipelines: state.pipelines.map((pipeline) => renderPipeline(req, pipeline)) },
			},
			{},
			HAL,
		);
	}
	if (method === 'GET' && (match = /^\/api\/v4\/leads\/pipelines\/(\d+)$/.exec(path))) {
		const pipeline = state.pipelines.find((entry) => entry.id === Number(match[1]));
		if (!pipeline) return send(res, 204);
		return send(res, 200, renderPipeline(req, pipeline), {}, HAL);
	}
	if (method === 'GET' && (match = /^\/api\/v4\/leads\/pipelines\/(\d+)\/statuses$/.exec(path))) {
		const pipeline = state.pipelines.find((entry) => entry.id === Number(match[1]));
		if (!pipeline) return send(res, 204);
		const rendered = renderPipeline(req, pipeline);
		return send(
			res,
			200,
			{
				_total_items: pipeline.statuses.length,
				_links: self(req, path),
				_embedded: rendered._embedded,
			},
			{},
			HAL,
		);
	}
	if (method === 'GET' && (match = /^\/api\/v4\/(leads|contacts)\/custom_fields$/.exec(path))) {
		const fields = orderBy(state.customFields[match[1]], searchParams).map((field) =>
			renderField(req, field),
		);
		// Kommo returns at most 50 fields per request, whatever the limit
		return sendPage(
			res,
			paginate(req, path, searchParams, fields, 'custom_fields', {
				maxLimit: CUSTOM_FIELDS_PAGE,
				totalItems: true,
			}),
		);
	}
	if (
		method === 'GET' &&
		(match = /^\/api\/v4\/(leads|contacts)\/custom_fields\/(\d+)$/.exec(path))
	) {
		const field = state.customFields[match[1]].find((entry) => entry.id === Number(match[2]));
		if (!field) return send(res, 204);
		return send(res, 200, renderField(req, field), {}, HAL);
	}

	// ------------------------------------------------------------ contacts
	if (method === 'GET' && path === '/api/v4/contacts') {
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
	if (method === 'GET' && (match = /^\/api\/v4\/contacts\/(\d+)$/.exec(path))) {
		const contact = state.contacts.find(
			(entry) => entry.id === Number(match[1]) && !entry.is_deleted,
		);
		if (!contact) return send(res, 204);
		return send(
			res,
			200,
			renderContact(state, req, contact, withSet(searchParams).has('leads')),
			{},
			HAL,
		);
	}
	if (method === 'POST' && path === '/api/v4/contacts') {
		if (!Array.isArray(body) || !body.length)
			return validationFailed(res, [
				{
					request_id: '0',
					errors: [err('InvalidType', '', 'This value should be of type array.')],
				},
			]);
		const built = body.map((input, index) => ({
			input,
			index,
			...buildContact(state, { ...(input ?? {}), id: undefined }),
		}));
		const groups = built
			.filter((entry) => entry.errors.length)
			.map((entry) => ({ request_id: requestId(entry.input, entry.index), errors: entry.errors }));
		if (groups.length) return validationFailed(res, groups);
		const created = built.map(({ contact, input, index }) => {
			contact.id = takeId(state, 'contact');
			state.contacts.push(contact);
			return {
				id: contact.id,
				is_deleted: false,
				is_unsorted: false,
				request_id: requestId(input, index),
				_links: self(req, `/api/v4/contacts/${contact.id}`),
			};
		});
		return send(res, 200, { _links: self(req, path), _embedded: { contacts: created } }, {}, HAL);
	}

	// ------------------------------------------------------------ notes
	if (method === 'GET' && (match = /^\/api\/v4\/(leads|contacts)\/(\d+)\/notes$/.exec(path))) {
		const entityType = match[1];
		const entityId = Number(match[2]);
		const types = listParam(searchParams, 'filter[note_type]');
		const ids = listParam(searchParams, 'filter[id]').map(Number);
		let notes = state.notes.filter(
			(note) => note.entity_type === entityType && note.entity_id === entityId,
		);
		if (types.length) notes = notes.filter((note) => types.includes(note.note_type));
		if (ids.length) notes = notes.filter((note) => ids.includes(note.id));
		const rendered = orderBy(notes, searchParams).map((note) => renderNote(req, note));
		return sendPage(res, paginate(req, path, searchParams, rendered, 'notes'));
	}
	if (method === 'POST' && (match = /^\/api\/v4\/(leads|contacts)\/notes$/.exec(path))) {
		const entityType = match[1];
		const entities = entityType === 'leads' ? state.leads : state.contacts;
		if (!Array.isArray(body) || !body.length)
			return validationFailed(res, [
				{
					request_id: '0',
					errors: [err('InvalidType', '', 'This value should be of type array.')],
				},
			]);
		const groups = [];
		body.forEach((input, index) => {
			const errors = [];
			const note = input && typeof input === 'object' ? input : {};
			if (note.entity_id === undefined || note.entity_id === null || note.entity_id === '')
				errors.push(err('NotBlank', 'entity_id', BLANK));
			else if (
				!entities.some((entity) => entity.id === Number(note.entity_id) && !entity.is_deleted)
			)
				errors.push(err('NotFound', 'entity_id', 'Entity not found'));
			if (note.note_type === undefined || note.note_type === null || note.note_type === '')
				errors.push(err('NotBlank', 'note_type', BLANK));
			// v4 wants the string code; the v2 number 4 ("common") is rejected
			else if (typeof note.note_type !== 'string' || !NOTE_TYPES.includes(note.note_type))
				errors.push(err('NotSupportedChoice', 'note_type', BAD_CHOICE));
			else if (TEXT_NOTE_TYPES.has(note.note_type)) {
				const text = note.params?.text;
				if (typeof text !== 'string' || text.trim() === '')
					errors.push(err('NotBlank', 'params.text', BLANK));
			}
			if (errors.length) groups.push({ request_id: requestId(note, index), errors });
		});
		if (groups.length) return validationFailed(res, groups);
		const created = body.map((input, index) => {
			const note = buildNote(state, entityType, input);
			state.notes.push(note);
			const entity = entities.find((entry) => entry.id === note.entity_id);
			if (entity) entity.updated_at = note.created_at;
			return {
				id: note.id,
				entity_id: note.entity_id,
				request_id: requestId(input, index),
				_links: self(req, `/api/v4/${entityType}/${note.entity_id}/notes/${note.id}`),
			};
		});
		return send(res, 200, { _links: self(req, path), _embedded: { notes: created } }, {}, HAL);
	}

	// ------------------------------------------------------------ leads
	if (method === 'GET' && path === '/api/v4/leads') {
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
	if (method === 'GET' && (match = /^\/api\/v4\/leads\/(\d+)$/.exec(path))) {
		const lead = state.leads.find((entry) => entry.id === Number(match[1]) && !entry.is_deleted);
		// an unknown id answers 204 like an empty list (the official SDK treats it as "no data")
		if (!lead) return send(res, 204);
		return send(
			res,
			200,
			renderLead(state, req, lead, withSet(searchParams).has('contacts')),
			{},
			HAL,
		);
	}
	if (method === 'POST' && path === '/api/v4/leads') {
		if (!Array.isArray(body) || !body.length)
			return validationFailed(res, [
				{
					request_id: '0',
					errors: [err('InvalidType', '', 'This value should be of type array.')],
				},
			]);
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
		const created = built.map(({ input, index, lead, contacts }) => {
			lead.id = takeId(state, 'lead');
			if (!lead.name) lead.name = `Lead #${lead.id}`;
			state.leads.push(lead);
			for (const contact of contacts) link(state, lead.id, Number(contact.id), contact.is_main);
			events.push({ action: 'add', lead: clone(lead) });
			return {
				id: lead.id,
				request_id: requestId(input, index),
				_links: self(req, `/api/v4/leads/${lead.id}`),
			};
		});
		return send(res, 200, { _links: self(req, path), _embedded: { leads: created } }, {}, HAL);
	}
	if (method === 'POST' && path === '/api/v4/leads/complex') {
		return complexLeads(ctx, req, res, body, events);
	}
	if (
		method === 'PATCH' &&
		(path === '/api/v4/leads' || (match = /^\/api\/v4\/leads\/(\d+)$/.exec(path)))
	) {
		const single = path !== '/api/v4/leads';
		if (single && (!body || typeof body !== 'object' || Array.isArray(body))) {
			return validationFailed(res, [
				{
					request_id: '0',
					errors: [err('InvalidType', '', 'This value should be of type object.')],
				},
			]);
		}
		if (!single && (!Array.isArray(body) || !body.length)) {
			return validationFailed(res, [
				{
					request_id: '0',
					errors: [err('InvalidType', '', 'This value should be of type array.')],
				},
			]);
		}
		const inputs = single ? [{ ...body, id: Number(match[1]) }] : body;
		if (single && !state.leads.some((lead) => lead.id === Number(match[1]) && !lead.is_deleted)) {
			return problem(res, 404, 'Not Found', `Lead ${match[1]} not found`);
		}
		const planned = inputs.map((input, index) => {
			const safe = input && typeof input === 'object' ? input : {};
			const current = state.leads.find((lead) => lead.id === Number(safe.id) && !lead.is_deleted);
			if (!current)
				return { input: safe, index, errors: [err('NotFound', 'id', 'Lead not found')] };
			const next = clone(current);
			const errors = applyLeadFields(state, next, safe, current);
			return { input: safe, index, current, next, errors };
		});
		const groups = planned
			.filter((entry) => entry.errors.length)
			.map((entry) => ({ request_id: requestId(entry.input, entry.index), errors: entry.errors }));
		if (groups.length) return validationFailed(res, groups);
		const now = nowSeconds();
		const updated = planned.map(({ current, next }) => {
			const old = {
				status_id: current.status_id,
				pipeline_id: current.pipeline_id,
				responsible_user_id: current.responsible_user_id,
			};
			const statusChanged =
				next.status_id !== old.status_id || next.pipeline_id !== old.pipeline_id;
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
		});
		return send(
			res,
			200,
			single
				? {
						id: updated[0].id,
						updated_at: updated[0].updated_at,
						_links: self(req, `/api/v4/leads/${updated[0].id}`),
					}
				: {
						_links: self(req, path),
						_embedded: {
							leads: updated.map((lead) => ({
								id: lead.id,
								updated_at: lead.updated_at,
								_links: self(req, `/api/v4/leads/${lead.id}`),
							})),
						},
					},
			{},
			HAL,
		);
	}

	// ------------------------------------------------------------ webhooks
	if (method === 'GET' && path === '/api/v4/webhooks') {
		const destination = searchParams.get('filter[destination]');
		const hooks = state.webhooks.filter(
			(hook) => destination === null || hook.destination === destination,
		);
		if (!hooks.length) return send(res, 204);
		return send(
			res,
			200,
			{
				_total_items: hooks.length,
				_links: self(req, path),
				_embedded: { webhooks: clone(hooks) },
			},
			{},
			HAL,
		);
	}
	if (method === 'POST' && path === '/api/v4/webhooks') {
		const input = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
		const errors = [];
		if (typeof input.destination !== 'string' || !/^https?:\/\/\S+$/i.test(input.destination))
			errors.push(err('InvalidUrl', 'destination', 'This value is not a valid URL.'));
		if (!Array.isArray(input.settings) || !input.settings.length)
			errors.push(err('NotBlank', 'settings', BLANK));
		else
			input.settings.forEach((setting, i) => {
				if (!WEBHOOK_SETTINGS.includes(setting))
					errors.push(err('NotSupportedChoice', `settings.${i}`, BAD_CHOICE));
			});
		if (errors.length) return validationFailed(res, [{ request_id: '0', errors }]);
		let hook = state.webhooks.find((entry) => entry.destination === input.destination);
		if (hook) {
			// a second POST for the same destination replaces its settings and re-enables it
			hook.settings = [...input.settings];
			hook.sort = input.sort ?? hook.sort;
			hook.disabled = false;
			hook.updated_at = nowSeconds();
		} else {
			hook = buildWebhook(state, input);
			state.webhooks.push(hook);
		}
		return send(res, 201, clone(hook), {}, HAL);
	}
	if (method === 'DELETE' && path === '/api/v4/webhooks') {
		const destination = body && typeof body.destination === 'string' ? body.destination : undefined;
		if (!destination)
			return validationFailed(res, [
				{ request_id: '0', errors: [err('NotBlank', 'destination', BLANK)] },
			]);
		state.webhooks = state.webhooks.filter((hook) => hook.destination !== destination);
		return send(res, 204);
	}

	return problem(res, 404, 'Not Found', `The sandbox does not serve ${method} ${path}`);
}

function sendPage(res, page) {
	if (!page) return send(res, 204);
	return send(res, 200, page, {}, HAL);
}

function requestId(input, index) {
	return input && input.request_id !== undefined ? String(input.request_id) : String(index);
}

/**
 * `POST /api/v4/leads/complex`: lead + at most one contact and one company each, at most 50
 * leads. Answers a bare array. With `kommoDuplicateControl` on, a new contact whose e-mail
 * already exists reuses that contact, and its open lead comes back with `merged: true`.
 */
function complexLeads(ctx, req, res, body, events) {
	const state = ctx.state.kommo;
	if (!Array.isArray(body) || !body.length)
		return validationFailed(res, [
			{ request_id: '0', errors: [err('InvalidType', '', 'This value should be of type array.')] },
		]);
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
	const plans = body.map((input, index) => {
		const safe = input && typeof input === 'object' ? input : {};
		const { lead, errors } = buildLead(state, {
			...safe,
			id: undefined,
			created_at: undefined,
			tags: undefined,
		});
		const contacts = Array.isArray(safe._embedded?.contacts) ? safe._embedded.contacts : [];
		const companies = Array.isArray(safe._embedded?.companies) ? safe._embedded.companies : [];
		if (contacts.length > 1)
			errors.push(
				err('TooManyEntities', '_embedded.contacts', 'No more than one contact per lead.'),
			);
		if (companies.length > 1)
			errors.push(
				err('TooManyEntities', '_embedded.companies', 'No more than one company per lead.'),
			);
		let existingContact;
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
	});
	const groups = plans
		.filter((plan) => plan.errors.length)
		.map((plan) => ({ request_id: requestId(plan.input, plan.index), errors: plan.errors }));
	if (groups.length) return validationFailed(res, groups);

	const result = plans.map((plan) => {
		let contact = plan.existingContact;
		if (plan.newContact && ctx.config.kommoDuplicateControl) {
			const emails = emailsOf(plan.newContact);
			contact = state.contacts.find((existing) =>
				emailsOf(existing).some((email) => emails.includes(email)),
			);
			if (contact) {
				const openLead = state.links
					.filter((entry) => entry.contact_id === contact.id)
					.map((entry) => state.leads.find((lead) => lead.id === entry.lead_id))
					.find((lead) => lead && isOpenLead(lead));
				if (openLead)
					return {
						id: openLead.id,
						contact_id: contact.id,
						company_id: null,
						request_id: [requestId(plan.input, plan.index)],
						merged: true,
					};
			}
		}
		if (!contact && plan.newContact) {
			contact = plan.newContact;
			contact.id = takeId(state, 'contact');
			state.contacts.push(contact);
		}
		let companyId = null;
		if (plan.company) {
			companyId =
				plan.company.id !== undefined ? Number(plan.company.id) : takeId(state, 'company');
			if (!state.companies.some((company) => company.id === companyId))
				state.companies.push({ id: companyId, name: plan.company.name ?? '' });
			plan.lead._embedded.companies = [{ id: companyId }];
		}
		const lead = plan.lead;
		lead.id = takeId(state, 'lead');
		if (!lead.name) lead.name = `Lead #${lead.id}`;
		state.leads.push(lead);
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

function emailsOf(contact) {
	return (contact.custom_fields_values ?? [])
		.filter((field) => field.field_code === 'EMAIL')
		.flatMap((field) => field.values ?? [])
		.map((value) => String(value.value).trim().toLowerCase());
}

module.exports = {
	WON,
	LOST,
	emptyKommoState,
	seedKommo,
	duplicateContact,
	handleKommo,
	fuzzyMatches,
	isOpenLead,
};
