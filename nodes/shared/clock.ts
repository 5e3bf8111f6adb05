import { sleep as n8nSleep } from 'n8n-workflow';

/** What a wait is for: tests that count waits tell them apart by it; the nodes only pass it on. */
export type WaitReason =
	| 'kommo-throttle'
	| 'kommo-retry'
	| 'amojo-retry'
	| 'intercom-retry'
	| 'customer-lock';

/** The time source of every node of this package: the throttle, the retry loops, the caches. */
export interface Clock {
	now(): number;
	sleep(ms: number, reason: WaitReason): Promise<void>;
}

const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms) => await n8nSleep(ms),
};

let current: Clock = systemClock;

export function now(): number {
	return current.now();
}

export async function sleep(ms: number, reason: WaitReason): Promise<void> {
	await current.sleep(ms, reason);
}

/**
 * The one time seam, for tests: a virtual clock makes throttle, retry and lock waits instant and
 * observable. Without an argument the system clock is back.
 */
export function useClock(clock?: Clock): void {
	current = clock ?? systemClock;
}
