import nock from 'nock';

import { deliverWebhook, runWorkflow, staticDataChanged } from '../../../helpers/n8n';
import { bigStatusBatch, kommoForm, loadJson, loadPairs, loadText } from '../kommoForm';
import type { Pairs } from '../kommoForm';
import {
	CREDENTIALS,
	deliver,
	KOMMO,
	triggerStaticData,
	triggerWorkflow,
	kommoApi,
	setUpTriggerTests,
} from '../setup';
import { KommoTrigger } from '../../../../nodes/KommoTrigger/KommoTrigger.node';
import { now } from '../../../../nodes/shared/clock';
import {
	readCachedAccount,
	storePipelines,
} from '../../../../nodes/KommoTrigger/helpers/accountCache';

const ALL_EVENTS = ['status_lead', 'add_lead', 'update_lead', 'note_lead'];
const BATCH = () => loadPairs('batch-status-update-note.pairs.json');
const PIPELINES = loadJson('pipelines.json');
const ACCOUNT = loadJson('account.json');

/** The account as activation (`webhookMethods.create`) stores it in the node's static data. */
function activatedAccount() {
	return {
		'node:Kommo Trigger': {
			kommoAccount: { baseUrl: KOMMO, id: 31361463, subdomain: 'devteam' },
		},
	};
}

type NamedPipeline = { id: number; name: string; statuses: Array<{ id: number; name: string }> };

const KNOWN_PIPELINES: NamedPipeline[] = [
	{
		id: 6950551,
		name: 'Pipeline',
		statuses: [
			{ id: 58141803, name: 'Incoming leads' },
			{ id: 58141807, name: 'Qualified' },
			{ id: 58141811, name: 'Proposal sent' },
			{ id: 142, name: 'Closed - won' },
		],
	},
	{
		id: 7012345,
		name: 'Partners',
		statuses: [
			{ id: 59000002, name: 'Negotiation' },
			{ id: 142, name: 'Partner signed' },
		],
	},
];

/**
 * What an earlier delivery left behind: the names in this process's memory (as fetched `fetchedAt`,
 * after `edit`), and the account activation stored; returns the static data.
 */
function warmCaches(
	options: { fetchedAt?: number; edit?: (pipelines: NamedPipeline[]) => void } = {},
) {
	const pipelines = structuredClone(KNOWN_PIPELINES);
	options.edit?.(pipelines);
	storePipelines(
		KOMMO,
		pipelines.map(({ statuses, ...pipeline }) => ({ ...pipeline, _embedded: { statuses } })),
		options.fetchedAt ?? now(),
	);
	return activatedAccount();
}

setUpTriggerTests({ failOnUnmatched: true });

describe('Kommo Trigger webhook: no static data written', () => {
	// in queue mode a static-data change in webhook() is a database write before Kommo's answer
	test.each([
		['a first delivery that fetches the account and the names', {}],
		['a delivery that reads the account activation stored', activatedAccount()],
	])('%s leaves static data untouched; a second delivery needs no request', async (_, stored) => {
		const api = kommoApi().get('/api/v4/leads/pipelines').reply(200, PIPELINES);
		if (!('node:Kommo Trigger' in stored)) api.get('/api/v4/account').reply(200, ACCOUNT);
		const workflow = triggerWorkflow({ events: ALL_EVENTS }, structuredClone(stored));
		const before = JSON.stringify(triggerStaticData(workflow));

		const first = await deliver(workflow, kommoForm(BATCH()));
		const second = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(first.result.workflowData![0]).toHaveLength(4);
		expect(second.result.workflowData![0][0].json.statusName).toBe('Proposal sent');
		expect(staticDataChanged(workflow)).toBe(false);
		expect(JSON.stringify(triggerStaticData(workflow))).toBe(before);
	});
});

