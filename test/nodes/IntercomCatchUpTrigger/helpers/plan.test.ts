import type {
	ChatListing,
	SweepSettings,
	SweepStart,
} from '../../../../nodes/IntercomCatchUpTrigger/helpers/plan';
import { planSweep, readChatListing } from '../../../../nodes/IntercomCatchUpTrigger/helpers/plan';

const SETTINGS: SweepSettings = {
	maxChats: 10,
	lookBackSeconds: 600,
	skipQuietChats: true,
	recheckAfterSeconds: 600,
};
/** the checks below run at this time unless a test says otherwise: every version is settled */
const NOW = 20_000;
const LATER = NOW + 600;

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

const START: SweepStart = { cursor: 10_000, looked: {}, pending: {} };

function plan(
	listings: ChatListing[],
	previous: SweepStart = START,
	settings: Partial<SweepSettings> = {},
	at = NOW,
) {
	return planSweep(listings, previous, { ...SETTINGS, ...settings }, at);
}

const reasons = (result: ReturnType<typeof plan>) =>
	result.handOver.map((entry) => `${entry.chat.id}:${entry.reason}`);

test('hands over changed chats oldest first and moves the cursor to the last one', () => {
	const result = plan([chat('b', 10_050), chat('a', 10_020)]);
	expect(reasons(result)).toEqual(['a:firstLook', 'b:firstLook']);
	expect(result.state).toEqual({
		cursor: 10_050,
		looked: { a: 10_020, b: 10_050 },
		pending: { a: [10_020, NOW], b: [10_050, NOW] },
	});
});

test('over the limit: the cursor stops before the first chat left, which comes first next time', () => {
	const listings = [chat('a', 10_010), chat('b', 10_020), chat('c', 10_020), chat('d', 10_030)];
	const first = plan(listings, START, { maxChats: 2 });
	expect(reasons(first)).toEqual(['a:firstLook', 'b:firstLook']);
	expect(first.deferred).toBe(2);
	expect(first.state.cursor).toBe(10_020);
	const second = plan(listings, first.state, { maxChats: 2 }, NOW + 60);
	expect(reasons(second)).toEqual(['c:firstLook', 'd:firstLook']);
	expect(second.alreadyLooked).toBe(2);
});

test('the same version is not handed over twice; a newer one is, as a new reply', () => {
	const first = plan([chat('a', 10_020)]);
	const again = plan([chat('a', 10_020)], first.state, {}, NOW + 60);
	expect(again.handOver).toEqual([]);
	expect(again.alreadyLooked).toBe(1);
	const replied = plan([chat('a', 10_090)], first.state, {}, NOW + 60);
	expect(reasons(replied)).toEqual(['a:newReply']);
});

test('each hand-over is handed over once more after Look Again After, then forgotten', () => {
	const first = plan([chat('a', 10_020)]);
	const soon = plan([chat('a', 10_020)], first.state, {}, LATER - 1);
	expect(soon.handOver).toEqual([]);
	expect(soon.state.pending).toEqual({ a: [10_020, NOW] });
	const due = plan([chat('a', 10_020)], soon.state, {}, LATER);
	expect(reasons(due)).toEqual(['a:recheck']);
	expect(due.state.pending).toEqual({});
	expect(plan([chat('a', 10_020)], due.state, {}, LATER + 600).handOver).toEqual([]);
	// a new reply in between replaces the re-check: it is a hand-over of its own, timed anew
	const replied = plan([chat('a', 10_090)], first.state, {}, NOW + 60);
	expect(reasons(replied)).toEqual(['a:newReply']);
	expect(replied.state.pending).toEqual({ a: [10_090, NOW + 60] });
});

test('re-checks do not count against the limit (holding one back would hold what it makes good)', () => {
	const first = plan([chat('a', 10_020)]);
	const full = plan([chat('b', 10_300)], first.state, { maxChats: 1 }, LATER);
	expect(reasons(full)).toEqual(['b:firstLook', 'a:recheck']);
});

test('a change with no new message (a note, an assignment) is quiet and costs no hand-over', () => {
	const first = plan([chat('a', 10_020)]);
	const noted = chat('a', 10_200, { lastCustomerReplyAt: 10_020, createdAt: 10_000 });
	const result = plan([noted], first.state, {}, NOW + 60);
	expect(result.handOver).toEqual([]);
	expect(result.quiet.map((entry) => entry.reason)).toEqual(['noNewReply']);
	expect(result.state.looked.a).toBe(10_200);
	// the switch off: every change is handed over
	expect(plan([noted], first.state, { skipQuietChats: false }, NOW + 60).handOver).toHaveLength(1);
	// a chat Fin took part in is always looked at (Fin's answers are in no documented statistic)
	expect(plan([{ ...noted, finTookPart: true }], first.state, {}, NOW + 60).handOver).toHaveLength(
		1,
	);
});

test('a teammate reply or a close counts as a new message', () => {
	const first = plan([chat('a', 10_020)]);
	const answered = chat('a', 10_300, {
		createdAt: 10_000,
		lastCustomerReplyAt: 10_020,
		lastTeammateReplyAt: 10_300,
	});
	expect(plan([answered], first.state, {}, NOW + 60).handOver).toHaveLength(1);
	const closed = chat('a', 10_300, {
		createdAt: 10_000,
		lastCustomerReplyAt: 10_020,
		lastCloseAt: 10_300,
	});
	expect(plan([closed], first.state, {}, NOW + 60).handOver).toHaveLength(1);
});

test('an outbound message nobody answered is never handed over (no deal for someone who never wrote)', () => {
	const outbound = chat('a', 10_020, { lastCustomerReplyAt: null, startedByCustomer: false });
	const result = plan([outbound]);
	expect(result.handOver).toEqual([]);
	expect(result.quiet.map((entry) => entry.reason)).toEqual(['noCustomerMessage']);
});

test('a first look at a chat whose last message is older than the window is quiet', () => {
	const old = chat('a', 10_020, { lastCustomerReplyAt: 5_000, createdAt: 4_000 });
	expect(plan([old]).quiet).toHaveLength(1);
});

test('a lost or rolled back cursor costs re-checks, never a skip', () => {
	const listings = [chat('a', 10_020), chat('b', 10_030)];
	const first = plan(listings);
	const lost = plan(listings, { cursor: 9_000, looked: {}, pending: {} });
	expect(reasons(lost)).toEqual(['a:firstLook', 'b:firstLook']);
	expect(lost.state.cursor).toBe(first.state.cursor);
});

test('a chat listed twice (changed while paging) is planned once', () => {
	expect(plan([chat('a', 10_020), chat('a', 10_020)]).handOver).toHaveLength(1);
});

test('looked-at versions older than the window are forgotten', () => {
	const result = plan([], { cursor: 20_000, looked: { old: 10_000, recent: 19_900 }, pending: {} });
	expect(result.state.looked).toEqual({ recent: 19_900 });
});

test('a version from the second of the search is handed over but not remembered: the next check looks again', () => {
	const result = plan([chat('a', 10_020), chat('b', 10_099)], START, {}, 10_100);
	expect(reasons(result)).toEqual(['a:firstLook', 'b:firstLook']);
	expect(result.state).toEqual({
		cursor: 10_020,
		looked: { a: 10_020 },
		pending: { a: [10_020, 10_100] },
	});
	const next = plan([chat('a', 10_020), chat('b', 10_099)], result.state, {}, 10_160);
	expect(reasons(next)).toEqual(['b:firstLook']);
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
