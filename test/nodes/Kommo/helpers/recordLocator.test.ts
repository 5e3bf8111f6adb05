/**
 * The Lead ID, Contact ID and "Lead or Contact" locators: By URL extraction, n8n's own check of a
 * typed value, and workflows saved before these fields were locators (a plain value or a plain
 * expression), run through n8n's engine next to the locator shape the editor saves now.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NodeHelpers } from 'n8n-workflow';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { Kommo } from '../../../../nodes/Kommo/Kommo.node';
import {
	parseRecordUrl,
	recordLocatorProperty,
	recordUrlExtractRegex,
} from '../../../../nodes/Kommo/helpers/recordLocator';
import { createdNoteFixture, kommo, leadFixture, runKommo, setUpKommoTests } from '../kommoTestKit';

setUpKommoTests();

const { description } = new Kommo();
/** A field's value as saved: a plain ID or expression (before), or a locator (now). */
type Stored = string | IDataObject;
const locator = (mode: string, value: string): IDataObject => ({ __rl: true, mode, value });
const getLead = (leadId: Stored) => ({ resource: 'lead', operation: 'get', leadId });

function kommoNode(parameters: IDataObject): INode {
	return {
		id: 'kommo',
		name: 'Kommo',
		type: 'n8n-nodes-intercom-kommo.kommo',
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INodeParameters,
	};
}

/** What n8n's editor and its run check (WorkflowExecute) flag on a node: null when nothing. */
function issuesOf(parameters: IDataObject) {
	const node = kommoNode(parameters);
	node.parameters = NodeHelpers.getNodeParameters(
		description.properties,
		node.parameters,
		true,
		false,
		node,
		description,
	) as INodeParameters;
	return NodeHelpers.getNodeParametersIssues(description.properties, node, description);
}

describe('the locator of each field', () => {
	test.each([
		['leadId', { resource: 'lead', operation: 'get' }, 'searchLeads'],
		['leadId', { resource: 'lead', operation: 'update' }, 'searchLeads'],
		['leadId', { resource: 'lead', operation: 'getIntercomConversation' }, 'searchLeads'],
		[
			'contactId',
			{ resource: 'lead', operation: 'create', contactMode: 'existing' },
			'searchContacts',
		],
		['entityId', { resource: 'note', operation: 'add' }, 'searchNoteOwners'],
	])('%s (%o): From List (%s), By ID, By URL', (name, shownFor, method) => {
		const shown = description.properties.filter(
			(property) =>
				property.name === name &&
				NodeHelpers.displayParameter(shownFor as never, property, kommoNode(shownFor), description),
		);
		expect(shown).toHaveLength(1);
		expect(shown[0]).toMatchObject({ type: 'resourceLocator', required: true });
		expect(shown[0].modes?.map((mode) => [mode.name, mode.type])).toEqual([
			['list', 'list'],
			['id', 'string'],
			['url', 'string'],
		]);
		expect(shown[0].modes?.[0].typeOptions?.searchListMethod).toBe(method);
	});

	test("Note › Add's list empties when Add To changes (leads and contacts differ)", () => {
		const entityId = description.properties.find((property) => property.name === 'entityId');
		expect(entityId?.typeOptions?.loadOptionsDependsOn).toEqual(['entityType']);
	});
});

