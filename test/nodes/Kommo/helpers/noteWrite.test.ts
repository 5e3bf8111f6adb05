/**
 * Writing a note once: a write whose answer was lost is looked for by its key before it is sent
 * again (through Note > Add, the operation that writes notes), and the error of a list that failed
 * part-way says what is already written.
 */
import type { INode, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { explainPartialWrite } from '../../../../nodes/Kommo/helpers/noteWrite';
import {
	addNoteParameters as addNote,
	createdNoteFixture as created,
	kommo,
	noteFixture as note,
	NOTES_QUERY,
	runKommo,
	setUpKommoTests,
	TRANSCRIPT_KEY as KEY,
	transcriptText as transcript,
} from '../kommoTestKit';

setUpKommoTests();

describe('a write whose answer was lost (5xx or broken connection) is looked for before writing again', () => {
	const writeBody = [{ entity_id: 19619, note_type: 'common', params: { text: transcript } }];
	const badGateway = '<html><body><h1>502 Bad Gateway</h1></body></html>';

	test('Kommo stored it: the read finds the key, no second POST', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.reply(204)
			.post('/api/v4/leads/notes', writeBody)
			.once()
			.reply(502, badGateway, { 'Content-Type': 'text/html' })
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
			.reply(200, { _embedded: { notes: [note(88, transcript)] } });
		const result = await runKommo(addNote(), [{ json: { leadId: 19619, text: transcript } }]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ id: 88, skipped: false, idempotencyKey: KEY });
		scope.done();
	});

	test('Kommo did not store it: the read finds nothing, the note is written again', async () => {
		const scope = kommo()
			.get('/api/v4/leads/19619/notes')
			.query(NOTES_QUERY)
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

describe('explainPartialWrite', () => {
	const node = { name: 'Kommo' } as INode;
	const progress = (failedIndex: number, writtenByThisRun: number) => ({
		entityType: 'contact',
		failedIndex,
		total: 4,
		writtenByThisRun,
	});

	test('the first note failing: nothing was written', () => {
		const error = explainPartialWrite(node, new Error('socket hang up'), 2, progress(0, 0));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).description).toBe(
			'Writing note 1 of 4 failed; nothing was written.',
		);
		expect((error as NodeOperationError).context.itemIndex).toBe(2);
	});

	test("later: which notes are on the entity, ahead of the error's own explanation", () => {
		const failure = new NodeOperationError(node, 'Kommo rejected the data', {
			description: 'params.text: Too long',
		});
		const error = explainPartialWrite(node, failure, 0, progress(3, 1));
		expect(error).toBe(failure);
		expect(failure.description).toBe(
			'Writing note 4 of 4 failed; notes 1–3 are on the contact (1 written by this run). Running again skips the notes already written, by their idempotency keys.\nparams.text: Too long',
		);
	});
});
