/**
 * A lead's link to an Intercom conversation: the Transcript node's marker on the lead's notes. The
 * paging itself runs through the two operations that read it (Get Intercom Conversation, and Find's
 * "Intercom Conversation ID"); here the marker rule and the choice within a page.
 */
import { markerConversationId } from '../../../../nodes/Kommo/helpers/conversationLink';
import { buildIdempotencyKey, formatMarker } from '../../../../nodes/shared/transcriptMarker';
import { BASE, kommo, runKommo, setUpKommoTests } from '../kommoTestKit';

setUpKommoTests();

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
	const NOTES_QUERY = { limit: '250', 'filter[note_type][]': 'common', 'order[id]': 'desc' };
	const note = (id: unknown, text: string) => ({ id, note_type: 'common', params: { text } });

	test('within a page the highest note id wins, whatever order Kommo listed them in', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.reply(200, {
				_links: { self: { href: `${BASE}/api/v4/leads/19619/notes` } },
				_embedded: {
					notes: [
						note(40, formatMarker('intercom:100:1-2')),
						note(70, formatMarker('intercom:300:1-2')),
						note(55, formatMarker('intercom:200:1-2')),
						note(80, 'no marker'),
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
			.reply(200, { _embedded: { notes: [note('n/a', formatMarker('intercom:215:1-2'))] } });
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
