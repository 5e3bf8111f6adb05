import type {
	ChatListing,
	SweepSettings,
} from '../../../../nodes/IntercomCatchUpTrigger/helpers/plan';
import { planSweep, readChatListing } from '../../../../nodes/IntercomCatchUpTrigger/helpers/plan';

const SETTINGS: SweepSettings = { maxChats: 10, lookBackSeconds: 600, skipQuietChats: true };

function chat(id: string, updatedAt: number, extra: Partial<ChatListing> = {}): ChatListing {
	return {
		id,
		createdAt: updatedAt - 100,
		updatedAt,
		lastCustomerReplyAt: updatedAt,
		lastTeammateReplyAt: null,
		lastCloseAt: null,
		startedByCustomer: true,
		finTookPart: false,
		...extra,
	};
}

const START = { cursor: 10_000, looked: {}, pending: {} };

test('hands over changed chats oldest first and moves the cursor to the last one', () => {
	const plan = planSweep([chat('b', 10_050), chat('a', 10_020)], START, SETTINGS);
	expect(plan.handOver.map((entry) => [entry.chat.id, entry.reason])).toEqual([
		['a', 'firstLook'],
		['b', 'firstLook'],
	]);
	expect(plan.state).toEqual({
		cursor: 10_050,
		looked: { a: 10_020, b: 10_050 },
		pending: { a: 10_020, b: 10_050 },
	});
});

test('over the limit: the cursor stops before the first chat left, which comes first next time', () => {
	const listings = [chat('a', 10_010), chat('b', 10_020), chat('c', 10_020), chat('d', 10_030)];
	const first = planSweep(listings, START, { ...SETTINGS, maxChats: 2 });
	expect(first.handOver.map((entry) => entry.chat.id)).toEqual(['a', 'b']);
	expect(first.deferred).toBe(2);
	expect(first.state.cursor).toBe(10_020);
	const second = planSweep(listings, first.state, { ...SETTINGS, maxChats: 2 });
	expect(second.handOver.map((entry) => `${entry.chat.id}:${entry.reason}`)).toEqual([
		'c:firstLook',
		'd:firstLook',
		'a:recheck',
		'b:recheck',
	]);
	expect(second.alreadyLooked).toBe(2);
});

test('the same version is not handed over twice; a newer one is, as a new reply', () => {
	const first = planSweep([chat('a', 10_020)], START, SETTINGS);
	const again = planSweep([chat('a', 10_020)], first.state, SETTINGS);
	expect(again.handOver.map((entry) => entry.reason)).toEqual(['recheck']);
	expect(again.alreadyLooked).toBe(1);
	expect(planSweep([chat('a', 10_020)], again.state, SETTINGS).handOver).toEqual([]);
	const replied = planSweep([chat('a', 10_090)], first.state, SETTINGS);
	expect(replied.handOver.map((entry) => entry.reason)).toEqual(['newReply']);
});

test('a change with no new message (a note, an assignment) is quiet and costs no hand-over', () => {
	const first = planSweep([chat('a', 10_020)], START, SETTINGS);
	first.state.pending = {};
	const noted = chat('a', 10_200, { lastCustomerReplyAt: 10_020, createdAt: 10_000 });
	const plan = planSweep([noted], first.state, SETTINGS);
	expect(plan.handOver).toEqual([]);
	expect(plan.quiet.map((entry) => entry.reason)).toEqual(['noNewReply']);
	expect(plan.state.looked.a).toBe(10_200);
	// the switch off: every change is handed over
	expect(
		planSweep([noted], first.state, { ...SETTINGS, skipQuietChats: false }).handOver,
	).toHaveLength(1);
	// a chat Fin took part in is always looked at (Fin's answers are in no documented statistic)
	expect(planSweep([{ ...noted, finTookPart: true }], first.state, SETTINGS).handOver).toHaveLength(
		1,
	);
});

test('a teammate reply or a close counts as a new message', () => {
	const first = planSweep([chat('a', 10_020)], START, SETTINGS);
	const answered = chat('a', 10_300, {
		createdAt: 10_000,
		lastCustomerReplyAt: 10_020,
		lastTeammateReplyAt: 10_300,
	});
	expect(planSweep([answered], first.state, SETTINGS).handOver).toHaveLength(1);
	const closed = chat('a', 10_300, {
		createdAt: 10_000,
		lastCustomerReplyAt: 10_020,
		lastCloseAt: 10_300,
	});
	expect(planSweep([closed], first.state, SETTINGS).handOver).toHaveLength(1);
});

