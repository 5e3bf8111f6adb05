import type { Sandbox } from '../../sandbox';
import { kommoCall, startSandbox } from './helpers';

const SALES = 8100001;
const PARTNERS = 8100002;
const INCOMING = 81000010;
const QUALIFIED = 81000011;
const PROPOSAL = 81000012;
const MARY_JANE = 20000001;
const OPEN_LEAD = 30000001;
const WON_LEAD = 30000002;
const TAGS_FIELD = 710001;
const SEATS_FIELD = 710003;
const ENUM_PRICING = 720001;
const ENUM_VIP = 720002;

function emailContact(name: string, email: string) {
	return {
		name,
		custom_fields_values: [{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] }],
	};
}

describe('sandbox: Kommo API', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		// the 7 requests/s limit has its own test below, with its own sandbox
		sandbox = await startSandbox({ kommoRateLimit: false });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => sandbox.reset());

	it('rejects requests without the token (401 problem+json) and serves the account', async () => {
		const denied = await kommoCall(sandbox, 'GET', '/api/v4/account', undefined, null);
		expect(denied.status).toBe(401);
		expect(denied.headers.get('content-type')).toContain('application/problem+json');
		expect(denied.body).toMatchObject({ status: 401, title: 'Unauthorized' });

		const account = await kommoCall(sandbox, 'GET', '/api/v4/account');
		expect(account.status).toBe(200);
		expect(account.headers.get('content-type')).toContain('application/hal+json');
		expect(account.body).toMatchObject({
			id: 31000001,
			subdomain: 'demo',
			current_user_id: 9100001,
		});
		expect(account.body._links.self.href).toBe(`${sandbox.kommoUrl}/api/v4/account`);
	});

	it('searches contacts fuzzily (substring of any field) and answers 204 with no body when nothing matches', async () => {
		sandbox.seed(
			{
				kommo: {
					contacts: [
						emailContact('Ann', 'ann@x.io'),
						emailContact('Joann', 'joann@x.io'),
						emailContact('Bob', 'bob@x.io'),
					],
				},
			},
			{ merge: true },
		);
		const ann = await kommoCall(sandbox, 'GET', '/api/v4/contacts?query=ann%40x.io&with=leads');
		expect(ann.status).toBe(200);
		expect(ann.body._embedded.contacts.map((contact: any) => contact.name).sort()).toEqual([
			'Ann',
			'Joann',
		]);

		// the demo trap: Mary Jane (maryjane@example.com) matches a search for jane@example.com
		const jane = await kommoCall(
			sandbox,
			'GET',
			'/api/v4/contacts?query=jane@example.com&with=leads',
		);
		expect(jane.body._embedded.contacts).toHaveLength(1);
		expect(jane.body._embedded.contacts[0]).toMatchObject({
			id: MARY_JANE,
			name: 'Mary Jane Watson',
		});
		expect(jane.body._embedded.contacts[0]._embedded.leads.map((lead: any) => lead.id)).toEqual([
			OPEN_LEAD,
			WON_LEAD,
		]);

		const byPhone = await kommoCall(sandbox, 'GET', '/api/v4/contacts?query=%2B14155550100');
		expect(byPhone.body._embedded.contacts[0].id).toBe(MARY_JANE);

		const nobody = await kommoCall(
			sandbox,
			'GET',
			'/api/v4/contacts?query=nobody@nowhere.test&with=leads',
		);
		expect(nobody.status).toBe(204);
		expect(nobody.text).toBe('');
	});

	it('paginates with _links.next (limit capped at 250) and answers 204 past the last page', async () => {
		sandbox.seed(
			{
				kommo: {
					contacts: Array.from({ length: 7 }, (_, i) =>
						emailContact(`Paged ${i}`, `paged${i}@x.io`),
					),
				},
			},
			{ merge: true },
		);
		const names: string[] = [];
		let href: string | undefined = `${sandbox.kommoUrl}/api/v4/contacts?query=paged&limit=3`;
		const pages: number[] = [];
		while (href) {
			const page = await kommoCall(sandbox, 'GET', href);
			expect(page.status).toBe(200);
			pages.push(page.body._page);
			names.push(...page.body._embedded.contacts.map((contact: any) => contact.name));
			href = page.body._links.next?.href;
			if (href) expect(href).toContain('query=paged');
		}
		expect(pages).toEqual([1, 2, 3]);
		expect(names).toEqual(Array.from({ length: 7 }, (_, i) => `Paged ${i}`));

		const beyond = await kommoCall(sandbox, 'GET', '/api/v4/contacts?query=paged&limit=3&page=4');
		expect(beyond.status).toBe(204);
		const capped = await kommoCall(sandbox, 'GET', '/api/v4/contacts?limit=1000');
		expect(capped.body._links.self.href).toContain('limit=250');
	});

	it('creates contacts and validates custom field values', async () => {
		const created = await kommoCall(sandbox, 'POST', '/api/v4/contacts', [
			{
				...emailContact('Jane Doe', 'jane@example.com'),
				first_name: 'Jane',
				last_name: 'Doe',
				request_id: 'r1',
			},
		]);
		expect(created.status).toBe(200);
		const ref = created.body._embedded.contacts[0];
		expect(ref).toMatchObject({ request_id: 'r1' });
		const found = await kommoCall(sandbox, 'GET', `/api/v4/contacts?filter[id][]=${ref.id}`);
		expect(found.body._embedded.contacts[0].custom_fields_values).toEqual([
			{
				field_id: 700001,
				field_name: 'Email',
				field_code: 'EMAIL',
				field_type: 'multitext',
				values: [{ value: 'jane@example.com', enum_id: 730011, enum_code: 'WORK' }],
			},
		]);

		const bad = await kommoCall(sandbox, 'POST', '/api/v4/contacts', [
			{ name: 'X', custom_fields_values: [{ field_id: 1, values: [{ value: 'x' }] }] },
		]);
		expect(bad.status).toBe(400);
		expect(bad.body['validation-errors'][0]).toEqual({
			request_id: '0',
			errors: [
				{
					code: 'NotSupportedChoice',
					path: 'custom_fields_values.0.field_id',
					detail: 'The value you selected is not a valid choice.',
				},
			],
		});
		const notArray = await kommoCall(sandbox, 'POST', '/api/v4/contacts', { name: 'X' });
		expect(notArray.status).toBe(400);
	});

	it('creates leads linked to contacts and reads them back by id and filter[id][]', async () => {
		const created = await kommoCall(sandbox, 'POST', '/api/v4/leads', [
			{
				name: 'Jane Doe - Acme Pro',
				price: 5760,
				pipeline_id: SALES,
				_embedded: { contacts: [{ id: MARY_JANE, is_main: true }], tags: [{ name: 'intercom' }] },
				custom_fields_values: [
					{ field_id: TAGS_FIELD, values: [{ value: 'pricing' }, { enum_id: ENUM_VIP }] },
				],
			},
		]);
		expect(created.status).toBe(200);
		const id = created.body._embedded.leads[0].id;
		expect(created.body._embedded.leads[0].request_id).toBe('0');

		const lead = await kommoCall(sandbox, 'GET', `/api/v4/leads/${id}?with=contacts`);
		expect(lead.body).toMatchObject({
			id,
			name: 'Jane Doe - Acme Pro',
			price: 5760,
			pipeline_id: SALES,
			status_id: QUALIFIED, // first regular stage after the "Incoming" system stage
			closed_at: null,
			_embedded: { contacts: [{ id: MARY_JANE, is_main: true }], tags: [{ name: 'intercom' }] },
		});
		expect(lead.body.custom_fields_values[0].values).toEqual([
			{ value: 'Pricing', enum_id: ENUM_PRICING, enum_code: null },
			{ value: 'VIP', enum_id: ENUM_VIP, enum_code: null },
		]);

		for (const query of [
			`filter[id][]=${id}&filter[id][]=${OPEN_LEAD}`,
			`filter%5Bid%5D%5B0%5D=${id}&filter%5Bid%5D%5B1%5D=${OPEN_LEAD}`,
		]) {
			const list = await kommoCall(sandbox, 'GET', `/api/v4/leads?${query}&limit=250`);
			expect(list.body._embedded.leads.map((entry: any) => entry.id).sort()).toEqual(
				[OPEN_LEAD, id].sort(),
			);
		}
		expect((await kommoCall(sandbox, 'GET', '/api/v4/leads/99999999')).status).toBe(204);
		expect((await kommoCall(sandbox, 'GET', '/api/v4/leads?filter[id][]=99999999')).status).toBe(
			204,
		);

		const badStage = await kommoCall(sandbox, 'POST', '/api/v4/leads', [
			{ name: 'x', pipeline_id: PARTNERS, status_id: PROPOSAL },
		]);
		expect(badStage.status).toBe(400);
		expect(badStage.body['validation-errors'][0].errors[0].path).toBe('status_id');
		const notNumeric = await kommoCall(sandbox, 'POST', '/api/v4/leads', [
			{ name: 'x', custom_fields_values: [{ field_id: SEATS_FIELD, values: [{ value: 'many' }] }] },
		]);
		expect(notNumeric.status).toBe(400);
		expect(notNumeric.body['validation-errors'][0].errors[0].path).toBe(
			'custom_fields_values.0.values.0.value',
		);
	});

	it('updates leads: tags_to_add keeps tags, _embedded.tags replaces them, Won sets closed_at', async () => {
		const added = await kommoCall(sandbox, 'PATCH', `/api/v4/leads/${OPEN_LEAD}`, {
			tags_to_add: [{ name: 'Kommo sync' }],
		});
		expect(added.status).toBe(200);
		expect(added.body.id).toBe(OPEN_LEAD);
		let lead = await kommoCall(sandbox, 'GET', `/api/v4/leads/${OPEN_LEAD}`);
		expect(lead.body._embedded.tags.map((tag: any) => tag.name)).toEqual([
			'returning customer',
			'Kommo sync',
		]);

		await kommoCall(sandbox, 'PATCH', '/api/v4/leads', [
			{ id: OPEN_LEAD, _embedded: { tags: [{ name: 'only' }] } },
		]);
		lead = await kommoCall(sandbox, 'GET', `/api/v4/leads/${OPEN_LEAD}`);
		expect(lead.body._embedded.tags.map((tag: any) => tag.name)).toEqual(['only']);

		await kommoCall(sandbox, 'PATCH', `/api/v4/leads/${OPEN_LEAD}`, {
			status_id: 142,
			pipeline_id: SALES,
			custom_fields_values: [{ field_id: TAGS_FIELD, values: [{ enum_id: ENUM_PRICING }] }],
		});
		lead = await kommoCall(sandbox, 'GET', `/api/v4/leads/${OPEN_LEAD}`);
		expect(lead.body.status_id).toBe(142);
		expect(lead.body.closed_at).toEqual(expect.any(Number));
		// the tags field was replaced, the seats field kept
		expect(
			lead.body.custom_fields_values.map((field: any) => [
				field.field_id,
				field.values.map((v: any) => v.value),
			]),
		).toEqual([
			[TAGS_FIELD, ['Pricing']],
			[SEATS_FIELD, ['5']],
		]);

		const missing = await kommoCall(sandbox, 'PATCH', '/api/v4/leads/99999999', { name: 'x' });
		expect(missing.status).toBe(404);
		const batchMissing = await kommoCall(sandbox, 'PATCH', '/api/v4/leads', [
			{ id: 99999999, name: 'x' },
		]);
		expect(batchMissing.status).toBe(400);
		const badStatus = await kommoCall(sandbox, 'PATCH', `/api/v4/leads/${OPEN_LEAD}`, {
			status_id: 1,
		});
		expect(badStatus.status).toBe(400);
		expect(badStatus.body['validation-errors'][0].errors).toEqual([
			{
				code: 'NotSupportedChoice',
				path: 'status_id',
				detail: 'The value you selected is not a valid choice.',
			},
		]);
	});

	it('creates lead + contact in one call with /leads/complex (bare array, merged flag)', async () => {
		const lead = {
			name: 'Jane Doe - chat',
			pipeline_id: SALES,
			_embedded: { contacts: [emailContact('Jane Doe', 'jane@example.com')] },
		};
		const created = await kommoCall(sandbox, 'POST', '/api/v4/leads/complex', [lead]);
		expect(created.status).toBe(200);
		expect(Array.isArray(created.body)).toBe(true);
		expect(created.body[0]).toMatchObject({ merged: false, request_id: ['0'], company_id: null });
		const contact = await kommoCall(
			sandbox,
			'GET',
			`/api/v4/contacts?filter[id][]=${created.body[0].contact_id}&with=leads`,
		);
		expect(contact.body._embedded.contacts[0]._embedded.leads).toEqual([
			{ id: created.body[0].id, _links: expect.any(Object) },
		]);

		// duplicate control: the same e-mail again returns the open lead, merged
		sandbox.configure({ kommoDuplicateControl: true });
		const again = await kommoCall(sandbox, 'POST', '/api/v4/leads/complex', [lead]);
		expect(again.body[0]).toMatchObject({
			id: created.body[0].id,
			contact_id: created.body[0].contact_id,
			merged: true,
		});
		sandbox.configure({ kommoDuplicateControl: false });

		const twoContacts = await kommoCall(sandbox, 'POST', '/api/v4/leads/complex', [
			{ name: 'x', _embedded: { contacts: [{ name: 'a' }, { name: 'b' }] } },
		]);
		expect(twoContacts.status).toBe(400);
		const tooMany = await kommoCall(
			sandbox,
			'POST',
			'/api/v4/leads/complex',
			Array.from({ length: 51 }, () => ({ name: 'x' })),
		);
		expect(tooMany.status).toBe(400);
	});

	it('validates notes: note_type "common" with params.text, answering the validation-errors shape', async () => {
		const missingType = await kommoCall(sandbox, 'POST', '/api/v4/leads/notes', [
			{ entity_id: OPEN_LEAD, params: { text: 'hi' } },
		]);
		expect(missingType.status).toBe(400);
		expect(missingType.headers.get('content-type')).toContain('application/problem+json');
		expect(missingType.body).toEqual({
			'validation-errors': [
				{
					request_id: '0',
					errors: [
						{ code: 'NotBlank', path: 'note_type', detail: 'This value should not be blank.' },
					],
				},
			],
			title: 'Bad Request',
			type: 'https://httpstatus.es/400',
			status: 400,
			detail: 'Request validation failed',
		});
		const numericType = await kommoCall(sandbox, 'POST', '/api/v4/leads/notes', [
			{ entity_id: OPEN_LEAD, note_type: 4, params: { text: 'hi' } },
		]);
		expect(numericType.body['validation-errors'][0].errors[0]).toMatchObject({
			code: 'NotSupportedChoice',
			path: 'note_type',
		});
		const noText = await kommoCall(sandbox, 'POST', '/api/v4/leads/notes', [
			{ entity_id: OPEN_LEAD, note_type: 'common', params: {} },
		]);
		expect(noText.body['validation-errors'][0].errors[0]).toMatchObject({
			code: 'NotBlank',
			path: 'params.text',
		});
		const noEntity = await kommoCall(sandbox, 'POST', '/api/v4/leads/notes', [
			{ entity_id: 1, note_type: 'common', params: { text: 'x' } },
		]);
		expect(noEntity.body['validation-errors'][0].errors[0]).toMatchObject({ path: 'entity_id' });

		const created = await kommoCall(sandbox, 'POST', '/api/v4/leads/notes', [
			{ entity_id: OPEN_LEAD, note_type: 'common', params: { text: 'Chat transcript [n8n:abc]' } },
		]);
		expect(created.status).toBe(200);
		expect(created.body._embedded.notes[0]).toMatchObject({
			entity_id: OPEN_LEAD,
			request_id: '0',
		});

		const listed = await kommoCall(
			sandbox,
			'GET',
			`/api/v4/leads/${OPEN_LEAD}/notes?filter[note_type][]=common&order[id]=desc&limit=250`,
		);
		expect(listed.body._embedded.notes.map((note: any) => note.params.text)).toEqual([
			'Chat transcript [n8n:abc]',
			'Sent the team-plan proposal by email.',
		]);
		const otherType = await kommoCall(
			sandbox,
			'GET',
			`/api/v4/leads/${OPEN_LEAD}/notes?filter[note_type][]=call_in`,
		);
		expect(otherType.status).toBe(204);
		expect((await kommoCall(sandbox, 'GET', `/api/v4/leads/${WON_LEAD}/notes`)).status).toBe(204);

		const contactNote = await kommoCall(sandbox, 'POST', '/api/v4/contacts/notes', [
			{ entity_id: MARY_JANE, note_type: 'common', params: { text: 'Contact note' } },
		]);
		expect(contactNote.status).toBe(200);
		expect(
			(await kommoCall(sandbox, 'GET', `/api/v4/contacts/${MARY_JANE}/notes`)).body._embedded.notes,
		).toHaveLength(1);
		expect(sandbox.state.kommo.notes).toHaveLength(3);
	});

	it('serves pipelines with their statuses (142/143 in every pipeline), custom fields and users', async () => {
		const pipelines = await kommoCall(sandbox, 'GET', '/api/v4/leads/pipelines');
		expect(pipelines.body._total_items).toBe(2);
		const [sales, partners] = pipelines.body._embedded.pipelines;
		expect(sales).toMatchObject({ id: SALES, name: 'Sales', is_main: true, account_id: 31000001 });
		expect(
			sales._embedded.statuses.map((status: any) => [status.id, status.name, status.type]),
		).toEqual([
			[INCOMING, 'Incoming', 1],
			[QUALIFIED, 'Qualified', 0],
			[PROPOSAL, 'Proposal', 0],
			[142, 'Won', 0],
			[143, 'Lost', 0],
		]);
		expect(partners._embedded.statuses.map((status: any) => status.id)).toEqual(
			expect.arrayContaining([142, 143]),
		);

		const fields = await kommoCall(sandbox, 'GET', '/api/v4/leads/custom_fields?limit=250');
		const tags = fields.body._embedded.custom_fields.find((field: any) => field.id === TAGS_FIELD);
		expect(tags).toMatchObject({ name: 'Intercom tags', type: 'multiselect' });
		expect(tags.enums.map((option: any) => option.value)).toEqual([
			'Pricing',
			'VIP',
			'Demo request',
			'Bug',
		]);
		const one = await kommoCall(sandbox, 'GET', `/api/v4/leads/custom_fields/${TAGS_FIELD}`);
		expect(one.body.id).toBe(TAGS_FIELD);
		expect((await kommoCall(sandbox, 'GET', '/api/v4/leads/custom_fields/1')).status).toBe(204);

		// at most 50 fields per page, whatever the limit
		sandbox.seed(
			{
				kommo: {
					customFields: {
						leads: Array.from({ length: 60 }, (_, i) => ({
							id: 800000 + i,
							name: `Extra ${i}`,
							type: 'text',
						})),
					},
				},
			},
			{ merge: true },
		);
		const page1 = await kommoCall(sandbox, 'GET', '/api/v4/leads/custom_fields?limit=250');
		expect(page1.body._embedded.custom_fields).toHaveLength(50);
		const page2 = await kommoCall(sandbox, 'GET', page1.body._links.next.href);
		expect(page2.body._embedded.custom_fields).toHaveLength(14);
		expect(page2.body._links.next).toBeUndefined();

		const users = await kommoCall(sandbox, 'GET', '/api/v4/users?limit=250');
		expect(users.body._embedded.users.map((user: any) => user.name)).toEqual([
			'Alex Morgan',
			'Priya Shah',
		]);
	});

	it('registers, finds and removes webhooks by destination', async () => {
		const destination = 'http://127.0.0.1:5678/webhook/abc/kommo';
		const none = await kommoCall(
			sandbox,
			'GET',
			`/api/v4/webhooks?filter[destination]=${encodeURIComponent(destination)}`,
		);
		expect(none.status).toBe(204);
		const created = await kommoCall(sandbox, 'POST', '/api/v4/webhooks', {
			destination,
			settings: ['status_lead'],
		});
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ destination, settings: ['status_lead'], disabled: false });
		const found = await kommoCall(
			sandbox,
			'GET',
			`/api/v4/webhooks?filter[destination]=${encodeURIComponent(destination)}`,
		);
		expect(found.body._embedded.webhooks).toHaveLength(1);
		const other = await kommoCall(
			sandbox,
			'GET',
			`/api/v4/webhooks?filter[destination]=${encodeURIComponent(`${destination}/x`)}`,
		);
		expect(other.status).toBe(204);

		const invalid = await kommoCall(sandbox, 'POST', '/api/v4/webhooks', {
			destination,
			settings: ['stage_changed'],
		});
		expect(invalid.status).toBe(400);
		expect(invalid.body['validation-errors'][0].errors[0].path).toBe('settings.0');

		const deleted = await kommoCall(sandbox, 'DELETE', '/api/v4/webhooks', { destination });
		expect(deleted.status).toBe(204);
		expect((await kommoCall(sandbox, 'GET', '/api/v4/webhooks')).status).toBe(204);
	});
	it("lists a lead's notes newest first (order[id]=desc), 250 a page, with a next link, as Add Note reads them", async () => {
		const start = 1700000000;
		sandbox.seed(
			{
				kommo: {
					notes: Array.from({ length: 300 }, (_, index) => ({
						entity_id: OPEN_LEAD,
						note_type: 'common',
						created_at: start + index * 60,
						params: { text: `Note ${index + 1}` },
					})),
				},
			} as never,
			{ merge: true },
		);
		const first = await kommoCall(
			sandbox,
			'GET',
			`/api/v4/leads/${OPEN_LEAD}/notes?filter[note_type][]=common&order[id]=desc&limit=250`,
		);
		const page1 = first.body._embedded.notes;
		expect(page1).toHaveLength(250);
		expect(page1[0].params.text).toBe('Note 300');
		const ids = page1.map((note: any) => note.id);
		expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
		const times = page1.map((note: any) => note.created_at);
		expect(times).toEqual([...times].sort((a: number, b: number) => b - a));
		const next = new URL(first.body._links.next.href);
		expect(next.searchParams.get('order[id]')).toBe('desc');
		expect(next.searchParams.get('page')).toBe('2');
		const second = await kommoCall(
			sandbox,
			'GET',
			`${next.pathname.replace(/^\/kommo/, '')}${next.search}`,
		);
		const page2 = second.body._embedded.notes;
		// the rest: 50 seeded and the lead's seeded note, oldest last
		expect(page2.length).toBe(51);
		expect(page2[0].id).toBeLessThan(ids[249]);
		expect(second.body._links.next).toBeUndefined();
	});
});

describe('sandbox: Kommo rate limit', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});

	it('answers 429 (not JSON) to the 8th request within one second, and recovers after the window', async () => {
		const statuses: number[] = [];
		const started = Date.now();
		let limited;
		for (let i = 0; i < 8; i++) {
			const reply = await kommoCall(sandbox, 'GET', '/api/v4/account');
			statuses.push(reply.status);
			if (reply.status === 429) limited = reply;
		}
		expect(Date.now() - started).toBeLessThan(1000);
		expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 429]);
		expect(limited?.body).toBeUndefined();
		expect(limited?.headers.get('content-type')).toContain('text/html');
		expect(sandbox.counters.rateLimited.kommo).toBe(1);

		await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() - started) + 60));
		expect((await kommoCall(sandbox, 'GET', '/api/v4/account')).status).toBe(200);
	});

	it('can be switched off', async () => {
		sandbox.configure({ kommoRateLimit: false });
		const statuses = [];
		for (let i = 0; i < 12; i++)
			statuses.push((await kommoCall(sandbox, 'GET', '/api/v4/account')).status);
		expect(statuses.every((status) => status === 200)).toBe(true);
	});
});
