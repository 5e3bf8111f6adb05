'use strict';
// `POST /conversations/:id/reply` as an admin (Intercom's "Reply to a conversation"): the part is
// appended with the token's app as `app_package_code`, subscribers get the topic Intercom sends
// (`conversation.admin.replied` / `.noted`), and the answer is the whole conversation, as GET
// renders it. Contact replies (`type: "user"`) are not played: no node sends them.

const { fail, answer } = require('./responses');
const { appendAndNotify } = require('./activity');
const { renderConversation } = require('./render');

/** @typedef {import('./responses').IntercomRequest} IntercomRequest */

const MESSAGE_TYPES = ['comment', 'note', 'quick_reply'];

/**
 * The first thing Intercom would refuse in the body, as [message, field]; undefined when it is fine.
 * @param {IntercomRequest} request
 * @returns {[string, string] | undefined}
 */
function refusal({ state, body }) {
	if (body.type !== 'admin') return ['Only admin replies are supported here', 'type'];
	if (body.admin_id === undefined || body.admin_id === null || body.admin_id === '') {
		return ['Admin id is required', 'admin_id'];
	}
	if (!state.admins.some((admin) => admin.id === String(body.admin_id))) {
		return ['Admin not found', 'admin_id'];
	}
	if (!MESSAGE_TYPES.includes(body.message_type)) {
		return [`message_type must be one of ${MESSAGE_TYPES.join(', ')}`, 'message_type'];
	}
	if (body.message_type === 'quick_reply') {
		if (!Array.isArray(body.reply_options) || !body.reply_options.length) {
			return ['reply_options is required for a quick reply', 'reply_options'];
		}
	} else if (typeof body.body !== 'string' || !body.body.trim()) {
		return ['Body is required', 'body'];
	}
	return undefined;
}

/** @param {IntercomRequest} request */
function replyToConversation(request) {
	const { ctx, state, res, headers, params, body } = request;
	const conversation = state.conversations.find((entry) => entry.id === params[0]);
	if (!conversation) return fail(res, headers, 404, 'not_found', 'Conversation not found');
	const refused = refusal(request);
	if (refused) return fail(res, headers, 400, 'parameter_invalid', refused[0], refused[1]);

	const note = body.message_type === 'note';
	appendAndNotify(ctx, conversation.id, {
		kind: note ? 'note' : 'admin',
		partType: body.message_type,
		adminId: String(body.admin_id),
		// the body is stored as sent: what a client escaped (or did not) is what the inbox shows
		body: typeof body.body === 'string' ? body.body : undefined,
		appPackageCode: ctx.config.intercomAppPackageCode,
	});
	return answer(request, renderConversation(state, conversation));
}

module.exports = { replyToConversation };
