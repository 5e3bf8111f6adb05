import { sleep } from 'n8n-workflow';

/** Time source of the throttle and of retry waits; tests swap it for a fake one. */
export interface KommoClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

const realClock: KommoClock = { now: () => Date.now(), sleep: async (ms) => await sleep(ms) };

let clock: KommoClock = realClock;

/** Kommo's documented limit: "not more than 7 requests per second" per account. */
export const KOMMO_MAX_REQUESTS_PER_SECOND = 7;

/** How many send times each account keeps for inspection (the scheduler itself needs one). */
const SEND_LOG_SIZE = 200;

/**
 * One queue per Kommo account. Callers line up on a promise chain and each takes the next send slot,
 * spaced 1000/rate ms after the previous *actual* send, so any 1-second window holds at most `rate`
 * sends even when a timer fires late. Only the wait for a slot is serialised, never the HTTP call.
 */
class AccountScheduler {
	private tail: Promise<unknown> = Promise.resolve();

	private lastSendAt = Number.NEGATIVE_INFINITY;

	readonly sendLog: number[] = [];

	async reserveSlot(requestsPerSecond: number): Promise<number> {
		const turn = this.tail.then(async () => await this.waitForSlot(requestsPerSecond));
		this.tail = turn.catch(() => undefined);
		return await turn;
	}

	private async waitForSlot(requestsPerSecond: number): Promise<number> {
		const spacingMs = 1000 / requestsPerSecond;
		for (;;) {
			const waitMs = this.lastSendAt + spacingMs - clock.now();
			if (waitMs <= 0) break;
			// a timer may fire a little early; the loop re-checks rather than trusting it
			await clock.sleep(Math.ceil(waitMs));
		}
		const sentAt = clock.now();
		this.lastSendAt = sentAt;
		this.sendLog.push(sentAt);
		if (this.sendLog.length > SEND_LOG_SIZE) this.sendLog.shift();
		return sentAt;
	}
}

// Module state on purpose: every Kommo node of this n8n process shares one budget per account.
const schedulers = new Map<string, AccountScheduler>();

function accountKey(baseUrl: string): string {
	return baseUrl.trim().replace(/\/+$/, '').toLowerCase();
}

function schedulerFor(baseUrl: string): AccountScheduler {
	const key = accountKey(baseUrl);
	let scheduler = schedulers.get(key);
	if (!scheduler) {
		scheduler = new AccountScheduler();
		schedulers.set(key, scheduler);
	}
	return scheduler;
}

/** The credential may only lower Kommo's limit, never raise it. */
export function effectiveRate(configured: unknown): number {
	const rate = Number(configured);
	if (!Number.isFinite(rate) || rate <= 0) return KOMMO_MAX_REQUESTS_PER_SECOND;
	return Math.min(rate, KOMMO_MAX_REQUESTS_PER_SECOND);
}

/** Waits for this account's next send slot; resolves with the send time. */
export async function waitForSendSlot(baseUrl: string, requestsPerSecond: number): Promise<number> {
	return await schedulerFor(baseUrl).reserveSlot(effectiveRate(requestsPerSecond));
}

export function currentClock(): KommoClock {
	return clock;
}

/** Test hooks: read send times, inject a clock, forget all accounts. */
export const kommoThrottle = {
	sendTimes(baseUrl: string): number[] {
		return [...(schedulers.get(accountKey(baseUrl))?.sendLog ?? [])];
	},
	useClock(testClock?: KommoClock): void {
		clock = testClock ?? realClock;
	},
	reset(): void {
		schedulers.clear();
		clock = realClock;
	},
};