describe('Kommo Trigger webhook: payload to items', () => {
	test('several leads and several events in one POST: one item per lead event, names resolved', async () => {
		const api = kommoApi()
			.get('/api/v4/account')
			.reply(200, ACCOUNT)
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES);
		const workflow = triggerWorkflow({ events: ALL_EVENTS });

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(response.status).toBe(200);
		// names had to be fetched, so Kommo was answered before that
		expect(result.noWebhookResponse).toBe(true);
		const items = result.workflowData![0].map((item) => item.json);
		expect(items.map((item) => [item.event, item.leadId])).toEqual([
			['status_lead', 1001],
			['status_lead', 1002],
			['update_lead', 1003],
			['note_lead', 1001],
		]);
		expect(items[0]).toEqual({
			event: 'status_lead',
			leadId: 1001,
			pipelineId: 6950551,
			pipelineName: 'Pipeline',
			statusId: 58141811,
			statusName: 'Proposal sent',
			oldPipelineId: 6950551,
			oldStatusId: 58141807,
			oldStatusName: 'Qualified',
			account: { id: 31361463, subdomain: 'devteam' },
			lead: expect.objectContaining({
				id: '1001',
				name: 'Acme + Co: 50 seats',
				custom_fields: [
					{ id: '1119321', name: 'Source', values: [{ value: 'Intercom chat' }] },
					{ id: '1119325', name: 'Plan', values: [{ value: 'Pro', enum: '889911' }] },
				],
			}),
		});
		// won (142) is named after the lead's own pipeline
		expect(items[1]).toMatchObject({
			statusId: 142,
			statusName: 'Partner signed',
			oldStatusName: 'Negotiation',
		});
		expect(items[2]).toMatchObject({
			statusName: 'Incoming leads',
			oldStatusId: null,
			oldStatusName: null,
		});
		expect(items[3]).toMatchObject({
			pipelineId: null,
			pipelineName: null,
			statusId: null,
			statusName: null,
			lead: {
				note: expect.objectContaining({
					element_id: '1001',
					text: 'Called back, wants a demo & a quote',
				}),
			},
		});

		// a second delivery uses the cached account and names: no HTTP, n8n's normal answer
		const again = await deliver(workflow, kommoForm(BATCH()));
		expect(again.result.noWebhookResponse).toBeUndefined();
		expect(again.result.workflowData![0]).toHaveLength(4);
		expect(again.response.body).toBe(JSON.stringify({ message: 'Workflow was started' }));
	});

	test('account and names survive static data that n8n overwrote with an older copy', async () => {
		const api = kommoApi()
			.get('/api/v4/account')
			.reply(200, ACCOUNT)
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES);
		await deliver(triggerWorkflow({ events: ALL_EVENTS }), kommoForm(BATCH()));
		api.done();

		// the execution that followed saved its own, empty, copy: the process still remembers
		const again = await deliver(triggerWorkflow({ events: ALL_EVENTS }, {}), kommoForm(BATCH()));
		expect(again.result.noWebhookResponse).toBeUndefined();
		expect(again.result.workflowData![0][0].json).toMatchObject({
			pipelineName: 'Pipeline',
			statusName: expect.any(String),
		});
	});

	test('the captured 2016 request: subdomain-only account (with Require Account ID off), unknown pipeline names stay null', async () => {
		// that account lives on its own host; its pipeline list does not know pipeline 2116
		const api = nock('https://test000002.kommo.com')
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES);
		const workflow = triggerWorkflow({ requireAccountId: false });

		const { response, result } = await deliverWebhook({
			workflow,
			nodeName: 'Kommo Trigger',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: loadText('status-lead.captured-2016.form.txt'),
			credentials: {
				intercomKommoKommoApi: { ...CREDENTIALS.intercomKommoKommoApi, subdomain: 'test000002' },
			},
		});

		api.done();
		expect(response.status).toBe(200);
		expect(result.workflowData![0].map((item) => item.json)).toEqual([
			expect.objectContaining({
				event: 'status_lead',
				leadId: 31926520,
				pipelineId: 2116,
				pipelineName: null,
				statusId: 10216994,
				statusName: null,
				oldStatusId: 10216995,
				oldStatusName: null,
				account: { id: null, subdomain: 'test000002' },
			}),
		]);
	});

	test('keeps all 1500+ fields of a big batch (n8n itself keeps 1000)', async () => {
		const pairs = bigStatusBatch(40, 12);
		expect(pairs.length).toBeGreaterThan(1500);
		const workflow = triggerWorkflow({}, warmCaches());

		const { response, result } = await deliver(workflow, kommoForm(pairs));

		expect(response.status).toBe(200);
		const items = result.workflowData![0].map((item) => item.json);
		expect(items).toHaveLength(40);
		expect(items[39]).toMatchObject({
			leadId: 500039,
			statusName: 'Proposal sent',
			oldStatusName: 'Qualified',
		});
		expect((items[39].lead as { custom_fields: unknown[] }).custom_fields).toHaveLength(12);
	});

	test('only the selected events become items', async () => {
		const workflow = triggerWorkflow({ events: ['update_lead'] }, warmCaches());
		const { result } = await deliver(workflow, kommoForm(BATCH()));
		expect(result.workflowData![0].map((item) => [item.json.event, item.json.leadId])).toEqual([
			['update_lead', 1003],
		]);
	});

	test('a name missing from a cache older than a minute triggers one refetch', async () => {
		const staticData = warmCaches({
			fetchedAt: now() - 5 * 60 * 1000,
			edit: (pipelines) => (pipelines[1].statuses = []),
		});
		const api = kommoApi().get('/api/v4/leads/pipelines').reply(200, PIPELINES);
		const workflow = triggerWorkflow({}, staticData);

		const { result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(result.workflowData![0][1].json).toMatchObject({ statusName: 'Partner signed' });
	});

	test('names that cannot be loaded are null, and the event still starts the workflow', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/pipelines')
			.times(4)
			.reply(500, { title: 'Internal Server Error' });
		const staticData = activatedAccount();
		const workflow = triggerWorkflow({}, staticData);

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		expect(response.status).toBe(200);
		expect(result.workflowData![0][0].json).toMatchObject({
			leadId: 1001,
			pipelineName: null,
			statusName: null,
			oldStatusName: null,
		});
		expect(api.isDone()).toBe(true);
	});
});

