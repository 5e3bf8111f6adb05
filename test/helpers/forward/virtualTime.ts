/**
 * Time is virtual in the fault suites: the nodes' one clock (`nodes/shared/clock.ts`) is swapped for
 * one that counts each kind of wait (throttle, retries, a lock held by a failed run) and lets it pass
 * at once, and timers run on jest's fake timers, sped up, so the transports' shipped 30 s request
 * timeout ends a held request in a fraction of a second. Requests themselves are real.
 */
import { clearInterval as clearRealInterval, setInterval as setRealInterval } from 'node:timers';

import { INTERCOM_REQUEST_TIMEOUT_MS } from '../../../nodes/shared/intercom/transport';
import { KOMMO_REQUEST_TIMEOUT_MS } from '../../../nodes/shared/kommo/transport';
import { forgetProcessMemory } from '../../../nodes/shared/processMemory';
import { useClock } from '../../../nodes/shared/clock';
import type { WaitReason } from '../../../nodes/shared/clock';

/** Both transports time requests out after 30 s (the shipped value; timers run sped up here). */
export const CLIENT_TIMEOUT_MS = Math.max(INTERCOM_REQUEST_TIMEOUT_MS, KOMMO_REQUEST_TIMEOUT_MS);
/**
 * How long the sandbox holds a `timeout` fault before it drops the connection itself: longer than
 * the client waits, so the fault ends as a client-side timeout.
 */
export const SANDBOX_HOLD_MS = 2 * CLIENT_TIMEOUT_MS;
/**
 * Fake milliseconds per real millisecond: a 30 s timeout passes in 0.3 s, while a real request to
 * the local sandbox (a few ms, more on a busy machine) still sees its timer far away.
 */
const TIMER_SPEED_UP = 100;
const TIMER_PUMP_EVERY_MS = 5;

export interface TimeCounters {
	intercomRetryWaits: number;
	kommoRetryWaits: number;
	amojoRetryWaits: number;
	kommoThrottleWaits: number;
	lockWaits: number;
	virtualMs: number;
}

/** Each kind of wait, told apart by the reason the nodes give the clock. */
const COUNTER_OF_REASON: Record<WaitReason, Exclude<keyof TimeCounters, 'virtualMs'>> = {
	'intercom-retry': 'intercomRetryWaits',
	'kommo-retry': 'kommoRetryWaits',
	'amojo-retry': 'amojoRetryWaits',
	'kommo-throttle': 'kommoThrottleWaits',
	'customer-lock': 'lockWaits',
};

export interface VirtualTime {
	counters: TimeCounters;
	restore: () => void;
}

export function installVirtualTime(): VirtualTime {
	const counters: TimeCounters = {
		intercomRetryWaits: 0,
		kommoRetryWaits: 0,
		amojoRetryWaits: 0,
		kommoThrottleWaits: 0,
		lockWaits: 0,
		virtualMs: 0,
	};

	forgetProcessMemory();
	useClock({
		now: () => Date.now() + counters.virtualMs,
		sleep: async (ms, reason) => {
			counters[COUNTER_OF_REASON[reason]]++;
			counters.virtualMs += Math.max(0, ms);
			await new Promise((resolve) => setImmediate(resolve));
		},
	});
	// timers only: Date stays real for the clock above, and the event loop's own queues stay real
	jest.useFakeTimers({
		doNotFake: ['Date', 'hrtime', 'performance', 'nextTick', 'setImmediate', 'queueMicrotask'],
	});
	const pump = setRealInterval(
		() => jest.advanceTimersByTime(TIMER_PUMP_EVERY_MS * TIMER_SPEED_UP),
		TIMER_PUMP_EVERY_MS,
	);
	return {
		counters,
		restore: () => {
			clearRealInterval(pump);
			jest.useRealTimers();
			forgetProcessMemory();
			useClock();
		},
	};
}
