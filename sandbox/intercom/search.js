'use strict';
// The query language of `POST /conversations/search` as Intercom 2.14 documents it ("Search
// conversations" in its REST API reference): one filter or AND/OR groups (at most 2 levels, 15
// filters per group), `sort` (undocumented but used by Airbyte/Estuary), cursor paging in the body.
// Works on rendered list items, so a filter sees exactly what the client gets back.

const { conversationStatistics } = require('./statistics');

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 150;
const MAX_DEPTH = 2;
const MAX_FILTERS_PER_GROUP = 15;

const OPERATORS = new Set(['=', '!=', 'IN', 'NIN', '>', '<', '>=', '<=', '~', '!~', '^', '$']);
const RANGE_OPERATORS = new Set(['>', '<', '>=', '<=']);
const ORDERS = new Set(['ascending', 'descending']);

// the statistics keys are whatever the model carries, so search and rendering cannot drift apart
const STATISTICS_FIELDS = Object.keys(
	conversationStatistics({ created_at: 0, source: {}, parts: [] }),
)
	.filter((key) => key !== 'type')
	.map((key) => `statistics.${key}`);

const SCALAR_FIELDS = new Set([
	'id',
	'title',
	'created_at',
	'updated_at',
	'waiting_since',
	'snoozed_until',
	'open',
	'read',
	'state',
	'priority',
	'admin_assignee_id',
	'team_assignee_id',
	'ai_agent_participated',
	'source.type',
	'source.id',
	'source.delivered_as',
	'source.subject',
	'source.body',
	'source.url',
	'source.author.id',
	'source.author.type',
	'source.author.name',
	'source.author.email',
	...STATISTICS_FIELDS,
]);

/** Fields that hold several values: a filter matches when any of them does. */
const LIST_FIELDS = {
	contact_ids: (item) => item.contacts.contacts.map((contact) => contact.id),
	teammate_ids: (item) => item.teammates.admins.map((admin) => admin.id),
	tag_ids: (item) => item.tags.tags.map((tag) => tag.id),
};

/** Turned into a 400 `parameter_invalid` by the handler. */
class SearchError extends Error {}

function isKnownField(field) {
	return SCALAR_FIELDS.has(field) || Object.hasOwn(LIST_FIELDS, field);
}

function scalarAt(item, field) {
	let value = item;
	for (const key of field.split('.')) value = value === null ? null : (value[key] ?? null);
	return value;
}

function valuesOf(item, field) {
	return LIST_FIELDS[field] ? LIST_FIELDS[field](item) : [scalarAt(item, field)];
}

// ---------------------------------------------------------------- comparing values

function looksNumeric(value) {
	return typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
}

/** Numbers (and numeric ids) by value, everything else as case-insensitive text. */
function compareValues(a, b) {
	if (looksNumeric(a) && looksNumeric(b)) return Number(a) - Number(b);
	return text(a).localeCompare(text(b));
}

function text(value) {
	return String(value).toLowerCase();
}

function same(stored, wanted) {
	if (stored === null || wanted === null) return stored === wanted;
	if (typeof stored === 'boolean') return String(stored) === text(wanted);
	return compareValues(stored, wanted) === 0;
}

function atLeast(values, wanted) {
	return values.some((value) => value !== null && compareValues(value, wanted) >= 0);
}

function atMost(values, wanted) {
	return values.some((value) => value !== null && compareValues(value, wanted) <= 0);
}

function containing(values, wanted) {
	return values.some((value) => value !== null && text(value).includes(text(wanted)));
}

/** `>`/`<` are documented for conversations as "greater (or equal)"/"lower (or equal)" than. */
const MATCHERS = {
	'=': (values, wanted) => values.some((value) => same(value, wanted)),
	'!=': (values, wanted) => !values.some((value) => same(value, wanted)),
	IN: (values, wanted) => wanted.some((entry) => values.some((value) => same(value, entry))),
	NIN: (values, wanted) => !wanted.some((entry) => values.some((value) => same(value, entry))),
	'>': atLeast,
	'>=': atLeast,
	'<': atMost,
	'<=': atMost,
	'~': containing,
	'!~': (values, wanted) => !containing(values, wanted),
	'^': (values, wanted) =>
		values.some((value) => value !== null && text(value).startsWith(text(wanted))),
	$: (values, wanted) =>
		values.some((value) => value !== null && text(value).endsWith(text(wanted))),
};

// ---------------------------------------------------------------- query validation and matching

function isGroup(node) {
	return node.operator === 'AND' || node.operator === 'OR';
}

