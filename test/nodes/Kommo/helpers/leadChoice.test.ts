/** The one rule for the lead a chat is written to, across every matching contact. */
import type { IDataObject } from 'n8n-workflow';

import { chooseLead, MAX_LEADS_INSPECTED } from '../../../../nodes/Kommo/helpers/leadChoice';

const lead = (id: number, updatedAt: number, statusId = 58141803, extra: IDataObject = {}) => ({
	id,
	status_id: statusId,
	updated_at: updatedAt,
	...extra,
});

const never: (leadId: number) => Promise<boolean> = async () => false;

describe('chooseLead', () => {
	test('no contact: nothing chosen', async () => {
		await expect(chooseLead([], never)).resolves.toEqual({
			leadId: null,
			contactId: null,
			leadChoice: null,
			reason: 'No contact matches',
		});
	});

	test('one open lead is the answer without asking whether it is linked', async () => {
		const isLinked = jest.fn(never);
		const decision = await chooseLead(
			[{ contactId: 1, leads: [lead(10, 100), lead(11, 200, 142), lead(12, 300, 143)] }],
			isLinked,
		);
		expect(decision).toEqual({
			leadId: 10,
			contactId: 1,
			leadChoice: 'latest-open',
			reason: 'Lead 10 is the only open lead of the matching contact',
		});
		expect(isLinked).not.toHaveBeenCalled();
	});

	test('several open leads: the linked one wins, asked newest first, across contacts', async () => {
		const asked: number[] = [];
		const decision = await chooseLead(
			[
				{ contactId: 1, leads: [lead(10, 100), lead(11, 300)] },
				{ contactId: 2, leads: [lead(20, 200), lead(21, 400, 142)] },
			],
			async (leadId) => {
				asked.push(leadId);
				return leadId === 20;
			},
		);
		expect(asked).toEqual([11, 20]);
		expect(decision).toEqual({
			leadId: 20,
			contactId: 2,
			leadChoice: 'linked-to-conversation',
			reason:
				"Lead 20 already holds this conversation's notes (of 3 open leads of the 2 matching contacts)",
		});
	});

	test('none linked: the most recently updated open lead; ties go to the higher id', async () => {
		const decision = await chooseLead(
			[{ contactId: 1, leads: [lead(10, 500), lead(12, 500), lead(11, 100)] }],
			never,
		);
		expect(decision).toMatchObject({
			leadId: 12,
			contactId: 1,
			leadChoice: 'latest-open',
			reason: 'Lead 12 is the most recently updated of 3 open leads of the matching contact',
		});
	});

	test(`at most ${MAX_LEADS_INSPECTED} leads are asked about`, async () => {
		const leads = Array.from({ length: MAX_LEADS_INSPECTED + 5 }, (_, index) =>
			lead(100 + index, 1000 - index),
		);
		const isLinked = jest.fn(async (leadId: number) => leadId === 114);
		const decision = await chooseLead([{ contactId: 1, leads }], isLinked);
		expect(isLinked).toHaveBeenCalledTimes(MAX_LEADS_INSPECTED);
		expect(decision).toMatchObject({ leadId: 100, leadChoice: 'latest-open' });
	});

	test('a lead shared by duplicate contacts counts once and is asked about once', async () => {
		const shared = lead(30, 900);
		const isLinked = jest.fn(never);
		const decision = await chooseLead(
			[
				{ contactId: 1, leads: [shared, lead(31, 100)] },
				{ contactId: 2, leads: [shared] },
			],
			isLinked,
		);
		expect(isLinked.mock.calls.map(([leadId]) => leadId)).toEqual([30, 31]);
		expect(decision).toMatchObject({
			leadId: 30,
			contactId: 1,
			reason: 'Lead 30 is the most recently updated of 2 open leads of the 2 matching contacts',
		});
	});

	test('deleted and closed leads are not open: a new lead goes to the newest contact', async () => {
		const one = await chooseLead(
			[{ contactId: 5, leads: [lead(40, 1, 142), lead(41, 2, 58141803, { is_deleted: true })] }],
			never,
		);
		expect(one).toEqual({
			leadId: null,
			contactId: 5,
			leadChoice: null,
			reason: 'No open lead; a new lead goes to contact 5',
		});
		const two = await chooseLead(
			[
				{ contactId: 6, leads: [] },
				{ contactId: 7, leads: [lead(42, 3, 143)] },
			],
			never,
		);
		expect(two).toEqual({
			leadId: null,
			contactId: 6,
			leadChoice: null,
			reason:
				'No open lead among the 2 matching contacts; a new lead goes to contact 6, the most recently updated',
		});
	});
});
