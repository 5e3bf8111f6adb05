import { performance } from 'node:perf_hooks';
import { setTimeout as realDelay } from 'node:timers/promises';
import { useClock } from '../../nodes/shared/clock';

/**
 * Runs `work` on jest's fake timers, with fake time running `speedUp` times faster than real time
 * until it settles: the system clock's sleeps and the HTTP client's request timeout (a timer of
 * follow-redirects or axios) then pass quickly, so a test keeps the shipped 30 s timeout and 1 s
 * backoff. Fake time follows real time (instead of jumping from timer to timer) so that a request
 * still in flight is not timed out early: at 100×, a timeout of 30 s fires after 0.3 s of real time.
 * Promises, `setImmediate`, `process.nextTick` and `performance` stay real, so nock and n8n-core
 * run as usual.
 */
export async function onFakeTimers<T>(work: () => Promise<T>, speedUp = 100): Promise<T> {
	jest.useFakeTimers({
		doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'],
	});
	try {
		let settled = false;
		const running = work().finally(() => (settled = true));
		let last = performance.now();
		while (!settled) {
			await realDelay(1);
			const now = performance.now();
			await jest.advanceTimersByTimeAsync((now - last) * speedUp);
			last = now;
		}
		return await running;
	} finally {
		jest.useRealTimers();
	}
}

/**
 * The nodes' clock on time that moves only when the code sleeps (or the test says so): expiries
 * without real waits. `useClock()` puts the system clock back.
 */
export function useFakeClock(start = 1_800_000_000_000) {
	let now = start;
	const sleeps: number[] = [];
	useClock({
		now: () => now,
		sleep: async (ms: number) => {
			sleeps.push(ms);
			now += ms;
			// a macrotask, so a polling loop lets other runs move between its looks
			await new Promise((resolve) => setImmediate(resolve));
		},
	});
	return {
		advance: (ms: number) => (now += ms),
		waitedMs: () => sleeps.reduce((sum, ms) => sum + ms, 0),
		sleeps: () => sleeps.length,
	};
}
