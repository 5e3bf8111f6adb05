import { formatMarker } from '../../../../../nodes/Transcript/render/marker';
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