describe('By URL', () => {
	test.each([
		['https://acme.kommo.com/leads/detail/19619', '19619'],
		['https://acme.amocrm.ru/leads/detail/19619', '19619'],
		['https://old-account.amocrm.com/leads/detail/19619', '19619'],
		['http://acme.kommo.com/leads/detail/19619?tab=notes', '19619'],
		['https://acme.kommo.com/leads/detail/19619/', '19619'],
	])("n8n's extraction takes the ID out of %s", (url, id) => {
		// what n8n-core does with a mode's extractValue: one group, the ID
		const match = new RegExp(recordUrlExtractRegex(['lead'])).exec(url);
		expect(match?.slice(1)).toEqual([id]);
	});

	test.each([
		'https://acme.kommo.com/contacts/detail/19619',
		'https://example.com/leads/detail/19619',
		'https://acme.kommo.com/leads/pipeline/7000001',
		'19619',
	])('a lead field takes no ID out of %s', (url) => {
		expect(new RegExp(recordUrlExtractRegex(['lead'])).exec(url)).toBeNull();
	});

	test('a lead-or-contact field takes the ID out of either address', () => {
		const regex = new RegExp(recordUrlExtractRegex(['lead', 'contact']));
		expect(regex.exec('https://acme.kommo.com/leads/detail/19619')?.[1]).toBe('19619');
		expect(regex.exec('https://acme.kommo.com/contacts/detail/406322')?.[1]).toBe('406322');
	});

	test('parseRecordUrl says which kind of record an address points at', () => {
		expect(parseRecordUrl(' https://acme.kommo.com/contacts/detail/406322 ')).toEqual({
			kind: 'contact',
			id: '406322',
		});
		expect(parseRecordUrl('https://acme.amocrm.ru/leads/detail/19619#notes')).toEqual({
			kind: 'lead',
			id: '19619',
		});
		expect(parseRecordUrl('https://acme.kommo.com/leads/detail/19619abc')).toBeNull();
		expect(parseRecordUrl('https://acme.kommo.com/companies/detail/5')).toBeNull();
		expect(parseRecordUrl(19619)).toBeNull();
	});

	test.each([
		'https://acme.kommo.com/leads/detail/19619',
		'https://acme.amocrm.ru/leads/detail/19619?tab=notes',
		'  https://acme.kommo.com/leads/detail/19619/  ',
	])('the engine reads lead 19619 from %s', async (url) => {
		const scope = kommo()
			.get('/api/v4/leads/19619')
			.query({ with: 'contacts' })
			.reply(200, leadFixture(19619, 58141807, 6950551));
		const result = await runKommo(getLead(locator('url', url)));
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0].id).toBe(19619);
		scope.done();
	});
});

describe("n8n's check of a typed value (the editor shows it, and a run does not start with it)", () => {
	const leadParameters = (leadId: Stored) => getLead(leadId);

	test.each([
		['By ID', locator('id', '19619')],
		['By ID with spaces around', locator('id', ' 19619 ')],
		['By URL', locator('url', 'https://acme.kommo.com/leads/detail/19619')],
		['By URL with a query', locator('url', 'https://acme.kommo.com/leads/detail/19619?tab=x')],
		['From List', locator('list', '19619')],
		['an expression in any mode', locator('url', '={{ $json.url }}')],
		['a plain ID saved before the field was a locator', '19619'],
		['a plain expression saved before', '={{ $json.leadId }}'],
	])('%s: no issue', (_, value) => {
		expect(issuesOf(leadParameters(value))).toBeNull();
	});

	test.each([
		['By ID with letters', locator('id', 'abc'), 'A lead ID is a number, e.g. 19619'],
		[
			"By URL with a contact's address",
			locator('url', 'https://acme.kommo.com/contacts/detail/406322'),
			'Paste the address of a lead from Kommo, e.g. https://mycompany.kommo.com/leads/detail/19619',
		],
		['nothing chosen', locator('list', ''), 'Parameter "Lead ID" is required.'],
	])('%s: flagged', (_, value, message) => {
		expect(issuesOf(leadParameters(value))?.parameters?.leadId).toEqual([message]);
	});
});

