import type { IDataObject } from 'n8n-workflow';

import {
	compareAccount,
	isPipelineCacheUsable,
	PIPELINE_CACHE_TTL_MS,
	readCachedAccount,
	readCachedPipelines,
	resolveNames,
	storeAccount,
	storePipelines,
} from '../../../nodes/KommoTrigger/helpers/accountCache';
import {
	FormParseError,
	parseNestedForm,
	tryParseNestedForm,
} from '../../../nodes/KommoTrigger/helpers/formParser';
import {
	extractLeadEvents,
	PayloadError,
	readPayloadAccount,
	tryExtractLeadEvents,
} from '../../../nodes/KommoTrigger/helpers/events';
import {
	buildLeadFilter,
	checkFilter,
	FilterConfigError,
} from '../../../nodes/KommoTrigger/helpers/filters';
import { bigStatusBatch, kommoForm, loadJson, loadPairs, loadText } from './kommoForm';

const ALL_LEAD_EVENTS = new Set(['status_lead', 'add_lead', 'update_lead', 'note_lead']);

describe('parseNestedForm', () => {
	test('re-nests the captured 2016 Kommo stage-change request exactly', () => {
		const parsed = parseNestedForm(loadText('status-lead.captured-2016.form.txt'));
		expect(parsed).toEqual({
			leads: {
				status: [
					{
						id: '31926520',
						name: 'Some test lead',
						status_id: '10216994',
						price: '1000',
						responsible_user_id: '938348',
						last_modified: '1456820780',
						modified_user_id: '102525',
						created_user_id: '102525',
						date_create: '1456808154',
						pipeline_id: '2116',
						account_id: '10216991',
						custom_fields: [
							{ id: '1119321', name: 'Some text field', values: [{ value: 'some text' }] },
						],
						old_status_id: '10216995',
					},
				],
			},
			account: { subdomain: 'test000002' },
		});
	});

	test('decodes + as space, UTF-8 percent-encoding, and keeps = and & inside values', () => {
		const body = kommoForm([
			['leads[add][0][name]', 'Müller GmbH — a=b & c'],
			['plain', 'x'],
		]);
		expect(body).toContain('+');
		expect(parseNestedForm(body)).toEqual({
			leads: { add: [{ name: 'Müller GmbH — a=b & c' }] },
			plain: 'x',
		});
		expect(parseNestedForm('a=1+2%2B3&b=&c')).toEqual({ a: '1 2+3', b: '', c: '' });
	});

	test('keeps every field of a 1500+ field body (n8n keeps only 1000)', () => {
		const pairs = bigStatusBatch(40, 12); // 40 * (4 + 36) + 2 = 1602 fields
		expect(pairs.length).toBeGreaterThan(1500);
		const parsed = parseNestedForm(kommoForm(pairs)) as any;
		expect(parsed.leads.status).toHaveLength(40);
		const last = parsed.leads.status[39];
		expect(last.id).toBe('500039');
		expect(last.custom_fields).toHaveLength(12);
		expect(last.custom_fields[11]).toEqual({
			id: '1119011',
			name: 'Field 11',
			values: [{ value: 'value 39/11' }],
		});
		expect(parsed.account).toEqual({ subdomain: 'devteam', id: '31361463' });
	});

	test('fails clearly on broken percent-encoding, in names and values', () => {
		expect(() => parseNestedForm('leads%5Bstatus%5D%5B0%5D%5Bname%5D=%E0%A4%A')).toThrow(
			FormParseError,
		);
		expect(() => parseNestedForm('a=ok&b=%E0%A4%A')).toThrow(
			/Field 2 has a broken percent-encoding in its value/,
		);
		expect(() => parseNestedForm('a%ZZ=1')).toThrow(/broken percent-encoding in its name/);
		expect(() => parseNestedForm('a=%FF')).toThrow(FormParseError);
	});

	test('refuses __proto__, constructor and prototype keys without touching Object.prototype', () => {
		for (const body of [
			'__proto__[polluted]=yes',
			'leads[__proto__][polluted]=yes',
			'leads%5B__proto__%5D%5Bpolluted%5D=yes',
			'a[constructor][prototype][polluted]=yes',
			'leads[status][0][prototype]=x',
		]) {
			expect(() => parseNestedForm(body)).toThrow(/reserved name/);
		}
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
	});

	test('refuses absurd nesting and malformed names', () => {
		const deep = 'a' + '[x]'.repeat(13) + '=1';
		expect(() => parseNestedForm(deep)).toThrow(/nested 13 levels deep; at most 12/);
		expect(parseNestedForm('a' + '[x]'.repeat(12) + '=1')).toBeDefined();
		expect(() => parseNestedForm('a[b=1')).toThrow(/unbalanced brackets/);
		expect(() => parseNestedForm('[a]=1')).toThrow(/no name/);
		expect(() => parseNestedForm('a]b[=1')).toThrow(FormParseError);
	});

	test('numeric indexes become arrays only when dense; ids used as keys stay objects', () => {
		const parsed = parseNestedForm(
			kommoForm([
				['contacts[add][0][linked_leads_id][40326593][ID]', '40326593'],
				['list[1]', 'b'],
				['list[0]', 'a'],
				['gap[0]', 'a'],
				['gap[2]', 'c'],
				['push[]', 'x'],
				['push[]', 'y'],
			]),
		) as any;
		expect(parsed.contacts.add[0].linked_leads_id).toEqual({ '40326593': { ID: '40326593' } });
		expect(Array.isArray(parsed.contacts.add[0].linked_leads_id)).toBe(false);
		expect(parsed.list).toEqual(['a', 'b']);
		expect(parsed.gap).toEqual({ '0': 'a', '2': 'c' });
		expect(parsed.push).toEqual(['x', 'y']);
		// a top-level "0" stays an object key
		expect(parseNestedForm('0=a')).toEqual({ '0': 'a' });
	});

	test('last field wins when a name is repeated or turned into a group (PHP semantics)', () => {
		expect(parseNestedForm('a=1&a=2')).toEqual({ a: '2' });
		expect(parseNestedForm('a=1&a[b]=2')).toEqual({ a: { b: '2' } });
		expect(parseNestedForm('a[b]=2&a=1')).toEqual({ a: '1' });
	});
});

