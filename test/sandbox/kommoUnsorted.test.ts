/**
 * The sandbox's incoming leads (Kommo's "Unsorted"): `POST /api/v4/leads/unsorted/forms`,
 * `GET /api/v4/leads/unsorted[/:uid]`, `POST /api/v4/leads/unsorted/:uid/accept`, and the Kommo
 * node's Lead › Create with Create In = Incoming Leads driven against them.
 */
import type { Sandbox } from '../../sandbox';
import { runKommo } from '../nodes/Kommo/kommoTestKit';
import { forgetProcessMemory } from '../../nodes/shared/processMemory';
import { useClock } from '../../nodes/shared/clock';
import { kommoCall, sandboxCredentials, startSandbox } from './helpers';

const SALES = 8100001;
const PARTNERS = 8100002;
const INCOMING = 81000010;
const QUALIFIED = 81000011;
const PROPOSAL = 81000012;

function formEntry(extra: Record<string, unknown> = {}) {
	return {
		source_uid: 'intercom-1001',
		source_name: 'Intercom',
		metadata: {
			form_id: 'n8n',
			form_name: 'Chat widget',
			form_page: 'https://example.com',
			form_sent_at: 1700000000,
		},
		_embedded: {
			leads: [{ name: 'Chat with Kim', price: 300 }],
			contacts: [
				{
					name: 'Kim',
					custom_fields_values: [
						{ field_code: 'EMAIL', values: [{ value: 'kim@example.com', enum_code: 'WORK' }] },
					],
				},
			],
		},
		...extra,
	};
}