describe('workflows saved before these fields were locators run as they did', () => {
	const leadCreate = (contactId: Stored) => ({
		resource: 'lead',
		operation: 'create',
		name: 'Intercom chat with Ann',
		contactMode: 'existing',
		contactId,
	});
	const noteAdd = (entityType: string, entityId: Stored) => ({
		resource: 'note',
		operation: 'add',
		entityType,
		entityId,
		text: 'Hello',
		skipIfAlreadyWritten: false,
	});

	test.each([
		['the plain expression saved before', '={{ $json.contactId }}'],
		['the locator the editor saves now', locator('id', '={{ $json.contactId }}')],
		['a plain ID saved before', '406322'],
		['a contact from the list', locator('list', '406322')],
		['a contact address', locator('url', 'https://acme.kommo.com/contacts/detail/406322')],
	])('Lead › Create links the contact from %s', async (_, contactId) => {
		const scope = kommo()
			.post('/api/v4/leads', [
				{
					name: 'Intercom chat with Ann',
					_embedded: { contacts: [{ id: 406322, is_main: true }] },
				},
			])
			.reply(200, { _embedded: { leads: [{ id: 19619 }] } });
		const result = await runKommo(leadCreate(contactId), [{ json: { contactId: 406322 } }]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 19619, contactId: 406322 });
		scope.done();
	});

	test.each([
		['lead', 'the plain expression saved before', '={{ $json.id }}', '/api/v4/leads/notes'],
		[
			'lead',
			'the locator the editor saves now',
			locator('id', '={{ $json.id }}'),
			'/api/v4/leads/notes',
		],
		['contact', 'the plain expression saved before', '={{ $json.id }}', '/api/v4/contacts/notes'],
		[
			'contact',
			'a contact address',
			locator('url', 'https://acme.kommo.com/contacts/detail/19619'),
			'/api/v4/contacts/notes',
		],
	])('Note › Add on a %s, from %s', async (entityType, _, entityId, endpoint) => {
		const scope = kommo()
			.post(endpoint, [{ entity_id: 19619, note_type: 'common', params: { text: 'Hello' } }])
			.reply(200, createdNoteFixture(42709325));
		const result = await runKommo(noteAdd(entityType, entityId), [{ json: { id: 19619 } }]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ entityId: 19619, entityType, skipped: false });
		scope.done();
	});

	test("Note › Add refuses a lead's address when Add To is Contact", async () => {
		const result = await runKommo(
			noteAdd('contact', locator('url', 'https://acme.kommo.com/leads/detail/19619')),
		);
		expect(result.error('Kommo')?.message).toBe(
			'Contact ID: "https://acme.kommo.com/leads/detail/19619" is the address of a lead, not of a contact',
		);
	});

	const templateDir = path.resolve(__dirname, '../../../../workflows');
	const templateNodes = readdirSync(templateDir)
		.filter((file) => file.endsWith('.json'))
		.flatMap((file) =>
			(JSON.parse(readFileSync(path.join(templateDir, file), 'utf8')).nodes as INode[])
				.filter((node) => node.type === 'n8n-nodes-intercom-kommo.kommo')
				.map((node) => ({ file, node })),
		);
	const LOCATORS = ['leadId', 'contactId', 'entityId'];

	test('the templates save each Kommo record field as the editor does: a locator By ID', () => {
		const saved = templateNodes.flatMap(({ node }) =>
			LOCATORS.filter((name) => name in node.parameters).map((name) => node.parameters[name]),
		);
		expect(saved.length).toBeGreaterThanOrEqual(9);
		for (const value of saved) {
			expect(value).toEqual({ __rl: true, mode: 'id', value: expect.stringMatching(/^=\{\{/) });
		}
	});

	test('the same templates as saved before (plain expressions): no issue on these fields, and n8n keeps their values', () => {
		for (const { file, node } of templateNodes) {
			const before: IDataObject = { ...node.parameters };
			for (const name of LOCATORS) {
				const value = before[name] as IDataObject | undefined;
				if (value && typeof value === 'object') before[name] = value.value;
			}
			const resolved = NodeHelpers.getNodeParameters(
				description.properties,
				before as INodeParameters,
				true,
				false,
				kommoNode(before),
				description,
			) as IDataObject;
			// (a template leaves some account lists for the user to pick: those are flagged, as before)
			const issues = issuesOf(before)?.parameters ?? {};
			for (const name of LOCATORS.filter((key) => key in before)) {
				expect([file, node.name, resolved[name]]).toEqual([file, node.name, before[name]]);
				expect([file, node.name, issues[name]]).toEqual([file, node.name, undefined]);
			}
		}
	});
});

test('recordLocatorProperty leaves Depends On out unless asked', () => {
	const property = recordLocatorProperty({
		displayName: 'Lead ID',
		name: 'leadId',
		kinds: ['lead'],
		searchListMethod: 'searchLeads',
	});
	expect(property.typeOptions).toBeUndefined();
	expect(property.description).toBeUndefined();
});