describe('extractLeadEvents', () => {
	test('one event per lead per action, in payload order, with numeric ids', () => {
		const payload = parseNestedForm(kommoForm(loadPairs('batch-status-update-note.pairs.json')));
		const events = extractLeadEvents(payload, ALL_LEAD_EVENTS);
		expect(
			events.map((event) => [
				event.event,
				event.leadId,
				event.pipelineId,
				event.statusId,
				event.oldStatusId,
			]),
		).toEqual([
			['status_lead', 1001, 6950551, 58141811, 58141807],
			['status_lead', 1002, 7012345, 142, 59000002],
			['update_lead', 1003, 6950551, 58141803, null],
			['note_lead', 1001, null, null, null],
		]);
		expect(events[3].lead).toEqual({
			note: {
				id: '777',
				element_id: '1001',
				element_type: '2',
				note_type: '4',
				text: 'Called back, wants a demo & a quote',
				account_id: '31361463',
			},
		});
		expect(readPayloadAccount(payload)).toEqual({ id: 31361463, subdomain: 'devteam' });
	});

	test('skips actions the node does not listen to, but still needs a leads entity', () => {
		const payload = parseNestedForm(kommoForm(loadPairs('batch-status-update-note.pairs.json')));
		expect(
			extractLeadEvents(payload, new Set(['update_lead'])).map((event) => event.leadId),
		).toEqual([1003]);
		expect(extractLeadEvents(payload, new Set(['add_lead']))).toEqual([]);
		expect(() => extractLeadEvents({ contacts: { add: [{ id: '1' }] } }, ALL_LEAD_EVENTS)).toThrow(
			PayloadError,
		);
		expect(() => extractLeadEvents({}, ALL_LEAD_EVENTS)).toThrow(/no leads\[…\] entity/);
	});

	test('a lead without a usable id is a payload error', () => {
		expect(() =>
			extractLeadEvents({ leads: { status: [{ status_id: '1' }] } }, ALL_LEAD_EVENTS),
		).toThrow('leads[status][0] has no valid lead id');
		expect(() =>
			extractLeadEvents({ leads: { status: [{ id: '12abc' }] } }, ALL_LEAD_EVENTS),
		).toThrow(PayloadError);
		expect(() =>
			extractLeadEvents({ leads: { note: [{ note: { id: '5' } }] } }, ALL_LEAD_EVENTS),
		).toThrow('leads[note][0] has no valid lead id');
		expect(() =>
			extractLeadEvents({ leads: { status: { x: { id: '1' } } } }, ALL_LEAD_EVENTS),
		).toThrow(/not a numbered list/);
		expect(() => extractLeadEvents({ leads: { status: ['1'] } }, ALL_LEAD_EVENTS)).toThrow(
			/is not a lead/,
		);
	});

	test('the payload account accepts a bare subdomain or a host', () => {
		expect(readPayloadAccount({ account: { subdomain: 'DevTeam.kommo.com', id: 'x' } })).toEqual({
			id: null,
			subdomain: 'devteam',
		});
		expect(readPayloadAccount({})).toEqual({ id: null, subdomain: null });
	});
});

