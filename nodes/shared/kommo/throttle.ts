import { now, sleep } from '../clock';
import { inProcessMemory } from '../processMemory';

/** Kommo's documented limit: "not more than 7 requests per second" per account. */
export const KOMMO_MAX_REQUESTS_PER_SECOND = 7;

/** How many send times each account keeps for inspection (the scheduler needs at most `rate`). */
const SEND_LOG_SIZE = 200;

/**
 * Added to Kommo's 1-second window. The slot is taken before n8n's HTTP helper loads the credential
 * and opens the socket, so two sends 1000 ms apart here can reach Kommo a few ms closer together.
 */
export const WINDOW_MARGIN_MS = 20;

/**
 * One queue per Kommo account, holding a sliding-window log: a request goes out as soon as fewer
 * than `limit` sends happened in the last window. An idle account therefore sends a chat's few calls
 * at once instead of spacing them 143 ms apart, and a busy one settles at the limit. Callers line up
 * on a promise chain so slots go out in arrival order; only the wait for a slot is serialised,
 * never the HTTP call.
 */
class AccountScheduler {
	private tail: Promise<unknown> = Promise.resolve();

	/** send times inside the current window, oldest first */
	private recent: number[] = [];

	readonly sendLog: number[] = [];

	async reserveSlot(requestsPerSecond: number): Promise<number> {
		const turn = this.tail.then(async () => await this.waitForSlot(requestsPerSecond));
		this.tail = turn.catch(() => undefined);
		return await turn;
	}

	private async waitForSlot(requestsPerSecond: number): Promise<number> {
		// A fractional rate is rounded down (2.5/s sends 2 per second), never spread over a shorter
		// window: several n8n processes sharing an account each get a whole number per second, so
		// their sum in any second of Kommo's window stays within what they were given. Below 1/s:
		// one send per 1/rate seconds.
		const limit = Math.max(1, Math.floor(requestsPerSecond));
		const windowMs = (requestsPerSecond >= 1 ? 1000 : 1000 / requestsPerSecond) + WINDOW_MARGIN_MS;
		for (;;) {
			const time = now();
			while (this.recent.length && this.recent[0] <= time - windowMs) this.recent.shift();
			if (this.recent.length < limit) break;
			// a timer may fire a little early; the loop re-checks rather than trusting it
			await sleep(Math.max(1, Math.ceil(this.recent[0] + windowMs - time)), 'kommo-throttle');
		}
		const sentAt = now();
		this.recent.push(sentAt);
		this.sendLog.push(sentAt);
		if (this.sendLog.length > SEND_LOG_SIZE) this.sendLog.shift();
		return sentAt;
	}
}

// Module state on purpose: every Kommo node of this n8n process shares one budget per account.
const schedulers = inProcessMemory(new Map<string, AccountScheduler>());

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

/** The send times this process has logged for an account, oldest first (at most 200). */
export function sendTimes(baseUrl: string): number[] {
	return [...(schedulers.get(accountKey(baseUrl))?.sendLog ?? [])];
}
