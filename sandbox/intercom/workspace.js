'use strict';
// The workspace's people: `GET /me` (the token's admin and its app), `GET /admins[/:id]` and
// `GET /contacts/:id`.

const { clone } = require('../http');
const { fail, answer } = require('./responses');

/** @typedef {import('./responses').IntercomRequest} IntercomRequest */

/** @param {IntercomRequest} request */
function getMe(request) {
	const { state, res, headers } = request;
	const admin = state.admins.find((entry) => entry.id === state.me);
	if (!admin) return fail(res, headers, 401, 'unauthorized', 'Access Token Invalid');
	return answer(request, {
		...clone(admin),
		email_verified: true,
		app: clone(state.app),
		avatar: { type: 'avatar', image_url: null },
	});
}

/** @param {IntercomRequest} request */
function listAdmins(request) {
	return answer(request, { type: 'admin.list', admins: clone(request.state.admins) });
}

/** @param {IntercomRequest} request */
function getAdmin(request) {
	const { state, res, headers, params } = request;
	const admin = state.admins.find((entry) => entry.id === params[0]);
	if (!admin) return fail(res, headers, 404, 'admin_not_found', 'Admin not found');
	return answer(request, clone(admin));
}

/** @param {IntercomRequest} request */
function getContact(request) {
	const { state, res, headers, params } = request;
	const contact = state.contacts.find((entry) => entry.id === params[0]);
	if (!contact) return fail(res, headers, 404, 'not_found', 'User Not Found');
	return answer(request, clone(contact));
}

module.exports = { getMe, listAdmins, getAdmin, getContact };
