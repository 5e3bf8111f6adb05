/** The Lead ID every lead operation reads: a resource locator, and any value saved before it was one. */
import type { IDataObject } from 'n8n-workflow';

import { leadIdProperty } from '../../../../../nodes/Kommo/actions/lead/common';
import { kommo, leadFixture, runKommo, setUpKommoTests } from '../../kommoTestKit';

setUpKommoTests();

/** A field's value as saved: a plain ID or expression (before), or a locator (now). */
type Stored = string | IDataObject;
const get = (leadId: Stored) => ({ resource: 'lead', operation: 'get', leadId });
const locator = (mode: string, value: string): IDataObject => ({ __rl: true, mode, value });

test('the Lead ID field is a required locator: From List (Kommo leads), By ID, By URL', () => {
	expect(leadIdProperty).toMatchObject({
		name: 'leadId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
	});
	expect(leadIdProperty.modes?.map((mode) => mode.name)).toEqual(['list', 'id', 'url']);
	expect(leadIdProperty.modes?.[0].typeOptions?.searchListMethod).toBe('searchLeads');
});

test.each([
	['a plain expression, as saved before the field was a locator', '={{ $json.id }}'],
	['a locator By ID holding an expression', locator('id', '={{ $json.id }}')],
])('%s: a mapped number or a pasted id both work', async (_, leadId) => {
	const scope = kommo()
		.get('/api/v4/leads/19619')
		.query({ with: 'contacts' })
		.times(2)
		.reply(200, leadFixture(19619, 58141807, 6950551));
	const result = await runKommo(get(leadId), [
		{ json: { id: 19619 } },
		{ json: { id: ' 19619 ' } },
	]);
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo').map((lead) => lead.id)).toEqual([19619, 19619]);
	scope.done();
});

test.each([
	['a plain ID, as saved before', '19619'],
	['From List', locator('list', '19619')],
	['By ID', locator('id', '19619')],
	['By URL', locator('url', 'https://acme.kommo.com/leads/detail/19619')],
])('%s reads lead 19619', async (_, leadId) => {
	const scope = kommo()
		.get('/api/v4/leads/19619')
		.query({ with: 'contacts' })
		.reply(200, leadFixture(19619, 58141807, 6950551));
	const result = await runKommo(get(leadId));
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')[0].id).toBe(19619);
	scope.done();
});

test('anything but a positive whole number fails that item, naming the field', async () => {
	const result = await runKommo(
		get('={{ $json.id }}'),
		[{ json: { id: 'abc' } }, { json: { id: 0 } }, { json: { id: '12.5' } }],
		{ continueOnFail: true },
	);
	expect(result.json('Kommo').map((item) => item.error)).toEqual([
		'Lead ID must be a Kommo ID (digits only), got "abc"',
		'Lead ID must be a Kommo ID (digits only), got "0"',
		'Lead ID must be a Kommo ID (digits only), got "12.5"',
	]);
});

test("By URL: a contact's address, or no Kommo address, fails that item before any request", async () => {
	const result = await runKommo(
		get(locator('url', '={{ $json.url }}')),
		[
			{ json: { url: 'https://acme.kommo.com/contacts/detail/406322' } },
			{ json: { url: 'https://example.com/leads/detail/19619' } },
		],
		{ continueOnFail: true },
	);
	expect(result.json('Kommo').map((item) => item.error)).toEqual([
		'Lead ID: "https://acme.kommo.com/contacts/detail/406322" is the address of a contact, not of a lead',
		'Lead ID: "https://example.com/leads/detail/19619" is not the address of a lead in Kommo',
	]);
});
