import { now, sleep, useClock } from '../../../nodes/shared/clock';
import type { WaitReason } from '../../../nodes/shared/clock';

afterEach(() => {
	useClock();
	jest.useRealTimers();
});

test('a clock put in place answers now() and every sleep, which carries its reason', async () => {
	const asked: Array<[number, WaitReason]> = [];
	useClock({ now: () => 42, sleep: async (ms, reason) => void asked.push([ms, reason]) });
	expect(now()).toBe(42);
	await sleep(1500, 'kommo-retry');
	expect(asked).toEqual([[1500, 'kommo-retry']]);
});

test('without an argument the system clock is back: Date.now, and sleeps on a real timer', async () => {
	useClock({ now: () => 42, sleep: async () => {} });
	useClock();
	jest.useFakeTimers({ now: 1_000_000 });
	expect(now()).toBe(1_000_000);
	let woke = false;
	const sleeping = sleep(1000, 'intercom-retry').then(() => (woke = true));
	await jest.advanceTimersByTimeAsync(999);
	expect(woke).toBe(false);
	await jest.advanceTimersByTimeAsync(1);
	await sleeping;
	expect(woke).toBe(true);
});
