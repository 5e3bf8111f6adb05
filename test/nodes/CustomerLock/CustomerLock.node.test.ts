/**
 * The Customer Lock through n8n's engine: runs of one customer go one at a time between Wait and
 * Lock and Release; other customers never wait; a run that dies holding the lock blocks the next one
 * only until the lock expires.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { CustomerLock } from '../../../nodes/CustomerLock/CustomerLock.node';
import { useClock } from '../../../nodes/shared/clock';
import { forgetProcessMemory } from '../../../nodes/shared/processMemory';
import { useFakeClock } from '../../helpers/fakeTimers';
import { itFailsItemByItem, Passthrough, registerNodes, runWorkflow } from '../../helpers/n8n';
import type { TestNode } from '../../helpers/n8n';

/** The steps a lock protects: logs its start, then holds its run until the test opens its gate. */
const events: string[] = [];
const gates = new Map<string, () => void>();
class Work implements INodeType {
	description = {
		displayName: 'Work',
		name: 'lockTestWork',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Work' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const run = String(this.getInputData()[0].json.run);
		events.push(`${run} works`);
		await new Promise<void>((resolve) => gates.set(run, resolve));
		events.push(`${run} done`);
		return [this.getInputData()];
	}
}

registerNodes(CustomerLock, Passthrough, Work);

// the first node hands the test's items on, like a trigger
const feed: TestNode = { name: 'Feed', type: 'passthrough' };
const lock = (parameters: IDataObject = {}, extra: Partial<TestNode> = {}): TestNode => ({
	name: 'Lock customer',
	type: 'customerLock',
	parameters: { operation: 'lock', key: '={{ $json.email }}', ...parameters },
	...extra,
});
const release: TestNode = {
	name: 'Release customer',
	type: 'customerLock',
	parameters: { operation: 'release', key: '={{ $json.email }}' },
};
const work: TestNode = { name: 'Work', type: 'lockTestWork' };

const runGuarded = async (json: IDataObject, nodes: TestNode[] = [feed, lock(), work, release]) =>
	await runWorkflow({ nodes, input: [{ json }] });

/** Lets the engine and the lock's polling move on (the fake clock's sleeps resolve at once). */
const settle = async () => {
	for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
};

beforeEach(() => {
	forgetProcessMemory();
	events.length = 0;
	gates.clear();
});
afterEach(() => useClock());

test('a second run of the same customer waits for the first one to release, then goes on', async () => {
	const clock = useFakeClock();
	const first = runGuarded({ run: 'A', email: 'jane@example.com' });
	await settle();
	// letter case and spaces do not count: this is the same customer
	const second = runGuarded({ run: 'B', email: ' Jane@Example.com ' });
	await settle();
	expect(events).toEqual(['A works']);
	expect(clock.sleeps()).toBeGreaterThan(0);

	gates.get('A')!();
	await first;
	await settle();
	expect(events).toEqual(['A works', 'A done', 'B works']);
	gates.get('B')!();
	const result = await second;
	expect(result.error()).toBeUndefined();
	// items pass through unchanged and paired
	expect(result.output('Lock customer')[0]).toEqual([
		{ json: { run: 'B', email: ' Jane@Example.com ' }, pairedItem: { item: 0 } },
	]);
});

test('another customer never waits', async () => {
	const clock = useFakeClock();
	const first = runGuarded({ run: 'A', email: 'jane@example.com' });
	await settle();
	const other = runGuarded({ run: 'C', email: 'mary@example.com' });
	await settle();
	expect(events).toEqual(['A works', 'C works']);
	expect(clock.waitedMs()).toBe(0);
	gates.get('A')!();
	gates.get('C')!();
	await Promise.all([first, other]);
});

test('a run that stopped before Release blocks the next run only until the lock expires', async () => {
	const clock = useFakeClock();
	// a run that never reaches its Release step (it failed, or n8n stopped it)
	const dead = await runWorkflow({
		nodes: [feed, lock({ holdSeconds: 30 })],
		input: [{ json: { email: 'jane@example.com' } }],
	});
	expect(dead.error()).toBeUndefined();
	const next = runGuarded({ run: 'B', email: 'jane@example.com' });
	while (!gates.has('B')) await settle();
	gates.get('B')!();
	await next;
	expect(events).toEqual(['B works', 'B done']);
	expect(clock.waitedMs()).toBe(30_000);
});

test('Release by another run does not free a lock it does not hold', async () => {
	const clock = useFakeClock();
	const first = runGuarded({ run: 'A', email: 'jane@example.com' });
	await settle();
	await runWorkflow({ nodes: [feed, release], input: [{ json: { email: 'jane@example.com' } }] });
	const second = runGuarded({ run: 'B', email: 'jane@example.com' });
	await settle();
	expect(events).toEqual(['A works']);
	gates.get('A')!();
	await first;
	await settle();
	gates.get('B')!();
	await second;
	expect(events).toEqual(['A works', 'A done', 'B works', 'B done']);
	expect(clock.waitedMs()).toBeGreaterThan(0);
});

test('an empty customer fails the item with words a user can act on', async () => {
	const result = await runWorkflow({ nodes: [feed, lock()], input: [{ json: { email: '' } }] });
	expect(result.error('Lock customer')?.message).toBe('The Customer field is empty');
	expect((result.error('Lock customer') as { description?: string })?.description).toContain(
		"$('Get conversation').item.json.customer.email",
	);
});

describe('Customer Lock with a bad expression in "operation"', () => {
	const run = async (continueOnFail: boolean) =>
		await runWorkflow({
			nodes: [
				feed,
				lock({ operation: '={{ $json.missing.deeper }}', key: 'k' }, { continueOnFail }),
			],
			input: [{ json: { n: 1 } }, { json: { n: 2 } }],
		});

	itFailsItemByItem('Lock customer', run);
});