describe('lead filter', () => {
	test('no filter matches everything, even unknown positions', () => {
		const filter = buildLeadFilter([], []);
		expect(checkFilter(filter, null, null)).toBe('match');
		expect(checkFilter(filter, 1, 2)).toBe('match');
	});

	test('pipeline and stage filters (stage values are pipeline:status; bare status matches any pipeline)', () => {
		const filter = buildLeadFilter(['6950551', 7012345], ['6950551:58141811', '7012345:142']);
		expect(checkFilter(filter, 6950551, 58141811)).toBe('match');
		expect(checkFilter(filter, 7012345, 142)).toBe('match');
		expect(checkFilter(filter, 6950551, 142)).toBe('miss'); // won, but in the other pipeline
		expect(checkFilter(filter, 8000000, 58141811)).toBe('miss');
		expect(checkFilter(filter, null, 58141811)).toBe('unknown');
		expect(checkFilter(filter, 6950551, null)).toBe('unknown');

		const anyWon = buildLeadFilter([], ['142']);
		expect(checkFilter(anyWon, 6950551, 142)).toBe('match');
		expect(checkFilter(anyWon, null, 142)).toBe('match');
		expect(checkFilter(anyWon, 6950551, 143)).toBe('miss');
		expect(checkFilter(buildLeadFilter([], ['6950551:142']), null, 142)).toBe('unknown');
		expect(checkFilter(buildLeadFilter('6950551, 7012345', ''), 7012345, 1)).toBe('match');
	});

	test('rejects values that are not Kommo ids', () => {
		expect(() => buildLeadFilter(['abc'], [])).toThrow(FilterConfigError);
		expect(() => buildLeadFilter([], ['1:2:3'])).toThrow(FilterConfigError);
		expect(() => buildLeadFilter([], ['0'])).toThrow(/Stage "0" is not a Kommo id/);
	});
});

