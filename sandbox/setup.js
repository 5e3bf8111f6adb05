'use strict';
// Setting a sandbox up and changing it while it runs: the context with its seed loaded, `reset`,
// `seed`, `configure`, and the summaries the control API reports. Used by the JS API (index.js)
// and the control endpoints (control.js) alike.

const { clone } = require('./http');
const { FaultInjector, SlidingWindowLimiter, FixedWindowCounter } = require('./faults');
const { DEFAULTS, emptyCounters } = require('./context');
const intercom = require('./intercom');
const kommo = require('./kommo');
const amojo = require('./amojo');
const notifier = require('./intercom/notifier');
const { PRESETS } = require('./seed');

/** @typedef {import('./context').SandboxContext} SandboxContext */
/** @typedef {import('./context').SandboxConfig} SandboxConfig */
/** @typedef {import('./index').SandboxOptions} SandboxOptions */
/** @typedef {import('./index').SandboxState} SandboxState */
/** @typedef {import('./index').SeedData} SeedData */
/** @typedef {Parameters<import('./index').Sandbox['configure']>[0]} ConfigChanges */

/** The settings `configure()` changes and `POST /_sandbox/config` reports. */
const CONFIG_KEYS = /** @type {const} */ ([
	'kommoRateLimit',
	'intercomRateLimit',
	'kommoDuplicateControl',
	'webhookTimeoutMs',
	'intercomWebhookRetryDelayMs',
	'amojoNow',
]);

/**
 * A preset name → its seed data; seed data stays as it is.
 * @param {string | SeedData | null | undefined} seed
 * @returns {SeedData}
 */
function resolveSeed(seed) {
	if (seed === undefined || seed === null) return PRESETS.default();
	if (typeof seed === 'string') {
		const preset = Object.hasOwn(PRESETS, seed)
			? PRESETS[/** @type {keyof typeof PRESETS} */ (seed)]
			: undefined;
		if (!preset)
			throw new Error(`Unknown seed preset "${seed}" (known: ${Object.keys(PRESETS).join(', ')})`);
		return preset();
	}
	return seed;
}

/**
 * The seeds applied in order to a copy of `base` (or to an empty state): a bad seed throws before
 * anything changes.
 * @param {SeedData[]} seeds
 * @param {SandboxState} [base]
 * @returns {SandboxState}
 */
function seededState(seeds, base) {
	const next = base
		? clone(base)
		: {
				intercom: intercom.emptyIntercomState(),
				kommo: kommo.emptyKommoState(),
				amojo: amojo.emptyAmojoState(),
			};
	for (const seed of seeds) {
		intercom.seedIntercom(next.intercom, seed.intercom ?? {});
		kommo.seedKommo(next.kommo, seed.kommo ?? {});
	}
	return next;
}

/** @param {SandboxContext} ctx */
function applyLimits(ctx) {
	const { kommoRateLimit, intercomRateLimit } = ctx.config;
	ctx.kommoLimiter = kommoRateLimit
		? new SlidingWindowLimiter({
				limit: kommoRateLimit.perSecond ?? 7,
				windowMs: kommoRateLimit.windowMs ?? 1000,
			})
		: undefined;
	ctx.intercomCounter = intercomRateLimit
		? new FixedWindowCounter({
				limit: intercomRateLimit.limit ?? 1666,
				windowMs: intercomRateLimit.windowMs ?? 10000,
			})
		: undefined;
}

/**
 * A context in its start state: `options.seed` loaded, the rate limits and `options.faults`
 * applied, nothing logged.
 * @param {SandboxOptions} options
 * @returns {SandboxContext}
 */
function createContext(options) {
	/** @type {SandboxConfig} */
	const config = { ...DEFAULTS, ...options };
	/** @type {SandboxContext} */
	const ctx = {
		config,
		state: seededState([resolveSeed(config.seed)]),
		faults: new FaultInjector(config.faults),
		kommoLimiter: undefined,
		intercomCounter: undefined,
		log: [],
		counters: emptyCounters(),
		deliveries: [],
		pending: new Set(),
		timers: new Set(),
		notifier: notifier.emptyNotifierState(),
		closed: false,
		seq: 0,
		host: undefined,
	};
	applyLimits(ctx);
	return ctx;
}

/**
 * Back to a seed (the start one unless told): clears the log, counters, deliveries, faults,
 * subscriptions and pending retries.
 * @param {SandboxContext} ctx
 * @param {string | SeedData} [preset]
 */
function reset(ctx, preset = ctx.config.seed) {
	ctx.state = seededState([resolveSeed(preset)]);
	applyLimits(ctx);
	ctx.faults.configure({ rate: 0 });
	ctx.log = [];
	ctx.counters = emptyCounters();
	ctx.deliveries = [];
	notifier.cancelRetries(ctx);
	ctx.notifier = notifier.emptyNotifierState();
}

/**
 * `data` on top of `preset` (default `empty`) replaces the state; with `merge`, it is added to the
 * current state instead.
 * @param {SandboxContext} ctx
 * @param {SeedData} data
 * @param {{ merge?: boolean, preset?: string }} [options]
 */
function seed(ctx, data, { merge = false, preset = 'empty' } = {}) {
	ctx.state = merge ? seededState([data], ctx.state) : seededState([resolveSeed(preset), data]);
}

/**
 * `intercomSubscriptions` replaces the subscriptions (`[]` clears them); `amojoChannel` changes the
 * fields it names (`{}` keeps the channel); other keys are kept.
 * @param {SandboxContext} ctx
 * @param {ConfigChanges} [changes]
 */
function configure(ctx, changes = {}) {
	const config = /** @type {Record<string, unknown>} */ (ctx.config);
	for (const key of CONFIG_KEYS) {
		if (changes[key] !== undefined) config[key] = changes[key];
	}
	if (changes.kommoRateLimit !== undefined || changes.intercomRateLimit !== undefined)
		applyLimits(ctx);
	if (changes.faults !== undefined) ctx.faults.configure(changes.faults);
	if (changes.amojoChannel !== undefined)
		ctx.config.amojoChannel = { ...ctx.config.amojoChannel, ...changes.amojoChannel };
	if (changes.intercomSubscriptions !== undefined) {
		notifier.clearSubscriptions(ctx);
		for (const subscription of changes.intercomSubscriptions) notifier.subscribe(ctx, subscription);
	}
}

/**
 * The settings as `POST /_sandbox/config` answers them.
 * @param {SandboxContext} ctx
 */
function publicConfig(ctx) {
	const settings = Object.fromEntries(CONFIG_KEYS.map((key) => [key, ctx.config[key]]));
	return {
		...settings,
		amojoChannel: amojo.describeAmojo(ctx, `http://${ctx.host}/amojo`),
		intercomSubscriptions: notifier.describeSubscriptions(ctx),
		faults: ctx.faults.describe(),
	};
}

/**
 * How many records of each kind the state holds.
 * @param {SandboxContext} ctx
 */
function summary(ctx) {
	const i = ctx.state.intercom;
	const k = ctx.state.kommo;
	return {
		intercom: {
			admins: i.admins.length,
			contacts: i.contacts.length,
			tags: i.tags.length,
			conversations: i.conversations.length,
		},
		kommo: {
			contacts: k.contacts.length,
			leads: k.leads.length,
			notes: k.notes.length,
			pipelines: k.pipelines.length,
			webhooks: k.webhooks.length,
		},
	};
}

module.exports = { createContext, reset, seed, configure, publicConfig, summary };
