import { formatMarker } from '../../../../../nodes/shared/transcriptMarker';
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
	transcriptText as transcript,
} from '../../kommoTestKit';

setUpKommoTests();

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
			entityId: 19619,
			entityType: 'lead',
			noteType: 'common',
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
		entityId: 406322,
		entityType: 'contact',
	});
	scope.done();
});

test('skip if already written: the marker is found on page 2 → no POST, the existing note is returned', async () => {
	const scope = kommo()
		.get('/api/v4/leads/19619/notes')
		.query(NOTES_QUERY)
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
			entityId: 19619,
			entityType: 'lead',
			noteType: 'common',
			createdAt: 1700000001,
			idempotencyKey: KEY,
			skipped: true,
		},
	]);
	scope.done();
});

test('skip if already written: no note carries the key (204 = no notes) → writes it', async () => {
	const scope = kommo()
		.get('/api/v4/leads/19619/notes')
		.query(NOTES_QUERY)
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
});

test('no key at all: the note is written without a check', async () => {
	const scope = kommo().post('/api/v4/leads/notes').reply(200, created(11));
	const result = await runKommo(addNote(), [{ json: { leadId: 19619, text: 'plain text' } }]);
	expect(result.json('Kommo')[0]).toMatchObject({ id: 11, skipped: false, idempotencyKey: null });
	scope.done();
});

describe('Text Source "Notes List": one item per conversation', () => {
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
});