describe('account and name caches', () => {
	const BASE = 'https://devteam.kommo.com';

	test('compareAccount: whatever the payload names must match; unknown expectations ask for the account', () => {
		const expected = { id: 31361463, subdomain: 'devteam' };
		expect(compareAccount({ id: 31361463, subdomain: 'devteam' }, expected)).toBe('match');
		expect(compareAccount({ id: null, subdomain: 'devteam' }, expected)).toBe('match');
		expect(compareAccount({ id: 1, subdomain: 'devteam' }, expected)).toBe('mismatch');
		expect(compareAccount({ id: 31361463, subdomain: 'rival' }, expected)).toBe('mismatch');
		expect(
			compareAccount({ id: 31361463, subdomain: 'devteam' }, { id: null, subdomain: 'devteam' }),
		).toBe('needAccount');
		expect(compareAccount({ id: null, subdomain: 'devteam' }, { id: null, subdomain: null })).toBe(
			'needAccount',
		);
		expect(
			compareAccount({ id: null, subdomain: 'rival' }, { id: null, subdomain: 'devteam' }),
		).toBe('mismatch');
	});

	test('the account cache belongs to one account URL and needs an id and subdomain', () => {
		const staticData: IDataObject = {};
		storeAccount(staticData, BASE, loadJson('account.json'));
		expect(readCachedAccount(staticData, BASE)).toEqual({
			baseUrl: BASE,
			id: 31361463,
			subdomain: 'devteam',
		});
		expect(readCachedAccount(staticData, 'https://other.kommo.com')).toBeUndefined();
		expect(() => storeAccount({}, BASE, { name: 'x' })).toThrow(/without an account id/);
	});

	test('names are looked up per pipeline; unknown ids give null', () => {
		const staticData: IDataObject = {};
		const response = loadJson<{ _embedded: { pipelines: unknown[] } }>('pipelines.json');
		const cache = storePipelines(staticData, BASE, response._embedded.pipelines, 1000);
		expect(readCachedPipelines(staticData, BASE)).toBe(cache);
		expect(readCachedPipelines(staticData, 'https://other.kommo.com')).toBeUndefined();
		expect(resolveNames(cache, 7012345, 142, 6950551, 58141811)).toEqual({
			pipelineName: 'Partners',
			statusName: 'Partner signed',
			oldStatusName: 'Proposal sent',
		});
		expect(resolveNames(cache, 6950551, 142, null, 58141811)).toEqual({
			pipelineName: 'Pipeline',
			statusName: 'Closed - won',
			oldStatusName: 'Proposal sent',
		});
		expect(resolveNames(cache, 2116, 10216994, null, 10216995)).toEqual({
			pipelineName: null,
			statusName: null,
			oldStatusName: null,
		});
		expect(resolveNames(undefined, 6950551, 142, null, null).pipelineName).toBeNull();
	});

	test('the name cache is used for ten minutes, and refreshed early only for an id it lacks', () => {
		const response = loadJson<{ _embedded: { pipelines: unknown[] } }>('pipelines.json');
		const cache = storePipelines({}, BASE, response._embedded.pipelines, 0);
		const known = [{ pipelineId: 6950551, statusId: 58141811 }];
		const unknownStage = [{ pipelineId: 6950551, statusId: 99 }];
		expect(isPipelineCacheUsable(undefined, known, 0)).toBe(false);
		expect(isPipelineCacheUsable(cache, known, PIPELINE_CACHE_TTL_MS)).toBe(true);
		expect(isPipelineCacheUsable(cache, known, PIPELINE_CACHE_TTL_MS + 1)).toBe(false);
		expect(isPipelineCacheUsable(cache, unknownStage, 30_000)).toBe(true);
		expect(isPipelineCacheUsable(cache, unknownStage, 61_000)).toBe(false);
		expect(isPipelineCacheUsable(cache, [{ pipelineId: 1, statusId: null }], 61_000)).toBe(false);
		expect(isPipelineCacheUsable(cache, [{ pipelineId: null, statusId: 5 }], 61_000)).toBe(true);
		expect(isPipelineCacheUsable(cache, known, -1)).toBe(false);
	});
});

describe('safe wrappers answer instead of throwing', () => {
	test('tryParseNestedForm and tryExtractLeadEvents', () => {
		expect(tryParseNestedForm('a=%E0%A4%A').error).toMatch(/broken percent-encoding/);
		expect(tryParseNestedForm('a=1').payload).toEqual({ a: '1' });
		expect(tryExtractLeadEvents({}, ALL_LEAD_EVENTS).error).toMatch(/no leads/);
		expect(
			tryExtractLeadEvents({ leads: { add: [{ id: '9' }] } }, ALL_LEAD_EVENTS).events,
		).toHaveLength(1);
	});
});
