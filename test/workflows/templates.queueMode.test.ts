/** The one-process chat template and its queue-mode variant: the same workflow but for the lock. */
import type { IDataObject } from 'n8n-workflow';

import { FORWARD, loadTemplate, QUEUE_FORWARD } from './templateFiles';

describe('the two chat templates have one shape', () => {
	/** What each file holds for "one run per customer at a time", beside the note that explains it. */
	const LOCK_STEPS: Record<string, { lock: string[]; release: string }> = {
		[FORWARD]: { lock: ['Lock customer'], release: 'Release customer' },
		[QUEUE_FORWARD]: {
			lock: ['Lock customer', 'Got the lock?', 'Wait a second'],
			release: 'Release customer',
		},
	};

	/** The file without its lock steps: every other node, and the edges with the lock as one step. */
	function shape(file: string) {
		const template = loadTemplate(file);
		const { lock, release } = LOCK_STEPS[file];
		const stepOf = (name: string) =>
			lock.includes(name) ? 'LOCK' : name === release ? 'RELEASE' : name;
		const nodes = template.nodes
			.filter((node) => stepOf(node.name) === node.name && node.name !== 'Sticky: lock')
			.map((node) => {
				const copy = JSON.parse(JSON.stringify(node)) as IDataObject;
				// each workflow has its own Production URL
				if (node.name === 'Intercom Trigger') delete copy.webhookId;
				return copy;
			});
		const edges = new Set<string>();
		for (const [from, outputs] of Object.entries(template.connections)) {
			outputs.main.forEach((targets, output) => {
				for (const target of targets ?? []) {
					const a = stepOf(from);
					const b = stepOf(target.node);
					// inside the lock (Got the lock? → Wait a second → Lock customer) is the lock itself
					if (a === 'LOCK' && b === 'LOCK') continue;
					edges.add(`${a}[${a === 'LOCK' ? 0 : output}] → ${b}`);
				}
			});
		}
		return { nodes, edges: [...edges].sort() };
	}

	test('the one-process and queue-mode files differ only in the lock steps', () => {
		const one = shape(FORWARD);
		const queue = shape(QUEUE_FORWARD);
		expect(queue.nodes).toEqual(one.nodes);
		expect(queue.edges).toEqual(one.edges);
		// and the lock wraps everything that reads Kommo and writes to it
		expect(one.edges).toEqual(
			expect.arrayContaining([
				'Has customer email?[0] → LOCK',
				'LOCK[0] → Find contact by email',
				'Transcript[1] → RELEASE',
				'Copy Intercom tags to deal[0] → RELEASE',
			]),
		);
	});

	test('both keep the lock for one customer, by the email Find contact by email searches', () => {
		const email = "$('Get conversation').item.json.customer.email";
		for (const file of [FORWARD, QUEUE_FORWARD]) {
			const nodes = loadTemplate(file).nodes;
			const keys = ['Lock customer', 'Release customer'].map(
				(name) => nodes.find((node) => node.name === name)!.parameters.key as string,
			);
			expect(keys[0]).toBe(keys[1]);
			expect(keys[0]).toContain(email);
			expect(nodes.find((node) => node.name === 'Find contact by email')!.parameters.email).toBe(
				`={{ ${email} }}`,
			);
		}
	});
});
