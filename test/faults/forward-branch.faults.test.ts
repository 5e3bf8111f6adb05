/**
 * The forward template under faults: 100 chats, each opened (conversation.user.created) and answered
 * at least once (conversation.user.replied), while 20 % of all Intercom and Kommo calls fail with
 * 429, 500, 502, a timeout, a reset connection, or a write that Kommo stores but whose answer is
 * lost (fixed seed). Executions that still fail after the
 * transports' retries are re-run with the same trigger item until they succeed. Afterwards every
 * message of every chat must be in Kommo exactly once, on one deal of the customer.
 */
import { CLIENT_TIMEOUT_MS, SANDBOX_HOLD_MS } from '../helpers/forward/virtualTime';
import { addReplies, seedChats } from '../helpers/forward/chats';
import type { Chat } from '../helpers/forward/chats';
import { checkKommo } from '../helpers/forward/kommoCheck';
import { logFigures, writeFigures } from '../helpers/forward/logFigures';
import { setUpFaultSuite } from '../helpers/forward/faultSuite';
import type { FaultSuite } from '../helpers/forward/faultSuite';

const CHATS = 100;
const FAULT_RATE = 0.2;
const FAULT_SEED = 20240605;
const KINDS = ['429', '500', '502', 'timeout', 'reset', 'lost-reset', 'lost-502'] as const;

describe('forward template: 100 chats with 20 % of Intercom and Kommo calls failing', () => {
	const suite = setUpFaultSuite();
	let { sandbox, runner, time }: FaultSuite = suite;

	beforeAll(() => ({ sandbox, runner, time } = suite));

	test('every message of every chat ends up in Kommo exactly once; re-runs heal every failure', async () => {
		const started = Date.now();
		const chats: Chat[] = seedChats(sandbox, CHATS);
		sandbox.setFaults({
			rate: FAULT_RATE,
			kinds: [...KINDS],
			apis: ['intercom', 'kommo'],
			seed: FAULT_SEED,
			timeoutMs: SANDBOX_HOLD_MS,
		});

		let events = 0;
		let executions = 0;
		let reruns = 0;
		let maxRerunsForOneEvent = 0;
		const failureMessages = new Map<string, number>();
		const endings = new Map<string, number>();

		const handle = async (topic: string, chat: Chat) => {
			events++;
			const delivery = await runner.notify(topic, chat.conversationId);
			expect(delivery.response.status).toBe(200);
			expect(delivery.items).toHaveLength(1);
			const outcome = await runner.executeUntilSuccess(delivery.items!);
			executions += outcome.executions;
			reruns += outcome.reruns;
			maxRerunsForOneEvent = Math.max(maxRerunsForOneEvent, outcome.reruns);
			for (const message of outcome.errors) {
				const key = message.replace(/\d{4,}/g, 'N');
				failureMessages.set(key, (failureMessages.get(key) ?? 0) + 1);
			}
			// both endings pass Release customer; notes were written when the deal branch ran
			const ending = outcome.last.ran('Has open deal?')
				? 'Release customer'
				: outcome.last.json('Transcript', 1).length > 0
					? 'No new messages'
					: 'other';
			endings.set(ending, (endings.get(ending) ?? 0) + 1);
		};

		for (const chat of chats) {
			await handle('conversation.user.created', chat);
			const rounds = 1 + (chat.index % 2);
			for (let round = 1; round <= rounds; round++) {
				addReplies(sandbox, chat, round);
				await handle('conversation.user.replied', chat);
			}
		}
		sandbox.setFaults({ rate: 0 });

		const check = checkKommo(sandbox, chats);
		const log = logFigures(sandbox.log, runner.executionStarts);
		const figures = {
			chats: CHATS,
			faultRate: FAULT_RATE,
			faultSeed: FAULT_SEED,
			clientTimeoutMs: CLIENT_TIMEOUT_MS,
			events,
			executions,
			reruns,
			maxRerunsForOneEvent,
			endings: Object.fromEntries(endings),
			intercomCalls: log.intercomCalls,
			kommoCalls: log.kommoCalls,
			faultsInjected: log.faultsByKind,
			faultsInjectedTotal: Object.values(log.faultsByKind).reduce((a, b) => a + b, 0),
			failedResponses: log.failedResponses,
			retriesInLog: log.retriesInLog,
			retryWaits: {
				intercom: time.counters.intercomRetryWaits,
				kommo: time.counters.kommoRetryWaits,
			},
			lockWaits: time.counters.lockWaits,
			virtualSeconds: Math.round(time.counters.virtualMs / 1000),
			failuresThatNeededARerun: Object.fromEntries(
				[...failureMessages].sort((a, b) => b[1] - a[1]),
			),
			messages: check.expectedMessages,
			notesWritten: check.notes,
			distinctNoteKeys: check.noteKeys,
			duplicates: check.duplicates.length,
			lost: check.lost.length,
			missingChats: check.missingChats.length,
			misplacedChats: check.misplaced.length,
			leadsCreated: sandbox.state.kommo.leads.length - Math.ceil(CHATS / 3),
			wallSeconds: Math.round((Date.now() - started) / 100) / 10,
		};
		console.log(`forward branch under faults:\n${JSON.stringify(figures, null, 2)}`);
		writeFigures('forward-faults.json', figures);

		expect(check.missingChats).toEqual([]);
		expect(check.lost).toEqual([]);
		expect(check.duplicates).toEqual([]);
		expect(check.duplicateKeys).toEqual([]);
		expect(check.misplaced).toEqual([]);
		expect(check.badLines).toEqual([]);
		expect(endings.get('other')).toBeUndefined();
		// the faults really happened, of every kind, and some executions needed a re-run
		for (const kind of KINDS) expect(log.faultsByKind[kind]).toBeGreaterThan(0);
		expect(reruns).toBeGreaterThan(0);
		expect(log.retriesInLog).toBeGreaterThan(0);
		// one deal per chat: the seeded one, or one created for a customer without an open deal
		expect(figures.leadsCreated).toBe(CHATS - Math.ceil(CHATS / 3));
	}, 120_000);
});
