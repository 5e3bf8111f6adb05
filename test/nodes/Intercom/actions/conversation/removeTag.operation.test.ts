import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { byId, fixture, intercom, runIntercom, setupNock } from '../../helpers';

setupNock();

const me = fixture('me');
const tags = fixture('tags');
const removeTag = (extra: IDataObject = {}) => ({
	resource: 'conversation',
	operation: 'removeTag',
	conversationId: byId('={{ $json.conversationId }}'),
	tagNames: 'kommo: qualified',
	...extra,
});

describe('Conversation → Remove Tag', () => {
	test('finds the tag by name (any case) once and removes it as the token owner', async () => {
		const scope = intercom()
			.get('/me')
			.once()
			.reply(200, me)
			.get('/tags')
			.once()
			.reply(200, tags)
			.delete('/conversations/215468/tags/7010202', { admin_id: '991267459' })
			.reply(200, { type: 'tag', id: '7010202', name: 'Kommo: Qualified' })
			.delete('/conversations/215469/tags/7010202', { admin_id: '991267459' })
			.reply(200, { type: 'tag', id: '7010202', name: 'Kommo: Qualified' });

		const result = await runIntercom(removeTag(), {
			input: [{ json: { conversationId: '215468' } }, { json: { conversationId: '215469' } }],
		});

		expect(result.nodeError).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					conversationId: '215468',
					tag: { id: '7010202', name: 'Kommo: Qualified' },
					removed: true,
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					conversationId: '215469',
					tag: { id: '7010202', name: 'Kommo: Qualified' },
					removed: true,
				},
				pairedItem: { item: 1 },
			},
		]);
		scope.done();
	});

	test('a tag that does not exist is not created and nothing is deleted', async () => {
		const scope = intercom().get('/me').reply(200, me).get('/tags').reply(200, tags);

		const result = await runIntercom(removeTag({ tagNames: 'Kommo: Lost' }), {
			input: [{ json: { conversationId: '215468' } }],
		});

		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json).toEqual({
			conversationId: '215468',
			tag: { id: null, name: 'Kommo: Lost' },
			removed: false,
		});
		// any POST /tags or DELETE would have hit nock's "no match" and failed the node
		scope.done();
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('a tag that exists but is not on the conversation reports removed: false', async () => {
		const scope = intercom()
			.get('/tags')
			.reply(200, tags)
			.delete('/conversations/215468/tags/7010203', { admin_id: '991267460' })
			.reply(404, {
				type: 'error.list',
				request_id: 'r-1',
				errors: [{ code: 'tag_not_found', message: 'Tag not found' }],
			});

		const result = await runIntercom(
			removeTag({ tagNames: 'Kommo: Won', actAs: 'chosenAdmin', adminId: '991267460' }),
			{ input: [{ json: { conversationId: '215468' } }] },
		);

		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json).toEqual({
			conversationId: '215468',
			tag: { id: '7010203', name: 'Kommo: Won' },
			removed: false,
		});
		scope.done();
	});

	test('a missing conversation is still an error', async () => {
		const scope = intercom()
			.get('/tags')
			.reply(200, tags)
			.delete('/conversations/999/tags/7010202', { admin_id: '991267460' })
			.reply(404, fixture('error-not-found'));

		const result = await runIntercom(removeTag({ actAs: 'chosenAdmin', adminId: '991267460' }), {
			input: [{ json: { conversationId: '999' } }],
		});

		expect(result.nodeError?.message).toBe(
			'Conversation not found — check the id (and the region: an EU workspace needs the EU region)',
		);
		scope.done();
	});

	test('several names: existing ones removed, unknown ones reported', async () => {
		const scope = intercom()
			.get('/tags')
			.reply(200, tags)
			.delete('/conversations/215468/tags/7010201', { admin_id: '991267460' })
			.reply(200, {})
			.delete('/conversations/215468/tags/7010203', { admin_id: '991267460' })
			.reply(200, {});

		const result = await runIntercom(
			removeTag({
				tagNames: 'billing, Nope, KOMMO: WON',
				actAs: 'chosenAdmin',
				adminId: '991267460',
			}),
			{ input: [{ json: { conversationId: '215468' } }] },
		);

		expect(result.items.map((item) => [item.json.tag, item.json.removed])).toEqual([
			[{ id: '7010201', name: 'Billing' }, true],
			[{ id: null, name: 'Nope' }, false],
			[{ id: '7010203', name: 'Kommo: Won' }, true],
		]);
		scope.done();
	});
});
