/**
 * Lead › Create with Create In = Incoming Leads (Unsorted): one `POST /api/v4/leads/unsorted/forms`,
 * run through n8n's engine with Kommo mocked by nock.
 */
import type { NodeApiError } from 'n8n-workflow';

import { UNSORTED_REJECTED_HINT } from '../../../../../nodes/Kommo/helpers/unsorted';
import { setUpKommoNock } from '../../../../helpers/kommoNock';
import { BASE, kommo, runKommo } from '../../kommoTestKit';

// the kit's set-up, with the requests no interceptor matched in reach
const kit = setUpKommoNock();

/** Kommo's answer for one incoming lead with its lead and contact ids. */
function unsortedAnswer(uid: string, leadId: number, contactId?: number) {
	return {
		_total_items: 1,
		_links: { self: { href: `${BASE}/api/v4/leads/unsorted/forms` } },
		_embedded: {
			unsorted: [
				{
					uid,
					account_id: 31361463,
					request_id: '0',
					_embedded: {
						leads: [{ id: leadId, _links: { self: { href: `${BASE}/api/v4/leads/${leadId}` } } }],
						contacts: contactId === undefined ? [] : [{ id: contactId }],
						companies: [],
					},
				},
			],
		},
	};
}

test('sends the lead, its new contact, source and form to leads/unsorted/forms; the stage is not sent', async () => {
	// the virtual clock starts at 1 000 000 ms, so the form was sent at 1000 s
	const scope = kommo()
		.post('/api/v4/leads/unsorted/forms', [
			{
				source_uid: 'intercom-215468',
				source_name: 'Intercom',
				pipeline_id: 6950551,
				metadata: {
					form_id: 'n8n',
					form_name: 'Chat widget',
					form_page: 'https://example.com/pricing',
					form_sent_at: 1000,
				},
				_embedded: {
					leads: [
						{
							name: 'Intercom chat with Ann',
							price: 1500,
							responsible_user_id: 8375357,
							_embedded: { tags: [{ name: 'intercom' }] },
						},
					],
					contacts: [
						{
							name: 'Ann Lee',
							custom_fields_values: [
								{ field_code: 'EMAIL', values: [{ value: 'ann@example.com', enum_code: 'WORK' }] },
							],
						},
					],
				},
			},
		])
		.reply(200, unsortedAnswer('a1b2c3d4e5f6', 9774766, 12117258));

	const result = await runKommo(
		{
			resource: 'lead',
			operation: 'create',
			name: 'Intercom chat with Ann',
			pipelineId: 6950551,
			createIn: 'unsorted',
			// left over from "Pipeline Stage": hidden now, and never sent
			statusId: 58141807,
			sourceName: 'Intercom',
			sourceUid: '=intercom-{{ $json.conversationId }}',
			incomingLeadOptions: {
				formName: 'Chat widget',
				formPage: 'https://example.com/pricing',
			},
			contactMode: 'new',
			contactName: 'Ann Lee',
			contactEmail: 'ann@example.com',
			additionalFields: { price: 1500, responsibleUserId: 8375357, tags: 'intercom' },
		},
		[{ json: { conversationId: '215468' } }],
	);
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([
		{
			id: 9774766,
			contactId: 12117258,
			merged: false,
			name: 'Intercom chat with Ann',
			pipelineId: 6950551,
			statusId: null,
			inUnsorted: true,
			unsortedUid: 'a1b2c3d4e5f6',
			sourceUid: 'intercom-215468',
		},
	]);
	scope.done();
	expect(kit.unmatched()).toEqual([]);
});

test('with the defaults: source "n8n", one source UID per execution and item, no pipeline, no contact', async () => {
	const bodies: unknown[] = [];
	const scope = kommo()
		.post('/api/v4/leads/unsorted/forms', (body) => {
			bodies.push(body);
			return true;
		})
		.times(2)
		.reply(200, () => unsortedAnswer(`uid-${bodies.length - 1}`, 99 + bodies.length));

	const result = await runKommo(
		{ resource: 'lead', operation: 'create', name: '={{ $json.title }}', createIn: 'unsorted' },
		[{ json: { title: 'First' } }, { json: { title: 'Second' } }],
	);
	expect(result.error()).toBeUndefined();
	expect(bodies).toEqual(
		['First', 'Second'].map((name, index) => [
			{
				source_uid: `n8n-${result.executionId}-${index}`,
				source_name: 'n8n',
				metadata: { form_id: 'n8n', form_name: 'n8n', form_page: 'n8n', form_sent_at: 1000 },
				_embedded: { leads: [{ name }] },
			},
		]),
	);
	expect(result.json('Kommo')).toEqual([
		expect.objectContaining({ id: 100, contactId: null, unsortedUid: 'uid-0', inUnsorted: true }),
		expect.objectContaining({ id: 101, contactId: null, unsortedUid: 'uid-1', inUnsorted: true }),
	]);
	scope.done();
});

test('an existing contact fails the item before anything is sent: the form body cannot link one', async () => {
	const scope = kommo().post('/api/v4/leads/unsorted/forms').reply(200, unsortedAnswer('x', 1));
	const result = await runKommo(
		{
			resource: 'lead',
			operation: 'create',
			name: 'Ann',
			createIn: 'unsorted',
			contactMode: 'existing',
			contactId: 406322,
		},
		[{ json: {} }],
		{ continueOnFail: true },
	);
	expect(result.json('Kommo')).toEqual([
		expect.objectContaining({
			error: 'An incoming lead (Unsorted) cannot be linked to an existing contact',
		}),
	]);
	expect(scope.isDone()).toBe(false);
	expect(kit.unmatched()).toEqual([]);
});

test("Kommo's 400 becomes an item error naming the field, with what incoming leads need", async () => {
	kommo()
		.post('/api/v4/leads/unsorted/forms')
		.reply(
			400,
			{
				'validation-errors': [
					{
						request_id: '0',
						errors: [
							{
								code: 'NotSupportedChoice',
								path: 'pipeline_id',
								detail: 'The value you selected is not a valid choice.',
							},
						],
					},
				],
				title: 'Bad Request',
				type: 'https://httpstatus.es/400',
				status: 400,
				detail: 'Request validation failed',
			},
			{ 'Content-Type': 'application/problem+json' },
		);
	const result = await runKommo({
		resource: 'lead',
		operation: 'create',
		name: 'Ann',
		pipelineId: 7000001,
		createIn: 'unsorted',
	});
	const error = result.error('Kommo') as NodeApiError | undefined;
	expect(error?.message).toBe(
		'Kommo rejected the data: pipeline_id: The value you selected is not a valid choice.',
	);
	expect(error?.description).toContain(UNSORTED_REJECTED_HINT);
	expect(error?.description).toContain('POST /api/v4/leads/unsorted/forms failed validation');
	// a POST that may have been stored is not sent twice; a 400 is not retried at all
	expect(kit.unmatched()).toEqual([]);
});

test('an answer without the incoming lead fails the item, naming the source UID to look for', async () => {
	kommo().post('/api/v4/leads/unsorted/forms').reply(200, { _total_items: 0 });
	const result = await runKommo({
		resource: 'lead',
		operation: 'create',
		name: 'Ann',
		createIn: 'unsorted',
		sourceUid: 'intercom-1',
	});
	const error = result.error('Kommo') as NodeApiError | undefined;
	expect(error?.message).toBe(
		'Kommo accepted the incoming lead but named no incoming lead in its answer',
	);
	expect(error?.description).toContain('source UID "intercom-1"');
});
