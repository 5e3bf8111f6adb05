import nock from 'nock';
import type { NodeApiError } from 'n8n-workflow';

import { formatMarker } from '../../../../../nodes/shared/transcriptMarker';
import { noteCarriesKey } from '../../../../../nodes/Kommo/actions/note/add.operation';
import { BASE, kommo, runKommo, setUpKommoTests } from '../../kommoTestKit';

setUpKommoTests();

const KEY = 'intercom:215468:403918334-9877';
const transcript = `Intercom chat 215468\n\nAnn: Hello, I need help with billing\n\n${formatMarker(KEY)}`;

const addNote = (extra = {}) => ({
	resource: 'note',
	operation: 'add',
	entityType: 'lead',
	entityId: '={{ $json.leadId }}',
	text: '={{ $json.text }}',
	...extra,
});

const note = (id: number, text: string) => ({
	id,
	entity_id: 19619,
	created_by: 0,
	updated_by: 0,
	created_at: 1700000000 + id,
	updated_at: 1700000000 + id,
	responsible_user_id: 8375357,
	group_id: 0,
	note_type: 'common',
	params: { text },
	account_id: 31361463,
	_links: { self: { href: `${BASE}/api/v4/leads/19619/notes/${id}` } },
});

const created = (id: number) => ({
	_links: { self: { href: `${BASE}/api/v4/leads/notes` } },
	_embedded: {
		notes: [
			{
				id,
				entity_id: 19619,
				request_id: '0',
				_links: { self: { href: `${BASE}/api/v4/leads/19619/notes/${id}` } },
			},
		],
	},
});

test('writes a common note with params.text', async () => {
	const scope = kommo()
		.post('/api/v4/leads/notes', [
			{ entity_id: 19619, note_type: 'common', params: { text: 'Hello from n8n' } },
		])
		.reply(200, created(42709325));
	const result = await runKommo(addNote({ skipIfAlreadyWritten: false }), [
		{ json: { leadId: 19619, text: 'Hello from n8n' } },
	]);
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([
		{
			id: 42709325,
			entity_id: 19619,
			entityType: 'lead',
			note_type: 'common',
			idempotencyKey: null,
			skipped: false,
		},
	]);
	scope.done();
});

test('notes on a contact go to /contacts/notes', async () => {
	const scope = kommo()
		.post('/api/v4/contacts/notes', [
			{ entity_id: 406322, note_type: 'common', params: { text: 'Hi' } },
		])
		.reply(200, { _embedded: { notes: [{ id: 5, entity_id: 406322 }] } });
	const result = await runKommo(addNote({ entityType: 'contact', skipIfAlreadyWritten: false }), [
		{ json: { leadId: 406322, text: 'Hi' } },
	]);
	expect(result.json('Kommo')[0]).toMatchObject({
		id: 5,
		entity_id: 406322,
		entityType: 'contact',
	});
	scope.done();
});

test('skip if already written: the marker is found on page 2 → no POST, the existing note is returned', async () => {
	const scope = kommo()
		.get('/api/v4/leads/19619/notes')
		.query({ limit: '250', 'filter[note_type][]': 'common', 'order[id]': 'desc' })
		.reply(200, {
			_page: 1,
			_links: {
				next: {
					href: `${BASE}/api/v4/leads/19619/notes?filter%5Bnote_type%5D%5B0%5D=common&order%5Bid%5D=desc&limit=250&page=2`,
				},
			},
			_embedded: {
				notes: [
					note(3, 'Call back tomorrow'),
					note(2, `Older chat\n${formatMarker('intercom:215468:1-9')}`),
				],
			},
		})
		.get('/api/v4/leads/19619/notes')
		.query({ 'filter[note_type][0]': 'common', 'order[id]': 'desc', limit: '250', page: '2' })
		.reply(200, { _page: 2, _links: {}, _embedded: { notes: [note(1, transcript)] } });
	const result = await runKommo(addNote(), [
		{ json: { leadId: 19619, text: transcript, idempotencyKey: KEY } },
	]);
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([
		{
			id: 1,
			entity_id: 19619,
			entityType: 'lead',
			note_type: 'common',
			created_at: 1700000001,
			idempotencyKey: KEY,
			skipped: true,
		},
	]);
	scope.done();
});

