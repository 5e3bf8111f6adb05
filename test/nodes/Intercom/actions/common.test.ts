/** The fields Get, Add Tag and Remove Tag share, and the order Add/Remove Tag read them in. */
import nock from 'nock';
import type { INodePropertyModeValidation } from 'n8n-workflow';

import {
	actAsFields,
	conversationLocator,
	tagNamesField,
} from '../../../../nodes/Intercom/actions/common';
import { loadOptions } from '../../../../nodes/Intercom/methods';
import { byId, runIntercom, setupNock } from '../helpers';

setupNock();

const mode = (name: string) => conversationLocator.modes!.find((entry) => entry.name === name)!;
const validation = (name: string) =>
	new RegExp(
		(
			(mode(name).validation as INodePropertyModeValidation[])[0].properties as { regex: string }
		).regex,
	);

describe('the conversation locator', () => {
	test('"By ID" accepts digits (with stray spaces) and nothing else', () => {
		const byIdRule = validation('id');
		expect(byIdRule.test('215468')).toBe(true);
		expect(byIdRule.test(' 215468 ')).toBe(true);
		expect(byIdRule.test('abc')).toBe(false);
		expect(byIdRule.test('')).toBe(false);
	});

	test('"By URL" accepts inbox links in every region and extracts the id n8n passes on', () => {
		const byUrlRule = validation('url');
		const extract = new RegExp((mode('url').extractValue as { regex: string }).regex);
		for (const [link, id] of [
			['https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468', '215468'],
			[
				'https://app.eu.intercom.com/a/inbox/abc123/inbox/shared/all/conversation/42?view=List',
				'42',
			],
			['https://app.au.intercom.com/a/apps/abc/conversations/7#part', '7'],
		]) {
			expect(byUrlRule.test(link)).toBe(true);
			expect(extract.exec(link)?.[1]).toBe(id);
		}
		expect(byUrlRule.test('https://example.com/conversation/1')).toBe(false);
		expect(byUrlRule.test('215468')).toBe(false);
	});
});

describe('tag fields', () => {
	test('tag names are required; the admin list comes from a method the node exports', () => {
		expect(tagNamesField.required).toBe(true);
		const [actAs, adminId] = actAsFields;
		expect((actAs.options as Array<{ value: string }>).map((option) => option.value)).toEqual([
			'tokenOwner',
			'chosenAdmin',
		]);
		expect(actAs.default).toBe('tokenOwner');
		expect(Object.keys(loadOptions)).toContain(adminId.typeOptions?.loadOptionsMethod);
		expect(adminId.displayOptions?.show?.actAs).toEqual(['chosenAdmin']);
	});
});

describe('readTagRequest', () => {
	test.each(['addTag', 'removeTag'])(
		'%s: a chosen admin left empty fails before any tag is looked up or created',
		async (operation) => {
			const result = await runIntercom(
				{
					resource: 'conversation',
					operation,
					conversationId: byId('215468'),
					tagNames: 'VIP',
					actAs: 'chosenAdmin',
					adminId: '={{ $json.nobody }}',
				},
				{ input: [{ json: {} }] },
			);
			expect(result.nodeError?.message).toBe('No admin chosen in "Admin"');
			// any request would have hit nock's "no match"
			expect(nock.pendingMocks()).toEqual([]);
		},
	);

	test('a conversation that is no id fails before the tag names are read', async () => {
		const result = await runIntercom(
			{
				resource: 'conversation',
				operation: 'addTag',
				conversationId: byId('={{ $json.id }}'),
				tagNames: '={{ $json.tags }}',
			},
			{ input: [{ json: { id: 'not-an-id', tags: ' , ' } }] },
		);
		expect(result.nodeError?.message).not.toBe('No tag name given');
		expect(result.nodeError?.message).toMatch(/conversation/i);
	});
});
