/**
 * The one reader of a lead's transcript notes: newest first, page by page, stopping as soon as the
 * question is settled. Its two questions run through the operations that ask them: "is this note
 * already written?" (Note > Add: every key found, or notes older than Search Notes Since) and "which
 * conversation is on this lead?" (Get Intercom Conversation, and Find's "Intercom Conversation ID":
 * the first page holding a transcript note). Here the marker rules, and how many pages each reads.
 */
import nock from 'nock';

import {
	markerConversationId,
	noteCarriesKey,
} from '../../../../nodes/Kommo/helpers/transcriptNotes';
import { buildIdempotencyKey, formatMarker } from '../../../../nodes/shared/transcriptMarker';
import {
	addNoteParameters as addNote,
	BASE,
	createdNoteFixture as created,
	kommo,
	noteFixture as note,
	NOTES_QUERY,
	runKommo,
	setUpKommoTests,
	TRANSCRIPT_KEY as KEY,
} from '../kommoTestKit';

setUpKommoTests();

describe('noteCarriesKey', () => {
	test('a transcript key counts only as the last marker line, never quoted or in prose', () => {
		const OLDER = 'intercom:215468:1-9';
		const quoting = `Forwarded from the previous deal:\n> [Intercom] Chat #215468\n${formatMarker(OLDER)}\n\n[Intercom] Chat #215468\n${formatMarker(KEY)}`;
		expect(noteCarriesKey(quoting, KEY)).toBe(true);
		expect(noteCarriesKey(quoting, OLDER)).toBe(false);
		expect(noteCarriesKey(`see ${OLDER} in the old deal`, OLDER)).toBe(false);
	});

	test('any key format works when it appears as a word in a note', () => {
		expect(noteCarriesKey('Synced by n8n [run abc-123]', 'abc-123]')).toBe(true);
		expect(noteCarriesKey('Synced by n8n run=abc-123', 'abc-123')).toBe(true);
		expect(noteCarriesKey('Synced by n8n run=abc-1234', 'abc-123')).toBe(false);
		expect(noteCarriesKey(undefined, 'abc')).toBe(false);
	});
});

describe('markerConversationId', () => {
	test('the conversation of the last marker line, and only of a marker line', () => {
		const marker = formatMarker(buildIdempotencyKey('215468', '1', '9'));
		expect(markerConversationId(`[Intercom] Chat #215468\n\n${marker}`)).toBe('215468');
		expect(markerConversationId(`${formatMarker('intercom:1:1-1')}\nquoted\n${marker}`)).toBe(
			'215468',
		);
		expect(markerConversationId('Customer asked about intercom:111:1-2 in a call')).toBeNull();
		expect(markerConversationId(`inline ${marker}`)).toBeNull();
		expect(markerConversationId('#intercom-kommo key=crm-sync-55')).toBeNull();
		expect(markerConversationId(undefined)).toBeNull();
		expect(markerConversationId({ text: marker })).toBeNull();
	});
});

describe('findTranscriptNote, through Get Intercom Conversation', () => {
	const bareNote = (id: unknown, text: string) => ({ id, note_type: 'common', params: { text } });

	test('within a page the highest note id wins, whatever order Kommo listed them in', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.reply(200, {
				_links: { self: { href: `${BASE}/api/v4/leads/19619/notes` } },
				_embedded: {
					notes: [
						bareNote(40, formatMarker('intercom:100:1-2')),
						bareNote(70, formatMarker('intercom:300:1-2')),
						bareNote(55, formatMarker('intercom:200:1-2')),
						bareNote(80, 'no marker'),
					],
				},
			});
		const result = await runKommo({
			resource: 'lead',
			operation: 'getIntercomConversation',
			leadId: '19619',
		});
		expect(result.json('Kommo')).toEqual([
			{ leadId: 19619, found: true, conversationId: '300', noteId: 70 },
		]);
		scope.done();
	});

	test('a note without a usable id still links the lead, with noteId null', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.reply(200, { _embedded: { notes: [bareNote('n/a', formatMarker('intercom:215:1-2'))] } });
		const result = await runKommo({
			resource: 'lead',
			operation: 'getIntercomConversation',
			leadId: '19619',
		});
		expect(result.json('Kommo')).toEqual([
			{ leadId: 19619, found: true, conversationId: '215', noteId: null },
		]);
		scope.done();
	});
});

