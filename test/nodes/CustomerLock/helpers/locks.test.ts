import { acquire, lockKey, release } from '../../../../nodes/CustomerLock/helpers/locks';
import { useClock } from '../../../../nodes/shared/clock';
import { forgetProcessMemory } from '../../../../nodes/shared/processMemory';
import { useFakeClock } from '../../../helpers/fakeTimers';

beforeEach(() => forgetProcessMemory());
afterEach(() => useClock());

test('a key is the customer as Kommo matches emails: case and surrounding spaces ignored', () => {
	expect(lockKey('  Jane@Example.COM ')).toBe('jane@example.com');
	expect(lockKey(undefined)).toBe('');
	expect(lockKey(42)).toBe('42');
});

test('the owner passes again at once (a second item of one run) and renews its hold', async () => {
	const clock = useFakeClock();
	expect(await acquire('k', 'run-1', 10_000)).toEqual({ waitedMs: 0, tookOverExpired: false });
	clock.advance(9_000);
	expect(await acquire('k', 'run-1', 10_000)).toEqual({ waitedMs: 0, tookOverExpired: false });
	// renewed at 9 s: another run waits until 19 s, not 10 s
	const other = await acquire('k', 'run-2', 10_000);
	expect(other.waitedMs).toBe(10_000);
	expect(other.tookOverExpired).toBe(true);
});

test('release frees only what this run holds, and says which case it was', async () => {
	const clock = useFakeClock();
	expect(release('k', 'run-1')).toBe('not-held');
	await acquire('k', 'run-1', 10_000);
	expect(release('k', 'run-2')).toBe('held-by-another-run');
	expect(release('k', 'run-1')).toBe('released');
	expect((await acquire('k', 'run-2', 10_000)).waitedMs).toBe(0);
	clock.advance(10_000);
	// an expired hold is no hold
	expect(release('k', 'run-2')).toBe('not-held');
});

test('a restart of n8n forgets every hold', async () => {
	useFakeClock();
	await acquire('k', 'run-1', 10_000);
	forgetProcessMemory();
	expect((await acquire('k', 'run-2', 10_000)).waitedMs).toBe(0);
});
