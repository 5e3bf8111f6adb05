'use strict';
// `GET /conversations/:id` (`display_as=plaintext`) and `POST /conversations/search` (the query
// language is in sandbox/intercom/search.js).

const { fail, answer } = require('./responses');
const { renderConversation, renderListItem } = require('./render');
const { searchConversations, SearchError } = require('./search');

/** @typedef {import('./responses').IntercomRequest} IntercomRequest */

/** @param {IntercomRequest} request */
function getConversation(request) {
	const { state, res, headers, params, searchParams } = request;
	const conversation = state.conversations.find((entry) => entry.id === params[0]);
	if (!conversation) return fail(res, headers, 404, 'not_found', 'Conversation not found');
	const plaintext = searchParams.get('display_as') === 'plaintext';
	return answer(request, renderConversation(state, conversation, { plaintext }));
}

/**
 * A query Intercom would refuse answers 400 `parameter_invalid`.
 * @param {IntercomRequest} request
 */
function search(request) {
	const { state, res, headers, body } = request;
	try {
		const items = state.conversations.map((conversation) => renderListItem(state, conversation));
		return answer(request, searchConversations(body, items));
	} catch (error) {
		if (!(error instanceof SearchError)) throw error;
		return fail(res, headers, 400, 'parameter_invalid', error.message);
	}
}

module.exports = { getConversation, search };