describe('sandbox: Kommo incoming leads', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox({ kommoRateLimit: false });
	});
	afterAll(async () => {
		forgetProcessMemory();
		useClock();
		await sandbox.close();
	});
	beforeEach(() => {
		sandbox.reset();
		forgetProcessMemory();
		useClock();
	});

	it('lists nothing (204) until an incoming lead is added; the lead waits in the Incoming stage', async () => {
		const empty = await kommoCall(sandbox, 'GET', '/api/v4/leads/unsorted');
		expect(empty.status).toBe(204);
		expect(empty.text).toBe('');

		const created = await kommoCall(sandbox, 'POST', '/api/v4/leads/unsorted/forms', [formEntry()]);
		expect(created.status).toBe(200);
		expect(created.headers.get('content-type')).toContain('application/hal+json');
		expect(created.body._total_items).toBe(1);
		const [entry] = created.body._embedded.unsorted;
		expect(entry).toMatchObject({
			uid: expect.stringMatching(/^[0-9a-f]{60}$/),
			account_id: 31000001,
			request_id: '0',
			source_uid: 'intercom-1001',
			category: 'forms',
			pipeline_id: SALES,
		});
		const leadId = entry._embedded.leads[0].id;
		const contactId = entry._embedded.contacts[0].id;

		const lead = sandbox.state.kommo.leads.find((candidate) => candidate.id === leadId);
		expect(lead).toMatchObject({
			name: 'Chat with Kim',
			price: 300,
			pipeline_id: SALES,
			status_id: INCOMING,
		});
		expect(sandbox.state.kommo.contacts.find((c) => c.id === contactId)).toMatchObject({
			name: 'Kim',
			is_unsorted: true,
		});
		expect(sandbox.state.kommo.links).toContainEqual({
			lead_id: leadId,
			contact_id: contactId,
			is_main: true,
		});

		const listed = await kommoCall(sandbox, 'GET', '/api/v4/leads/unsorted');
		expect(listed.status).toBe(200);
		expect(listed.body._embedded.unsorted.map((u: { uid: string }) => u.uid)).toEqual([entry.uid]);
		const one = await kommoCall(sandbox, 'GET', `/api/v4/leads/unsorted/${entry.uid}`);
		expect(one.body).toMatchObject({ uid: entry.uid, metadata: { form_name: 'Chat widget' } });
	});

	it('takes the pipeline of the entry, never a stage on the lead', async () => {
		const created = await kommoCall(sandbox, 'POST', '/api/v4/leads/unsorted/forms', [
			formEntry({
				pipeline_id: PARTNERS,
				_embedded: { leads: [{ name: 'Partner', pipeline_id: SALES, status_id: PROPOSAL }] },
			}),
		]);
		expect(created.status).toBe(200);
		const leadId = created.body._embedded.unsorted[0]._embedded.leads[0].id;
		const partners = sandbox.state.kommo.pipelines.find((p) => p.id === PARTNERS)!;
		const incoming = partners.statuses.find((status) => status.type === 1)!.id;
		expect(sandbox.state.kommo.leads.find((l) => l.id === leadId)).toMatchObject({
			pipeline_id: PARTNERS,
			status_id: incoming,
		});
		expect(created.body._embedded.unsorted[0]._embedded.contacts).toEqual([]);
	});

	it('answers 400 validation-errors for what is missing or wrong, and stores nothing', async () => {
		const leadsBefore = sandbox.state.kommo.leads.length;
		const bad = await kommoCall(sandbox, 'POST', '/api/v4/leads/unsorted/forms', [
			{
				source_name: '',
				pipeline_id: 999,
				metadata: { form_id: 'x' },
				_embedded: { leads: [{ name: 'X' }], contacts: [{ id: 20000001 }] },
			},
		]);
		expect(bad.status).toBe(400);
		expect(bad.headers.get('content-type')).toContain('application/problem+json');
		expect(bad.body).toMatchObject({ title: 'Bad Request', status: 400 });
		const [group] = bad.body['validation-errors'];
		expect(group.request_id).toBe('0');
		expect(group.errors.map((e: { path: string }) => e.path)).toEqual([
			'source_uid',
			'source_name',
			'metadata.form_name',
			'metadata.form_page',
			'metadata.form_sent_at',
			'pipeline_id',
			'_embedded.contacts.0.id',
		]);
		expect(group.errors[0]).toEqual({
			code: 'FieldMissing',
			path: 'source_uid',
			detail: 'This field is missing.',
		});

		const notArray = await kommoCall(sandbox, 'POST', '/api/v4/leads/unsorted/forms', formEntry());
		expect(notArray.status).toBe(400);

		sandbox.state.kommo.pipelines.find((p) => p.id === PARTNERS)!.is_unsorted_on = false;
		const off = await kommoCall(sandbox, 'POST', '/api/v4/leads/unsorted/forms', [
			formEntry({ pipeline_id: PARTNERS }),
		]);
		expect(off.status).toBe(400);
		expect(off.body['validation-errors'][0].errors).toEqual([
			{
				code: 'NotSupportedChoice',
				path: 'pipeline_id',
				detail: 'Incoming leads are turned off in this pipeline.',
			},
		]);
		expect(sandbox.state.kommo.leads).toHaveLength(leadsBefore);
		expect(sandbox.state.kommo.unsorted).toEqual([]);
	});

	it('accepting moves the lead to the chosen stage, makes the contact regular and leaves the list', async () => {
		const created = await kommoCall(sandbox, 'POST', '/api/v4/leads/unsorted/forms', [formEntry()]);
		const { uid, _embedded } = created.body._embedded.unsorted[0];
		const leadId = _embedded.leads[0].id;

		const wrongStage = await kommoCall(sandbox, 'POST', `/api/v4/leads/unsorted/${uid}/accept`, {
			status_id: INCOMING,
		});
		expect(wrongStage.status).toBe(400);

		const accepted = await kommoCall(sandbox, 'POST', `/api/v4/leads/unsorted/${uid}/accept`, {
			status_id: QUALIFIED,
		});
		expect(accepted.status).toBe(200);
		expect(accepted.body).toMatchObject({ uid, _embedded: { leads: [{ id: leadId }] } });
		expect(sandbox.state.kommo.leads.find((l) => l.id === leadId)?.status_id).toBe(QUALIFIED);
		expect(
			sandbox.state.kommo.contacts.find((c) => c.id === _embedded.contacts[0].id)?.is_unsorted,
		).toBe(false);
		expect((await kommoCall(sandbox, 'GET', '/api/v4/leads/unsorted')).status).toBe(204);
		const again = await kommoCall(sandbox, 'POST', `/api/v4/leads/unsorted/${uid}/accept`, {});
		expect(again.status).toBe(400);
	});

	it('the Kommo node creates the lead in Incoming leads through the sandbox', async () => {
		const { intercomKommoKommoApi } = sandboxCredentials(sandbox);
		const result = await runKommo(
			{
				resource: 'lead',
				operation: 'create',
				name: 'Chat with Jane',
				pipelineId: SALES,
				createIn: 'unsorted',
				sourceName: 'Intercom',
				sourceUid: 'intercom-1001',
				contactMode: 'new',
				contactName: 'Jane Doe',
				contactEmail: 'jane@example.com',
			},
			[{ json: {} }],
			{ credentials: { intercomKommoKommoApi } },
		);
		expect(result.error()).toBeUndefined();
		const [out] = result.json('Kommo');
		expect(out).toMatchObject({
			id: expect.any(Number),
			contactId: expect.any(Number),
			inUnsorted: true,
			unsortedUid: expect.stringMatching(/^[0-9a-f]{60}$/),
			sourceUid: 'intercom-1001',
		});
		expect(sandbox.state.kommo.leads.find((l) => l.id === out.id)).toMatchObject({
			name: 'Chat with Jane',
			status_id: INCOMING,
		});
		expect(sandbox.state.kommo.unsorted[0]).toMatchObject({
			uid: out.unsortedUid,
			source_name: 'Intercom',
			metadata: { form_id: 'n8n', form_name: 'Intercom', form_page: 'Intercom' },
		});
	});
});