function validateFilter(filter) {
	if (typeof filter.field !== 'string' || !isKnownField(filter.field))
		throw new SearchError(`Unsupported field: ${String(filter.field)}`);
	if (!OPERATORS.has(filter.operator))
		throw new SearchError(`Unsupported operator: ${String(filter.operator)}`);
	if (!Object.hasOwn(filter, 'value')) throw new SearchError(`No value for ${filter.field}`);
	const wantsList = filter.operator === 'IN' || filter.operator === 'NIN';
	if (wantsList !== Array.isArray(filter.value))
		throw new SearchError(
			`${filter.operator} ${wantsList ? 'needs an array' : 'does not take an array'} as value`,
		);
	if (RANGE_OPERATORS.has(filter.operator) && !looksNumeric(filter.value))
		throw new SearchError(`${filter.operator} needs a number (a unix timestamp for dates)`);
}

function validateQuery(node, depth = 0) {
	if (typeof node !== 'object' || node === null || Array.isArray(node))
		throw new SearchError('query must be a filter or a group of filters');
	if (!isGroup(node)) return validateFilter(node);
	if (depth >= MAX_DEPTH)
		throw new SearchError(`Filters can be nested at most ${MAX_DEPTH} levels`);
	if (!Array.isArray(node.value) || node.value.length === 0)
		throw new SearchError(`${node.operator} needs a non-empty array of filters`);
	if (node.value.length > MAX_FILTERS_PER_GROUP)
		throw new SearchError(`At most ${MAX_FILTERS_PER_GROUP} filters per AND or OR group`);
	for (const child of node.value) validateQuery(child, depth + 1);
}

function matches(item, node) {
	if (node.operator === 'AND') return node.value.every((child) => matches(item, child));
	if (node.operator === 'OR') return node.value.some((child) => matches(item, child));
	return MATCHERS[node.operator](valuesOf(item, node.field), node.value);
}

// ---------------------------------------------------------------- sorting and paging

/** Without `sort`, results come by id ascending (Intercom documents no default). */
function readSort(sort) {
	if (sort === undefined || sort === null) return { field: 'id', descending: false };
	if (typeof sort.field !== 'string' || !SCALAR_FIELDS.has(sort.field))
		throw new SearchError(`Unsupported sort field: ${String(sort?.field)}`);
	const order = sort.order ?? 'descending';
	if (!ORDERS.has(order)) throw new SearchError('sort.order must be ascending or descending');
	return { field: sort.field, descending: order === 'descending' };
}

/** A position in the result order: the sort value, then the id; nulls last either way. */
function comparePositions(a, b, descending) {
	if (a.value === null || b.value === null) {
		if (a.value !== b.value) return a.value === null ? 1 : -1;
	} else {
		const byValue = compareValues(a.value, b.value);
		if (byValue !== 0) return descending ? -byValue : byValue;
	}
	return compareValues(a.id, b.id);
}

function readPerPage(pagination) {
	const perPage = pagination?.per_page ?? DEFAULT_PER_PAGE;
	if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE)
		throw new SearchError(`per_page must be an integer from 1 to ${MAX_PER_PAGE}`);
	return perPage;
}

/**
 * The cursor names the last item handed out (sort value, id, page), not an offset: items that
 * move while a client pages (a newer `updated_at`) show up again later instead of pushing others
 * out unseen, which is what Intercom's own cursors (base64 of [value, id, page]) suggest.
 */
function encodeCursor(position, page) {
	return Buffer.from(JSON.stringify([position.value, position.id, page])).toString('base64');
}

function decodeCursor(cursor) {
	if (cursor === undefined || cursor === null) return undefined;
	try {
		const [value, id, page] = JSON.parse(Buffer.from(String(cursor), 'base64').toString('utf8'));
		if (typeof id !== 'string' || !Number.isInteger(page)) throw new Error('bad cursor');
		return { position: { value, id }, page };
	} catch {
		throw new SearchError('starting_after is not a valid cursor');
	}
}

/**
 * Runs one search request over rendered list items. Returns the `conversation.list` answer;
 * throws SearchError for a request Intercom would reject with 400.
 */
function searchConversations(body, items) {
	if (body.query === undefined) throw new SearchError('query is required');
	validateQuery(body.query);
	const sort = readSort(body.sort);
	const perPage = readPerPage(body.pagination);
	const cursor = decodeCursor(body.pagination?.starting_after);
	const position = (item) => ({ value: scalarAt(item, sort.field), id: item.id });
	const hits = items
		.filter((item) => matches(item, body.query))
		.sort((a, b) => comparePositions(position(a), position(b), sort.descending));
	const remaining = cursor
		? hits.filter((item) => comparePositions(position(item), cursor.position, sort.descending) > 0)
		: hits;
	const page = cursor ? cursor.page + 1 : 1;
	const conversations = remaining.slice(0, perPage);
	const pages = {
		type: 'pages',
		page,
		per_page: perPage,
		total_pages: Math.ceil(hits.length / perPage),
	};
	if (remaining.length > perPage)
		pages.next = {
			per_page: perPage,
			starting_after: encodeCursor(position(conversations.at(-1)), page),
		};
	return { type: 'conversation.list', pages, total_count: hits.length, conversations };
}

module.exports = { searchConversations, SearchError, MAX_PER_PAGE, DEFAULT_PER_PAGE };
