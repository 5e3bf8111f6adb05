'use strict';
// Which requests get a fault (deterministic, from a seeded PRNG) and the rate limiters of both APIs.
// What a fault looks like on the wire is in sandbox/faultResponses.js.

/** @typedef {import('./index').FaultKind} FaultKind */
/** @typedef {import('./index').FaultConfig} FaultConfig */
/** @typedef {import('./index').SandboxApi} SandboxApi */

/**
 * A fault configuration with every default filled in.
 * @typedef {Required<FaultConfig>} NormalizedFaultConfig
 */

/** @type {FaultKind[]} */
const FAULT_KINDS = ['429', '500', '502', '503', 'timeout', 'reset', 'lost-reset', 'lost-502'];

/**
 * "Lost response" faults: a write (any method but GET) is carried out and stored, then its answer
 * is lost: the connection drops (`lost-reset`) or a proxy answers 502 (`lost-502`). The client
 * cannot tell this from a request that never arrived. A GET has nothing to store, so on a GET they
 * are the plain fault.
 * @type {{ 'lost-reset': 'reset', 'lost-502': '502' }}
 */
const LOST_RESPONSE_KINDS = { 'lost-reset': 'reset', 'lost-502': '502' };
/** @type {SandboxApi[]} */
const APIS = ['intercom', 'kommo', 'amojo'];
/**
 * What a fault configuration without `apis` covers: the REST APIs. amojo (Kommo's Chat API) is
 * only faulted when named, so the fault suites written before it behave as they did.
 * @type {SandboxApi[]}
 */
const DEFAULT_APIS = ['intercom', 'kommo'];

/**
 * mulberry32: a tiny seeded PRNG, so a fault run with the same seed hits the same requests.
 * @param {unknown} seed
 * @returns {() => number} the next number in [0, 1)
 */
