import type { RunResult } from './execution';

/**
 * The Continue On Fail shape every node of the package shares for an item that fails before its
 * operation runs (a bad expression in "resource" or "operation", say): `run(true)` and `run(false)`
 * execute the same two input items through the node named `nodeName`.
 */
export function itFailsItemByItem(
	nodeName: string,
	run: (continueOnFail: boolean) => Promise<RunResult>,
): void {
	test('Continue On Fail gives one error item per input item, { error, description }', async () => {
		const result = await run(true);
		expect(result.error(nodeName)).toBeUndefined();
		const items = result.output(nodeName)[0];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of items) {
			expect(Object.keys(item.json).sort()).toEqual(['description', 'error']);
			expect(typeof item.json.error).toBe('string');
			expect(String(item.json.error)).not.toBe('');
		}
	});

	test('without it the node fails, naming the item', async () => {
		const result = await run(false);
		const error = result.error(nodeName) as
			| (Error & { context?: { itemIndex?: number } })
			| undefined;
		expect(error).toBeDefined();
		expect(error?.context?.itemIndex).toBe(0);
	});
}
