/**
 * Who a tag change is recorded for: the admin chosen, or the token's owner (GET /me once per
 * workspace and token in this process, for TOKEN_OWNER_TTL_MS). Through the Add Tag operation.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { TOKEN_OWNER_TTL_MS } from '../../../../nodes/Intercom/helpers/admin';
import { INTERCOM_CREDENTIAL } from '../../../../nodes/shared/intercom/transport';
import { useClock } from '../../../../nodes/shared/clock';
import { credentialReads } from '../../../helpers/n8n';
import { US, byId, credentials, fixture, intercom, runIntercom, setupNock } from '../helpers';

setupNock();

const me = fixture('me');
const addTag = (extra: IDataObject = {}) => ({
	resource: 'conversation',
	operation: 'addTag',
	conversationId: byId('={{ $json.conversationId }}'),
	tagNames: 'Kommo: Won',
	...extra,
});

describe('AdminResolver', () => {
	test('a chosen admin left empty is a clear error', async () => {
		const result = await runIntercom(
			addTag({ actAs: 'chosenAdmin', adminId: '={{ $json.nobody }}' }),
			{
				input: [{ json: { conversationId: '215468' } }],
			},
		);

		expect(result.nodeError?.message).toBe('No admin chosen in "Admin"');
	});
	test('asking for the token owner reads the credential no second time', async () => {
		const scope = intercom()
			.get('/me')
			.reply(200, me)
			.post('/tags', { name: 'Kommo: Won' })
			.reply(200, { type: 'tag', id: '7010203', name: 'Kommo: Won' })
			.post('/conversations/3/tags', { id: '7010203', admin_id: '991267459' })
			.reply(200, {});
		credentialReads.clear();
		const result = await runIntercom(addTag(), { input: [{ json: { conversationId: '3' } }] });
		expect(result.items[0].json.applied).toBe(true);
		scope.done();
		expect(credentialReads.get(INTERCOM_CREDENTIAL)).toBe(1);
	});
	test('later executions with the same token reuse the token owner; another token asks again', async () => {
		const tagged = (scope: nock.Scope, id: string) =>
			scope
				.post('/tags', { name: 'Kommo: Won' })
				.reply(200, { type: 'tag', id: '7010203', name: 'Kommo: Won' })
				.post(`/conversations/${id}/tags`, { id: '7010203', admin_id: '991267459' })
				.reply(200, {});
		const first = tagged(intercom().get('/me').once().reply(200, me), '1');
		const second = tagged(intercom(), '2');
		for (const conversationId of ['1', '2']) {
			const result = await runIntercom(addTag(), { input: [{ json: { conversationId } }] });
			expect(result.items[0].json.applied).toBe(true);
		}
		first.done();
		second.done();

		const asOtherToken = nock(US, { reqheaders: { authorization: 'Bearer another-token' } });
		const otherToken = tagged(asOtherToken.get('/me').once().reply(200, me), '3');
		const result = await runIntercom(addTag(), {
			input: [{ json: { conversationId: '3' } }],
			credentials: credentials({ accessToken: 'another-token' }),
		});
		expect(result.items[0].json.applied).toBe(true);
		otherToken.done();
	});
	test('a failed GET /me is asked again for the next item rather than remembered', async () => {
		const scope = intercom()
			.get('/me')
			.reply(403, { type: 'error.list', errors: [{ code: 'forbidden', message: 'Nope' }] })
			.get('/me')
			.reply(200, me)
			.post('/tags', { name: 'Kommo: Won' })
			.reply(200, { type: 'tag', id: '7010203', name: 'Kommo: Won' })
			.post('/conversations/2/tags', { id: '7010203', admin_id: '991267459' })
			.reply(200, {});

		const result = await runIntercom(addTag(), {
			input: [{ json: { conversationId: '1' } }, { json: { conversationId: '2' } }],
			continueOnFail: true,
		});

		expect(result.items[0].json.error).toMatch(/^Intercom refused this action/);
		expect(result.items[1].json.applied).toBe(true);
		scope.done();
	});

	test('an admin id typed with spaces is sent trimmed', async () => {
		const scope = intercom()
			.post('/tags', { name: 'Kommo: Won' })
			.reply(200, { type: 'tag', id: '9', name: 'Kommo: Won' })
			.post('/conversations/215468/tags', { id: '9', admin_id: '991267460' })
			.reply(200, {});
		const result = await runIntercom(addTag({ actAs: 'chosenAdmin', adminId: ' 991267460 ' }), {
			input: [{ json: { conversationId: '215468' } }],
		});
		expect(result.nodeError).toBeUndefined();
		scope.done();
	});

	test('GET /me without an id is explained, with what to do instead, and nothing is tagged', async () => {
		const scope = intercom().get('/me').reply(200, { type: 'admin', name: 'Nobody' });
		const result = await runIntercom(addTag(), { input: [{ json: { conversationId: '215468' } }] });
		expect(result.nodeError?.message).toBe(
			'Intercom did not say which admin owns the access token (GET /me returned no id)',
		);
		expect((result.nodeError as IDataObject | undefined)?.description).toBe(
			'Set "Act As" to "Chosen Admin" and pick an admin instead',
		);
		scope.done();
		expect(nock.pendingMocks()).toEqual([]);
	});

	test(`the token owner is asked again after ${TOKEN_OWNER_TTL_MS / 60000} minutes`, async () => {
		let nowMs = 1_800_000_000_000;
		useClock({ now: () => nowMs, sleep: async () => undefined });
		const tagged = (scope: nock.Scope) =>
			scope
				.post('/tags', { name: 'Kommo: Won' })
				.reply(200, { type: 'tag', id: '7010203', name: 'Kommo: Won' })
				.post('/conversations/1/tags', { id: '7010203', admin_id: '991267459' })
				.reply(200, {});
		const first = tagged(intercom().get('/me').once().reply(200, me));
		await runIntercom(addTag(), { input: [{ json: { conversationId: '1' } }] });
		first.done();

		nowMs += TOKEN_OWNER_TTL_MS - 1;
		const cached = tagged(intercom());
		await runIntercom(addTag(), { input: [{ json: { conversationId: '1' } }] });
		cached.done();

		nowMs += 1;
		const again = tagged(intercom().get('/me').once().reply(200, me));
		const result = await runIntercom(addTag(), { input: [{ json: { conversationId: '1' } }] });
		expect(result.items[0].json.applied).toBe(true);
		again.done();
	});
});
