/**
 * The chat template's two guarantees, each shown to rest on its mechanism: the template as shipped
 * writes every message once, and the same run with the mechanism cut out of it does not.
 * - Kommo is the record of delivery: the Transcript starts after the newest transcript key on the
 *   deal. Without the key, a reply repeats the whole chat.
 * - One run per customer at a time: Lock customer … Release customer. Without the lock, two
 *   notifications of one chat at once both read the deal before either writes, and write twice.
 * - Nothing lost when a webhook is: the catch-up hands every chat Intercom changed to the same
 *   steps. Without it, messages whose notifications never came stay out of Kommo.
 * Runs the one-process template through n8n's engine against the sandbox over real HTTP, with the
 * workflow's static data wiped or stale between the messages: it changes nothing delivered.
 */
import type { IConnections, IDataObject, INode } from 'n8n-workflow';

import { CATCH_UP } from '../helpers/forward/template';
import { addReplies, seedChats } from '../helpers/forward/chats';
import type { Chat } from '../helpers/forward/chats';
import { checkKommo } from '../helpers/forward/kommoCheck';
import { setUpFaultSuite } from '../helpers/forward/faultSuite';
import type { FaultSuite } from '../helpers/forward/faultSuite';

const LOCK_STEPS = ['Lock customer', 'Release customer'];

/** The template with its lock steps cut out and the steps around them joined, as before the lock. */
function withoutLock(template: { nodes: INode[]; connections: IConnections }) {
	template.nodes = template.nodes.filter((node) => !LOCK_STEPS.includes(node.name));
	for (const name of LOCK_STEPS) delete template.connections[name];
	template.connections['Has customer email?'].main[0] = [
		{ node: 'Find contact by email', type: 'main', index: 0 },
	];
	template.connections['Transcript'].main[1] = [];
	delete template.connections['Copy Intercom tags to deal'];
}

function withoutCatchUp(template: { nodes: INode[]; connections: IConnections }) {
	template.nodes = template.nodes.filter((node) => node.name !== CATCH_UP);
	delete template.connections[CATCH_UP];
}

function withoutKey(template: { nodes: INode[] }) {
	template.nodes.find((node) => node.name === 'Transcript')!.parameters.startAfterKey = '';
}

