import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	normalizeEmail,
	optionalId,
	parseEntityId,
	parseNameList,
	phoneDigits,
} from '../../../../nodes/Kommo/helpers/values';

const node = { name: 'Kommo' } as INode;

describe('parseEntityId', () => {
	test('a positive integer, typed, mapped as text or as a number', () => {
		expect(parseEntityId(node, 19619, 'Lead ID', 0)).toBe(19619);
		expect(parseEntityId(node, ' 19619 ', 'Lead ID', 0)).toBe(19619);
		expect(parseEntityId(node, '007', 'Lead ID', 0)).toBe(7);
	});

	test.each([[''], ['abc'], ['0'], [-5], [1.5], ['12 34'], [null], [undefined], ['1e3']])(
		'%p is refused, naming the field and the item',
		(value) => {
			let thrown: unknown;
			try {
				parseEntityId(node, value, 'Contact ID', 4);
			} catch (error) {
				thrown = error;
			}
			expect(thrown).toBeInstanceOf(NodeOperationError);
			expect((thrown as NodeOperationError).message).toMatch(
				/^Contact ID must be a Kommo ID \(digits only\), got "/,
			);
			expect((thrown as NodeOperationError).context.itemIndex).toBe(4);
		},
	);
});

describe('parseNameList', () => {
	test('a comma-separated string, an array of names or of { name } objects; blanks dropped', () => {
		expect(parseNameList(' vip, , inbound ')).toEqual(['vip', 'inbound']);
		expect(parseNameList(['a', ' b ', '', null])).toEqual(['a', 'b']);
		expect(parseNameList([{ name: 'tag one' }, { name: ' two ' }])).toEqual(['tag one', 'two']);
		expect(parseNameList(42)).toEqual(['42']);
		expect(parseNameList(undefined)).toEqual([]);
		expect(parseNameList(null)).toEqual([]);
		expect(parseNameList('')).toEqual([]);
	});
});

describe('channels', () => {
	test('emails compare trimmed and in lower case; phones by their digits', () => {
		expect(normalizeEmail('  Ann@Example.COM ')).toBe('ann@example.com');
		expect(normalizeEmail(undefined)).toBe('');
		expect(phoneDigits('+1 (415) 555-0100')).toBe('14155550100');
		expect(phoneDigits(null)).toBe('');
	});
});

describe('optionalId', () => {
	test('a positive integer, or undefined for an empty or invalid optional field', () => {
		expect(optionalId(6950551)).toBe(6950551);
		expect(optionalId('6950551')).toBe(6950551);
		for (const value of ['', undefined, null, 0, -1, 1.5, 'abc']) {
			expect(optionalId(value)).toBeUndefined();
		}
	});
});
