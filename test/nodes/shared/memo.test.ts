import { oncePer, rememberFor } from '../../../nodes/shared/memo';
import type { TimedEntries } from '../../../nodes/shared/memo';

describe('rememberFor', () => {
	test('loads once within the time to live, then again', async () => {
		const entries: TimedEntries<string, number> = new Map();
		let loads = 0;
		const load = async () => ++loads;
		expect(await rememberFor(entries, 'a', 1000, 0, load)).toBe(1);
		expect(await rememberFor(entries, 'a', 1000, 999, load)).toBe(1);
		expect(await rememberFor(entries, 'b', 1000, 999, load)).toBe(2);
		expect(await rememberFor(entries, 'a', 1000, 1000, load)).toBe(3);
		// a clock that went backwards does not keep an entry forever
		expect(await rememberFor(entries, 'a', 1000, 500, load)).toBe(4);
	});

	test('concurrent callers share one load; a failed load is forgotten', async () => {
		const entries: TimedEntries<string, number> = new Map();
		let loads = 0;
		const failing = async () => {
			loads++;
			throw new Error('down');
		};
		const both = [
			rememberFor(entries, 'a', 1000, 0, failing),
			rememberFor(entries, 'a', 1000, 0, failing),
		];
		await expect(Promise.all(both)).rejects.toThrow('down');
		expect(loads).toBe(1);
		expect(await rememberFor(entries, 'a', 1000, 1, async () => 7)).toBe(7);
	});
});

describe('oncePer', () => {
	test('loads once per owner; a failed load is forgotten', async () => {
		const entries = new WeakMap<object, Promise<number>>();
		const first = {};
		let loads = 0;
		const load = async () => ++loads;
		expect(await oncePer(entries, first, load)).toBe(1);
		expect(await oncePer(entries, first, load)).toBe(1);
		expect(await oncePer(entries, {}, load)).toBe(2);

		const flaky = {};
		await expect(
			oncePer(entries, flaky, async () => {
				throw new Error('down');
			}),
		).rejects.toThrow('down');
		expect(await oncePer(entries, flaky, load)).toBe(3);
	});
});
