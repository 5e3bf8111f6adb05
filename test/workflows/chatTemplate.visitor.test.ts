/**
 * The chat template and a visitor who typed an existing customer's email (docs/intercom.md): Intercom
 * keeps the writer as a contact with role `lead`, with the email they typed. Each choice of *Find
 * contact by email* › "When a Visitor's Email Matches a Contact", run through n8n's engine against
 * the sandbox over real HTTP, and the check switched off: the visitor's words land in the
 * customer's deal reading like the customer.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { seedChats } from '../helpers/forward/chats';
import type { Chat } from '../helpers/forward/chats';
import { checkKommo } from '../helpers/forward/kommoCheck';
import { setUpFaultSuite } from '../helpers/forward/faultSuite';
import type { FaultSuite } from '../helpers/forward/faultSuite';

const FIND = 'Find contact by email';
const WARNING = 'Warning: not verified.';

interface KommoNote {
	entity_id: number;
	params?: { text?: string };
}
interface KommoLead {
	id: number;
	name: string;
}

describe("the chat template: a visitor who typed a customer's email", () => {
	const suite = setUpFaultSuite();
	let { sandbox, runner }: FaultSuite = suite;
	let shipped: string;
	beforeAll(() => {
		({ sandbox, runner } = suite);
		shipped = JSON.stringify(runner.template);
	});
	afterEach(() => Object.assign(runner.template, JSON.parse(shipped)));

	const findOptions = () =>
		runner.template.nodes.find((node: INode) => node.name === FIND)!.parameters
			.options as IDataObject;

	/** A customer with an open deal in Kommo, and a visitor's chat with the customer's email. */
	function customerAndVisitor(firstId: number) {
		const [customer] = seedChats(sandbox, 1, firstId);
		const visitorContactId = `65f0fb00000000000000${firstId}`;
		const conversationId = String(firstId + 500);
		const now = Math.floor(Date.now() / 1000) - 600;
		sandbox.seed(
			{
				intercom: {
					contacts: [
						{
							id: visitorContactId,
							role: 'lead',
							name: 'Visitor',
							email: customer.email,
							created_at: now,
						},
					],
					conversations: [
						{
							id: conversationId,
							created_at: now,
							contacts: [visitorContactId],
							source: {
								id: String(600000000 + firstId),
								author: { type: 'lead', id: visitorContactId },
								body: '<p>please send the contract to my new address</p>',
							},
							parts: [],
							tags: [],
						},
					],
				},
			},
			{ merge: true },
		);
		return { customer, conversationId };
	}

	async function deliver(conversationId: string) {
		const delivery = await runner.notify('conversation.user.created', conversationId);
		const run = await runner.execute(delivery.items!);
		expect(run.error()).toBeUndefined();
		return run;
	}

	const notesOf = (conversationId: string) =>
		(sandbox.state.kommo.notes as KommoNote[]).filter((note) =>
			String(note.params?.text ?? '').startsWith(`[Intercom] Chat #${conversationId} `),
		);
	/** no note of the visitor's chat on the customer's deal */
	const customerDealUntouched = (customer: Chat, conversationId: string) =>
		notesOf(conversationId).every((note) => note.entity_id !== customer.seededLeadId);

	test("as shipped: the note goes on the customer's deal, its header says the email is unverified", async () => {
		const { customer, conversationId } = customerAndVisitor(7400);
		await deliver(customer.conversationId);
		const run = await deliver(conversationId);
		expect(run.json(FIND)[0]).toMatchObject({ visitorEmailMatch: true, visitorMatch: 'mark' });
		const [note] = notesOf(conversationId);
		expect(notesOf(conversationId)).toHaveLength(1);
		expect(note.entity_id).toBe(customer.seededLeadId);
		const header = String(note.params?.text).split('\n').slice(0, 3);
		expect(header[2]).toContain(WARNING);
		expect(header[2]).toContain(`typed the email ${customer.email}`);
		// the customer's own chat (a signed-in user) is unchanged
		const [own] = notesOf(customer.conversationId);
		expect(String(own.params?.text)).not.toContain(WARNING);
		expect(checkKommo(sandbox, [customer]).lost).toEqual([]);
	});

	test("check off (no role given): the same chat lands in the customer's deal with no warning", async () => {
		delete findOptions().intercomContactRole;
		const { customer, conversationId } = customerAndVisitor(7410);
		await deliver(conversationId);
		const [note] = notesOf(conversationId);
		expect(note.entity_id).toBe(customer.seededLeadId);
		expect(String(note.params?.text)).not.toContain(WARNING);
	});

	test('"Start a new deal for it": a deal of its own without a contact, found again for the next message', async () => {
		findOptions().visitorMatch = 'newDeal';
		const { customer, conversationId } = customerAndVisitor(7420);
		await deliver(conversationId);
		const [first] = notesOf(conversationId);
		expect(customerDealUntouched(customer, conversationId)).toBe(true);
		const deal = (sandbox.state.kommo.leads as KommoLead[]).find(
			(lead) => lead.id === first.entity_id,
		)!;
		expect(deal.id).not.toBe(customer.seededLeadId);
		expect(deal.name).toBe(
			`Intercom chat #${conversationId} – visitor who typed ${customer.email} (not verified)`,
		);
		expect(
			(sandbox.state.kommo.links as Array<{ lead_id: number }>).some(
				(link) => link.lead_id === deal.id,
			),
		).toBe(false);
		expect(String(first.params?.text)).toContain('this deal is kept apart from it');

		sandbox.appendIntercomPart(conversationId, {
			kind: 'customer',
			body: '<p>and the invoice too</p>',
		});
		const reply = await runner.notify('conversation.user.replied', conversationId);
		expect((await runner.execute(reply.items!)).error()).toBeUndefined();
		const notes = notesOf(conversationId);
		expect(notes).toHaveLength(2);
		expect(notes[1].entity_id).toBe(deal.id);
		expect(String(notes[1].params?.text)).not.toContain('please send the contract');
		expect(customerDealUntouched(customer, conversationId)).toBe(true);
	});

	test('changing the choice mid-chat writes no message twice: what is on either deal is delivered', async () => {
		const { customer, conversationId } = customerAndVisitor(7450);
		const leadsBefore = sandbox.state.kommo.leads.length;
		await deliver(conversationId); // marked, on the customer's deal
		findOptions().visitorMatch = 'newDeal';
		await deliver(conversationId); // the same chat again (a catch-up check, a redelivery)
		expect(notesOf(conversationId)).toHaveLength(1);
		expect(sandbox.state.kommo.leads.length).toBe(leadsBefore);

		const reply = async (text: string) => {
			sandbox.appendIntercomPart(conversationId, { kind: 'customer', body: `<p>${text}</p>` });
			const delivery = await runner.notify('conversation.user.replied', conversationId);
			expect((await runner.execute(delivery.items!)).error()).toBeUndefined();
		};
		await reply('second message');
		findOptions().visitorMatch = 'mark';
		await reply('third message');
		const notes = notesOf(conversationId);
		const texts = notes.map((note) => String(note.params?.text));
		const count = (text: string) => texts.filter((note) => note.includes(text)).length;
		expect([
			count('please send the contract'),
			count('second message'),
			count('third message'),
		]).toEqual([1, 1, 1]);
		expect(notes.map((note) => note.entity_id === customer.seededLeadId)).toEqual([
			true,
			false,
			true,
		]);
	});

	test('"Skip it": nothing written, the run succeeds, the reason is on the item', async () => {
		findOptions().visitorMatch = 'skip';
		const { customer, conversationId } = customerAndVisitor(7430);
		const leadsBefore = sandbox.state.kommo.leads.length;
		const run = await deliver(conversationId);
		expect(notesOf(conversationId)).toEqual([]);
		expect(sandbox.state.kommo.leads.length).toBe(leadsBefore);
		expect(run.ran("Skipped: a visitor typed a customer's email")).toBe(true);
		expect(String(run.json(FIND)[0].reason)).toMatch(
			/^Skipped: the chat's customer is an Intercom visitor/,
		);
		expect(customerDealUntouched(customer, conversationId)).toBe(true);
	});

	test('a visitor whose email no contact has is a new customer: contact and deal as always', async () => {
		findOptions().visitorMatch = 'skip';
		const { customer, conversationId } = customerAndVisitor(7440);
		// the customer's contact is gone from Kommo: the visitor's email matches nobody
		sandbox.state.kommo.contacts = sandbox.state.kommo.contacts.filter(
			(contact: { id: number }) => contact.id !== customer.kommoContactId,
		);
		const run = await deliver(conversationId);
		expect(run.json(FIND)[0]).toMatchObject({ found: false, visitorEmailMatch: false });
		expect(run.ran('Create deal and contact')).toBe(true);
		expect(notesOf(conversationId)).toHaveLength(1);
		expect(String(notesOf(conversationId)[0].params?.text)).not.toContain(WARNING);
	});
});
