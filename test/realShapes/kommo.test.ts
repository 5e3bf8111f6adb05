/**
 * Kommo shapes seen in real traffic (test/fixtures/kommo/webhooks, test/fixtures/kommo/rest), through
 * n8n's engine: a v3 webhook (account[_links][self] first, a date field without [value], linked
 * leads keyed by their id, `[code]` where REST says `field_code`, modified_user_id 0, old and new
 * timestamp names side by side, amoCRM-Webhooks/3.0 headers); /leads/complex's bare array with
 * `request_id` as a list; `custom_fields_values: []` refused with TooFew; EMAIL/PHONE as multitext
 * with enum_code or as text with enum.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { deliverWebhook } from '../helpers/n8n';
import {
	credentials,
	kommo,
	kommoTriggerWorkflow,
	runKommo,
	setUpKommoTests,
} from '../nodes/Kommo/kommoTestKit';
import { forgetProcessMemory } from '../../nodes/shared/processMemory';

setUpKommoTests();
afterEach(() => forgetProcessMemory());

const FIXTURES = join(__dirname, '..', 'fixtures', 'kommo');
const text = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const json = <T = IDataObject>(name: string) => JSON.parse(text(name)) as T;

test('a v3 status webhook with a contact update: one lead item, fields kept as Kommo sent them', async () => {
	const scope = kommo()
		.get('/api/v4/account')
		.reply(200, { id: 31361463, subdomain: 'acme' })
		.get('/api/v4/leads/pipelines')
		.reply(200, { _embedded: { pipelines: [] } });
	const workflow = kommoTriggerWorkflow();
	const body = text('webhooks/status-lead.v3-with-contact.form.txt').replace(
		/account%5Bsubdomain%5D=devteam/,
		'account%5Bsubdomain%5D=acme',
	);
	const { response, result } = await deliverWebhook({
		workflow,
		nodeName: 'Kommo Trigger',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			'user-agent': 'amoCRM-Webhooks/3.0',
			'x-amocrm-requestid': '5f0c8a3e-1d2b-4c5a-9e7f-8a6b4c2d1e0f',
		},
		body,
		credentials: credentials as never,
	});
	expect(response.status).toBe(200);
	const items = result.workflowData![0].map((item) => item.json);
	expect(items).toHaveLength(1);
	expect(items[0]).toMatchObject({
		event: 'status_lead',
		leadId: 1001,
		statusId: 142,
		oldStatusId: 58141811,
		account: { id: 31361463, subdomain: 'acme' },
		lead: {
			modified_user_id: '0',
			date_create: '1542067000',
			created_at: '1542067000',
			last_modified: '1542067300',
			updated_at: '1542067300',
			custom_fields: [
				{ id: '1119321', name: 'Source', values: [{ value: 'Intercom chat' }] },
				// a date without [value]
				{ id: '1119322', name: 'Renewal date', values: ['1542067200'] },
			],
		},
	});
	scope.done();
});

test('EMAIL and PHONE as multitext with enum_code or as text with enum: both contacts match', async () => {
	const search = json('rest/contacts-search-channel-shapes.json');
	const scope = kommo().get('/api/v4/contacts').query(true).times(2).reply(200, search);
	const byEmail = await runKommo({
		resource: 'contact',
		operation: 'findByEmail',
		email: 'ann@example.com',
	});
	expect(byEmail.json('Kommo')[0]).toMatchObject({
		found: true,
		contactId: 406322,
		contactCount: 2,
		contacts: [
			expect.objectContaining({ id: 406322, emails: ['ann@example.com'] }),
			expect.objectContaining({ id: 406100, emails: ['ANN@example.com'] }),
		],
	});
	const byPhone = await runKommo({
		resource: 'contact',
		operation: 'findByPhone',
		phone: '+14155550100',
	});
	expect((byPhone.json('Kommo')[0].contacts as IDataObject[]).map((c) => c.phones)).toEqual([
		['+1 415 555 0100'],
		['1-415-555-0100'],
	]);
	scope.done();
});

test('/leads/complex answers a bare array with request_id as a list; no empty custom_fields_values is sent', async () => {
	const refused = json('rest/error-custom-fields-too-few.json');
	const bodies: unknown[] = [];
	const scope = kommo()
		.post('/api/v4/leads/complex', (body: IDataObject[]) => {
			bodies.push(body);
			return true;
		})
		.reply((_uri, body) =>
			JSON.stringify(body).includes('"custom_fields_values":[]')
				? [400, refused]
				: [200, json('rest/leads-complex-response.json')],
		);
	const result = await runKommo({
		resource: 'lead',
		operation: 'create',
		name: 'Ann Customer – chat',
		contactMode: 'new',
		contactName: 'Ann Customer',
		contactEmail: '',
		contactPhone: '',
		customFields: { field: [] },
		additionalFields: {},
	});
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')[0]).toMatchObject({
		id: 9774766,
		contactId: 12117258,
		merged: false,
	});
	expect(JSON.stringify(bodies)).not.toContain('custom_fields_values');
	scope.done();
});

test("Kommo's TooFew answer, should one come, names the field in plain words", async () => {
	kommo().post('/api/v4/leads/complex').reply(400, json('rest/error-custom-fields-too-few.json'));
	const result = await runKommo({
		resource: 'lead',
		operation: 'create',
		name: 'x',
		contactMode: 'new',
		contactName: 'Ann',
		additionalFields: {},
	});
	expect(result.error('Kommo')?.message).toBe(
		'Kommo rejected the data: custom_fields_values: This collection should contain 1 element or more.',
	);
});
