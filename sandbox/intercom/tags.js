'use strict';
// Intercom tags: `GET /tags[/:id]`, `POST /tags` (find-or-create by name, case-insensitive; with an
// `id` it renames that tag), and tagging a conversation: `POST /conversations/:id/tags` and
// `DELETE /conversations/:id/tags/:tagId`, both on behalf of an admin (`admin_id`).

const { clone, nowSeconds } = require('../http');
const { fail, answer } = require('./responses');
const { takeId } = require('./model');
const { renderTagRef } = require('./render');

/** @typedef {import('./responses').IntercomRequest} IntercomRequest */

/** @param {IntercomRequest} request */
function listTags(request) {
	return answer(request, { type: 'list', data: clone(request.state.tags) });
}

/** @param {IntercomRequest} request */
function getTag(request) {
	const { state, res, headers, params } = request;
	const tag = state.tags.find((entry) => entry.id === params[0]);
	if (!tag) return fail(res, headers, 404, 'not_found', 'Resource Not Found');
	return answer(request, clone(tag));
}

/**
 * Names are case-insensitive: an existing tag is returned as it is spelled in the workspace.
 * @param {IntercomRequest} request
 */
function createOrRenameTag(request) {
	const { state, res, headers, body } = request;
	const name = typeof body.name === 'string' ? body.name.trim() : '';
	if (!name) return fail(res, headers, 400, 'parameter_invalid', 'Name is required', 'name');
	if (body.id !== undefined) {
		const tag = state.tags.find((entry) => entry.id === String(body.id));
		if (!tag) return fail(res, headers, 404, 'not_found', 'Resource Not Found');
		tag.name = name;
		return answer(request, clone(tag));
	}
	let tag = state.tags.find((entry) => entry.name.toLowerCase() === name.toLowerCase());
	if (!tag) {
		tag = { type: 'tag', id: takeId(state, 'tag'), name };
		state.tags.push(tag);
	}
	return answer(request, clone(tag));
}

/**
 * The conversation a tagging request names, or undefined once an error has been answered.
 * @param {IntercomRequest} request
 */
function conversationToTag({ state, res, headers, params }) {
	const conversation = state.conversations.find((entry) => entry.id === params[0]);
	if (!conversation) fail(res, headers, 404, 'not_found', 'Conversation not found');
	return conversation;
}

/**
 * Whether `body.admin_id` names an admin; answers the 400 when it does not.
 * @param {IntercomRequest} request
 */
function checkAdmin({ state, res, headers, body }) {
	if (body.admin_id === undefined || body.admin_id === null || body.admin_id === '') {
		fail(res, headers, 400, 'parameter_invalid', 'Admin id is required', 'admin_id');
		return false;
	}
	if (!state.admins.some((admin) => admin.id === String(body.admin_id))) {
		fail(res, headers, 400, 'parameter_invalid', 'Admin not found', 'admin_id');
		return false;
	}
	return true;
}

/**
 * Tagging twice keeps the first application.
 * @param {IntercomRequest} request
 */
function tagConversation(request) {
	const { state, res, headers, body } = request;
	const conversation = conversationToTag(request);
	if (!conversation) return undefined;
	if (body.id === undefined || body.id === null || body.id === '') {
		return fail(res, headers, 400, 'parameter_invalid', 'Tag id is required', 'id');
	}
	if (!checkAdmin(request)) return undefined;
	const tag = state.tags.find((entry) => entry.id === String(body.id));
	if (!tag) return fail(res, headers, 404, 'tag_not_found', 'Tag not found');
	let ref = conversation.tags.find((entry) => entry.id === tag.id);
	if (!ref) {
		ref = {
			id: tag.id,
			applied_at: nowSeconds(),
			applied_by: { type: 'admin', id: String(body.admin_id) },
		};
		conversation.tags.push(ref);
	}
	return answer(request, renderTagRef(state, ref));
}

/** @param {IntercomRequest} request */
function untagConversation(request) {
	const { state, res, headers, params } = request;
	const conversation = conversationToTag(request);
	if (!conversation) return undefined;
	if (!checkAdmin(request)) return undefined;
	const tagId = params[1];
	const index = conversation.tags.findIndex((entry) => entry.id === tagId);
	if (index === -1) return fail(res, headers, 404, 'tag_not_found', 'Tag not found');
	conversation.tags.splice(index, 1);
	const tag = state.tags.find((entry) => entry.id === tagId);
	return answer(request, { type: 'tag', id: tagId, name: tag ? tag.name : null });
}

module.exports = {
	listTags,
	getTag,
	createOrRenameTag,
	tagConversation,
	untagConversation,
};
