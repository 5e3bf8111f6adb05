import {
	dedupMemoryKey,
	RecentIds,
	rememberNotification,
} from '../../../../nodes/IntercomTrigger/helpers/dedup';
import { forgetProcessMemory } from '../../../../nodes/shared/processMemory';

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

	it('reports a first sighting as new and a repeat as seen', () => {
		const key = freshKey();
		expect(rememberNotification(key, 'notif_1')).toBe(true);
		expect(rememberNotification(key, 'notif_1')).toBe(false);
	});

	it('keeps memory per workflow and per node', () => {
		expect(rememberNotification(dedupMemoryKey('wf-a', 'T'), 'n')).toBe(true);
		expect(rememberNotification(dedupMemoryKey('wf-b', 'T'), 'n')).toBe(true);
		expect(rememberNotification(dedupMemoryKey('wf-a', 'T2'), 'n')).toBe(true);
		expect(rememberNotification(dedupMemoryKey('wf-a', 'T'), 'n')).toBe(false);
	});

	it('is bounded and evicts the oldest', () => {
		const key = freshKey();
		for (let i = 0; i < 12; i++) expect(rememberNotification(key, `n${i}`, 10)).toBe(true);
		expect(rememberNotification(key, 'n0', 10)).toBe(true);
		expect(rememberNotification(key, 'n11', 10)).toBe(false);
	});

	it('is forgotten with the process (a restart of n8n)', () => {
		const key = freshKey();
		expect(rememberNotification(key, 'notif_r')).toBe(true);
		forgetProcessMemory();
		expect(rememberNotification(key, 'notif_r')).toBe(true);
	});
});