function createRandom(seed) {
	let state = Number(seed) >>> 0 || 0x9e3779b9;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Validates and normalises a fault configuration:
 * `{ rate: 0.2, kinds: ['429','500','502','timeout','reset'], apis: ['intercom','kommo'], seed: 42,
 *    timeoutMs: 30000, sequence: ['429'] }`.
 * `sequence` forces the listed faults on the next matching requests (one each, in order) before
 * the random rate applies; `'none'` in it lets one request through untouched.
 * @param {any} [input] unchecked: a control request's body
 * @returns {NormalizedFaultConfig}
 */
function normalizeFaultConfig(input = {}) {
	const rate = input.rate === undefined ? 0 : Number(input.rate);
	if (!Number.isFinite(rate) || rate < 0 || rate > 1)
		throw new Error('faults.rate must be between 0 and 1');
	/** @type {FaultKind[]} */
	const kinds = (input.kinds ?? ['429', '500', '502', 'timeout', 'reset']).map(String);
	for (const kind of kinds) {
		if (!FAULT_KINDS.includes(kind))
			throw new Error(`Unknown fault kind "${kind}" (known: ${FAULT_KINDS.join(', ')})`);
	}
	if (rate > 0 && kinds.length === 0)
		throw new Error('faults.kinds must not be empty when rate > 0');
	/** @type {SandboxApi[]} */
	const apis = (input.apis ?? DEFAULT_APIS).map(String);
	for (const api of apis) {
		if (!APIS.includes(api)) throw new Error(`Unknown api "${api}" (known: ${APIS.join(', ')})`);
	}
	/** @type {Array<FaultKind | 'none'>} */
	const sequence = (input.sequence ?? []).map(String);
	for (const kind of sequence) {
		if (kind !== 'none' && !FAULT_KINDS.includes(kind))
			throw new Error(`Unknown fault kind "${kind}" in sequence`);
	}
	const timeoutMs = input.timeoutMs === undefined ? 30000 : Number(input.timeoutMs);
	if (!Number.isFinite(timeoutMs) || timeoutMs < 0)
		throw new Error('faults.timeoutMs must be >= 0');
	const seed = input.seed === undefined ? 1 : Number(input.seed);
	return { rate, kinds, apis, seed, timeoutMs, sequence };
}

class FaultInjector {
	/** @param {FaultConfig} [config] throws when invalid */
	constructor(config) {
		/** @type {NormalizedFaultConfig} */
		this.config = normalizeFaultConfig(config);
		this.random = createRandom(this.config.seed);
		/** @type {Array<FaultKind | 'none'>} what is left of `config.sequence` */
		this.pending = [...this.config.sequence];
	}

	/**
	 * Starts over with `config`, as a new injector would (the PRNG and the sequence restart).
	 * @param {FaultConfig} [config] throws when invalid, leaving the current one in place
	 */
	configure(config) {
		Object.assign(this, new FaultInjector(config));
	}

	/**
	 * The fault to inject for one request of `api`, or undefined. Draws from the PRNG per request.
	 * @param {SandboxApi} api
	 * @returns {FaultKind | undefined}
	 */
	pick(api) {
		if (!this.config.apis.includes(api)) return undefined;
		if (this.pending.length) {
			const forced = this.pending.shift();
			return forced === 'none' ? undefined : forced;
		}
		if (this.config.rate <= 0) return undefined;
		const roll = this.random();
		const which = this.random();
		if (roll >= this.config.rate) return undefined;
		return this.config.kinds[Math.floor(which * this.config.kinds.length)];
	}

	/** The configuration as the control API reports it, with what is left of the sequence. */
	describe() {
		return { ...this.config, pendingSequence: [...this.pending] };
	}
}

/**
 * Sliding-window limiter: at most `limit` accepted requests in any `windowMs`. Rejected requests
 * do not count, so a client that backs off gets through as soon as the oldest request ages out.
 */
class SlidingWindowLimiter {
	/** @param {{ limit: number, windowMs: number }} options */
	constructor({ limit, windowMs }) {
		this.limit = limit;
		this.windowMs = windowMs;
		/** @type {number[]} when the requests in the window were accepted */
		this.accepted = [];
	}

	/**
	 * `{ allowed, retryAfterMs }`; records the request when allowed.
	 * @param {number} [now]
	 */
	take(now = Date.now()) {
		while (this.accepted.length && this.accepted[0] <= now - this.windowMs) this.accepted.shift();
		if (this.accepted.length >= this.limit) {
			return { allowed: false, retryAfterMs: this.accepted[0] + this.windowMs - now };
		}
		this.accepted.push(now);
		return { allowed: true, retryAfterMs: 0 };
	}

	reset() {
		this.accepted = [];
	}
}

/**
 * Intercom's quota is per minute but enforced in 10-second slices (one sixth each); this counts
 * requests per fixed slice and yields the X-RateLimit-* header values.
 */
class FixedWindowCounter {
	/** @param {{ limit: number, windowMs: number }} options */
	constructor({ limit, windowMs }) {
		this.limit = limit;
		this.windowMs = windowMs;
		this.windowStart = 0;
		this.used = 0;
	}

	/**
	 * Counts one request; `allowed` is false once the slice's quota is used up.
	 * @param {number} [now]
	 */
	take(now = Date.now()) {
		const start = Math.floor(now / this.windowMs) * this.windowMs;
		if (start !== this.windowStart) {
			this.windowStart = start;
			this.used = 0;
		}
		const allowed = this.used < this.limit;
		if (allowed) this.used++;
		return {
			allowed,
			limit: this.limit,
			remaining: Math.max(0, this.limit - this.used),
			resetAt: Math.ceil((start + this.windowMs) / 1000),
		};
	}
}

module.exports = {
	LOST_RESPONSE_KINDS,
	FAULT_KINDS,
	createRandom,
	normalizeFaultConfig,
	FaultInjector,
	SlidingWindowLimiter,
	FixedWindowCounter,
};
