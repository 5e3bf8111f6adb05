/**
 * The package's own nodes, run through n8n's execution machinery, against the sandbox: proves that
 * the paths, queries and bodies the nodes send are the ones the sandbox serves.
 */
import type { Sandbox } from '../../sandbox';
import { runIntercom } from '../nodes/Intercom/helpers';
import { runKommo } from '../nodes/Kommo/kommoTestKit';
import { sandboxCredentials, startSandbox } from './helpers';
import { forgetProcessMemory } from '../../nodes/shared/processMemory';
import { useClock } from '../../nodes/shared/clock';

const OPEN_LEAD = 30000001;

describe('sandbox: driven by the package nodes', () => {
	let sandbox: Sandbox;
	let intercomCredentials: Record<string, any>;
	let kommoCredentials: Record<string, any>;

	beforeAll(async () => {
		sandbox = await startSandbox();
		const { intercomKommoIntercomApi, intercomKommoKommoApi } = sandboxCredentials(sandbox);
		intercomCredentials = { intercomKommoIntercomApi };
		kommoCredentials = { intercomKommoKommoApi };
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

	const apiCalls = () =>
		sandbox.log
			.filter((entry) => entry.api !== 'control')
			.map((entry) => `${entry.method} ${entry.path.split('?')[0]} ${entry.status}`);

	it('Intercom: gets the conversation with its customer, then adds and removes tags', async () => {
		const got = await runIntercom(
			{
				resource: 'conversation',
				operation: 'get',
				conversationId: { __rl: true, mode: 'id', value: '1001' },
			},
			{ credentials: intercomCredentials },
		);
		expect(got.nodeError).toBeUndefined();
		expect(got.items[0].json).toMatchObject({
			id: '1001',
			customer: { email: 'jane@example.com', name: 'Jane Doe' },
			conversation_parts: { total_count: 6 },
		});

		const added = await runIntercom(
			{
				resource: 'conversation',
				operation: 'addTag',
				conversationId: { __rl: true, mode: 'id', value: '1001' },
				tagNames: 'Kommo: Won, vip',
			},
			{ credentials: intercomCredentials },
		);
		expect(added.nodeError).toBeUndefined();
		const removed = await runIntercom(
			{
				resource: 'conversation',
				operation: 'removeTag',
				conversationId: { __rl: true, mode: 'id', value: '1001' },
				tagNames: 'Pricing, Bug',
			},
			{ credentials: intercomCredentials },
		);
		expect(removed.nodeError).toBeUndefined();
		expect(removed.items.map((item) => [item.json.tag, item.json.removed])).toEqual([
			[{ id: '9000001', name: 'Pricing' }, true],
			[{ id: '9000004', name: 'Bug' }, false],
		]);

		const stored = sandbox.state.intercom.conversations.find((entry) => entry.id === '1001')!;
		const names = stored.tags.map(
			(ref) => sandbox.state.intercom.tags.find((tag) => tag.id === ref.id)?.name,
		);
		expect(names).toEqual(['Kommo: Won', 'VIP']);
		expect(apiCalls()).toEqual([
			'GET /intercom/conversations/1001 200',
			'GET /intercom/me 200',
			'POST /intercom/tags 200',
			'POST /intercom/conversations/1001/tags 200',
			'POST /intercom/tags 200',
			'POST /intercom/conversations/1001/tags 200',
			// the Remove Tag run reuses the token owner the Add Tag run looked up
			'GET /intercom/tags 200',
			'DELETE /intercom/conversations/1001/tags/9000001 200',
			'DELETE /intercom/conversations/1001/tags/9000004 404',
		]);
	});

	it('Kommo: find-by-email filters the fuzzy hits, a new lead is created with its contact, a note is added', async () => {
		const jane = await runKommo(
			{ resource: 'contact', operation: 'findByEmail', email: 'jane@example.com', options: {} },
			undefined,
			{
				credentials: kommoCredentials,
			},
		);
		expect(jane.error()).toBeUndefined();
		// Kommo's search returned Mary Jane; the node must not take her for Jane
		expect(apiCalls()).toEqual(['GET /kommo/api/v4/contacts 200']);
		expect(jane.json('Kommo')).toEqual([
			expect.objectContaining({
				found: false,
				email: 'jane@example.com',
				leadId: null,
				contacts: [],
			}),
		]);

		const maryJane = await runKommo(
			{ resource: 'contact', operation: 'findByEmail', email: 'MaryJane@example.com', options: {} },
			undefined,
			{
				credentials: kommoCredentials,
			},
		);
		expect(maryJane.json('Kommo')[0]).toMatchObject({
			found: true,
			contactId: 20000001,
			leadId: OPEN_LEAD,
		});

		const created = await runKommo(
			{
				resource: 'lead',
				operation: 'create',
				name: 'Jane Doe - Acme Pro',
				pipelineId: '8100001',
				statusId: '81000011',
				contactMode: 'new',
				contactName: 'Jane Doe',
				contactEmail: 'jane@example.com',
				contactPhone: '',
				additionalFields: {},
			},
			undefined,
			{ credentials: kommoCredentials },
		);
		expect(created.error()).toBeUndefined();
		const lead = created.json('Kommo')[0];
		expect(lead).toMatchObject({ merged: false, name: 'Jane Doe - Acme Pro' });

		const noted = await runKommo(
			{
				resource: 'note',
				operation: 'add',
				entityType: 'lead',
				entityId: String(lead.id),
				textSource: 'text',
				text: 'Chat transcript',
				skipIfAlreadyWritten: false,
			},
			undefined,
			{ credentials: kommoCredentials },
		);
		expect(noted.error()).toBeUndefined();
		expect(sandbox.state.kommo.notes.filter((note: any) => note.entity_id === lead.id)).toEqual([
			expect.objectContaining({ note_type: 'common', params: { text: 'Chat transcript' } }),
		]);
		const newContact = sandbox.state.kommo.contacts.find(
			(contact) => contact.id === lead.contactId,
		);
		expect(newContact?.name).toBe('Jane Doe');
		expect(apiCalls().every((call) => !call.endsWith(' 429'))).toBe(true);
	});
});