test('with OAuth2 authentication the OAuth2 credential is the account checked against', async () => {
	const workflow = triggerWorkflow({ authentication: 'oAuth2' }, warmCaches());
	workflow.getNode('Kommo Trigger')!.credentials = {
		intercomKommoKommoOAuth2Api: { id: 'oauth', name: 'oauth' },
	};
	const deliverWith = async (subdomain: string) =>
		await deliverWebhook({
			workflow,
			nodeName: 'Kommo Trigger',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: kommoForm(BATCH()),
			// only the OAuth2 credential exists: reading the token credential would throw
			credentials: {
				intercomKommoKommoOAuth2Api: { ...CREDENTIALS.intercomKommoKommoApi, subdomain },
			},
		});

	expect((await deliverWith('devteam')).result.workflowData![0]).toHaveLength(2);
	expect((await deliverWith('rival')).response.status).toBe(401);
});

describe('Kommo Trigger webhook: the account check needs account[id]', () => {
	const withoutId = () => kommoForm(BATCH().filter(([key]) => key !== 'account[id]'));

	test('a body naming only account[subdomain] gets 401 and starts nothing, without a request', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS });
		const { response, result } = await deliver(workflow, withoutId());
		expect(response.status).toBe(401);
		expect(JSON.parse(response.body).message).toMatch(/no account\[id\].*"Require Account ID"/);
		expect(result.workflowData).toBeUndefined();
	});

	test('"Require Account ID" off accepts the old format when the subdomain matches', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS, requireAccountId: false }, warmCaches());
		const { response, result } = await deliver(workflow, withoutId());
		expect(response.status).toBe(200);
		expect(result.workflowData![0]).toHaveLength(4);
		const foreign = kommoForm(
			BATCH()
				.filter(([key]) => key !== 'account[id]')
				.map(([k, v]): [string, string] => [k, k === 'account[subdomain]' ? 'rival' : v]),
		);
		expect((await deliver(workflow, foreign)).response.status).toBe(401);
	});

	test('with the option off a body with an id is still checked against it', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS, requireAccountId: false }, warmCaches());
		const foreign = kommoForm(
			BATCH().map(([k, v]): [string, string] => [k, k === 'account[id]' ? '99999999' : v]),
		);
		expect((await deliver(workflow, foreign)).response.status).toBe(401);
	});

	test('turning it off shows a warning in the node', () => {
		const notice = new KommoTrigger().description.properties.find(
			(property) => property.type === 'notice' && property.displayOptions?.show?.requireAccountId,
		);
		expect(notice?.displayOptions?.show?.requireAccountId).toEqual([false]);
		expect(notice?.displayName).toMatch(/anyone who knows this URL and your subdomain/);
	});
});

