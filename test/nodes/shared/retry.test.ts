import { backoffDelay, parseRetryAfter, withRetry } from '../../../nodes/shared/retry';
import type { RetryPolicy } from '../../../nodes/shared/retry';
import { useClock } from '../../../nodes/shared/clock';

const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 5000 };

afterEach(() => useClock());

describe('backoffDelay', () => {
	test('full jitter keeps each wait between half and all of base·2^n, capped by the policy', () => {
		expect(backoffDelay(policy, 0, undefined, () => 0)).toBe(500);
		expect(backoffDelay(policy, 0, undefined, () => 1)).toBe(1000);
		expect(backoffDelay(policy, 2, undefined, () => 1)).toBe(4000);
		expect(backoffDelay(policy, 5, undefined, () => 1)).toBe(5000);
	});

	test('a longer wait the server asked for wins, still capped', () => {
		expect(backoffDelay(policy, 0, 3000, () => 0)).toBe(3000);
		expect(backoffDelay(policy, 0, 100, () => 0)).toBe(500);
		expect(backoffDelay(policy, 0, 60_000, () => 0)).toBe(5000);
	});
});

describe('withRetry', () => {
	test('retries until an attempt succeeds, waiting between attempts', async () => {
		const waits: number[] = [];
		let calls = 0;
		const outcome = await withRetry(
			policy,
			async () => {
				calls++;
				if (calls < 3) throw new Error('busy');
				return 'done';
			},
			() => ({ retry: true, waitMs: 2000 }),
			async (ms) => void waits.push(ms),
		);
		expect(outcome).toEqual({ value: 'done', retries: 2 });
		expect(waits).toEqual([2000, 2000]);
	});

	test('a final failure and the last allowed attempt rethrow the error unchanged, without a wait', async () => {
		const waits: number[] = [];
		const final = new Error('bad request');
		await expect(
			withRetry(
				policy,
				async () => {
					throw final;
				},
				() => ({ retry: false }),
				async (ms) => void waits.push(ms),
			),
		).rejects.toBe(final);
		expect(waits).toEqual([]);

		let calls = 0;
		await expect(
			withRetry(
				policy,
				async () => {
					calls++;
					throw new Error(`attempt ${calls}`);
				},
				() => ({ retry: true }),
				async (ms) => void waits.push(ms),
			),
		).rejects.toThrow('attempt 3');
		expect(waits).toHaveLength(policy.maxAttempts - 1);
	});
});

describe('parseRetryAfter', () => {
	test('seconds, or an HTTP date measured from the package clock', () => {
		useClock({ now: () => Date.parse('2026-01-01T00:00:00Z'), sleep: async () => {} });
		expect(parseRetryAfter('2')).toBe(2000);
		expect(parseRetryAfter(1.5)).toBe(1500);
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT')).toBe(30_000);
		expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT')).toBe(0);
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter(undefined)).toBeUndefined();
	});
});
