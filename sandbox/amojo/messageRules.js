'use strict';
// What amojo requires of a message, a sender and a receiver, from the field tables of
// https://www.amocrm.ru/developers/content/chats/chat-api-reference ("Описание объекта message",
// "sender и receiver") and https://developers.kommo.com/reference/send-import-messages:
//  - message.type is one of text, contact, file, video, picture, voice, audio, sticker, location;
//  - text needs `text`; file, video and picture need `media`, `file_name` and `file_size` (bytes)
//    (not when an edit keeps the file); location needs `location {lon, lat}`; contact needs
//    `contact {name, phone}`;
//  - a sender or receiver needs `id` (ours) and `name`.
// Each rule broken is one reason in the 400 answer.

const { isObject, isText } = require('./responses');

/** @typedef {import('../index').AmojoMessageContent} AmojoMessageContent */

const MESSAGE_TYPES = [
	'text',
	'contact',
	'file',
	'video',
	'picture',
	'voice',
	'audio',
	'sticker',
	'location',
];
const WITH_FILE = ['file', 'video', 'picture'];
/** `source.external_id`: up to 40 printable ASCII characters and spaces. */
const EXTERNAL_ID = /^[\x20-\x7e]{1,40}$/;

/**
 * @param {unknown} value
 * @param {string} where e.g. `payload.sender`
 * @param {string[]} problems
 */
function checkUser(value, where, problems) {
	if (!isObject(value)) return problems.push(`${where} must be an object`);
	const user = /** @type {any} */ (value);
	if (!isText(user.id)) problems.push(`${where}.id is required (our participant id)`);
	if (!isText(user.name)) problems.push(`${where}.name is required`);
	if (user.ref_id !== undefined && typeof user.ref_id !== 'string')
		problems.push(`${where}.ref_id must be a string`);
	if (user.profile !== undefined && !isObject(user.profile))
		problems.push(`${where}.profile must be an object`);
}

/**
 * @param {unknown} source
 * @param {string} where
 * @param {string[]} problems
 */
function checkSource(source, where, problems) {
	if (source === undefined) return;
	const externalId = isObject(source) ? /** @type {any} */ (source).external_id : undefined;
	if (typeof externalId !== 'string' || !EXTERNAL_ID.test(externalId))
		problems.push(`${where}.external_id must be 1-40 printable ASCII characters`);
}

/**
 * The message as stored, or the reasons it is refused.
 * @param {unknown} value `payload.message`
 * @param {{ editing?: boolean }} [options] an edit may leave out a file it keeps
 * @returns {{ content?: AmojoMessageContent, problems: string[] }}
 */
function checkMessage(value, { editing = false } = {}) {
	/** @type {string[]} */
	const problems = [];
	if (!isObject(value)) return { problems: ['payload.message must be an object'] };
	const message = /** @type {any} */ (value);
	if (!MESSAGE_TYPES.includes(message.type))
		return { problems: [`payload.message.type must be one of ${MESSAGE_TYPES.join(', ')}`] };
	if (message.text !== undefined && typeof message.text !== 'string')
		problems.push('payload.message.text must be a string');
	if (message.type === 'text' && !isText(message.text))
		problems.push('payload.message.text is required for a text message');
	if (WITH_FILE.includes(message.type) && !editing) {
		if (!isText(message.media))
			problems.push(`payload.message.media is required for ${message.type}`);
		if (!isText(message.file_name))
			problems.push(`payload.message.file_name is required for ${message.type}`);
		if (!Number.isInteger(message.file_size) || message.file_size < 0)
			problems.push(`payload.message.file_size (bytes) is required for ${message.type}`);
	}
	if (
		message.type === 'location' &&
		!(
			isObject(message.location) &&
			typeof message.location.lon === 'number' &&
			typeof message.location.lat === 'number'
		)
	)
		problems.push('payload.message.location {lon, lat} is required for location');
	if (
		message.type === 'contact' &&
		!(isObject(message.contact) && isText(message.contact.name) && isText(message.contact.phone))
	)
		problems.push('payload.message.contact {name, phone} is required for contact');
	if (problems.length) return { problems };
	/** @type {AmojoMessageContent} */
	const content = {
		type: message.type,
		text: message.text ?? '',
		media: typeof message.media === 'string' ? message.media : '',
		thumbnail: '',
		file_name: typeof message.file_name === 'string' ? message.file_name : '',
		file_size: Number.isInteger(message.file_size) ? message.file_size : 0,
	};
	for (const key of ['location', 'contact', 'sticker_id', 'media_duration', 'callback_data']) {
		if (message[key] !== undefined) content[key] = message[key];
	}
	return { content, problems };
}

module.exports = { MESSAGE_TYPES, checkUser, checkSource, checkMessage };