describe('Kommo Trigger webhook: rejected requests start nothing', () => {
	const cases: Array<[string, string, number, RegExp, Record<string, string>?]> = [
		[
			'broken percent-encoding',
			kommoForm(BATCH()) + '&leads%5Bstatus%5D%5B0%5D%5Bname%5D=%E0%A4%A',
			400,
			/broken percent-encoding/,
		],
		[
			'__proto__ key',
			'leads%5B__proto__%5D%5Bpolluted%5D=1&' + kommoForm(BATCH()),
			400,
			/reserved name "__proto__"/,
		],
		[
			'constructor key',
			'leads[status][0][constructor][prototype][x]=1&account[subdomain]=devteam',
			400,
			/reserved name/,
		],
		[
			'absurd nesting',
			'a' + '[0]'.repeat(50) + '=1&account[subdomain]=devteam',
			400,
			/levels deep/,
		],
		[
			'JSON body',
			JSON.stringify({ leads: { status: [{ id: 1 }] } }),
			400,
			/application\/x-www-form-urlencoded, not application\/json/,
			{ 'content-type': 'application/json' },
		],
		['empty body', '', 400, /empty/],
		[
			'no leads entity',
			kommoForm([
				['contacts[add][0][id]', '5'],
				['account[subdomain]', 'devteam'],
				['account[id]', '31361463'],
			]),
			400,
			/no leads\[…\] entity/,
		],
		[
			'lead without id',
			kommoForm([
				['leads[status][0][status_id]', '142'],
				['account[subdomain]', 'devteam'],
				['account[id]', '31361463'],
			]),
			400,
			/leads\[status\]\[0\] has no valid lead id/,
		],
		[
			'note without lead id',
			kommoForm([
				['leads[status][0][id]', '1'],
				['leads[note][0][note][text]', 'x'],
				['account[subdomain]', 'devteam'],
				['account[id]', '31361463'],
			]),
			400,
			/leads\[note\]\[0\] has no valid lead id/,
		],
		['no account', kommoForm([['leads[status][0][id]', '1001']]), 401, /names no Kommo account/],
		[
			'foreign subdomain',
			kommoForm(
				BATCH().map(([k, v]): [string, string] => [k, k === 'account[subdomain]' ? 'rival' : v]),
			),
			401,
			/different Kommo account/,
		],
	];

	// rest parameters: jest would take a fifth named parameter for a `done` callback
	test.each(cases)('%s is refused', async (...testCase) => {
		const [, body, status, message, headers] = testCase;
		const workflow = triggerWorkflow({ events: ALL_EVENTS }, warmCaches());
		const { response, result } = await deliver(workflow, body, headers);
		expect(response.status).toBe(status);
		expect(JSON.parse(response.body).message).toMatch(message);
		expect(result.workflowData).toBeUndefined();
		expect(result.noWebhookResponse).toBe(true);
	});

	test('the id of another account is refused after one account lookup, later ones cost nothing', async () => {
		const api = kommoApi().get('/api/v4/account').once().reply(200, ACCOUNT);
		const workflow = triggerWorkflow();
		const foreign: Pairs = BATCH().map(([k, v]) => [k, k === 'account[id]' ? '99999999' : v]);

		const first = await deliver(workflow, kommoForm(foreign));
		const second = await deliver(workflow, kommoForm(foreign));

		api.done();
		for (const { response, result } of [first, second]) {
			expect(response.status).toBe(401);
			expect(result.workflowData).toBeUndefined();
		}
		expect(readCachedAccount(triggerStaticData(workflow), KOMMO)).toEqual({
			baseUrl: KOMMO,
			id: 31361463,
			subdomain: 'devteam',
		});
	});

	test('the credential of another account (same payload) is refused', async () => {
		const workflow = triggerWorkflow();
		const { response, result } = await deliverWebhook({
			workflow,
			nodeName: 'Kommo Trigger',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: kommoForm(BATCH()),
			credentials: {
				intercomKommoKommoApi: { ...CREDENTIALS.intercomKommoKommoApi, subdomain: 'elsewhere' },
			},
		});
		expect(response.status).toBe(401);
		expect(result.workflowData).toBeUndefined();
	});
});