test('skip if already written: no note carries the key (204 = no notes) → writes it', async () => {
	const scope = kommo()
		.get('/api/v4/leads/19619/notes')
		.query({ limit: '250', 'filter[note_type][]': 'common', 'order[id]': 'desc' })
		.reply(204)
		.post('/api/v4/leads/notes', [
			{ entity_id: 19619, note_type: 'common', params: { text: transcript } },
		])
		.reply(200, created(77));
	const result = await runKommo(addNote(), [
		{ json: { leadId: 19619, text: transcript, idempotencyKey: KEY } },
	]);
	expect(result.json('Kommo')[0]).toMatchObject({ id: 77, skipped: false, idempotencyKey: KEY });
	scope.done();
});

describe('a write whose answer was lost (5xx or broken connection) is looked for before writing again', () => {
	const notesQuery = { limit: '250', 'filter[note_type][]': 'common', 'order[id]': 'desc' };
	const writeBody = [{ entity_id: 19619, note_type: 'common', params: { text: transcript } }];
	const badGateway = '<html><body><h1>502 Bad Gateway</h1></body></html>';

	test('Kommo stored it: the read finds the key, no second POST', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(notesQuery)
			.reply(204)
			.post('/api/v4/leads/notes', writeBody)
			.once()
			.reply(502, badGateway, { 'Content-Type': 'text/html' })
			.get('/api/v4/leads/19619/notes')
			.query(notesQuery)
			.reply(200, { _embedded: { notes: [note(88, transcript)] } });
		const result = await runKommo(addNote(), [{ json: { leadId: 19619, text: transcript } }]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 88, skipped: false, idempotencyKey: KEY });
		scope.done();
	});

	test('Kommo did not store it: the read finds nothing, the note is written again', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(notesQuery)
			.twice()
			.reply(204)
			.post('/api/v4/leads/notes', writeBody)
			.once()
			.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
			.post('/api/v4/leads/notes', writeBody)
			.once()
			.reply(200, created(89));
		const result = await runKommo(addNote(), [{ json: { leadId: 19619, text: transcript } }]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 89, skipped: false });
		scope.done();
	});

	test('a note without a key cannot be checked: one POST, and the error says to look in Kommo', async () => {
		const scope = kommo()
			.post('/api/v4/leads/notes')
			.once()
			.reply(500, { title: 'Internal Server Error', status: 500 });
		const result = await runKommo(addNote({ skipIfAlreadyWritten: false }), [
			{ json: { leadId: 19619, text: 'no key here' } },
		]);
		expect(result.error()?.message).toMatch(/server error \(HTTP 500\) 1 time/);
		expect((result.error() as NodeApiError | undefined)?.description).toMatch(
			/Not retried.*Check Kommo/,
		);
		scope.done();
	});
});

test('without an Idempotency Key the key comes from the marker line in the text', async () => {
	const scope = kommo()
		.get('/api/v4/leads/19619/notes')
		.query(true)
		.reply(200, { _links: {}, _embedded: { notes: [note(9, transcript.replace(/\n/g, '\r\n'))] } });
	const result = await runKommo(addNote(), [{ json: { leadId: 19619, text: transcript } }]);
	expect(result.json('Kommo')[0]).toMatchObject({ id: 9, skipped: true, idempotencyKey: KEY });
	scope.done();
});

test("a key that is only a prefix of an existing note's key does not count as written", async () => {
	const scope = kommo()
		.get('/api/v4/leads/19619/notes')
		.query(true)
		.reply(200, {
			_links: {},
			_embedded: {
				notes: [note(9, `x\n${formatMarker(`${KEY}0`)}`), note(8, `other ref ${KEY}9`)],
			},
		})
		.post('/api/v4/leads/notes')
		.reply(200, created(10));
	const result = await runKommo(addNote(), [
		{ json: { leadId: 19619, text: transcript, idempotencyKey: KEY } },
	]);
	expect(result.json('Kommo')[0]).toMatchObject({ id: 10, skipped: false });
	scope.done();
});

