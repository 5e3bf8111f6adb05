'use strict';
// What every part of the sandbox shares: the options with their defaults, and the context handed to
// every handler (live state, request log, counters, webhook deliveries and the ones in flight).
// Required by the Intercom, Kommo and amojo modules, so it requires none of them.

/** @typedef {import('./index').SandboxOptions} SandboxOptions */
/** @typedef {import('./index').SeedData} SeedData */
/** @typedef {import('./index').SandboxState} SandboxState */
/** @typedef {import('./index').LogEntry} LogEntry */
/** @typedef {import('./index').Counters} Counters */
/** @typedef {import('./index').Delivery} Delivery */
/** @typedef {import('./index').AmojoChannelConfig} AmojoChannelConfig */
/** @typedef {import('./faults').FaultInjector} FaultInjector */
/** @typedef {import('./faults').SlidingWindowLimiter} SlidingWindowLimiter */
/** @typedef {import('./faults').FixedWindowCounter} FixedWindowCounter */
/** @typedef {import('./intercom/notifier').NotifierState} NotifierState */

/**
 * The options with every default filled in; `configure()` changes some of them while it runs.
 * @typedef {Required<Omit<SandboxOptions, 'seed'>> & { seed: string | SeedData }} SandboxConfig
 */

/**
 * @typedef {object} SandboxContext
 * @property {SandboxConfig} config
 * @property {SandboxState} state live: handlers change it in place, `reset`/`seed` replace it
 * @property {FaultInjector} faults
 * @property {SlidingWindowLimiter | undefined} kommoLimiter undefined when the limit is off
 * @property {FixedWindowCounter | undefined} intercomCounter undefined when the limit is off
 * @property {LogEntry[]} log the newest `config.logLimit` API and control requests
 * @property {Counters} counters
 * @property {Delivery[]} deliveries every outgoing webhook attempt
 * @property {Set<Promise<unknown>>} pending outgoing webhooks in flight (`flushWebhooks` waits)
 * @property {Set<NodeJS.Timeout>} timers held `timeout` faults, cleared on close
 * @property {NotifierState} notifier Intercom subscriptions and their retries
 * @property {boolean} closed
 * @property {number} seq the last log sequence number handed out
 * @property {string | undefined} host `host:port` once the server listens
 */

/**
 * The Kommo Chat API (amojo) channel the sandbox plays. Kommo's support issues a real one (channel
 * id, 40-hex secret key, the channel bot) on request; these are made up. `webhookUrl` is the hook
 * URL given at registration (`:scope_id` is replaced by the scope, or the scope is appended);
 * `accounts` lists the amojo account ids a private channel may connect (null: the sandbox's Kommo
 * account only).
 * @type {AmojoChannelConfig}
 */
const AMOJO_CHANNEL = {
	id: '7d1f0c2e-3b5a-4e8f-9a61-0c4b2d8e5f17',
	secret: '5c0f3e9a1b7d2c8e4f6a0b9c3d5e7f1a2b4c6d8e',
	code: 'amo.ext.intercom_sandbox',
	name: 'IntercomSandbox',
	botId: 'e3a9b6c1-0d4f-4a72-8b5e-6f1c9d2a7b30',
	botName: 'Intercom bridge',
	webhookUrl: null,
	accounts: null,
};

/** @type {Required<Omit<SandboxOptions, 'seed'>> & { seed: string }} */
const DEFAULTS = {
	host: '127.0.0.1',
	port: 0,
	seed: 'default',
	intercomToken: 'sbx-intercom-token',
	kommoToken: 'sbx-kommo-token',
	clientSecret: 'sbx-intercom-client-secret',
	/** `app_package_code` of the parts the sandbox's Intercom API creates (the app behind the token) */
	intercomAppPackageCode: 'intercom-kommo-sandbox',
	/** Kommo: "not more than 7 requests per second" per account; `false` disables */
	kommoRateLimit: { perSecond: 7, windowMs: 1000 },
	/** Intercom: 10,000 per minute, enforced in 10-second slices; `false` disables (no headers) */
	intercomRateLimit: { limit: 1666, windowMs: 10000 },
	kommoDuplicateControl: false,
	faults: { rate: 0 },
	webhookTimeoutMs: 5000,
	/** Intercom retries a failed notification once, about a minute later (then drops it) */
	intercomWebhookRetryDelayMs: 60000,
	logLimit: 5000,
	amojoChannel: AMOJO_CHANNEL,
	/** amojo's clock in ms (checks `Date`, stamps messages); null: the real clock */
	amojoNow: null,
};

/** @returns {Counters} */
function emptyCounters() {
	return {
		total: 0,
		byApi: {},
		byStatus: {},
		faults: {},
		rateLimited: { intercom: 0, kommo: 0 },
		// attempts made, attempts that failed (no answer or non-2xx), notifications given up on
		webhooks: { intercom: 0, kommo: 0, amojo: 0, failed: 0, dropped: 0 },
	};
}

/**
 * Keeps `promise` in `ctx.pending` until it settles, so `flushWebhooks` can wait for it.
 * @template T
 * @param {SandboxContext} ctx
 * @param {Promise<T>} promise
 * @returns {Promise<T>}
 */
function trackPending(ctx, promise) {
	ctx.pending.add(promise);
	promise.finally(() => ctx.pending.delete(promise)).catch(() => undefined);
	return promise;
}

module.exports = { DEFAULTS, AMOJO_CHANNEL, emptyCounters, trackPending };
