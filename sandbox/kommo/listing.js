'use strict';
// Kommo's list endpoints: `page`/`limit` paging with HAL `_links`, `order[...]`, `with=...`, the
// fuzzy `query`, and the 204 with an empty body that an empty page answers.

const { send } = require('../http');
const { baseUrl, sendHal } = require('./responses');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/** Kommo's maximum page size on list endpoints. */
const MAX_LIMIT = 250;
const DEFAULT_LIMIT = 50;

/**
 * One page of a HAL list, or undefined when the page is empty (the caller answers 204).
 * `_links.next` repeats every query parameter with the next page number.
 * @param {IncomingMessage} req
 * @param {string} pathname
 * @param {URLSearchParams} searchParams
 * @param {unknown[]} items
 * @param {string} embeddedKey
 * @param {{ maxLimit?: number, totalItems?: boolean }} [options]
 */
function paginate(
	req,
	pathname,
	searchParams,
	items,
	embeddedKey,
	{ maxLimit = MAX_LIMIT, totalItems = false } = {},
) {
	const requestedLimit = Number.parseInt(searchParams.get('limit') ?? '', 10);
	const limit = Math.min(
		maxLimit,
		Number.isInteger(requestedLimit) && requestedLimit > 0
			? requestedLimit
			: Math.min(DEFAULT_LIMIT, maxLimit),
	);
	const requestedPage = Number.parseInt(searchParams.get('page') ?? '', 10);
	const page = Number.isInteger(requestedPage) && requestedPage > 0 ? requestedPage : 1;
	const slice = items.slice((page - 1) * limit, page * limit);
	if (!slice.length) return undefined;
	/** @param {number} pageNumber */
	const href = (pageNumber) => {
		const params = new URLSearchParams(searchParams);
		params.set('page', String(pageNumber));
		params.set('limit', String(limit));
		return { href: `${baseUrl(req)}${pathname}?${params.toString()}` };
	};
	/** @type {Record<string, { href: string }>} */
	const links = { self: href(page) };
	if (page * limit < items.length) links.next = href(page + 1);
	if (page > 1) {
		links.first = href(1);
		links.prev = href(page - 1);
	}
	return {
		...(totalItems ? { _total_items: items.length } : {}),
		_page: page,
		_links: links,
		_embedded: { [embeddedKey]: slice },
	};
}

/**
 * @param {ServerResponse} res
 * @param {object | undefined} page what `paginate` returned
 */
function sendPage(res, page) {
	if (!page) return send(res, 204);
	return sendHal(res, page);
}

/**
 * `order[id|updated_at|created_at]=asc|desc`; by id ascending without one.
 * @template {{ id: number }} T
 * @param {T[]} items
 * @param {URLSearchParams} searchParams
 * @returns {T[]}
 */
function orderBy(items, searchParams) {
	for (const key of ['id', 'updated_at', 'created_at']) {
		const direction = searchParams.get(`order[${key}]`);
		if (direction) {
			const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
			const valueOf = (/** @type {any} */ item) => Number(item[key]);
			return [...items].sort((a, b) => sign * (valueOf(a) - valueOf(b) || a.id - b.id));
		}
	}
	return [...items].sort((a, b) => a.id - b.id);
}

/**
 * `with=leads,catalog_elements` → Set.
 * @param {URLSearchParams} searchParams
 */
function withSet(searchParams) {
	return new Set(
		(searchParams.get('with') ?? '')
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean),
	);
}

/**
 * Kommo's `query` is a fuzzy full-text search: a substring of the name or of any filled field
 * matches (so "ann@x.io" also finds "joann@x.io"), and for phone-like queries the digits alone.
 * @param {any} record a contact or a lead
 * @param {string} query
 */
function fuzzyMatches(record, query) {
	const needle = query.trim().toLowerCase();
	if (!needle) return true;
	const haystack = [record.name, record.first_name, record.last_name, String(record.id)];
	for (const field of record.custom_fields_values ?? []) {
		for (const value of field.values ?? []) haystack.push(value.value);
	}
	const texts = haystack
		.filter((value) => value !== undefined && value !== null)
		.map((value) => String(value).toLowerCase());
	if (texts.some((text) => text.includes(needle))) return true;
	const digits = needle.replace(/\D/g, '');
	return digits.length >= 5 && texts.some((text) => text.replace(/\D/g, '').includes(digits));
}

module.exports = { paginate, sendPage, orderBy, withSet, fuzzyMatches };
