import {
	parseNestedForm,
	tryParseNestedForm,
} from '../../../../nodes/KommoTrigger/helpers/formParser';
import {
	extractLeadEvents,
	PayloadError,
	readPayloadAccount,
	tryExtractLeadEvents,
} from '../../../../nodes/KommoTrigger/helpers/events';
import { kommoForm, loadPairs } from '../kommoForm';

const ALL_LEAD_EVENTS = new Set(['status_lead', 'add_lead', 'update_lead', 'note_lead']);

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
