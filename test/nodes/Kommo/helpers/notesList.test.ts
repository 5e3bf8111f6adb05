/**
 * The "Notes" parameter of Note > Add with Text Source "Notes List": what it accepts, and the plain
 * message for what it does not, before any request.
 */
import type { INode } from 'n8n-workflow';

import { parseNotesList } from '../../../../nodes/Kommo/helpers/notesList';
import { formatMarker } from '../../../../nodes/shared/transcriptMarker';
import { addNoteParameters, runKommo, setUpKommoTests } from '../kommoTestKit';

setUpKommoTests();

const addNotes = () => addNoteParameters({ textSource: 'notesList' });

test('a list or its JSON text; a key from the entry, else from the marker line, else null', () => {
	const node = { name: 'Kommo' } as INode;
	const marked = `Chat\n${formatMarker('intercom:1:1-2')}`;
	expect(
		parseNotesList(
			node,
			[{ text: marked }, { text: 'x', idempotencyKey: ' k-1 ' }, { text: 'y', part: 2 }],
			0,
		),
	).toEqual([
		{ text: marked, idempotencyKey: 'intercom:1:1-2' },
		{ text: 'x', idempotencyKey: 'k-1' },
		{ text: 'y', idempotencyKey: null },
	]);
	expect(parseNotesList(node, '[{ "text": "Typed" }]', 0)).toEqual([
		{ text: 'Typed', idempotencyKey: null },
	]);
	expect(() => parseNotesList(node, '[{ "text": ', 0)).toThrow(/"Notes" is not valid JSON/);
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
