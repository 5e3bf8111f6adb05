import type { INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../nodes/shared/descriptions';

const field = (extra: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName: 'Lead ID',
	name: 'leadId',
	type: 'string',
	default: '',
	...extra,
});

describe('updateDisplayOptions', () => {
	test('puts the operation on every property, keeping what each already showed or hid', () => {
		const [plain, conditional] = updateDisplayOptions(
			{ show: { resource: ['lead'], operation: ['get'] } },
			[
				field(),
				field({
					name: 'adminId',
					displayOptions: { show: { actAs: ['chosenAdmin'] }, hide: { mode: ['manual'] } },
				}),
			],
		);
		expect(plain).toEqual({
			...field(),
			displayOptions: { show: { resource: ['lead'], operation: ['get'] } },
		});
		expect(conditional.displayOptions).toEqual({
			show: { actAs: ['chosenAdmin'], resource: ['lead'], operation: ['get'] },
			hide: { mode: ['manual'] },
		});
	});

	test('the operation wins over a property that named another; hide rules are merged', () => {
		const [result] = updateDisplayOptions(
			{ show: { operation: ['update'] }, hide: { mapTags: [false] } },
			[field({ displayOptions: { show: { operation: ['get'] }, hide: { mode: ['x'] } } })],
		);
		expect(result.displayOptions).toEqual({
			show: { operation: ['update'] },
			hide: { mode: ['x'], mapTags: [false] },
		});
	});

	test('leaves the input properties untouched', () => {
		const original = field({ displayOptions: { show: { a: [1] } } });
		updateDisplayOptions({ show: { operation: ['get'] } }, [original]);
		expect(original.displayOptions).toEqual({ show: { a: [1] } });
	});
});