describe('Kommo Trigger webhook: filters', () => {
	test('pipeline filter keeps only leads in the chosen pipelines', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS, pipelineId: ['7012345'] }, warmCaches());
		const { result } = await deliver(workflow, kommoForm(BATCH()));
		expect(result.workflowData![0].map((item) => item.json.leadId)).toEqual([1002]);
	});

	test('stage filter matches pipeline:stage, so "won" in another pipeline does not count', async () => {
		const workflow = triggerWorkflow(
			{ events: ALL_EVENTS, stageIds: ['6950551:58141811', '6950551:142'] },
			warmCaches(),
		);
		const { result } = await deliver(workflow, kommoForm(BATCH()));
		expect(result.workflowData![0].map((item) => item.json.leadId)).toEqual([1001]);
	});

	test('a bare stage id (as the dropdown gives) matches in any pipeline, or in the chosen ones', async () => {
		const anyPipeline = triggerWorkflow({ events: ALL_EVENTS, stageIds: [142] }, warmCaches());
		const { result } = await deliver(anyPipeline, kommoForm(BATCH()));
		expect(result.workflowData![0].map((item) => item.json.leadId)).toEqual([1002]);

		const otherPipeline = triggerWorkflow(
			{ events: ALL_EVENTS, pipelineId: [6950551], stageIds: [142, 58141803] },
			warmCaches(),
		);
		const filtered = await deliver(otherPipeline, kommoForm(BATCH()));
		expect(filtered.result.workflowData![0].map((item) => item.json.leadId)).toEqual([1003]);
	});

	test('nothing left after filtering: 200 and no execution', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS, pipelineId: ['1234567'] }, warmCaches());
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		expect(response.status).toBe(200);
		expect(result.workflowData).toBeUndefined();
		expect(JSON.parse(response.body)).toEqual({
			message: 'No event matched the trigger; nothing started',
		});
	});

	test('a filter expression that is not an id is a configuration error', async () => {
		const workflow = triggerWorkflow({ pipelineId: ['Sales'] }, warmCaches());
		await expect(deliver(workflow, kommoForm(BATCH()))).rejects.toThrow(
			'The trigger\'s filter is invalid: Pipeline "Sales" is not a Kommo id',
		);
	});
});