test('an outbound message nobody answered is never handed over (no deal for someone who never wrote)', () => {
	const outbound = chat('a', 10_020, { lastCustomerReplyAt: null, startedByCustomer: false });
	const plan = planSweep([outbound], START, SETTINGS);
	expect(plan.handOver).toEqual([]);
	expect(plan.quiet.map((entry) => entry.reason)).toEqual(['noCustomerMessage']);
});

test('a first look at a chat whose last message is older than the window is quiet', () => {
	const old = chat('a', 10_020, { lastCustomerReplyAt: 5_000, createdAt: 4_000 });
	expect(planSweep([old], START, SETTINGS).quiet).toHaveLength(1);
});

test('a lost or rolled back cursor costs re-checks, never a skip', () => {
	const listings = [chat('a', 10_020), chat('b', 10_030)];
	const first = planSweep(listings, START, SETTINGS);
	const lost = planSweep(listings, { cursor: 9_000, looked: {}, pending: {} }, SETTINGS);
	expect(lost.handOver.map((entry) => entry.chat.id)).toEqual(['a', 'b']);
	expect(lost.state.cursor).toBe(first.state.cursor);
});

test('a chat listed twice (changed while paging) is planned once', () => {
	const plan = planSweep([chat('a', 10_020), chat('a', 10_020)], START, SETTINGS);
	expect(plan.handOver).toHaveLength(1);
});

test('looked-at versions older than the window are forgotten', () => {
	const plan = planSweep(
		[],
		{ cursor: 20_000, looked: { old: 10_000, recent: 19_900 }, pending: {} },
		SETTINGS,
	);
	expect(plan.state.looked).toEqual({ recent: 19_900 });
});

test('reads search results with numeric or ISO statistics; skips items with no id or time', () => {
	expect(
		readChatListing({
			id: 123,
			created_at: 100,
			updated_at: 200,
			statistics: { last_contact_reply_at: '1970-01-01T00:02:30Z', last_admin_reply_at: 180 },
			source: { author: { type: 'lead' } },
		}),
	).toEqual({
		id: '123',
		createdAt: 100,
		updatedAt: 200,
		lastCustomerReplyAt: 150,
		lastTeammateReplyAt: 180,
		lastCloseAt: null,
		startedByCustomer: true,
		finTookPart: false,
	});
	expect(readChatListing({ id: '1' })).toBeNull();
	expect(readChatListing({ updated_at: 1 })).toBeNull();
});

test('a version from the second of the search is handed over but not remembered: the next check looks again', () => {
	const plan = planSweep([chat('a', 10_020), chat('b', 10_099)], START, SETTINGS, 10_100);
	expect(plan.handOver.map((entry) => entry.chat.id)).toEqual(['a', 'b']);
	expect(plan.state).toEqual({ cursor: 10_020, looked: { a: 10_020 }, pending: { a: 10_020 } });
	const next = planSweep([chat('a', 10_020), chat('b', 10_099)], plan.state, SETTINGS, 10_160);
	expect(next.handOver.map((entry) => `${entry.chat.id}:${entry.reason}`)).toEqual([
		'b:firstLook',
		'a:recheck',
	]);
});

test('a chat handed over is handed over once more by the next check, even when only a note changed it', () => {
	const first = planSweep([chat('a', 10_020)], START, SETTINGS);
	const noted = chat('a', 10_200, { lastCustomerReplyAt: 10_020, createdAt: 10_000 });
	const next = planSweep([noted], first.state, SETTINGS);
	expect(next.handOver.map((entry) => `${entry.chat.id}:${entry.reason}`)).toEqual(['a:recheck']);
	expect(next.state.pending).toEqual({});
	// outside the limit: a re-check never holds back the check that makes a lost run good
	const full = planSweep([chat('b', 10_300)], first.state, { ...SETTINGS, maxChats: 1 });
	expect(full.handOver.map((entry) => entry.reason)).toEqual(['firstLook', 'recheck']);
});
