/**
 * Kommo goes down for a while (virtual "minute": first it answers 503 to every call, then nothing
 * listens at its address — connection refused) while chats keep arriving. Every execution that needs
 * Kommo fails with a readable message and writes nothing. Once Kommo is back, re-running the failed
 * executions (in any order, as the README tells users to do) leaves every message in Kommo exactly once.
 */
import { createServer } from 'node:net';
import type { INodeExecutionData } from 'n8n-workflow';

import { addReplies, seedChats } from '../helpers/forward/chats';
import type { Chat } from '../helpers/forward/chats';
import { checkKommo } from '../helpers/forward/kommoCheck';
import { writeFigures } from '../helpers/forward/logFigures';
import { setUpFaultSuite } from '../helpers/forward/faultSuite';
import type { FaultSuite } from '../helpers/forward/faultSuite';

const CHATS = 24;

/** A local address nothing listens on: connecting to it is refused. */
async function refusedUrl(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}/kommo`;
}

describe('forward template: Kommo outage, then re-runs of the failed executions', () => {
	const suite = setUpFaultSuite();
	let { sandbox, runner, time }: FaultSuite = suite;

	beforeAll(() => ({ sandbox, runner, time } = suite));

	test('executions fail readably during the outage; re-runs afterwards write every message once', async () => {
		const chats: Chat[] = seedChats(sandbox, CHATS, 8000);
		const kommoUrl = runner.credentials.intercomKommoKommoApi.baseUrl;
		const failed: Array<{ chat: Chat; input: INodeExecutionData[]; topic: string }> = [];
		const messages = new Map<string, number>();
		const virtualStart = time.counters.virtualMs;

		const arrive = async (chat: Chat, topic: string) => {
			const delivery = await runner.notify(topic, chat.conversationId);
			expect(delivery.response.status).toBe(200);
			const run = await runner.execute(delivery.items!);
			const error = run.error();
			expect(error).toBeDefined();
			// Intercom worked: the chat was read; Kommo failed at its first call, before any render
			expect(run.ran('Get conversation')).toBe(true);
			expect(run.ran('Transcript')).toBe(false);
			expect(run.ran('Release customer')).toBe(false);
			const key = error!.message.replace(/\d{4,}/g, 'N');
			messages.set(key, (messages.get(key) ?? 0) + 1);
			failed.push({ chat, input: delivery.items!, topic });
		};

		// first half of the outage: Kommo's load balancer answers 503 to everything
		sandbox.setFaults({ rate: 1, kinds: ['503'], apis: ['kommo'], seed: 7 });
		for (const chat of chats.slice(0, CHATS / 2)) {
			await arrive(chat, 'conversation.user.created');
			if (chat.index % 2 === 0) {
				addReplies(sandbox, chat, 1);
				await arrive(chat, 'conversation.user.replied');
			}
		}
		// second half: nothing listens at Kommo's address
		sandbox.setFaults({ rate: 0 });
		runner.credentials.intercomKommoKommoApi.baseUrl = await refusedUrl();
		for (const chat of chats.slice(CHATS / 2)) {
			await arrive(chat, 'conversation.user.created');
			if (chat.index % 2 === 0) {
				addReplies(sandbox, chat, 1);
				await arrive(chat, 'conversation.user.replied');
			}
		}
		const outageVirtualSeconds = Math.round((time.counters.virtualMs - virtualStart) / 1000);
		expect(sandbox.state.kommo.notes).toEqual([]);
		expect([...messages.keys()].sort()).toEqual([
			'Could not reach Kommo at http://127.0.0.1:N/kommo',
			'Kommo had a server error (HTTP 503) 4 time(s) in a row',
		]);

		// Kommo is back. The user re-runs the failed executions: the older half oldest first, the
		// newer half newest first (a reply's execution before its chat's first one).
		runner.credentials.intercomKommoKommoApi.baseUrl = kommoUrl;
		const firstHalf = failed.filter((entry) => entry.chat.index < CHATS / 2);
		const secondHalf = failed.filter((entry) => entry.chat.index >= CHATS / 2).reverse();
		let reruns = 0;
		const endings = new Map<string, number>();
		for (const entry of [...firstHalf, ...secondHalf]) {
			const outcome = await runner.executeUntilSuccess(entry.input, 0);
			reruns += outcome.executions;
			// both endings pass Release customer; notes were written when the deal branch ran
			const ending = outcome.last.ran('Has open deal?')
				? 'Release customer'
				: outcome.last.json('Transcript', 1).length > 0
					? 'No new messages'
					: 'other';
			endings.set(ending, (endings.get(ending) ?? 0) + 1);
		}
		// chats that keep going after the outage
		for (const chat of chats.filter((entry) => entry.index % 3 === 0)) {
			addReplies(sandbox, chat, 2);
			const delivery = await runner.notify('conversation.user.replied', chat.conversationId);
			const outcome = await runner.executeUntilSuccess(delivery.items!, 0);
			expect(outcome.last.ran('Release customer')).toBe(true);
		}

		const check = checkKommo(sandbox, chats);
		const figures = {
			chats: CHATS,
			failedExecutionsDuringOutage: failed.length,
			outageVirtualSeconds,
			failureMessages: Object.fromEntries(messages),
			reruns,
			rerunEndings: Object.fromEntries(endings),
			messages: check.expectedMessages,
			notesWritten: check.notes,
			duplicates: check.duplicates.length,
			lost: check.lost.length,
		};
		console.log(`Kommo outage:\n${JSON.stringify(figures, null, 2)}`);
		writeFigures('kommo-outage.json', figures);

		expect(check.missingChats).toEqual([]);
		expect(check.lost).toEqual([]);
		expect(check.duplicates).toEqual([]);
		expect(check.duplicateKeys).toEqual([]);
		expect(check.misplaced).toEqual([]);
		// a chat with two failed executions is written whole by whichever re-run comes first
		expect(endings.get('No new messages')).toBe(CHATS / 2);
		expect(endings.get('Release customer')).toBe(CHATS);
		expect(endings.get('other')).toBeUndefined();
	}, 60_000);
});
