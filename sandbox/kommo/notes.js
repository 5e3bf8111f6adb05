'use strict';
// Kommo notes of leads and contacts: `GET /api/v4/leads|contacts/:id/notes` (`filter[note_type][]`,
// `filter[id][]`, `order[id]`) and `POST /api/v4/leads|contacts/notes`.

const { nowSeconds, listParam, clone } = require('../http');
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
const { paginate, sendPage, orderBy } = require('./listing');
const { takeId } = require('./model');

/** @typedef {import('./responses').KommoRequest} KommoRequest */
/** @typedef {import('./responses').ValidationError} ValidationError */
/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoNote} KommoNote */

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
/** The note types whose content is `params.text`, which must not be blank. */
const TEXT_NOTE_TYPES = new Set([
	'common',
	'service_message',
	'extended_service_message',
	'message_cashier',
	'sms_in',
	'sms_out',
]);

/**
 * @param {KommoState} state
 * @param {'leads' | 'contacts'} entityType
 * @param {any} input request or seed fields
 * @returns {KommoNote}
 */
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

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {KommoNote} note
 */
function renderNote(req, note) {
	const { entity_type: entityType, ...rest } = clone(note);
	return { ...rest, _links: self(req, `/api/v4/${entityType}/${note.entity_id}/notes/${note.id}`) };
}

/** @param {KommoRequest} request */
function listNotes({ state, req, res, path, params, searchParams }) {
	const [entityType, entityIdText] = params;
	const entityId = Number(entityIdText);
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

/**
 * What Kommo refuses in one note of a `POST …/notes` batch.
 * @param {any} note
 * @param {Array<{ id: number, is_deleted?: unknown }>} entities the leads or the contacts
 */
function noteErrors(note, entities) {
	/** @type {ValidationError[]} */
	const errors = [];
	if (note.entity_id === undefined || note.entity_id === null || note.entity_id === '')
		errors.push(err('NotBlank', 'entity_id', BLANK));
	else if (!entities.some((entity) => entity.id === Number(note.entity_id) && !entity.is_deleted))
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
	return errors;
}

/**
 * A new note moves its lead's or contact's `updated_at`.
 * @param {KommoRequest} request
 */
function createNotes({ state, req, res, path, params, body }) {
	const entityType = params[0] === 'leads' ? 'leads' : 'contacts';
	/** @type {Array<{ id: number, is_deleted?: unknown, updated_at: number }>} */
	const entities = entityType === 'leads' ? state.leads : state.contacts;
	if (!Array.isArray(body) || !body.length) return wrongBodyType(res, 'array');
	const groups = [];
	body.forEach((input, index) => {
		const note = input && typeof input === 'object' ? input : {};
		const errors = noteErrors(note, entities);
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
	return sendHal(res, { _links: self(req, path), _embedded: { notes: created } });
}

module.exports = { buildNote, listNotes, createNotes };
