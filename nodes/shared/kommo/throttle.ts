import { now, sleep } from '../clock';
import { inProcessMemory } from '../processMemory';

/** Kommo's documented limit: "not more than 7 requests per second" per account. */
export const KOMMO_MAX_REQUESTS_PER_SECOND = 7;

/** How many send times each account keeps for inspection (the scheduler needs at most `rate`). */
const SEND_LOG_SIZE = 200;

/** Added to Kommo's 1-second window, for timer granularity and clock drift between us and Kommo. */
export const WINDOW_MARGIN_MS = 20;

/** A request's place in its account's window, held while in flight and one window after its answer. */
interface Place {
	answeredAt: number | null;
}

/**
 * One queue per Kommo account. Kommo counts a request when it arrives, somewhere between the moment
 * it is sent here and the moment its answer comes back; on a busy machine that can be hundreds of
 * milliseconds after the send. So a request holds its place in the window from its send until one
 * window after its answer: a new request goes out only while fewer than `limit` requests are in
 * flight or answered within the last window. Then any `limit + 1` requests reach Kommo more than a
 * window apart, whatever the delays in between (the e2e burst saw 12 and 14 per second when only
 * sends were spaced). An idle account sends a chat's few calls at once; a busy one settles at
 * `limit` per (window + answer time). Callers line up on a promise chain so slots go out in arrival
 * order; only the wait for a slot is serialised, never the HTTP call.
 */
class AccountScheduler {
	private tail: Promise<unknown> = Promise.resolve();

	/** requests holding a place in the window: in flight (`answeredAt` null) or answered lately */
	private holding: Place[] = [];

	readonly sendLog: number[] = [];

	async reserveSlot(requestsPerSecond: number): Promise<Place> {
		const turn = this.tail.then(async () => await this.waitForSlot(requestsPerSecond));
		this.tail = turn.catch(() => undefined);
		return await turn;
	}

	private async waitForSlot(requestsPerSecond: number): Promise<Place> {
		// A fractional rate is rounded down (2.5/s sends 2 per second), never spread over a shorter
		// window: several n8n processes sharing an account each get a whole number per second, so
		// their sum in any second of Kommo's window stays within what they were given. Below 1/s:
		// one send per 1/rate seconds.
		const limit = Math.max(1, Math.floor(requestsPerSecond));
		const windowMs = (requestsPerSecond >= 1 ? 1000 : 1000 / requestsPerSecond) + WINDOW_MARGIN_MS;
		for (;;) {
			const time = now();
			this.holding = this.holding.filter(
				(entry) => entry.answeredAt === null || entry.answeredAt > time - windowMs,
			);
			if (this.holding.length < limit) break;
			// the first place to free up: the earliest answer's window end; while every place is
			// in flight, nothing frees before a whole window from now
			let soonest = time + windowMs;
			for (const entry of this.holding) {
				if (entry.answeredAt !== null) soonest = Math.min(soonest, entry.answeredAt + windowMs);
			}
			// a timer may fire a little early; the loop re-checks rather than trusting it
			await sleep(Math.max(1, Math.ceil(soonest - time)), 'kommo-throttle');
		}
		const place: Place = { answeredAt: null };
		this.holding.push(place);
		this.sendLog.push(now());
		if (this.sendLog.length > SEND_LOG_SIZE) this.sendLog.shift();
		return place;
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

/**
 * Runs `send` in this account's next slot and holds the slot until it settles, so the request
 * counts in Kommo's window for as long as it can arrive there.
 */
export async function withSendSlot<T>(
	baseUrl: string,
	requestsPerSecond: number,
	send: () => Promise<T>,
): Promise<T> {
	const place = await schedulerFor(baseUrl).reserveSlot(effectiveRate(requestsPerSecond));
	try {
		return await send();
	} finally {
		// the answer, or the failure, is in: from now on only the window holds the place
		place.answeredAt = now();
	}
}

/** The send times this process has logged for an account, oldest first (at most 200). */
export function sendTimes(baseUrl: string): number[] {
	return [...(schedulers.get(accountKey(baseUrl))?.sendLog ?? [])];
}
