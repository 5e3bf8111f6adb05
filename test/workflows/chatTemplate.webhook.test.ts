/**
 * The forward template (`workflows/intercom-chat-to-kommo-deal.json`) run end to end through n8n's
 * WorkflowExecute against nock'd Intercom and Kommo, one webhook from Intercom at a time.
 *
 * n8n's own nodes are not installed here, so `n8n-nodes-base.if`, `.noOp` and `.stickyNote` are
 * test doubles. The IF double declares IF v2's "conditions" filter parameter and asks n8n-core for
 * its value with `extractValue: true`, exactly as IF v2 does: the conditions in the template are
 * evaluated by n8n-workflow's own filter code (`executeFilter`), not by anything written here.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { parseMarker } from '../../nodes/shared/transcriptMarker';
import { forgetProcessMemory } from '../../nodes/shared/processMemory';
import { useClock } from '../../nodes/shared/clock';
import { messageNumbers } from '../nodes/Transcript/helpers';
import {
	CONTACT_ID,
	contactWithLeads,
	conversation,
	CONVERSATION_ID,
	countRequests,
	deliverToForward,
	EMAIL,
	findsContact,
	intercom,
	kommo,
	lead,
	LEAD_ID,
	LEAD_NAME,
	noteBody,
	NOTES_QUERY,
	notesOnLead,
	PIPELINES,
	recordNotePosts,
} from './chatTemplateNock';
import { FORWARD, loadTemplate } from './templateFiles';

let workflowCounter = 0;

describe('the forward template, run on a webhook from Intercom', () => {
	beforeAll(() => nock.disableNetConnect());
	beforeEach(() => {
		forgetProcessMemory();
		let now = 1_800_000_000_000;
		useClock({ now: () => now, sleep: async (ms: number) => void (now += ms) });
	});
	afterEach(() => {
		nock.cleanAll();
		forgetProcessMemory();
		useClock();
	});
	afterAll(() => nock.restore());

	test('open deal found: all notes of the chat go on it; the next webhook writes only new messages', async () => {
		const workflowId = `wf-template-${++workflowCounter}`;
		const staticData: IDataObject = {};

		// 1st webhook: 200 messages, more than one note
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(200));
		const first = kommo();
		findsContact(first, [lead(LEAD_ID, 58141807)]);
		// the contact's only open deal needs no link check: one notes read, for the transcript key
		first.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(204);
		const posts = recordNotePosts(first, LEAD_ID, 2);

		const run1 = await deliverToForward(workflowId, staticData);
		expect(run1.error()).toBeUndefined();
		const [rendered] = run1.json('Transcript');
		expect(rendered.noteCount).toBe(2);
		const notes = rendered.notes as IDataObject[];
		expect(run1.json('Find contact by email')[0]).toMatchObject({
			found: true,
			contactId: CONTACT_ID,
			leadId: LEAD_ID,
			leadChoice: 'latest-open',
			transcriptKey: null,
		});
		expect(posts).toEqual(notes.map((note) => noteBody(LEAD_ID, note.text as string)));
		expect(
			messageNumbers(posts.map((body) => (body[0].params as IDataObject).text as string)),
		).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
		expect(posts.map((body) => parseMarker((body[0].params as IDataObject).text))).toEqual(
			notes.map((note) => note.idempotencyKey),
		);
		expect(run1.ran('Create deal for contact')).toBe(false);
		expect(run1.ran('Create deal and contact')).toBe(false);
		expect(run1.json('Add notes to deal')).toEqual([
			expect.objectContaining({ entityId: LEAD_ID, written: 2, skipped: 0 }),
		]);
		expect(run1.ran('Release customer')).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);
		const written = posts.map((body) => (body[0].params as IDataObject).text as string);

		// 2nd webhook, nothing new (Intercom's retry): Kommo's newest note says so, nothing written
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(200));
		const second = kommo();
		findsContact(second, [lead(LEAD_ID, 58141807)], true);
		second
			.get(`/api/v4/leads/${LEAD_ID}/notes`)
			.query(NOTES_QUERY)
			.reply(200, notesOnLead(written));
		const run2 = await deliverToForward(workflowId, staticData);
		expect(run2.error()).toBeUndefined();
		expect(run2.json('Transcript', 1)).toEqual([
			expect.objectContaining({ reason: 'No messages newer than the ones already on the deal.' }),
		]);
		expect(run2.ran('Has open deal?')).toBe(false);
		expect(run2.ran('Release customer')).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);

		// 3rd webhook, two new messages, and a second open deal: one note on the deal with the chat
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(202));
		const third = kommo();
		const kommoCalls = countRequests(third);
		findsContact(
			third,
			[lead(LEAD_ID, 58141807, 1700000000), lead(555, 58141807, 1800000000)],
			true,
		);
		third.get('/api/v4/leads/555/notes').query(NOTES_QUERY).reply(204);
		third.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(200, notesOnLead(written));
		const newPosts = recordNotePosts(third, LEAD_ID, 1, 70010);
		const run3 = await deliverToForward(workflowId, staticData);
		expect(run3.error()).toBeUndefined();
		expect(run3.json('Find contact by email')[0]).toMatchObject({
			leadId: LEAD_ID,
			leadChoice: 'linked-to-conversation',
			transcriptKey: notes[1].idempotencyKey,
		});
		expect(newPosts).toHaveLength(1);
		const newText = (newPosts[0][0].params as IDataObject).text as string;
		expect(messageNumbers([newText])).toEqual([201, 202]);
		expect(newText).not.toContain('Opening message');
		// the existing-deal path: contacts, leads, the two deals' notes (each read once), the note.
		// Before Kommo was the one record, Add Note read the deal's notes a second time (6 calls).
		expect(kommoCalls()).toBe(5);
		expect(nock.pendingMocks()).toEqual([]);
		// static data is never written: Kommo is the only record
		expect(staticData).toEqual({});
	});

	test('contact without an open deal: a deal is created for the contact and gets the notes', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(3));
		const scope = kommo();
		findsContact(scope, [lead(LEAD_ID, 142)]);
		// the closed deal may hold the chat already (it was won while the chat went on)
		scope.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(204);
		let created: unknown;
		scope
			.post('/api/v4/leads', (body) => {
				created = body;
				return true;
			})
			.reply(200, { _embedded: { leads: [{ id: 777, request_id: '0' }] } });
		const posts = recordNotePosts(scope, 777, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(created).toEqual([
			{ name: LEAD_NAME, _embedded: { contacts: [{ id: CONTACT_ID, is_main: true }] } },
		]);
		const [rendered] = run.json('Transcript');
		expect(posts).toEqual([noteBody(777, (rendered.notes as IDataObject[])[0].text as string)]);
		expect(run.ran('Create deal and contact')).toBe(false);
		expect(run.json('Add notes to new deal')[0]).toMatchObject({ entityId: 777, written: 1 });
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('the deal holding the chat was won: the reply goes to a new deal with only the new messages', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(4));
		const scope = kommo();
		findsContact(scope, [lead(LEAD_ID, 142)]);
		const onWonDeal = `[Intercom] Chat #${CONVERSATION_ID}\n\n#intercom-kommo key=intercom:${CONVERSATION_ID}:src-${CONVERSATION_ID}-50001`;
		scope
			.get(`/api/v4/leads/${LEAD_ID}/notes`)
			.query(NOTES_QUERY)
			.reply(200, notesOnLead([onWonDeal]));
		scope
			.post('/api/v4/leads')
			.reply(200, { _embedded: { leads: [{ id: 779, request_id: '0' }] } });
		const posts = recordNotePosts(scope, 779, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(run.json('Find contact by email')[0]).toMatchObject({
			leadId: null,
			transcriptKey: `intercom:${CONVERSATION_ID}:src-${CONVERSATION_ID}-50001`,
		});
		expect(messageNumbers([(posts[0][0].params as IDataObject).text as string])).toEqual([3, 4]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('two Kommo contacts with the email and no open deal: one deal, for the most recently updated contact, and one set of notes', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(3));
		const scope = kommo();
		const duplicate = (id: number, updatedAt: number, leadIds: number[]) => ({
			...contactWithLeads(leadIds)._embedded.contacts[0],
			id,
			updated_at: updatedAt,
		});
		scope
			.get('/api/v4/contacts')
			.query({ limit: '250', query: EMAIL, with: 'leads' })
			.reply(200, {
				_embedded: {
					contacts: [
						duplicate(CONTACT_ID, 1700000000, [LEAD_ID]),
						duplicate(406400, 1700009999, []),
					],
				},
			})
			.get('/api/v4/leads')
			.query({ limit: '250', 'filter[id][]': String(LEAD_ID) })
			.reply(200, { _embedded: { leads: [lead(LEAD_ID, 143)] } })
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES)
			.get(`/api/v4/leads/${LEAD_ID}/notes`)
			.query(NOTES_QUERY)
			.reply(204);
		const created: unknown[] = [];
		scope
			.post('/api/v4/leads', (body) => {
				created.push(body);
				return true;
			})
			.reply(200, { _embedded: { leads: [{ id: 778, request_id: '0' }] } });
		const posts = recordNotePosts(scope, 778, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(run.json('Find contact by email')).toEqual([
			expect.objectContaining({
				found: true,
				contactId: 406400,
				leadId: null,
				contacts: [
					expect.objectContaining({ id: 406400 }),
					expect.objectContaining({ id: CONTACT_ID }),
				],
			}),
		]);
		expect(created).toEqual([
			[{ name: LEAD_NAME, _embedded: { contacts: [{ id: 406400, is_main: true }] } }],
		]);
		expect(posts).toHaveLength(1);
		expect(run.json('Add notes to new deal')).toEqual([
			expect.objectContaining({ entityId: 778, written: 1 }),
		]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('two Kommo contacts with the email, each with an open deal: the notes go only on the most recently updated deal', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(3));
		const scope = kommo();
		const duplicate = (id: number, leadIds: number[]) => ({
			...contactWithLeads(leadIds)._embedded.contacts[0],
			id,
		});
		scope
			.get('/api/v4/contacts')
			.query({ limit: '250', query: EMAIL, with: 'leads' })
			.reply(200, {
				_embedded: { contacts: [duplicate(CONTACT_ID, [LEAD_ID]), duplicate(406400, [556])] },
			})
			.get('/api/v4/leads')
			.query({ limit: '250', 'filter[id][]': ['556', String(LEAD_ID)] })
			.reply(200, {
				_embedded: {
					leads: [lead(LEAD_ID, 58141807, 1700000000), lead(556, 58141807, 1700005000)],
				},
			})
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES)
			// neither deal holds this chat yet: both are looked at, newest first, once each
			.get('/api/v4/leads/556/notes')
			.query(true)
			.reply(204)
			.get(`/api/v4/leads/${LEAD_ID}/notes`)
			.query(true)
			.reply(204);
		const posts = recordNotePosts(scope, 556, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(run.json('Find contact by email')).toEqual([
			expect.objectContaining({ leadId: 556, contactId: 406400, leadChoice: 'latest-open' }),
		]);
		expect(posts).toHaveLength(1);
		expect(posts[0][0]).toMatchObject({ entity_id: 556 });
		expect(run.ran('Create deal for contact')).toBe(false);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('no Kommo contact with the email: deal and contact are created in one request', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(2));
		const scope = kommo();
		scope.get('/api/v4/contacts').query({ limit: '250', query: EMAIL, with: 'leads' }).reply(204);
		let created: unknown;
		scope
			.post('/api/v4/leads/complex', (body) => {
				created = body;
				return true;
			})
			.reply(200, [
				{ id: 888, contact_id: 999, company_id: null, request_id: ['0'], merged: false },
			]);
		const posts = recordNotePosts(scope, 888, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(created).toEqual([
			{
				name: LEAD_NAME,
				_embedded: {
					contacts: [
						{
							name: 'Jane Doe',
							custom_fields_values: [
								{ field_code: 'EMAIL', values: [{ value: EMAIL, enum_code: 'WORK' }] },
							],
						},
					],
				},
			},
		]);
		expect(posts).toHaveLength(1);
		expect(posts[0][0]).toMatchObject({ entity_id: 888, note_type: 'common' });
		expect(run.json('Add notes to new deal')[0]).toMatchObject({ entityId: 888, written: 1 });
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('a customer without an email stops at "No email": nothing is written to Kommo', async () => {
		// an anonymous visitor: no email on the contact, none on any message
		const anonymous = conversation(2, { withContact: false });
		const authors = [
			(anonymous.source as IDataObject).author,
			...((anonymous.conversation_parts as IDataObject).conversation_parts as IDataObject[]).map(
				(part) => part.author,
			),
		] as IDataObject[];
		for (const author of authors) delete author.email;
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, anonymous);
		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(run.ran('No email: nothing written — add the email in Intercom')).toBe(true);
		expect(run.ran('Lock customer')).toBe(false);
		expect(run.ran('Transcript')).toBe(false);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('a failed note write: the next webhook writes only the notes not on the deal, by its newest note', async () => {
		let now = 1_800_000_000_000;
		useClock({ now: () => now, sleep: async (ms: number) => void (now += ms) });
		const workflowId = `wf-template-${++workflowCounter}`;
		const staticData: IDataObject = {};

		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(200));
		const first = kommo();
		findsContact(first, [lead(LEAD_ID, 58141807)]);
		first.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(204);
		const posts = recordNotePosts(first, LEAD_ID, 1);
		first.post('/api/v4/leads/notes').reply(400, {
			title: 'Bad Request',
			type: 'https://httpstatus.es/400',
			status: 400,
			detail: 'Request validation failed',
		});
		const failed = await deliverToForward(workflowId, staticData);
		expect(failed.error()).toBeDefined();
		expect(failed.ran('Release customer')).toBe(false);
		const firstRender = failed.json('Transcript')[0];
		expect(firstRender.noteCount).toBe(2);
		expect(posts).toHaveLength(1);
		expect(nock.pendingMocks()).toEqual([]);

		// Kommo works again: the failed run's lock expires, and only the second note is written
		const onLead = [(posts[0][0].params as IDataObject).text as string];
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(200));
		const second = kommo();
		findsContact(second, [lead(LEAD_ID, 58141807)], true);
		second.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(200, notesOnLead(onLead));
		const retried = recordNotePosts(second, LEAD_ID, 1, 70002);
		const again = await deliverToForward(workflowId, staticData);
		expect(again.error()).toBeUndefined();
		// the same messages under the same key; only the header's "(part 2/2)" is gone
		const missing = (firstRender.notes as IDataObject[])[1];
		const [rewritten] = again.json('Transcript')[0].notes as IDataObject[];
		expect(rewritten.idempotencyKey).toBe(missing.idempotencyKey);
		expect(messageNumbers([rewritten.text as string])).toEqual(
			messageNumbers([missing.text as string]),
		);
		expect(retried).toEqual([noteBody(LEAD_ID, rewritten.text as string)]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('"Copy Intercom tags to deal" is off as imported; once a field is chosen and it is on, the tags go into it', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(2));
		const scope = kommo();
		findsContact(scope, [lead(LEAD_ID, 58141807)]);
		scope.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(204);
		recordNotePosts(scope, LEAD_ID, 1);
		scope
			.get('/api/v4/leads/custom_fields/801')
			.reply(200, {
				id: 801,
				name: 'Segment',
				type: 'select',
				enums: [
					{ id: 9100, value: 'Standard', sort: 0 },
					{ id: 9101, value: 'VIP', sort: 1 },
				],
			})
			.patch(`/api/v4/leads/${LEAD_ID}`, {
				custom_fields_values: [{ field_id: 801, values: [{ enum_id: 9101 }] }],
			})
			.reply(200, { id: LEAD_ID, updated_at: 1700001000 });

		const template = loadTemplate(FORWARD);
		expect(template.nodes.find((n) => n.name === 'Copy Intercom tags to deal')?.disabled).toBe(
			true,
		);
		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {}, (nodes) => {
			const copyTags = nodes.find((n) => n.name === 'Copy Intercom tags to deal')!;
			delete copyTags.disabled;
			copyTags.parameters.tagFieldId = 801;
		});
		expect(run.error()).toBeUndefined();
		expect(run.json('Copy Intercom tags to deal')[0]).toMatchObject({
			id: LEAD_ID,
			updated: true,
			tagMapping: { fieldId: 801, written: true, mappedTags: ['VIP'] },
		});
		expect(run.ran('Release customer')).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);
	});
});
