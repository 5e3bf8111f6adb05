'use strict';
// `GET /api/v4/account` and `GET /api/v4/users`: who the token belongs to and who can own records.

const { clone } = require('../http');
const { self, sendHal } = require('./responses');
const { paginate, sendPage, orderBy } = require('./listing');

/** @typedef {import('./responses').KommoRequest} KommoRequest */

/** @param {KommoRequest} request */
function getAccount({ state, req, res }) {
	return sendHal(res, { ...clone(state.account), _links: self(req, '/api/v4/account') });
}

/** @param {KommoRequest} request */
function listUsers({ state, req, res, path, searchParams }) {
	const users = orderBy(state.users, searchParams).map((user) => ({
		...clone(user),
		_links: self(req, `/api/v4/users/${user.id}`),
	}));
	return sendPage(res, paginate(req, path, searchParams, users, 'users', { totalItems: true }));
}

module.exports = { getAccount, listUsers };
