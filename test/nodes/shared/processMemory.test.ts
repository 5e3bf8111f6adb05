import { forgetProcessMemory, inProcessMemory } from '../../../nodes/shared/processMemory';

test('every registered cache is forgotten at once, as on a restart of n8n', () => {
	const map = new Map<string, string>([['a', 'Alpha']]);
	const names = inProcessMemory(map);
	const seen = inProcessMemory(new Set<number>([1, 2]));
	expect(names).toBe(map);

	forgetProcessMemory();

	expect(names.size).toBe(0);
	expect(seen.size).toBe(0);
});