test('an older marker line quoted inside a note does not count: the last marker line wins', async () => {
	const OLDER = 'intercom:215468:1-9';
	const quoting = `Forwarded from the previous deal:\n> [Intercom] Chat #215468\n${formatMarker(OLDER)}\n\n[Intercom] Chat #215468\n${formatMarker(KEY)}`;
	const scope = kommo()
		.get('/api/v4/leads/19619/notes')
		.query(true)
		.reply(200, { _links: {}, _embedded: { notes: [note(9, quoting)] } })
		.post('/api/v4/leads/notes')
		.reply(200, created(10));
	const older = `[Intercom] Chat #215468\n\nAnn: hi\n\n${formatMarker(OLDER)}`;
	const result = await runKommo(addNote(), [{ json: { leadId: 19619, text: older } }]);
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')[0]).toMatchObject({ id: 10, skipped: false, idempotencyKey: OLDER });
	scope.done();
	expect(noteCarriesKey(quoting, KEY)).toBe(true);
	expect(noteCarriesKey(quoting, OLDER)).toBe(false);
	// a transcript key mentioned in prose is not a marker either
	expect(noteCarriesKey(`see ${OLDER} in the old deal`, OLDER)).toBe(false);
});

test('any key format works when it appears as a word in a note', () => {
	expect(noteCarriesKey('Synced by n8n [run abc-123]', 'abc-123]')).toBe(true);
	expect(noteCarriesKey('Synced by n8n run=abc-123', 'abc-123')).toBe(true);
	expect(noteCarriesKey('Synced by n8n run=abc-1234', 'abc-123')).toBe(false);
	expect(noteCarriesKey(undefined, 'abc')).toBe(false);
});

test('no key at all: the note is written without a check', async () => {
	const scope = kommo().post('/api/v4/leads/notes').reply(200, created(11));
	const result = await runKommo(addNote(), [{ json: { leadId: 19619, text: 'plain text' } }]);
	expect(result.json('Kommo')[0]).toMatchObject({ id: 11, skipped: false, idempotencyKey: null });
	scope.done();
});

