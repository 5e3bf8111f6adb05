/**
 * Tag names as the user gives them, and the per-execution tag lookups: find-or-create once per name,
 * the tag list once, a failed lookup asked again by the next item rather than remembered.
 */
import type { INode, IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseTagNames } from '../../../../nodes/Intercom/helpers/tags';
import { byId, fixture, intercom, runIntercom, setupNock } from '../helpers';

setupNock();

const node = { name: 'Intercom' } as INode;
const forbidden = { type: 'error.list', errors: [{ code: 'forbidden', message: 'Nope' }] };

describe('parseTagNames', () => {
	test('a comma-separated list or an array; trimmed, blanks and case repeats dropped', () => {
		expect(parseTagNames(node, ' VIP, , vip ,Kommo: Won', 0)).toEqual(['VIP', 'Kommo: Won']);
		expect(parseTagNames(node, ['a, b', ' c ', null, 'C'], 0)).toEqual(['a, b', 'c']);
		expect(parseTagNames(node, 42, 0)).toEqual(['42']);
	});

	test('tags as Intercom returns them stand for their names (they used to become "[object Object]")', () => {
		const tags = [
			{ type: 'tag', id: '1', name: 'VIP' },
			{ type: 'tag', id: '2', name: 'vip' },
			{ type: 'tag', id: '3', name: 'Kommo: Won' },
		];
		expect(parseTagNames(node, tags, 0)).toEqual(['VIP', 'Kommo: Won']);
	});

	test('no name at all is refused for the item, saying what to enter', () => {
		for (const raw of ['', ' , ', [], [' '], null, undefined]) {
			let thrown: unknown;
			try {
				parseTagNames(node, raw, 3);
			} catch (error) {
				thrown = error;
			}
			expect(thrown).toBeInstanceOf(NodeOperationError);
			expect((thrown as NodeOperationError).message).toBe('No tag name given');
			expect((thrown as NodeOperationError).description).toBe(
				'Enter one tag name, or several separated by commas',
			);
			expect((thrown as NodeOperationError).context.itemIndex).toBe(3);
		}
	});
});

describe('TagDirectory, through Add Tag and Remove Tag', () => {
	const tagAs = (operation: string, extra: IDataObject = {}) => ({
		resource: 'conversation',
		operation,
		conversationId: byId('={{ $json.conversationId }}'),
		tagNames: '={{ $json.tag }}',
		actAs: 'chosenAdmin',
		adminId: '991267460',
		...extra,
	});

	test('one POST /tags per name for the whole execution, whatever its case', async () => {
		const scope = intercom()
			.post('/tags', { name: 'VIP' })
			.once()
			.reply(200, { type: 'tag', id: '17', name: 'VIP' })
			.post('/conversations/1/tags', { id: '17', admin_id: '991267460' })
			.reply(200, {})
			.post('/conversations/2/tags', { id: '17', admin_id: '991267460' })
			.reply(200, {});
		const result = await runIntercom(tagAs('addTag'), {
			input: [
				{ json: { conversationId: '1', tag: 'VIP' } },
				{ json: { conversationId: '2', tag: 'vip' } },
			],
		});
		expect(result.nodeError).toBeUndefined();
		expect(result.items.map((item) => item.json.tag)).toEqual([
			{ id: '17', name: 'VIP' },
			{ id: '17', name: 'VIP' },
		]);
		scope.done();
	});

	test('a failed POST /tags is not remembered: the next item asks again', async () => {
		const scope = intercom()
			.post('/tags', { name: 'VIP' })
			.reply(403, forbidden)
			.post('/tags', { name: 'VIP' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' })
			.post('/conversations/2/tags', { id: '17', admin_id: '991267460' })
			.reply(200, {});
		const result = await runIntercom(tagAs('addTag'), {
			input: [
				{ json: { conversationId: '1', tag: 'VIP' } },
				{ json: { conversationId: '2', tag: 'VIP' } },
			],
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/^Intercom refused this action/);
		expect(result.items[1].json.applied).toBe(true);
		scope.done();
	});

	test('a failed GET /tags is not remembered either', async () => {
		const scope = intercom()
			.get('/tags')
			.reply(403, forbidden)
			.get('/tags')
			.reply(200, fixture('tags'))
			.delete('/conversations/2/tags/7010202', { admin_id: '991267460' })
			.reply(200, { type: 'tag', id: '7010202', name: 'Kommo: Qualified' });
		const result = await runIntercom(tagAs('removeTag'), {
			input: [
				{ json: { conversationId: '1', tag: 'Kommo: Qualified' } },
				{ json: { conversationId: '2', tag: 'KOMMO: QUALIFIED' } },
			],
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/^Intercom refused this action/);
		expect(result.items[1].json).toMatchObject({
			tag: { id: '7010202', name: 'Kommo: Qualified' },
			removed: true,
		});
		scope.done();
	});
});