describe('Kommo Trigger webhook: Fetch Full Lead', () => {
	const fullLead = (id: number, pipelineId: number, statusId: number) => ({
		id,
		name: `Lead ${id}`,
		price: 12000,
		pipeline_id: pipelineId,
		status_id: statusId,
		_embedded: { contacts: [{ id: 7001, is_main: true }] },
	});

	test('answers Kommo first, then fetches each lead once; note events get their position and meet the filter', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/1001')
			.query({ with: 'contacts' })
			.once()
			.reply(200, fullLead(1001, 6950551, 58141811))
			.get('/api/v4/leads/1003')
			.query({ with: 'contacts' })
			.reply(200, fullLead(1003, 6950551, 58141803));
		const workflow = triggerWorkflow(
			{ events: ALL_EVENTS, pipelineId: ['6950551'], options: { fetchFullLead: true } },
			warmCaches(),
		);

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(response.status).toBe(200);
		expect(JSON.parse(response.body)).toEqual({ message: 'Received' });
		expect(result.noWebhookResponse).toBe(true);
		const items = result.workflowData![0].map((item) => item.json);
		expect(items.map((item) => [item.event, item.leadId])).toEqual([
			['status_lead', 1001],
			['update_lead', 1003],
			['note_lead', 1001],
		]);
		expect(items[2]).toMatchObject({
			pipelineId: 6950551,
			pipelineName: 'Pipeline',
			statusId: 58141811,
			statusName: 'Proposal sent',
			fullLead: fullLead(1001, 6950551, 58141811),
		});
		expect(items[2].fullLeadError).toBeUndefined();
	});

	test('without Fetch Full Lead, note events cannot meet a pipeline filter and are dropped', async () => {
		const workflow = triggerWorkflow(
			{ events: ['note_lead'], pipelineId: ['6950551'] },
			warmCaches(),
		);
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		expect(response.status).toBe(200);
		expect(result.workflowData).toBeUndefined();
	});

	test('a lead that cannot be fetched is still emitted, with the reason', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/1003')
			.query({ with: 'contacts' })
			.reply(404, { title: 'Not Found', status: 404, detail: 'Lead not found' });
		const workflow = triggerWorkflow(
			{ events: ['update_lead'], options: { fetchFullLead: true } },
			warmCaches(),
		);

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(response.status).toBe(200);
		const [item] = result.workflowData![0].map((entry) => entry.json);
		expect(item).toMatchObject({ leadId: 1003, fullLead: null });
		expect(typeof item.fullLeadError).toBe('string');
		expect(item.fullLeadError).not.toBe('');
	});

	test('filtered out after the fetch: Kommo already has its 200, no execution starts', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/1001')
			.query({ with: 'contacts' })
			.reply(200, fullLead(1001, 7012345, 59000001));
		const workflow = triggerWorkflow(
			{ events: ['note_lead'], pipelineId: ['6950551'], options: { fetchFullLead: true } },
			warmCaches(),
		);

		const { response, result } = await deliver(workflow, kommoForm(BATCH()));

		api.done();
		expect(response.status).toBe(200);
		expect(result).toEqual({ noWebhookResponse: true });
	});
});

test('trigger output flows through a workflow into the next node', async () => {
	const workflow = triggerWorkflow(
		{ events: ALL_EVENTS, stageIds: ['6950551:58141811'] },
		warmCaches(),
	);
	const { result } = await deliver(workflow, kommoForm(BATCH()));

	const run = await runWorkflow({
		nodes: [
			{
				name: 'Kommo Trigger',
				type: 'kommoTrigger',
				parameters: { events: ALL_EVENTS },
				credentials: { intercomKommoKommoApi: 'kommo' },
			},
			{ name: 'Passthrough', type: 'passthrough' },
		],
		credentials: CREDENTIALS,
		input: result.workflowData![0],
	});

	expect(run.error()).toBeUndefined();
	expect(run.json('Passthrough')).toEqual([
		expect.objectContaining({
			event: 'status_lead',
			leadId: 1001,
			statusName: 'Proposal sent',
			pipelineName: 'Pipeline',
		}),
	]);
});

