import { formatMarker } from '../../../../../nodes/shared/transcriptMarker';
import {
	BASE,
	kommo,
	noteFixture as note,
	NOTES_QUERY,
	runKommo,
	setUpKommoTests,
} from '../../kommoTestKit';

setUpKommoTests();

const getConversation = (leadId: string | number = '={{ $json.leadId }}') => ({
	resource: 'lead',
	operation: 'getIntercomConversation',
	leadId,
});

test('the newest transcript marker names the conversation; other notes and foreign keys do not count', async () => {
	const scope = kommo()
		.get('/api/v4/leads/19619/notes')
		.query(NOTES_QUERY)
		.reply(200, {
			_page: 1,
			_links: { self: { href: `${BASE}/api/v4/leads/19619/notes` } },
			_embedded: {
				notes: [
					note(60, 'Customer asked about intercom:111:1-2 in a call'),
					note(55, `Synced by another tool\n#intercom-kommo key=crm-sync-55`),
					note(50, `[Intercom] Chat #777\n\n${formatMarker('intercom:777:900-950')}`),
					note(40, `[Intercom] Chat #215468\n\n${formatMarker('intercom:215468:1-9')}`),
				],
			},
		});
	const result = await runKommo(getConversation(), [{ json: { leadId: '19619' } }]);
	expect(result.error()).toBeUndefined();
	expect(result.output('Kommo')[0]).toEqual([
		{
			json: { leadId: 19619, found: true, conversationId: '777', noteId: 50 },
			pairedItem: { item: 0 },
		},
	]);
	scope.done();
});

test('pages on until a page holds a marker, and no further', async () => {
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
			_embedded: { notes: [note(90, 'Call back tomorrow')] },
		})
		.get('/api/v4/leads/19619/notes')
		.query({ 'filter[note_type][0]': 'common', 'order[id]': 'desc', limit: '250', page: '2' })
		.reply(200, {
			_page: 2,
			_links: {
				next: { href: `${BASE}/api/v4/leads/19619/notes?page=3` },
			},
			// Kommo was asked for newest first; the larger id wins even if a page were out of order
			_embedded: {
				notes: [
					note(12, `a\r\n${formatMarker('intercom:215468:1-9')}\r\n`),
					note(14, `b\n${formatMarker('intercom:215468:10-12')}`),
				],
			},
		});
	const result = await runKommo(getConversation(19619));
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([
		{ leadId: 19619, found: true, conversationId: '215468', noteId: 14 },
	]);
	scope.done();
});

test('a lead without transcript notes (204: no notes at all) is found: false, not an error', async () => {
	const scope = kommo().get('/api/v4/leads/19619/notes').query(NOTES_QUERY).reply(204);
	const result = await runKommo(getConversation('19619'));
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([{ leadId: 19619, found: false, conversationId: null }]);
	scope.done();
});

test('one item per input lead; a lead id that is not one fails that item (continue on fail)', async () => {
	const scope = kommo()
		.get('/api/v4/leads/19619/notes')
		.query(NOTES_QUERY)
		.reply(200, { _links: {}, _embedded: { notes: [note(1, 'no marker')] } });
	const result = await runKommo(
		getConversation(),
		[{ json: { leadId: 19619 } }, { json: { leadId: 'Deal 5' } }],
		{ continueOnFail: true },
	);
	expect(result.output('Kommo')[0]).toEqual([
		{
			json: { leadId: 19619, found: false, conversationId: null },
			pairedItem: { item: 0 },
		},
		{
			json: {
				error: 'Lead ID must be a Kommo ID (digits only), got "Deal 5"',
				description: null,
			},
			pairedItem: { item: 1 },
		},
	]);
	scope.done();
});
