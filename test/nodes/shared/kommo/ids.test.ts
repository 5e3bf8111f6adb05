/**
 * The one reader of Kommo record ids, for the Kommo node's parameters and the Kommo Trigger's filters
 * and payloads. Before it, five readers disagreed on the values tested under "where the old readers
 * disagreed"; the rule that won is Lead ID's: a positive whole number, or digit text, trimmed.
 */
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { optionalKommoId, readKommoId, requireKommoId } from '../../../../nodes/shared/kommo/ids';

const node = { name: 'Kommo' } as INode;

function thrownBy(work: () => unknown): NodeOperationError {
	try {
		work();
	} catch (error) {
		expect(error).toBeInstanceOf(NodeOperationError);
		return error as NodeOperationError;
	}
	throw new Error('nothing was thrown');
}

describe('readKommoId', () => {
	test('a positive integer, typed, mapped as text or as a number', () => {
		expect(readKommoId(19619)).toBe(19619);
		expect(readKommoId(' 19619 ')).toBe(19619);
		expect(readKommoId('007')).toBe(7);
		expect(readKommoId('999999999999999')).toBe(999999999999999);
	});

	test.each([
		[''],
		['  '],
		['abc'],
		['0'],
		[0],
		[-5],
		['-5'],
		[1.5],
		['12 34'],
		[null],
		[undefined],
	])('%p is not an id', (value) => expect(readKommoId(value)).toBeNull());
});

describe('where the old readers disagreed', () => {
	// Number()-based readers (optionalId, the trigger's webhook.ts toId, the custom field and
	// tag-field readers) took these as ids; the digit-only ones (Lead ID, the trigger's filters and
	// payloads) did not. Digits only won: "1e3" typed into a field is a typo, not lead 1000.
	test.each([['1e3'], ['0x10'], ['4.0'], [true], ['+7'], [' 1_000 ']])('%p is not an id', (value) =>
		expect(readKommoId(value)).toBeNull(),
	);

	// the trigger's digit-only readers stopped at 15 digits; ids up to 2^53 - 1 are held exactly
	test('more digits than a number holds exactly are not an id; up to that, they are', () => {
		expect(readKommoId('9007199254740991')).toBe(9007199254740991);
		expect(readKommoId('9007199254740993')).toBeNull();
		expect(readKommoId('1'.repeat(30))).toBeNull();
		expect(readKommoId(1e21)).toBeNull();
	});

	// optionalId dropped a filled-in value that was not an id, so a lead went to the main pipeline
	// when an expression gave a pipeline's name; a required id failed the item. Failing won.
	test('an optional field that holds something other than an id fails the item too', () => {
		const error = thrownBy(() => optionalKommoId(node, 'Sales', 'Pipeline', 3));
		expect(error.message).toBe('Pipeline must be a Kommo ID (digits only), got "Sales"');
		expect(error.context.itemIndex).toBe(3);
		expect(() => optionalKommoId(node, 0, 'Responsible User', 0)).toThrow(NodeOperationError);
	});
});

describe('requireKommoId', () => {
	test('the id, or an error naming the field and the item', () => {
		expect(requireKommoId(node, ' 19619 ', 'Lead ID', 0)).toBe(19619);
		for (const value of ['', 'abc', '0', -5, 1.5, '12 34', null, undefined, '1e3']) {
			const error = thrownBy(() => requireKommoId(node, value, 'Contact ID', 4));
			expect(error.message).toMatch(/^Contact ID must be a Kommo ID \(digits only\), got "/);
			expect(error.context.itemIndex).toBe(4);
		}
	});
});

describe('optionalKommoId', () => {
	test('empty (nothing, or blank text) is undefined; an id is read like a required one', () => {
		for (const value of ['', '  ', undefined, null]) {
			expect(optionalKommoId(node, value, 'Pipeline', 0)).toBeUndefined();
		}
		expect(optionalKommoId(node, 6950551, 'Pipeline', 0)).toBe(6950551);
		expect(optionalKommoId(node, '6950551', 'Pipeline', 0)).toBe(6950551);
	});
});