describe('Kommo Trigger webhook: Stage → Intercom Tag', () => {
	const rows = (...mapping: Array<[string | number, string]>) => ({
		stageTags: { mapping: mapping.map(([stageId, tag]) => ({ stageId, tag })) },
	});
	const TYPICAL = rows([58141807, 'qualified'], [142, 'deal_won'], [143, 'deal_lost']);

	test('every item carries its tag; events whose stage has no row are dropped', async () => {
		const workflow = triggerWorkflow(
			{
				events: ALL_EVENTS,
				options: rows([58141811, 'proposal_sent'], [142, 'deal_won'], [143, 'deal_lost']),
			},
			warmCaches(),
		);
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		expect(response.status).toBe(200);
		// 1003 moved to "Incoming leads" (no row); the note event says no stage at all
		expect(result.workflowData![0].map((item) => item.json)).toEqual([
			expect.objectContaining({ event: 'status_lead', leadId: 1001, intercomTag: 'proposal_sent' }),
			expect.objectContaining({ event: 'status_lead', leadId: 1002, intercomTag: 'deal_won' }),
		]);
	});

	test("a row pinned to the lead's pipeline wins over a bare stage id, in either order", async () => {
		for (const options of [
			rows([142, 'deal_won'], ['7012345:142', 'partner_signed']),
			rows(['7012345:142', 'partner_signed'], [142, 'deal_won']),
		]) {
			const workflow = triggerWorkflow({ options }, warmCaches());
			const { result } = await deliver(workflow, kommoForm(BATCH()));
			expect(
				result.workflowData![0].map((item) => [item.json.leadId, item.json.intercomTag]),
			).toEqual([[1002, 'partner_signed']]);
		}
	});

	test('no event has a row: Kommo gets its 200 and no execution starts', async () => {
		// Won is pinned to the other pipeline, and nobody moved to Qualified or Lost
		const workflow = triggerWorkflow(
			{ options: rows(['6950551:142', 'deal_won'], [58141807, 'qualified'], [143, 'deal_lost']) },
			warmCaches(),
		);
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		expect(response.status).toBe(200);
		expect(result.workflowData).toBeUndefined();
		expect(JSON.parse(response.body)).toEqual({
			message: 'No event matched the trigger; nothing started',
		});
	});

	test('the mapping and the filters both apply', async () => {
		const workflow = triggerWorkflow(
			{
				events: ALL_EVENTS,
				pipelineId: ['6950551'],
				options: rows([58141811, 'proposal_sent'], [142, 'deal_won'], [58141803, 'new']),
			},
			warmCaches(),
		);
		const { result } = await deliver(workflow, kommoForm(BATCH()));
		expect(
			result.workflowData![0].map((item) => [item.json.leadId, item.json.intercomTag]),
		).toEqual([
			[1001, 'proposal_sent'],
			[1003, 'new'],
		]);
	});

	test('with Fetch Full Lead a note event takes its stage, and its tag, from the lead', async () => {
		const api = kommoApi()
			.get('/api/v4/leads/1001')
			.query({ with: 'contacts' })
			.reply(200, { id: 1001, pipeline_id: 6950551, status_id: 58141807 });
		const workflow = triggerWorkflow(
			{ events: ['note_lead'], options: { ...TYPICAL, fetchFullLead: true } },
			warmCaches(),
		);
		const { response, result } = await deliver(workflow, kommoForm(BATCH()));
		api.done();
		expect(response.status).toBe(200);
		expect(result.workflowData![0].map((item) => item.json)).toEqual([
			expect.objectContaining({
				event: 'note_lead',
				leadId: 1001,
				statusId: 58141807,
				statusName: 'Qualified',
				intercomTag: 'qualified',
			}),
		]);
	});

	test('without rows the items have no intercomTag and nothing is dropped', async () => {
		for (const options of [{}, { stageTags: {} }, { stageTags: { mapping: [] } }]) {
			const workflow = triggerWorkflow({ events: ALL_EVENTS, options }, warmCaches());
			const { result } = await deliver(workflow, kommoForm(BATCH()));
			const items = result.workflowData![0].map((item) => item.json);
			expect(items).toHaveLength(4);
			for (const item of items) expect(item).not.toHaveProperty('intercomTag');
		}
	});

	test.each([
		[rows([142, ' ']), 'row 1 of Stage → Intercom Tag has no Intercom tag name'],
		[rows([142, 'deal_won'], ['', 'x']), 'row 2 of Stage → Intercom Tag has no stage'],
		[rows(['Won', 'deal_won']), 'Stage "Won" is not a Kommo id'],
	])('an unusable row is a configuration error (%#)', async (options, reason) => {
		const workflow = triggerWorkflow({ options }, warmCaches());
		await expect(deliver(workflow, kommoForm(BATCH()))).rejects.toThrow(
			`The trigger's Stage → Intercom Tag option is invalid: ${reason}`,
		);
	});
});