describe('"already written?" on a lead with 1 000 notes: newest first, stopping as soon as the answer is known', () => {
	const CONVERSATION_START = 1700000000 + 900 * 60;
	const LEAD = 19619;
	/** 1 000 notes, one a minute, note 1 000 the newest; `texts` replaces some notes' text */
	function thousandNotes(texts: Record<number, string> = {}) {
		const reads: number[] = [];
		const scope = kommo()
			.get(`/api/v4/leads/${LEAD}/notes`)
			.query(true)
			.times(8)
			.reply((uri) => {
				const url = new URL(uri, BASE);
				expect(url.searchParams.get('order[id]')).toBe('desc');
				const page = Number(url.searchParams.get('page') ?? 1);
				reads.push(page);
				const ids = Array.from({ length: 250 }, (_, i) => 1000 - (page - 1) * 250 - i);
				const next =
					page < 4
						? `${BASE}/api/v4/leads/${LEAD}/notes?order%5Bid%5D=desc&limit=250&page=${page + 1}`
						: undefined;
				return [
					200,
					{
						_page: page,
						_links: next ? { next: { href: next } } : {},
						_embedded: {
							notes: ids.map((id) => ({
								...note(id, texts[id] ?? `Call log ${id}`),
								created_at: 1700000000 + id * 60,
								updated_at: 1700000000 + id * 60,
							})),
						},
					},
				];
			});
		return { reads, scope };
	}
	const chatNote = (key: string) => `[Intercom] Chat #215468\n\nAnn: hi\n\n${formatMarker(key)}`;

	test('a key on the newest page: one read, no write', async () => {
		const { reads } = thousandNotes({ 990: chatNote(KEY) });
		const result = await runKommo(addNote(), [{ json: { leadId: LEAD, text: chatNote(KEY) } }]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 990, skipped: true });
		expect(reads).toEqual([1]);
	});

	test('a key not on the lead: the conversation start bounds the search to one page, then one write', async () => {
		const { reads } = thousandNotes();
		const post = kommo().post('/api/v4/leads/notes').reply(200, created(1001));
		const result = await runKommo(addNote({ notesSince: '={{ $json.since }}' }), [
			{ json: { leadId: LEAD, text: chatNote(KEY), since: CONVERSATION_START } },
		]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 1001, skipped: false });
		// notes 1000…751 are one page; note 751 is older than the chat, so nothing older can be its
		expect(reads).toEqual([1]);
		post.done();
	});

	test('an ISO date works as the bound too; without one every page is read', async () => {
		const bounded = thousandNotes();
		kommo().post('/api/v4/leads/notes').reply(200, created(1001));
		await runKommo(addNote({ notesSince: new Date(CONVERSATION_START * 1000).toISOString() }), [
			{ json: { leadId: LEAD, text: chatNote(KEY) } },
		]);
		expect(bounded.reads).toEqual([1]);
		nock.cleanAll();

		const unbounded = thousandNotes();
		kommo().post('/api/v4/leads/notes').reply(200, created(1001));
		await runKommo(addNote(), [{ json: { leadId: LEAD, text: chatNote(KEY) } }]);
		expect(unbounded.reads).toEqual([1, 2, 3, 4]);
	});

	test('a notes list stops once every key is found, and its retry after a lost answer reads one page', async () => {
		const older = 'intercom:215468:1-9';
		const { reads } = thousandNotes({ 995: chatNote(older) });
		kommo()
			.post('/api/v4/leads/notes')
			.reply(502, 'Bad Gateway')
			.post('/api/v4/leads/notes')
			.reply(200, created(1001));
		const result = await runKommo(
			addNote({
				textSource: 'notesList',
				notes: '={{ $json.notes }}',
				notesSince: '={{ $json.since }}',
			}),
			[
				{
					json: {
						leadId: LEAD,
						since: CONVERSATION_START,
						notes: [
							{ text: chatNote(older), idempotencyKey: older },
							{ text: chatNote(KEY), idempotencyKey: KEY },
						],
					},
				},
			],
		);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ written: 1, skipped: 1 });
		// the list's check, then the check after the 502 (the note was not stored)
		expect(reads).toEqual([1, 1]);
	});

	test('a bound that is no date fails the item with a plain message', async () => {
		const result = await runKommo(addNote({ notesSince: 'last tuesday' }), [
			{ json: { leadId: LEAD, text: chatNote(KEY) } },
		]);
		expect(result.error('Kommo')?.message).toBe(
			'"Search Notes Since" must be a date or a Unix timestamp, not "last tuesday"',
		);
	});
});
