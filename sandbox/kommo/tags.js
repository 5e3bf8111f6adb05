'use strict';
// Kommo tags as leads and contacts carry them in `_embedded.tags`: a tag is named by id (it must
// exist) or by name (found case-insensitively, or created on the fly as Kommo does).

const { err, BLANK } = require('./responses');
const { takeId } = require('./model');

/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoTag} KommoTag */
/** @typedef {import('./responses').ValidationError} ValidationError */

/**
 * The tags a request names, each once, as a lead or contact stores them.
 * @param {KommoState} state
 * @param {unknown} input
 * @param {string} path the path the errors name
 * @returns {{ tags: KommoTag[], errors: ValidationError[] }}
 */
function resolveTags(state, input, path) {
	/** @type {ValidationError[]} */
	const errors = [];
	/** @type {KommoTag[]} */
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
		const found = tag;
		if (!tags.some((existing) => existing.id === found.id)) tags.push(found);
		return undefined;
	});
	return {
		tags: tags.map((tag) => ({ id: tag.id, name: tag.name, color: tag.color ?? null })),
		errors,
	};
}

module.exports = { resolveTags };
