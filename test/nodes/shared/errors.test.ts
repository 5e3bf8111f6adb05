/** The error shapes every node shares: the item's NodeError, and the Continue On Fail item. */
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem } from '../../../nodes/shared/errors';

const node: INode = {
	id: '1',
	name: 'Kommo',
	type: 'n8n-nodes-intercom-kommo.kommo',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe('asNodeError', () => {
	test('a NodeApiError passes through as it is, tagged with the item', () => {
		const apiError = new NodeApiError(node, { message: 'Kommo answered 404' }, { httpCode: '404' });
		const result = asNodeError(node, apiError, 3);
		expect(result).toBe(apiError);
		expect(result.context.itemIndex).toBe(3);
	});

	test('a NodeOperationError keeps the item it already names', () => {
		const own = new NodeOperationError(node, 'Lead ID must be a Kommo ID', { itemIndex: 1 });
		const result = asNodeError(node, own, 5);
		expect(result).toBe(own);
		expect(result.context.itemIndex).toBe(1);
	});

	test('anything else becomes a NodeOperationError for the item, keeping the message', () => {
		const fromError = asNodeError(node, new TypeError('Cannot read properties of undefined'), 2);
		expect(fromError).toBeInstanceOf(NodeOperationError);
		expect(fromError.message).toBe('Cannot read properties of undefined');
		expect(fromError.context.itemIndex).toBe(2);

		const fromText = asNodeError(node, 'plain words', 0);
		expect(fromText).toBeInstanceOf(NodeOperationError);
		expect(fromText.message).toBe('plain words');
		expect(fromText.context.itemIndex).toBe(0);
	});
});

describe('errorItem', () => {
	test('{ error, description } paired with the failed item; description null when there is none', () => {
		expect(errorItem(node, new Error('boom'), 4)).toEqual({
			json: { error: 'boom', description: null },
			pairedItem: { item: 4 },
		});
		const described = new NodeOperationError(node, 'No tag name given', {
			itemIndex: 1,
			description: 'Enter one tag name',
		});
		expect(errorItem(node, described, 1)).toEqual({
			json: { error: 'No tag name given', description: 'Enter one tag name' },
			pairedItem: { item: 1 },
		});
	});
});