describe('Text Source "Notes List": one item per conversation', () => {
	const NOTES_QUERY = { limit: '250', 'filter[note_type][]': 'common', 'order[id]': 'desc' };
	const keyOf = (part: number) => `intercom:215468:${part}00-${part}99`;
	const transcriptNote = (part: number, parts: number) => ({
		text: `[Intercom] Chat #215468 (part ${part}/${parts})\n\nAnn: message ${part}\n\n${formatMarker(keyOf(part))}`,
		idempotencyKey: keyOf(part),
		part,
		parts,
	});
	/** an item as the Transcript node's "One Item per Conversation" mode emits it */
	const conversationItem = (leadId: number, parts: number) => ({
		json: {
			leadId,
			conversationId: '215468',
			notes: Array.from({ length: parts }, (_, index) => transcriptNote(index + 1, parts)),
			delivery: {
				workflowKey: 'wf',
				conversationId: '215468',
				after: null,
				upTo: { t: 1, id: 'x' },
			},
		},
	});
	const addNotes = (extra = {}) => ({
		resource: 'note',
		operation: 'add',
		entityType: 'lead',
		entityId: '={{ $json.leadId }}',
		textSource: 'notesList',
		...extra,
	});
	const post = (leadId: number, text: string) => [
		{ entity_id: leadId, note_type: 'common', params: { text } },
	];
	const createdOn = (leadId: number, id: number) => ({
		_embedded: { notes: [{ id, entity_id: leadId, request_id: '0' }] },
	});

	test('"Skip If Already Written" off: no up-front read; in a re-run from the executions list it reads anyway', async () => {
		const item = conversationItem(19619, 2);
		let scope = kommo()
			.post('/api/v4/leads/notes', post(19619, transcriptNote(1, 2).text))
			.reply(200, createdOn(19619, 101))
			.post('/api/v4/leads/notes', post(19619, transcriptNote(2, 2).text))
			.reply(200, createdOn(19619, 102));
		let result = await runKommo(addNotes({ skipIfAlreadyWritten: false }), [item]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ written: 2, skipped: 0 });
		scope.done();

		// the retry replays both notes; the first is on the lead by now and is not written again
		scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.once()
			.reply(200, { _links: {}, _embedded: { notes: [note(101, transcriptNote(1, 2).text)] } })
			.post('/api/v4/leads/notes', post(19619, transcriptNote(2, 2).text))
			.reply(200, createdOn(19619, 103));
		result = await runKommo(addNotes({ skipIfAlreadyWritten: false }), [item], { mode: 'retry' });
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ written: 1, skipped: 1 });
		scope.done();
	});

	test('reads the lead once, skips the note already there, writes the rest in order, one item per input item', async () => {
		const first = conversationItem(19619, 3);
		const second = conversationItem(19620, 1);
		const posted: string[] = [];
		const scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.once()
			.reply(200, {
				_links: {},
				_embedded: { notes: [note(7, 'Call back'), note(5, transcriptNote(1, 3).text)] },
			})
			.post('/api/v4/leads/notes', post(19619, transcriptNote(2, 3).text))
			.reply(200, createdOn(19619, 101))
			.post('/api/v4/leads/notes', post(19619, transcriptNote(3, 3).text))
			.reply(200, createdOn(19619, 102))
			.get('/api/v4/leads/19620/notes')
			.query(NOTES_QUERY)
			.once()
			.reply(204)
			.post('/api/v4/leads/notes', post(19620, transcriptNote(1, 1).text))
			.reply(200, createdOn(19620, 201));
		scope.on('request', (_request, _interceptor, body: string) => {
			if (body)
				posted.push((JSON.parse(body) as Array<{ params: { text: string } }>)[0].params.text);
		});

		// "Notes" is left at its default, {{ $json.notes }}
		const result = await runKommo(addNotes(), [first, second]);

		expect(result.error()).toBeUndefined();
		expect(result.output('Kommo')[0]).toEqual([
			{
				json: {
					entityId: 19619,
					entityType: 'lead',
					notes: [
						{ id: 5, skipped: true, idempotencyKey: keyOf(1) },
						{ id: 101, skipped: false, idempotencyKey: keyOf(2) },
						{ id: 102, skipped: false, idempotencyKey: keyOf(3) },
					],
					written: 2,
					skipped: 1,
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					entityId: 19620,
					entityType: 'lead',
					notes: [{ id: 201, skipped: false, idempotencyKey: keyOf(1) }],
					written: 1,
					skipped: 0,
				},
				pairedItem: { item: 1 },
			},
		]);
		expect(posted).toEqual([
			transcriptNote(2, 3).text,
			transcriptNote(3, 3).text,
			transcriptNote(1, 1).text,
		]);
		scope.done();
	});

	test('a failure part-way fails the item and says what is written; the retry skips it by its key', async () => {
		const item = conversationItem(19619, 3);
		const failing = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.reply(204)
			.post('/api/v4/leads/notes', post(19619, transcriptNote(1, 3).text))
			.reply(200, createdOn(19619, 101))
			.post('/api/v4/leads/notes', post(19619, transcriptNote(2, 3).text))
			.reply(400, {
				'validation-errors': [
					{
						request_id: '0',
						errors: [{ code: 'InvalidType', path: 'params.text', detail: 'Too long' }],
					},
				],
				title: 'Bad Request',
				type: 'https://httpstatus.es/400',
				status: 400,
				detail: 'Request validation failed',
			});
		const failed = await runKommo(addNotes(), [item], { continueOnFail: true });
		expect(failed.output('Kommo')[0]).toEqual([
			{
				json: {
					error: 'Kommo rejected the data: params.text: Too long',
					description: expect.stringMatching(
						/^Writing note 2 of 3 failed; note 1 is on the lead \(1 written by this run\)\. Running again skips the notes already written, by their idempotency keys\.\n/,
					),
				},
				pairedItem: { item: 0 },
			},
		]);
		failing.done();

		const retry = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.reply(200, { _links: {}, _embedded: { notes: [note(101, transcriptNote(1, 3).text)] } })
			.post('/api/v4/leads/notes', post(19619, transcriptNote(2, 3).text))
			.reply(200, createdOn(19619, 102))
			.post('/api/v4/leads/notes', post(19619, transcriptNote(3, 3).text))
			.reply(200, createdOn(19619, 103));
		const retried = await runKommo(addNotes(), [item]);
		expect(retried.error()).toBeUndefined();
		expect(retried.json('Kommo')).toEqual([
			{
				entityId: 19619,
				entityType: 'lead',
				notes: [
					{ id: 101, skipped: true, idempotencyKey: keyOf(1) },
					{ id: 102, skipped: false, idempotencyKey: keyOf(2) },
					{ id: 103, skipped: false, idempotencyKey: keyOf(3) },
				],
				written: 2,
				skipped: 1,
			},
		]);
		retry.done();
	});

	test('keys come from the marker line when an entry has none; a repeated key in the list is written once', async () => {
		const text = transcriptNote(1, 1).text;
		const scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.reply(204)
			.post('/api/v4/leads/notes', post(19619, text))
			.once()
			.reply(200, createdOn(19619, 301))
			.post('/api/v4/leads/notes', post(19619, 'A plain note'))
			.reply(200, createdOn(19619, 302));
		const result = await runKommo(addNotes({ notes: '={{ $json.list }}' }), [
			{
				json: {
					leadId: 19619,
					list: [{ text }, { text, idempotencyKey: null }, { text: 'A plain note' }],
				},
			},
		]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toEqual({
			entityId: 19619,
			entityType: 'lead',
			notes: [
				{ id: 301, skipped: false, idempotencyKey: keyOf(1) },
				{ id: 301, skipped: true, idempotencyKey: keyOf(1) },
				{ id: 302, skipped: false, idempotencyKey: null },
			],
			written: 2,
			skipped: 1,
		});
		scope.done();
	});

	test('without "Skip If Already Written" nothing is read and every note is written', async () => {
		const scope = kommo()
			.post('/api/v4/contacts/notes', post(406322, transcriptNote(1, 2).text))
			.reply(200, createdOn(406322, 11))
			.post('/api/v4/contacts/notes', post(406322, transcriptNote(2, 2).text))
			.reply(200, createdOn(406322, 12));
		const result = await runKommo(
			addNotes({ entityType: 'contact', skipIfAlreadyWritten: false }),
			[conversationItem(406322, 2)],
		);
		expect(result.json('Kommo')).toEqual([
			{
				entityId: 406322,
				entityType: 'contact',
				notes: [
					{ id: 11, skipped: false, idempotencyKey: keyOf(1) },
					{ id: 12, skipped: false, idempotencyKey: keyOf(2) },
				],
				written: 2,
				skipped: 0,
			},
		]);
		scope.done();
	});

	test('an empty list writes nothing and makes no request', async () => {
		const result = await runKommo(addNotes(), [{ json: { leadId: 19619, notes: [] } }]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')).toEqual([
			{ entityId: 19619, entityType: 'lead', notes: [], written: 0, skipped: 0 },
		]);
	});

	test('JSON text typed into "Notes" is read as the list', async () => {
		const scope = kommo()
			.post('/api/v4/leads/notes', post(19619, 'Typed by hand'))
			.reply(200, createdOn(19619, 9));
		const result = await runKommo(
			addNotes({ notes: '[{ "text": "Typed by hand" }]', skipIfAlreadyWritten: false }),
			[{ json: { leadId: 19619 } }],
		);
		expect(result.json('Kommo')[0]).toMatchObject({
			notes: [{ id: 9, skipped: false }],
			written: 1,
		});
		scope.done();
	});

	test.each([
		[
			'no notes on the item',
			{ leadId: 19619, text: 'x' },
			'"Notes" must be a list like [{ "text": "…", "idempotencyKey": "…" }], but it is missing',
		],
		[
			'one transcript item instead of a list',
			{ leadId: 19619, notes: { text: 'x' } },
			'"Notes" must be a list like [{ "text": "…", "idempotencyKey": "…" }], but it is an object',
		],
		[
			'a list of strings',
			{ leadId: 19619, notes: ['x'] },
			'Note 1 of 1 in "Notes" must be an object with "text", but it is text',
		],
		[
			'an entry without text',
			{ leadId: 19619, notes: [{ text: 'x' }, { text: '  ', idempotencyKey: 'k' }] },
			'Note 2 of 2 in "Notes" has no text',
		],
		[
			'a key that is not text',
			{ leadId: 19619, notes: [{ text: 'x', idempotencyKey: 5 }] },
			'Note 1 of 1 in "Notes" has an idempotencyKey that is not text',
		],
	])('%s fails the item with a plain message, before any request', async (_case, json, message) => {
		const result = await runKommo(addNotes(), [{ json }]);
		expect(result.error('Kommo')?.message).toBe(message);
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
