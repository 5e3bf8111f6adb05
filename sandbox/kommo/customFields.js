'use strict';
// Kommo custom fields: the `GET leads|contacts/custom_fields` endpoints, and the validation of the
// `custom_fields_values` a lead or contact is written with (one rule per field type), as the API
// answers a bad value: a `validation-errors` entry with the path of the value.

const { send, clone } = require('../http');
const { err, BLANK, BAD_CHOICE, self, sendHal } = require('./responses');
const { paginate, sendPage, orderBy } = require('./listing');

/** @typedef {import('./responses').KommoRequest} KommoRequest */
/** @typedef {import('./responses').ValidationError} ValidationError */
/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoCustomField} KommoCustomField */
/** @typedef {import('../index').KommoCustomFieldValue} KommoCustomFieldValue */
/** @typedef {KommoCustomFieldValue['values'][number]} KommoFieldEntry */
/** @typedef {'leads' | 'contacts'} KommoEntityType */

/** Kommo returns at most 50 fields per request, whatever the limit. */
const CUSTOM_FIELDS_PAGE = 50;
const MAX_CUSTOM_FIELD_VALUES = 40;
/** The API rejects text fields over 256 characters although the UI accepts them. */
const TEXT_MAX = 256;

/**
 * The field a value names by `field_id` or (case-insensitively) by `field_code`.
 * @param {KommoState} state
 * @param {KommoEntityType} entityType
 * @param {any} ref
 */
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

/**
 * The option a value names by `enum_id`, `enum_code` or its text.
 * @param {KommoCustomField} field
 * @param {any} value
 */
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
 * One value of a field checked against the field's type: what is stored, or why it is refused.
 * @param {KommoCustomField} field
 * @param {any} value an entry of the request's `values`
 * @param {string} valuePath
 * @returns {{ stored: KommoFieldEntry } | { error: ValidationError }}
 */
function normalizeValue(field, value, valuePath) {
	switch (field.type) {
		case 'select':
		case 'radiobutton':
		case 'multiselect': {
			const option = findEnum(field, value);
			if (!option)
				return {
					error: err(
						'NotSupportedChoice',
						`${valuePath}.${value.enum_id !== undefined ? 'enum_id' : 'value'}`,
						BAD_CHOICE,
					),
				};
			return { stored: { value: option.value, enum_id: option.id, enum_code: null } };
		}
		case 'multitext': {
			if (typeof value.value !== 'string' || value.value.trim() === '')
				return { error: err('NotBlank', `${valuePath}.value`, BLANK) };
			const option =
				value.enum_id !== undefined || value.enum_code !== undefined
					? findEnum(field, { enum_id: value.enum_id, enum_code: value.enum_code })
					: (field.enums ?? [])[0];
			if (!option)
				return { error: err('NotSupportedChoice', `${valuePath}.enum_code`, BAD_CHOICE) };
			return { stored: { value: value.value, enum_id: option.id, enum_code: option.value } };
		}
		case 'checkbox':
			if (typeof value.value !== 'boolean')
				return {
					error: err('InvalidType', `${valuePath}.value`, 'This value should be of type bool.'),
				};
			return { stored: { value: value.value } };
		case 'numeric':
		case 'price':
		case 'monetary':
			if (value.value === '' || value.value === null || !Number.isFinite(Number(value.value)))
				return {
					error: err('InvalidType', `${valuePath}.value`, 'This value should be of type numeric.'),
				};
			return { stored: { value: String(value.value) } };
		case 'date':
		case 'date_time':
		case 'birthday':
			if (!Number.isInteger(Number(value.value)))
				return {
					error: err('InvalidType', `${valuePath}.value`, 'This value should be of type int.'),
				};
			return { stored: { value: Number(value.value) } };
		case 'text':
			if (typeof value.value !== 'string')
				return {
					error: err('InvalidType', `${valuePath}.value`, 'This value should be of type string.'),
				};
			if (value.value.length > TEXT_MAX)
				return {
					error: err(
						'InvalidLength',
						`${valuePath}.value`,
						`This value is too long. It should have ${TEXT_MAX} characters or less.`,
					),
				};
			return { stored: { value: value.value } };
		default:
			if (value.value === undefined || value.value === null)
				return { error: err('NotBlank', `${valuePath}.value`, BLANK) };
			return { stored: { value: String(value.value) } };
	}
}

