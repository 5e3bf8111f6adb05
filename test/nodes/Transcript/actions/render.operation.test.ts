/**
 * The Transcript is stateless: a conversation and "start after this key" in, notes out. What is on
 * the Kommo deal (read by Kommo › Find by Email as `transcriptKey`) decides where a run starts.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from '../../../helpers/n8n';
import type { RunResult } from '../../../helpers/n8n';
import { feed, generatedConversation, messageNumbers, transcriptNode } from '../helpers';

/** 1000-character notes: 30 generated messages come out as exactly three notes. */
const THREE_NOTES = { maxNoteLength: 1000 };
const THREE_NOTE_MESSAGES = 30;

const perConversation = (extra: IDataObject = {}) =>
	transcriptNode({
		outputMode: 'perConversation',
		options: { timezone: 'UTC' },
		...THREE_NOTES,
		...extra,
	});

describe('Output: One Item per Conversation', () => {
	test('gives one item holding every note of the per-note output', async () => {
		const conversation = generatedConversation('501', THREE_NOTE_MESSAGES);
		const perNote = await runWorkflow({
			nodes: [feed, transcriptNode({ options: { timezone: 'UTC' }, ...THREE_NOTES })],
			input: [{ json: conversation }],
		});
		const notes = perNote.json('Transcript');
		expect(notes).toHaveLength(3);

		const result = await runWorkflow({
			nodes: [feed, perConversation()],
			input: [{ json: conversation }],
		});
		expect(result.error()).toBeUndefined();
		const [items, noNew] = result.output('Transcript');
		expect(noNew).toEqual([]);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json).toEqual({
			conversationId: '501',
			notes: notes.map((note) => ({
				text: note.text,
				idempotencyKey: note.idempotencyKey,
				part: note.part,
				parts: 3,
				firstPartId: note.firstPartId,
				lastPartId: note.lastPartId,
				messageCount: note.messageCount,
			})),
			noteCount: 3,
			messageCount: THREE_NOTE_MESSAGES + 1,
			truncated: false,
			customer: { id: 'c1', email: 'jane@example.com', name: 'Jane Doe', role: 'user' },
			text: notes[0].text,
		});
		expect(messageNumbers([notes[0].text as string])[0]).toBe(1);
	});

	test('counts a message split across notes once', async () => {
		const conversation = generatedConversation('502', 1);
		const parts = (conversation.conversation_parts as IDataObject)
			.conversation_parts as IDataObject[];
		parts[0].body = Array.from({ length: 60 }, (_, i) => `<p>line ${i} ${'x'.repeat(40)}</p>`).join(
			'',
		);
		const result = await runWorkflow({
			nodes: [feed, perConversation()],
			input: [{ json: conversation }],
		});
		const [item] = result.json('Transcript');
		expect(item.noteCount).toBeGreaterThanOrEqual(3);
		const notes = item.notes as IDataObject[];
		expect(notes.slice(1).every((note) => note.firstPartId === '50000')).toBe(true);
		expect(item.messageCount).toBe(2); // the opening message and the long one
	});
});

describe('"Start After Transcript Key": the newest transcript note on the deal', () => {
	const conversation = generatedConversation('8800', 6);
	async function render(
		key: string | null | undefined,
		input: IDataObject = conversation,
		extra: IDataObject = {},
		staticData: IDataObject = {},
	) {
		return await runWorkflow({
			nodes: [feed, perConversation({ maxNoteLength: 8000, startAfterKey: key, ...extra })],
			input: [{ json: input }],
			staticData,
		});
	}
	const written = (result: RunResult) =>
		messageNumbers(
			((result.json('Transcript')[0]?.notes ?? []) as IDataObject[]).map((n) => String(n.text)),
		);

	test('nothing of the chat on the deal (empty key): every message', async () => {
		for (const empty of ['', null, undefined, '  ']) {
			const result = await render(empty);
			expect(result.error()).toBeUndefined();
			expect(written(result)).toEqual([1, 2, 3, 4, 5, 6]);
		}
	});

	test('a note up to message 3 on the deal: only 4-6, and nothing is kept in n8n', async () => {
		const result = await render('intercom:8800:src-8800-50002');
		expect(written(result)).toEqual([4, 5, 6]);
		// the next run, on any process, decides from Kommo again
		expect(result.workflow.staticData).toEqual({});
	});

	test('stale or wiped static data changes nothing: only the key decides', async () => {
		// what the removed watermark kept in static data, claiming everything was delivered
		const stale = {
			global: {
				intercomTranscript: {
					version: 1,
					conversations: { 8800: { t: 9_999_999_999, id: '50005', at: 1 } },
				},
			},
		};
		const withStale = await render('intercom:8800:50000-50002', conversation, {}, stale);
		const wiped = await render('intercom:8800:50000-50002', conversation, {}, {});
		expect(written(withStale)).toEqual([4, 5, 6]);
		expect(withStale.json('Transcript')).toEqual(wiped.json('Transcript'));
		expect(withStale.workflow.staticData).toEqual(stale);
	});

	test('the same key twice (a redelivery after the note was written) gives the same notes and keys', async () => {
		const first = await render('intercom:8800:50000-50002');
		const second = await render('intercom:8800:50000-50002');
		expect(second.json('Transcript')[0].notes).toEqual(first.json('Transcript')[0].notes);
	});

	test('everything on the deal: the "No New Messages" output, with the reason', async () => {
		const result = await render('intercom:8800:50003-50005');
		expect(result.output('Transcript')).toEqual([
			[],
			[
				{
					json: {
						conversationId: '8800',
						reason: 'No messages newer than the ones already on the deal.',
					},
					pairedItem: { item: 0 },
				},
			],
		]);
	});

	test('a key ending inside a long message (a piece): that message is written again whole, none lost', async () => {
		const result = await render('intercom:8800:50001-50003~2');
		expect(written(result)).toEqual([4, 5, 6]);
	});

	test('a part Intercom no longer lists: placed by its id among the replies', async () => {
		// 50002 redacted away from the list: messages after it are still new, those before are not
		const withoutPart = structuredClone(conversation);
		const list = withoutPart.conversation_parts!;
		list.conversation_parts = list.conversation_parts!.filter((part) => part.id !== '50002');
		const result = await render('intercom:8800:50000-50002', withoutPart);
		expect(written(result)).toEqual([4, 5, 6]);
	});

	test('the conversation from the "Conversation" option when the input is a Kommo item', async () => {
		const result = await render(
			'intercom:8800:50000-50004',
			{ found: true, leadId: 7, transcriptKey: 'ignored here' },
			{ options: { timezone: 'UTC', conversation: JSON.stringify(conversation) } },
		);
		expect(result.error()).toBeUndefined();
		expect(written(result)).toEqual([6]);
	});

	test("another chat's key, or text that is no key: a clear error, nothing rendered", async () => {
		let result = await render('intercom:9999:1-2');
		expect(result.error('Transcript')?.message).toBe(
			'The transcript key is for Intercom conversation 9999, not 8800',
		);
		result = await render('lead 42');
		expect(result.error('Transcript')?.message).toBe(
			'"Start After Transcript Key" is not a transcript key: "lead 42"',
		);
	});
});
