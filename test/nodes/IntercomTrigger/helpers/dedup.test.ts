import type { IDataObject } from 'n8n-workflow';

import {
	dedupMemoryKey,
	RecentIds,
	rememberNotification,
	STATIC_DATA_KEY,
} from '../../../../nodes/IntercomTrigger/helpers/dedup';

describe('RecentIds', () => {
	it('forgets the oldest ids beyond its limit', () => {
		const ids = new RecentIds(3);
		for (const id of ['a', 'b', 'c', 'd']) ids.add(id);
		expect(ids.size).toBe(3);
		expect(ids.has('a')).toBe(false);
		expect(['b', 'c', 'd'].every((id) => ids.has(id))).toBe(true);
	});

	it('treats re-adding as most recent', () => {
		const ids = new RecentIds(2);
		ids.add('a');
		ids.add('b');
		ids.add('a');
		ids.add('c');
		expect(ids.has('a')).toBe(true);
		expect(ids.has('b')).toBe(false);
	});
});

describe('rememberNotification', () => {
	let keyCounter = 0;
	const freshKey = () => dedupMemoryKey(`wf-helpers-${++keyCounter}`, 'Intercom Trigger');

	it('reports a first sighting as new and a repeat as seen, recording it in static data', () => {
		const key = freshKey();
		const staticData = {};
		expect(rememberNotification(key, staticData, 'notif_1')).toBe(true);
		expect(rememberNotification(key, staticData, 'notif_1')).toBe(false);
		expect(staticData).toEqual({ [STATIC_DATA_KEY]: ['notif_1'] });
	});

	it('recognises ids persisted in static data by an earlier process (memory empty)', () => {
		expect(
			rememberNotification(freshKey(), { [STATIC_DATA_KEY]: ['notif_old'] }, 'notif_old'),
		).toBe(false);
	});

	it('recognises ids held in process memory when static data was not saved', () => {
		const key = freshKey();
		expect(rememberNotification(key, {}, 'notif_2')).toBe(true);
		expect(rememberNotification(key, {}, 'notif_2')).toBe(false);
	});

	it('keeps memory per workflow and per node', () => {
		const staticData = () => ({});
		expect(rememberNotification(dedupMemoryKey('wf-a', 'T'), staticData(), 'n')).toBe(true);
		expect(rememberNotification(dedupMemoryKey('wf-b', 'T'), staticData(), 'n')).toBe(true);
		expect(rememberNotification(dedupMemoryKey('wf-a', 'T2'), staticData(), 'n')).toBe(true);
		expect(rememberNotification(dedupMemoryKey('wf-a', 'T'), staticData(), 'n')).toBe(false);
	});

	it('bounds both memories and evicts the oldest', () => {
		const key = freshKey();
		const staticData: IDataObject = {};
		for (let i = 0; i < 12; i++)
			expect(rememberNotification(key, staticData, `n${i}`, 10)).toBe(true);
		expect(staticData[STATIC_DATA_KEY]).toEqual([
			'n2',
			'n3',
			'n4',
			'n5',
			'n6',
			'n7',
			'n8',
			'n9',
			'n10',
			'n11',
		]);
		expect(rememberNotification(key, {}, 'n0', 10)).toBe(true);
		expect(rememberNotification(key, {}, 'n11', 10)).toBe(false);
	});

	it('ignores junk in static data', () => {
		const staticData = { [STATIC_DATA_KEY]: 'not-a-list' };
		expect(rememberNotification(freshKey(), staticData, 'n')).toBe(true);
		expect(staticData[STATIC_DATA_KEY]).toEqual(['n']);
	});
});