/**
 * Validates `custom_fields_values` as the API would and returns the stored shape
 * (`{ field_id, field_name, field_code, field_type, values }`, `values: null` meaning "clear").
 * @param {KommoState} state
 * @param {KommoEntityType} entityType
 * @param {unknown} input
 * @param {string} [prefix] the path the errors name
 * @returns {{ values: Array<Omit<KommoCustomFieldValue, 'values'> & { values: KommoFieldEntry[] | null }>, errors: ValidationError[] }}
 */
function normalizeCustomFieldValues(state, entityType, input, prefix = 'custom_fields_values') {
	/** @type {ValidationError[]} */
	const errors = [];
	/** @type {ReturnType<typeof normalizeCustomFieldValues>['values']} */
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
		const head = {
			field_id: field.id,
			field_name: field.name,
			field_code: field.code ?? null,
			field_type: field.type,
		};
		if (entry.values === null) return result.push({ ...head, values: null });
		if (!Array.isArray(entry.values))
			return errors.push(
				err('InvalidType', `${path}.values`, 'This value should be of type array.'),
			);
		/** @type {KommoFieldEntry[]} */
		const values = [];
		entry.values.forEach((/** @type {unknown} */ value, /** @type {number} */ j) => {
			const valuePath = `${path}.values.${j}`;
			if (!value || typeof value !== 'object')
				return errors.push(err('InvalidType', valuePath, 'This value should be of type object.'));
			const checked = normalizeValue(field, value, valuePath);
			if ('error' in checked) errors.push(checked.error);
			else values.push(checked.stored);
			return undefined;
		});
		result.push({ ...head, values });
		return undefined;
	});
	return { values: result, errors };
}

/**
 * Stored values with `incoming` applied field by field (`values: null` clears a field).
 * @param {KommoCustomFieldValue[] | null | undefined} current
 * @param {ReturnType<typeof normalizeCustomFieldValues>['values']} incoming
 * @returns {KommoCustomFieldValue[] | null}
 */
function mergeCustomFieldValues(current, incoming) {
	const merged = (current ?? []).filter(
		(field) => !incoming.some((entry) => entry.field_id === field.field_id),
	);
	for (const entry of incoming)
		if (entry.values !== null && entry.values.length)
			merged.push(/** @type {KommoCustomFieldValue} */ (entry));
	const result = merged.sort((a, b) => a.field_id - b.field_id);
	return result.length ? result : null;
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {KommoCustomField} field
 */
function renderField(req, field) {
	return {
		...clone(field),
		_links: self(req, `/api/v4/${field.entity_type}/custom_fields/${field.id}`),
	};
}

/**
 * `GET /api/v4/leads|contacts/custom_fields`
 * @param {KommoRequest} request
 */
function listCustomFields({ state, req, res, path, params, searchParams }) {
	const entityType = /** @type {KommoEntityType} */ (params[0]);
	const fields = orderBy(state.customFields[entityType], searchParams).map((field) =>
		renderField(req, field),
	);
	return sendPage(
		res,
		paginate(req, path, searchParams, fields, 'custom_fields', {
			maxLimit: CUSTOM_FIELDS_PAGE,
			totalItems: true,
		}),
	);
}

/**
 * `GET /api/v4/leads|contacts/custom_fields/:id`; 204 for an unknown id.
 * @param {KommoRequest} request
 */
function getCustomField({ state, req, res, params }) {
	const entityType = /** @type {KommoEntityType} */ (params[0]);
	const field = state.customFields[entityType].find((entry) => entry.id === Number(params[1]));
	if (!field) return send(res, 204);
	return sendHal(res, renderField(req, field));
}

module.exports = {
	normalizeCustomFieldValues,
	mergeCustomFieldValues,
	listCustomFields,
	getCustomField,
};
