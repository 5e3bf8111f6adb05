import type { IDataObject } from 'n8n-workflow';

import { useClock } from '../../../../../nodes/shared/clock';
import type { WaitReason } from '../../../../../nodes/shared/clock';
import type { Sandbox } from '../../../../../sandbox';
import { seedChats } from '../../../../helpers/forward/chats';
import type { Chat } from '../../../../helpers/forward/chats';
import { startSandbox } from '../../../../sandbox/helpers';
import { chatLines, intercomConversation, runChat, sendConversation } from './chatKit';

let sandbox: Sandbox;
let chat: Chat;

beforeEach(async () => {
	sandbox = await startSandbox();
	[chat] = seedChats(sandbox, 1, 7100);
});
afterEach(async () => await sandbox.close());

async function send(options: IDataObject = {}, run = {}) {
	const conversation = await intercomConversation(sandbox, chat.conversationId);
	return await sendConversation(sandbox, conversation, chat.kommoContactId!, options, run);
}

function amojoPosts(path: RegExp): number {
	return sandbox.log.filter(
		(entry) => entry.api === 'amojo' && entry.method === 'POST' && path.test(entry.path),
	).length;
}

const MESSAGE_PATH = /^\/amojo\/v2\/origin\/custom\/[^/]+$/;

describe('Kommo › Chat › Send Intercom Conversation (sandbox amojo, signatures checked)', () => {
	it('opens the chat on the contact deal and sends customer messages as incoming, teammates as the bot', async () => {
		sandbox.appendIntercomPart(chat.conversationId, {
			kind: 'admin',
			body: '<p>Hi, how can we help?</p>',
		});
		sandbox.appendIntercomPart(chat.conversationId, {
			kind: 'customer',
			body: '<p>My invoice &amp; order</p>',
		});

		const result = await send();
		expect(result.error()).toBeUndefined();
		const [out] = result.json('Kommo');
		expect(out).toMatchObject({
			conversationId: chat.conversationId,
			conversationRef: `intercom-${chat.conversationId}`,
			contactId: chat.kommoContactId,
			linkedNow: true,
			connectedNow: true,
			sentCount: 3,
			alreadyInKommo: 0,
		});

		const view = sandbox.amojoChat(`intercom-${chat.conversationId}`)!;
		expect(view.shownOn).toBe('leads');
		expect(view.leads.map((lead) => lead.id)).toEqual([chat.seededLeadId]);
		expect(view.unsorted).toBeNull();
		expect(chatLines(sandbox, chat.conversationId)).toEqual([
			`in: ${chat.messages[0]}`,
			expect.stringMatching(/^out\(.+\): Hi, how can we help\?$/),
			'in: My invoice & order',
		]);
		// one notification per run: only the newest customer message is not silent
		expect((out.sent as IDataObject[]).map((m) => m.silent)).toEqual([true, true, false]);
		// the team's message went out as the channel's bot, for which Kommo sends no hook: it cannot
		// come back to Intercom as a manager's answer
		const stored = sandbox.state.amojo.messages.filter((m) => m.direction === 'outgoing');
		expect(stored.map((m) => m.author)).toEqual(['bot']);
		expect(sandbox.counters.webhooks.amojo).toBe(0);
	});

	it('sends only what is new, and nothing twice when run again (the chat is the record)', async () => {
		await send();
		sandbox.appendIntercomPart(chat.conversationId, { kind: 'customer', body: '<p>second</p>' });
		const second = await send();
		expect(second.json('Kommo')[0]).toMatchObject({
			sentCount: 1,
			alreadyInKommo: 1,
			linkedNow: false,
		});
		const third = await send();
		expect(third.json('Kommo')[0]).toMatchObject({ sentCount: 0, alreadyInKommo: 2 });
		expect(chatLines(sandbox, chat.conversationId)).toEqual([
			`in: ${chat.messages[0]}`,
			'in: second',
		]);
		expect(amojoPosts(MESSAGE_PATH)).toBe(2);
	});

	it('sends each message once when three runs of the same notification overlap', async () => {
		for (const text of ['a', 'b', 'c', 'd']) {
			sandbox.appendIntercomPart(chat.conversationId, { kind: 'customer', body: `<p>${text}</p>` });
		}
		const conversation = await intercomConversation(sandbox, chat.conversationId);
		const runs = await Promise.all(
			[1, 2, 3].map(
				async () => await sendConversation(sandbox, conversation, chat.kommoContactId!),
			),
		);
		for (const run of runs) expect(run.error()).toBeUndefined();
		expect(chatLines(sandbox, chat.conversationId)).toEqual(
			[chat.messages[0], 'a', 'b', 'c', 'd'].map((text) => `in: ${text}`),
		);
	});

	it('leaves out internal notes unless asked, and parts an app wrote through the API', async () => {
		sandbox.appendIntercomPart(chat.conversationId, { kind: 'note', body: '<p>VIP, be nice</p>' });
		const part = sandbox.appendIntercomPart(chat.conversationId, {
			kind: 'admin',
			body: '<p>from Kommo</p>',
		});
		const conversation = await intercomConversation(sandbox, chat.conversationId);
		// as Intercom marks a reply an app posted through the API (the manager's answer from Kommo)
		const parts = (conversation.conversation_parts as IDataObject)
			.conversation_parts as IDataObject[];
		parts.find((p) => p.id === part.id)!.app_package_code = 'n8n-intercom-kommo';

		const result = await sendConversation(sandbox, conversation, chat.kommoContactId!);
		expect(result.json('Kommo')[0]).toMatchObject({
			sentCount: 1,
			skipped: { internalNotes: 1, fromApps: 1 },
		});
		expect(chatLines(sandbox, chat.conversationId)).toEqual([`in: ${chat.messages[0]}`]);

		const withNotes = await sendConversation(sandbox, conversation, chat.kommoContactId!, {
			includeInternalNotes: true,
			skipApiParts: false,
		});
		expect(withNotes.json('Kommo')[0]).toMatchObject({ sentCount: 2 });
		expect(chatLines(sandbox, chat.conversationId).slice(1)).toEqual([
			expect.stringMatching(/: Internal note: VIP, be nice$/),
			expect.stringMatching(/: from Kommo$/),
		]);
	});

	it('retries amojo 5xx and loses or doubles nothing', async () => {
		// amojo checks the Date against real time: real time, instant waits
		const waits: WaitReason[] = [];
		useClock({ now: () => Date.now(), sleep: async (_ms, reason) => void waits.push(reason) });
		try {
			sandbox.appendIntercomPart(chat.conversationId, { kind: 'customer', body: '<p>two</p>' });
			await send({ notify: 'none' });
			sandbox.appendIntercomPart(chat.conversationId, { kind: 'customer', body: '<p>three</p>' });
			// the chat and the history pass; the message gets 502, 500, then is stored with its answer
			// lost (502); the fourth attempt is refused as a repeat, which the history confirms
			sandbox.setFaults({ apis: ['amojo'], sequence: ['none', 'none', '502', '500', 'lost-502'] });
			const result = await send();
			expect(result.error()).toBeUndefined();
			expect(result.json('Kommo')[0]).toMatchObject({ sentCount: 0, alreadyInKommo: 3 });
		} finally {
			useClock();
		}
		expect(waits).toEqual(['amojo-retry', 'amojo-retry', 'amojo-retry']);
		expect(sandbox.counters.faults).toEqual({ '502': 1, '500': 1, 'lost-502': 1 });
		expect(chatLines(sandbox, chat.conversationId)).toEqual(
			[chat.messages[0], 'two', 'three'].map((text) => `in: ${text}`),
		);
	});

	it('refuses a wrong channel secret with words that name the field (amojo answers 403)', async () => {
		const result = await send({}, { channel: { channelSecret: 'f'.repeat(40) } });
		expect(result.error()?.message).toMatch(/refused the request's signature/);
		expect((result.error() as unknown as IDataObject).description).toMatch(/Channel Secret/);
		expect(sandbox.amojoChat(`intercom-${chat.conversationId}`)).toBeUndefined();
	});
});

describe('Kommo › Chat › Connect Channel and Set Delivery Status', () => {
	it('connects the channel and answers the scope', async () => {
		const result = await runChat(sandbox, { operation: 'connectChannel', title: 'Intercom' });
		expect(result.json('Kommo')[0]).toEqual({
			scopeId: sandbox.amojo.scopeId,
			amojoAccountId: sandbox.amojo.accountId,
			channelId: sandbox.amojo.channelId,
			title: 'Intercom',
			hookApiVersion: 'v2',
		});
	});

	it("marks a manager's message delivered, and failed with the text the manager reads", async () => {
		// the hook itself goes nowhere here: the Kommo Chat Trigger's tests cover it
		sandbox.configure({ amojoChannel: { webhookUrl: 'http://127.0.0.1:9/kommo-chat/:scope_id' } });
		await send();
		const reply = await sandbox.amojoManagerReply({
			conversationId: `intercom-${chat.conversationId}`,
			text: 'Hello',
		});
		const messageId = reply.message.id;
		const delivered = await runChat(sandbox, {
			operation: 'setDeliveryStatus',
			messageId,
			status: 'delivered',
		});
		expect(delivered.json('Kommo')[0]).toMatchObject({ messageId, status: 'delivered' });
		const failed = await runChat(sandbox, {
			operation: 'setDeliveryStatus',
			messageId,
			status: 'error',
			errorText: 'Intercom refused it',
		});
		expect(failed.error()).toBeUndefined();
		const stored = sandbox.state.amojo.messages.find((m) => m.id === messageId)!;
		expect(stored.delivery_history).toEqual([
			expect.objectContaining({ delivery_status: 1 }),
			expect.objectContaining({
				delivery_status: -1,
				error_code: 905,
				error: 'Intercom refused it',
			}),
		]);
	});
});
