import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import {
	EU,
	byId,
	byUrl,
	credentials,
	fixture,
	intercom,
	runIntercom,
	setupNock,
} from '../../helpers';

setupNock();

const me = fixture('me');
const addTag = (extra: IDataObject = {}) => ({
	resource: 'conversation',
	operation: 'addTag',
	conversationId: byId('={{ $json.conversationId }}'),
	tagNames: 'Kommo: Won',
	...extra,
});

describe('Conversation → Add Tag', () => {
	test('as the token owner: GET /me once for three items, tag found-or-created once, attached to each', async () => {
		const scope = intercom()
			.get('/me')
			.once()
			.reply(200, me)
			.post('/tags', { name: 'Kommo: Won' })
			.once()
			.reply(200, { type: 'tag', id: '7010203', name: 'Kommo: Won' });
		for (const id of ['215468', '215469', '215470']) {
			scope.post(`/conversations/${id}/tags`, { id: '7010203', admin_id: '991267459' }).reply(200, {
				type: 'tag',
				id: '7010203',
				name: 'Kommo: Won',
				applied_at: 1767229000,
				applied_by: { type: 'admin', id: '991267459' },
			});
		}

		const result = await runIntercom(addTag(), {
			input: [
				{ json: { conversationId: '215468' } },
				{ json: { conversationId: '215469' } },
				{ json: { conversationId: 215470 } },
			],
		});

		expect(result.nodeError).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					conversationId: '215468',
					tag: { id: '7010203', name: 'Kommo: Won' },
					applied: true,
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					conversationId: '215469',
					tag: { id: '7010203', name: 'Kommo: Won' },
					applied: true,
				},
				pairedItem: { item: 1 },
			},
			{
				json: {
					conversationId: '215470',
					tag: { id: '7010203', name: 'Kommo: Won' },
					applied: true,
				},
				pairedItem: { item: 2 },
			},
		]);
		scope.done();
	});

	test('as a chosen admin: no GET /me, the chosen id is sent', async () => {
		const scope = intercom()
			.post('/tags', { name: 'VIP' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' })
			.post('/conversations/215468/tags', { id: '17', admin_id: '991267460' })
			.reply(200, { type: 'tag', id: '17', name: 'VIP' });

		const result = await runIntercom(
			addTag({
				conversationId: byUrl('https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468'),
				tagNames: 'VIP',
				actAs: 'chosenAdmin',
				adminId: '991267460',
			}),
		);

		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json).toEqual({
			conversationId: '215468',
			tag: { id: '17', name: 'VIP' },
			applied: true,
		});
		scope.done();
	});

	test('tag names and admin id from expressions; several names, blanks and case repeats dropped', async () => {
		const scope = intercom()
			.post('/tags', { name: 'Kommo: Qualified' })
			.reply(200, { type: 'tag', id: '7010202', name: 'Kommo: Qualified' })
			.post('/tags', { name: 'Billing' })
			.reply(200, { type: 'tag', id: '7010201', name: 'Billing' })
			.post('/conversations/215468/tags', { id: '7010202', admin_id: '814865' })
			.reply(200, {})
			.post('/conversations/215468/tags', { id: '7010201', admin_id: '814865' })
			.reply(200, {});

		const result = await runIntercom(
			addTag({
				tagNames: '={{ $json.tags }}',
				actAs: 'chosenAdmin',
				adminId: '={{ $json.admin }}',
			}),
			{
				input: [
					{
						json: {
							conversationId: '215468',
							tags: ' Kommo: Qualified , ,Billing, kommo: qualified',
							admin: 814865,
						},
					},
				],
			},
		);

		expect(result.nodeError).toBeUndefined();
		expect(result.items.map((item) => item.json.tag)).toEqual([
			{ id: '7010202', name: 'Kommo: Qualified' },
			{ id: '7010201', name: 'Billing' },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		scope.done();
	});

	test('an array of names from an expression works too', async () => {
		const scope = intercom()
			.get('/me')
			.reply(200, me)
			.post('/tags', { name: 'A' })
			.reply(200, { type: 'tag', id: '1', name: 'A' })
			.post('/tags', { name: 'B' })
			.reply(200, { type: 'tag', id: '2', name: 'B' })
			.post('/conversations/215468/tags', { id: '1', admin_id: '991267459' })
			.reply(200, {})
			.post('/conversations/215468/tags', { id: '2', admin_id: '991267459' })
			.reply(200, {});

		const result = await runIntercom(addTag({ tagNames: '={{ ["A", "B"] }}' }), {
			input: [{ json: { conversationId: '215468' } }],
		});

		expect(result.nodeError).toBeUndefined();
		expect(result.items).toHaveLength(2);
		scope.done();
	});

	test('an empty tag name is refused before anything is created', async () => {
		const result = await runIntercom(addTag({ tagNames: '={{ $json.tag }}' }), {
			input: [{ json: { conversationId: '215468', tag: ' , ' } }],
		});

		expect(result.nodeError?.message).toBe('No tag name given');
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('works against the EU host', async () => {
		const scope = intercom(EU)
			.get('/me')
			.reply(200, me)
			.post('/tags', { name: 'Kommo: Won' })
			.reply(200, { type: 'tag', id: '9', name: 'Kommo: Won' })
			.post('/conversations/215468/tags', { id: '9', admin_id: '991267459' })
			.reply(200, {});

		const result = await runIntercom(addTag(), {
			input: [{ json: { conversationId: '215468' } }],
			credentials: credentials({ region: 'eu' }),
		});

		expect(result.nodeError).toBeUndefined();
		scope.done();
	});

	test('continueOnFail: a missing conversation becomes an error item, the others are tagged', async () => {
		const scope = intercom()
			.get('/me')
			.reply(200, me)
			.post('/tags', { name: 'Kommo: Won' })
			.reply(200, { type: 'tag', id: '7010203', name: 'Kommo: Won' })
			.post('/conversations/1/tags', { id: '7010203', admin_id: '991267459' })
			.reply(200, {})
			.post('/conversations/2/tags', { id: '7010203', admin_id: '991267459' })
			.reply(404, fixture('error-not-found'))
			.post('/conversations/3/tags', { id: '7010203', admin_id: '991267459' })
			.reply(200, {});

		const result = await runIntercom(addTag(), {
			input: [
				{ json: { conversationId: '1' } },
				{ json: { conversationId: '2' } },
				{ json: { conversationId: '3' } },
			],
			continueOnFail: true,
		});

		expect(result.nodeError).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: { conversationId: '1', tag: { id: '7010203', name: 'Kommo: Won' }, applied: true },
				pairedItem: { item: 0 },
			},
			{
				json: {
					error:
						'Conversation not found — check the id (and the region: an EU workspace needs the EU region)',
					description: expect.stringContaining('HTTP 404'),
				},
				pairedItem: { item: 1 },
			},
			{
				json: { conversationId: '3', tag: { id: '7010203', name: 'Kommo: Won' }, applied: true },
				pairedItem: { item: 2 },
			},
		]);
		scope.done();
	});

	test('without continueOnFail the failing item stops the node and names its index', async () => {
		const scope = intercom()
			.get('/me')
			.reply(200, me)
			.post('/tags', { name: 'Kommo: Won' })
			.reply(200, { type: 'tag', id: '7010203', name: 'Kommo: Won' })
			.post('/conversations/1/tags')
			.reply(200, {})
			.post('/conversations/2/tags')
			.reply(404, fixture('error-not-found'));

		const result = await runIntercom(addTag(), {
			input: [
				{ json: { conversationId: '1' } },
				{ json: { conversationId: '2' } },
				{ json: { conversationId: '3' } },
			],
		});

		expect(result.nodeError?.name).toBe('NodeApiError');
		expect((result.nodeError?.context as IDataObject).itemIndex).toBe(1);
		scope.done();
	});
});
