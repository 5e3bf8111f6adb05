'use strict';
// The stored Kommo account: its empty shape, id counters, and the small rules every resource
// shares (won/lost stages, which pipeline is the main one, lead ↔ contact links, the ids the account
// and its users have in Kommo's chat service, amojo).

const crypto = require('node:crypto');

/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoLead} KommoLead */
/** @typedef {import('../index').KommoPipeline} KommoPipeline */
/** @typedef {import('../index').KommoStatus} KommoStatus */
/** @typedef {import('../index').KommoContact} KommoContact */
/** @typedef {keyof KommoState['nextId']} KommoIdKind */

/**
 * The declared fields of a stored record, without its `[field: string]: unknown` catch-all (which
 * would swallow them in an `Omit`).
 * @template T
 * @typedef {{ [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] }} DeclaredFields
 */

/**
 * A lead built from a request or a seed, before it gets its id.
 * @typedef {Omit<DeclaredFields<KommoLead>, 'id'> & { id: number | undefined }} UnsavedLead
 */

/**
 * A contact built from a request or a seed, before it gets its id.
 * @typedef {Omit<DeclaredFields<KommoContact>, 'id'> & { id: number | undefined }} UnsavedContact
 */

/** Every pipeline has these two closing stages, with the same ids in every account. */
const WON = 142;
const LOST = 143;

/** @returns {KommoState} */
function emptyKommoState() {
	return {
		account: null,
		users: [],
		pipelines: [],
		customFields: { leads: [], contacts: [] },
		contacts: [],
		companies: [],
		leads: [],
		links: [],
		notes: [],
		tags: [],
		webhooks: [],
		chatLinks: [],
		unsorted: [],
		// a range of their own, apart from the demo seed's ids (sandbox/seed.js)
		nextId: {
			contact: 20100001,
			company: 25100001,
			lead: 30100001,
			note: 40100001,
			tag: 50100001,
			webhook: 60100001,
			chatLink: 26100001,
		},
	};
}

/**
 * @param {KommoState} state
 * @param {KommoIdKind} kind
 * @returns {number}
 */
function takeId(state, kind) {
	const id = state.nextId[kind];
	state.nextId[kind] = id + 1;
	return id;
}

/**
 * Replaces the record with the same id, or appends it.
 * @template {{ id: unknown }} T
 * @param {T[]} list
 * @param {T} record
 */
function upsert(list, record) {
	const index = list.findIndex((entry) => entry.id === record.id);
	if (index === -1) list.push(record);
	else list[index] = record;
}

/**
 * Links a contact to a lead once; the first contact of a lead is its main one unless told.
 * @param {KommoState} state
 * @param {number} leadId
 * @param {number} contactId
 * @param {boolean} [isMain]
 */
function link(state, leadId, contactId, isMain) {
	if (state.links.some((entry) => entry.lead_id === leadId && entry.contact_id === contactId))
		return;
	const main = isMain ?? !state.links.some((entry) => entry.lead_id === leadId);
	state.links.push({ lead_id: leadId, contact_id: contactId, is_main: main });
}

/**
 * @param {KommoState} state
 * @returns {KommoPipeline | undefined}
 */
function mainPipeline(state) {
	return state.pipelines.find((pipeline) => pipeline.is_main) ?? state.pipelines[0];
}

/**
 * First regular stage (type 0) - where a lead lands when no status is given.
 * @param {KommoPipeline} pipeline
 * @returns {KommoStatus}
 */
function firstStage(pipeline) {
	return (
		[...pipeline.statuses]
			.sort((a, b) => a.sort - b.sort)
			.find((status) => status.type === 0 && status.id !== WON && status.id !== LOST) ??
		pipeline.statuses[0]
	);
}

/** @param {KommoLead} lead */
function isOpenLead(lead) {
	return !lead.is_deleted && lead.status_id !== WON && lead.status_id !== LOST;
}

/**
 * A UUID-shaped id that is always the same for the same seed text.
 * @param {string} seed
 */
function stableUuid(seed) {
	const h = crypto.createHash('md5').update(seed).digest('hex');
	const variant = ((parseInt(h[16], 16) & 3) | 8).toString(16);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The account's id in amojo (`GET /api/v4/account?with=amojo_id`): the seeded `amojo_id`, else one
 * derived from the account id. Null without an account.
 * @param {KommoState} state
 * @returns {string | null}
 */
function amojoIdOfAccount(state) {
	const account = state.account;
	if (!account) return null;
	return typeof account.amojo_id === 'string'
		? account.amojo_id
		: stableUuid(`kommo-account:${account.id}`);
}

/**
 * A user's id in amojo (`GET /api/v4/users?with=amojo_id`): the sender of the messages the user
 * writes in a chat.
 * @param {{ id: number, amojo_id?: unknown }} user
 * @returns {string}
 */
function amojoIdOfUser(user) {
	return typeof user.amojo_id === 'string' ? user.amojo_id : stableUuid(`kommo-user:${user.id}`);
}

module.exports = {
	WON,
	LOST,
	emptyKommoState,
	takeId,
	upsert,
	link,
	mainPipeline,
	firstStage,
	isOpenLead,
	stableUuid,
	amojoIdOfAccount,
	amojoIdOfUser,
};
