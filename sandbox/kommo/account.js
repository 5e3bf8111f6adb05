'use strict';
// `GET /api/v4/account` and `GET /api/v4/users`: who the token belongs to and who can own records.
// `with=amojo_id` adds the ids the account and its users have in Kommo's chat service (amojo), as
// https://developers.kommo.com/reference/account-parameters describes; without it they are absent.

const { clone } = require('../http');
const { self, sendHal } = require('./responses');
const { paginate, sendPage, orderBy, withSet } = require('./listing');
const { amojoIdOfAccount, amojoIdOfUser } = require('./model');

/** @typedef {import('./responses').KommoRequest} KommoRequest */

/** @param {KommoRequest} request */
function getAccount({ state, req, res, searchParams }) {
	const { amojo_id: _amojoId, ...account } = /** @type {Record<string, unknown>} */ (
		clone(state.account) ?? {}
	);
	const amojo = withSet(searchParams).has('amojo_id') ? { amojo_id: amojoIdOfAccount(state) } : {};
	return sendHal(res, { ...account, ...amojo, _links: self(req, '/api/v4/account') });
}

/** @param {KommoRequest} request */
function listUsers({ state, req, res, path, searchParams }) {
	const withAmojo = withSet(searchParams).has('amojo_id');
	const users = orderBy(state.users, searchParams).map((user) => {
		const { amojo_id: _amojoId, ...fields } = clone(user);
		return {
			...fields,
			...(withAmojo ? { amojo_id: amojoIdOfUser(user) } : {}),
			_links: self(req, `/api/v4/users/${user.id}`),
		};
	});
	return sendPage(res, paginate(req, path, searchParams, users, 'users', { totalItems: true }));
}

module.exports = { getAccount, listUsers };