describe('the chat template: Kommo as the record, one run per customer', () => {
	const suite = setUpFaultSuite();
	let { sandbox, runner, time }: FaultSuite = suite;
	let shipped: string;
	beforeAll(() => {
		({ sandbox, runner, time } = suite);
		shipped = JSON.stringify(runner.template);
	});
	afterEach(() => Object.assign(runner.template, JSON.parse(shipped)));

	const outcome = (chats: Chat[]) => {
		const check = checkKommo(sandbox, chats);
		return { duplicates: check.duplicates.length, lost: check.lost.length };
	};

	/** A chat, then concurrent "created" and "replied" notifications after two new parts. */
	async function concurrentNotifications(firstId: number) {
		const chats = seedChats(sandbox, 3, firstId);
		for (const chat of chats) {
			addReplies(sandbox, chat, 1);
			const [created, replied] = await Promise.all([
				runner.notify('conversation.user.created', chat.conversationId),
				runner.notify('conversation.user.replied', chat.conversationId),
			]);
			const runs = await Promise.all([
				runner.execute(created.items!),
				runner.execute(replied.items!),
			]);
			for (const run of runs) expect(run.error()).toBeUndefined();
		}
		return outcome(chats);
	}

	/** A chat's first message, the static data changed, then a reply. */
	async function replyAfter(firstId: number, staticData: (data: IDataObject) => void) {
		const chats = seedChats(sandbox, 3, firstId);
		for (const chat of chats) {
			const first = await runner.notify('conversation.user.created', chat.conversationId);
			expect((await runner.execute(first.items!)).error()).toBeUndefined();
			staticData(runner.staticData);
			addReplies(sandbox, chat, 1);
			const reply = await runner.notify('conversation.user.replied', chat.conversationId);
			expect((await runner.execute(reply.items!)).error()).toBeUndefined();
		}
		return outcome(chats);
	}

	const wipe = (data: IDataObject) => {
		for (const key of Object.keys(data)) delete data[key];
	};
	const stale = (data: IDataObject) => {
		data.global = {
			intercomTranscript: { version: 1, conversations: { 7100: { t: 1, id: '1' } } },
		};
	};

	test('as shipped: concurrent notifications of a chat write each message once', async () => {
		expect(await concurrentNotifications(7000)).toEqual({ duplicates: 0, lost: 0 });
	});

	test('lock off: the same concurrent notifications write messages twice', async () => {
		withoutLock(runner.template);
		expect((await concurrentNotifications(7010)).duplicates).toBeGreaterThan(0);
	});

	test('as shipped: a reply adds only the new messages, with static data wiped or stale in between', async () => {
		expect(await replyAfter(7100, wipe)).toEqual({ duplicates: 0, lost: 0 });
		expect(await replyAfter(7110, stale)).toEqual({ duplicates: 0, lost: 0 });
		// nothing of the chat path writes static data
		expect(runner.staticData).toEqual({
			global: { intercomTranscript: { version: 1, conversations: { 7100: { t: 1, id: '1' } } } },
		});
	});

	/**
	 * Chats whose first message came by webhook, then a teammate's answer and a customer's reply
	 * whose notifications never came; then three checks of the catch-up.
	 */
	async function lostNotifications(firstId: number) {
		const chats = seedChats(sandbox, 3, firstId);
		for (const chat of chats) {
			const created = await runner.notify('conversation.user.created', chat.conversationId);
			expect((await runner.execute(created.items!)).error()).toBeUndefined();
			addReplies(sandbox, chat, 1);
		}
		// past the second of the last change, as a check a minute later is
		time.counters.virtualMs += 5_000;
		const afterFirst = await runner.sweep();
		expect(afterFirst?.error()).toBeUndefined();
		const first = outcome(chats);
		// the re-check of what the first check handed over, then a check with nothing to do
		for (let i = 0; i < 2; i++) expect((await runner.sweep())?.error()).toBeUndefined();
		return { first, last: outcome(chats) };
	}

	test('as shipped: the catch-up writes messages whose notifications never came, once', async () => {
		const { first, last } = await lostNotifications(7200);
		expect(first).toEqual({ duplicates: 0, lost: 0 });
		expect(last).toEqual({ duplicates: 0, lost: 0 });
	});

	test('catch-up off: the same messages stay out of Kommo', async () => {
		withoutCatchUp(runner.template);
		expect((await lostNotifications(7210)).last.lost).toBeGreaterThan(0);
	});

	/**
	 * A check hands chats over and its run dies with the worker; checks go on, the clock moves ten
	 * minutes (Look Again After) and one more.
	 */
	async function lostCatchUpRun(firstId: number) {
		const chats = seedChats(sandbox, 2, firstId);
		for (const chat of chats) addReplies(sandbox, chat, 1);
		time.counters.virtualMs += 5_000;
		await runner.sweep({ loseRun: true });
		const afterLoss = outcome(chats);
		time.counters.virtualMs += 60_000;
		expect((await runner.sweep())?.error()).toBeUndefined();
		time.counters.virtualMs += 10 * 60_000;
		expect((await runner.sweep())?.error()).toBeUndefined();
		return { afterLoss, last: outcome(chats) };
	}

	test('as shipped: a catch-up run lost with its worker is made good by the re-check ten minutes later', async () => {
		const { afterLoss, last } = await lostCatchUpRun(7220);
		expect(afterLoss.lost).toBeGreaterThan(0);
		expect(last).toEqual({ duplicates: 0, lost: 0 });
	});

	test('re-check off: the messages of the lost run stay out of Kommo', async () => {
		const catchUp = runner.template.nodes.find((node) => node.name === CATCH_UP)!;
		catchUp.parameters.options = { recheckAfterMinutes: 100_000 };
		expect((await lostCatchUpRun(7230)).last.lost).toBeGreaterThan(0);
	});

	test('key off: a reply repeats the whole chat', async () => {
		withoutKey(runner.template);
		expect((await replyAfter(7120, wipe)).duplicates).toBeGreaterThan(0);
	});
});
