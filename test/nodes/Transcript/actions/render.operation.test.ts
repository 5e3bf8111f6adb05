import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createWorkflow, registerNodes, runWorkflow } from '../../../helpers/n8n';
import type { RunResult, TestNode } from '../../../helpers/n8n';
import {
	feed,
	generatedConversation,
	markDeliveredNode,
	messageNumbers,
	Pipeline,
	resetDeliveryStateAroundEachTest,
	runOnce,
	storedWatermarks,
	transcriptNode,
	useFakeClock,
	writtenNotes,
} from '../helpers';

/**
 * Stands in for Kommo › Note › Add with a notes list: writes every note of the item in order and
 * fails (like a failing API call) at the first note whose text contains `failWhenTextHas`.
 */
class FakeNotesListWriter implements INodeType {
	description = {
		displayName: 'Fake Notes List Writer',
		name: 'transcriptTestNotesListWriter',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Add Notes' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Fail When Text Has', name: 'failWhenTextHas', type: 'string', default: '' },
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const failWhen = this.getNodeParameter('failWhenTextHas', i) as string;
			const notes = (items[i].json.notes ?? []) as IDataObject[];
			let failed = false;
			for (const note of notes) {
				const text = String(note.text);
				if (failWhen && text.includes(failWhen)) {
					failed = true;
					break;
				}
				writtenNotes.push(text);
			}
			if (failed) {
				if (!this.continueOnFail()) {
					throw new NodeOperationError(this.getNode(), 'Kommo answered 500', { itemIndex: i });
				}
				out.push({ json: { error: 'Kommo answered 500' }, pairedItem: { item: i } });
				continue;
			}
			out.push({ json: { written: notes.length }, pairedItem: { item: i } });
		}
		return [out];
	}
}

registerNodes(FakeNotesListWriter);

let workflowCounter = 0;

resetDeliveryStateAroundEachTest();

/** 1000-character notes: 30 generated messages come out as exactly three notes. */
const THREE_NOTES = { maxNoteLength: 1000 };
const THREE_NOTE_MESSAGES = 30;

const perConversation = (extra: IDataObject = {}) =>
	transcriptNode({
		onlyNewMessages: true,
		outputMode: 'perConversation',
		options: { timezone: 'UTC' },
		...THREE_NOTES,
		...extra,
	});

/** Feed → Transcript (per conversation) → Add Notes (the whole list) → Mark as Delivered. */
function pipeline(
	options: {
		id?: string;
		transcript?: IDataObject;
		failWhenTextHas?: string;
		writerContinues?: boolean;
		staticData?: IDataObject;
	} = {},
): Pipeline {
	const nodes: TestNode[] = [
		feed,
		perConversation(options.transcript),
		{
			name: 'Add Notes',
			type: 'transcriptTestNotesListWriter',
			parameters: { failWhenTextHas: options.failWhenTextHas ?? '' },
			continueOnFail: options.writerContinues,
		},
		markDeliveredNode(),
	];
	const workflow = createWorkflow({
		nodes,
		id: options.id ?? `wf-per-conversation-${++workflowCounter}`,
		staticData: options.staticData,
	});
	return { nodes, workflow };
}

describe('Output: One Item per Conversation', () => {
	test('gives one item holding every note of the per-note output, with one receipt spanning them', async () => {
		const conversation = generatedConversation('501', THREE_NOTE_MESSAGES);
		const perNote = await runWorkflow({
			nodes: [feed, transcriptNode({ options: { timezone: 'UTC' }, ...THREE_NOTES })],
			input: [{ json: conversation }],
		});
		const notes = perNote.json('Transcript');
		expect(notes).toHaveLength(3);

		const result = await runWorkflow({
			nodes: [feed, perConversation({ onlyNewMessages: false })],
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
			customer: { id: 'c1', email: 'jane@example.com', name: 'Jane Doe' },
			text: notes[0].text,
			delivery: {
				workflowKey: 'wf-test',
				conversationId: '501',
				after: null,
				upTo: (notes[2].delivery as IDataObject).upTo,
			},
		});
		expect((items[0].json.delivery as IDataObject).upTo).toEqual({
			t: 1782389100 + 60 * THREE_NOTE_MESSAGES,
			id: String(50000 + THREE_NOTE_MESSAGES - 1),
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
			nodes: [feed, perConversation({ onlyNewMessages: false })],
			input: [{ json: conversation }],
		});
		const [item] = result.json('Transcript');
		expect(item.noteCount).toBeGreaterThanOrEqual(3);
		const notes = item.notes as IDataObject[];
		expect(notes.slice(1).every((note) => note.firstPartId === '50000')).toBe(true);
		expect(item.messageCount).toBe(2); // the opening message and the long one
	});

	test('a conversation with nothing new still goes to "No New Messages"', async () => {
		const target = pipeline();
		await runOnce(target, generatedConversation('503', 2));
		const again = await runOnce(target, generatedConversation('503', 2));
		expect(again.output('Transcript')).toEqual([
			[],
			[
				{
					json: {
						conversationId: '503',
						reason: 'No messages newer than the ones already delivered.',
					},
					pairedItem: { item: 0 },
				},
			],
		]);
		expect(again.ran('Add Notes')).toBe(false);
	});
});

describe('Mark as Delivered with a per-conversation receipt', () => {
	test('one confirmation covers all three notes; the next run renders only new messages', async () => {
		const target = pipeline();
		const first = await runOnce(target, generatedConversation('511', THREE_NOTE_MESSAGES));
		expect(first.error()).toBeUndefined();
		expect(writtenNotes).toHaveLength(3);
		expect(messageNumbers(writtenNotes)).toEqual(
			Array.from({ length: THREE_NOTE_MESSAGES }, (_, i) => i + 1),
		);
		expect(first.json('Mark as Delivered')).toEqual([
			{ written: 3, delivered: true, reason: 'Marked as delivered.' },
		]);
		expect(storedWatermarks(target.workflow)).toEqual({
			'511': { t: 1782389100 + 60 * THREE_NOTE_MESSAGES, id: '50029', at: expect.any(Number) },
		});

		writtenNotes.length = 0;
		const second = await runOnce(target, generatedConversation('511', THREE_NOTE_MESSAGES + 2));
		const [item] = second.json('Transcript');
		expect(item.noteCount).toBe(1);
		expect(messageNumbers(writtenNotes)).toEqual([31, 32]);
		expect(writtenNotes[0]).not.toContain('Opening message');
		expect(item.delivery).toEqual({
			workflowKey: target.workflow.id,
			conversationId: '511',
			after: { t: 1782389100 + 60 * 30, id: '50029' },
			upTo: { t: 1782389100 + 60 * 32, id: '50031' },
		});
		expect(second.json('Mark as Delivered')[0].delivered).toBe(true);
		expect(storedWatermarks(target.workflow)['511']).toMatchObject({ id: '50031' });
	});

	test('a failed write (no confirmation) makes the next run render the same notes with the same keys', async () => {
		const clock = useFakeClock();
		const failing = pipeline({ id: 'wf-pc-fail', failWhenTextHas: '(part 3/3)' });
		const conversation = generatedConversation('512', THREE_NOTE_MESSAGES);
		const failed = await runOnce(failing, conversation);
		expect(failed.error()?.message).toBe('Kommo answered 500');
		expect(failed.ran('Mark as Delivered')).toBe(false);
		expect(writtenNotes).toHaveLength(2); // notes 1 and 2 reached Kommo before the failure
		expect(storedWatermarks(failing.workflow)).toEqual({});
		const firstRender = failed.json('Transcript')[0];

		const healthy = pipeline({ id: 'wf-pc-fail', staticData: failing.workflow.staticData });
		const retried = await runOnce(healthy, conversation);
		expect(retried.error()).toBeUndefined();
		// the failed run's claim blocks until it expires (60 s default)
		expect(clock.waitedMs()).toBe(60_000);
		const again = retried.json('Transcript')[0];
		expect(again.notes).toEqual(firstRender.notes);
		expect(again.delivery).toEqual(firstRender.delivery);
		expect(retried.json('Mark as Delivered')[0].delivered).toBe(true);
		expect(storedWatermarks(healthy.workflow)['512']).toMatchObject({ id: '50029' });
	});

	test('an error item (continue on fail) is not confirmed, so nothing of the conversation counts', async () => {
		const target = pipeline({ failWhenTextHas: '(part 2/3)', writerContinues: true });
		const result = await runOnce(target, generatedConversation('513', THREE_NOTE_MESSAGES));
		expect(result.error()).toBeUndefined();
		expect(result.json('Mark as Delivered')).toEqual([
			{
				error: 'Kommo answered 500',
				delivered: false,
				reason:
					'The previous step reported an error for this note, so it is not marked as delivered.',
			},
		]);
		expect(storedWatermarks(target.workflow)).toEqual({});
	});

	test('a combined receipt that does not follow on from the delivered state is not applied', async () => {
		const target = pipeline();
		const nodes = [feed, markDeliveredNode({ receipt: '={{ $json.receipt }}' })];
		const workflow = createWorkflow({ nodes, id: target.workflow.id });
		const result = await runWorkflow({
			nodes,
			workflow,
			input: [
				{
					json: {
						receipt: {
							workflowKey: target.workflow.id,
							conversationId: '514',
							after: { t: 1782389160, id: '50000' },
							upTo: { t: 1782389400, id: '50004' },
						},
					},
				},
			],
		});
		expect(result.json('Mark as Delivered')[0]).toMatchObject({
			delivered: false,
			reason: expect.stringMatching(/^An earlier note of this conversation has not been marked/),
		});
		expect(storedWatermarks(workflow)).toEqual({});
	});
});

describe('concurrency claims, as in per-note mode', () => {
	test('two concurrent executions for one conversation write disjoint messages and miss none', async () => {
		const a = pipeline({ id: 'wf-pc-concurrent' });
		const b = pipeline({ id: 'wf-pc-concurrent' });
		const [ra, rb] = await Promise.all([
			runOnce(a, generatedConversation('521', 20)),
			runOnce(b, generatedConversation('521', 34)),
		]);
		expect(ra.error()).toBeUndefined();
		expect(rb.error()).toBeUndefined();
		const numbers = messageNumbers(writtenNotes);
		expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
		expect(writtenNotes.filter((text) => text.includes('Opening message'))).toHaveLength(1);
		const marks = [...ra.json('Mark as Delivered'), ...rb.json('Mark as Delivered')];
		expect(marks.map((mark) => mark.delivered)).toEqual([true, true]);
	});

	test('many concurrent executions still write each message once', async () => {
		const results = await Promise.all(
			Array.from({ length: 5 }, (_, i) =>
				runOnce(pipeline({ id: 'wf-pc-burst' }), generatedConversation('522', 10 * (i + 1))),
			),
		);
		for (const result of results) expect(result.error()).toBeUndefined();
		expect([...messageNumbers(writtenNotes)].sort((x, y) => x - y)).toEqual(
			Array.from({ length: 50 }, (_, i) => i + 1),
		);
	});

	test('a run that may wait less than the claim lasts renders from the delivered state', async () => {
		const clock = useFakeClock();
		const failing = pipeline({ id: 'wf-pc-timeout', failWhenTextHas: 'Message 1 ' });
		await runOnce(failing, generatedConversation('523', 2));
		expect(writtenNotes).toEqual([]);
		const impatient = pipeline({
			id: 'wf-pc-timeout',
			transcript: { options: { timezone: 'UTC', waitSeconds: 5 } },
			staticData: failing.workflow.staticData,
		});
		await runOnce(impatient, generatedConversation('523', 2));
		expect(clock.waitedMs()).toBe(5_000);
		expect(messageNumbers(writtenNotes)).toEqual([1, 2]);
	});

	test('two items of the same conversation in one run: the second holds only what the first did not', async () => {
		const target = pipeline();
		const result = await runOnce(
			target,
			generatedConversation('524', 2),
			generatedConversation('524', 3),
		);
		expect(result.error()).toBeUndefined();
		const items = result.json('Transcript');
		expect(items.map((item) => messageNumbers([item.text as string]))).toEqual([[1, 2], [3]]);
		expect(result.json('Mark as Delivered').map((item) => item.delivered)).toEqual([true, true]);
	});
});

describe('"Already Written": the newest transcript note in Kommo (queue mode)', () => {
	resetDeliveryStateAroundEachTest();

	const conversation = generatedConversation('8800', 6);
	const kommoNote = (key: string, extra: IDataObject = {}) =>
		transcriptNode({
			onlyNewMessages: true,
			deliveredFrom: 'kommoNote',
			kommoTranscriptKey: key,
			outputMode: 'perConversation',
			options: { timezone: 'UTC' },
			...extra,
		});
	async function render(key: string, input: IDataObject = conversation, extra: IDataObject = {}) {
		return await runWorkflow({
			nodes: [feed, kommoNote(key, extra)],
			input: [{ json: input }],
			staticData: {},
		});
	}
	const written = (result: RunResult) =>
		messageNumbers(
			((result.json('Transcript')[0]?.notes ?? []) as IDataObject[]).map((n) => String(n.text)),
		);

	test('nothing of the chat on the deal (empty key): every message', async () => {
		const result = await render('');
		expect(result.error()).toBeUndefined();
		expect(written(result)).toEqual([1, 2, 3, 4, 5, 6]);
	});

	test('a note up to message 3 on the deal: only 4-6, in a process that remembers nothing', async () => {
		const result = await render('intercom:8800:src-8800-50002');
		expect(written(result)).toEqual([4, 5, 6]);
		// and nothing is kept in n8n: the next run on any worker decides from Kommo again
		expect(result.workflow.staticData).toEqual({});
		expect(storedWatermarks(result.workflow)).toEqual({});
	});

	test('the same key twice (a redelivery after the note was written) gives the same notes and keys', async () => {
		const first = await render('intercom:8800:50000-50002');
		const second = await render('intercom:8800:50000-50002');
		expect(second.json('Transcript')[0].notes).toEqual(first.json('Transcript')[0].notes);
	});

	test('everything on the deal: the "No new messages" output', async () => {
		const result = await render('intercom:8800:50003-50005');
		const [items, noNew] = result.output('Transcript');
		expect(items).toEqual([]);
		expect(noNew.map((item) => item.json.conversationId)).toEqual(['8800']);
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
		const result = await runWorkflow({
			nodes: [
				feed,
				kommoNote('intercom:8800:50000-50004', {
					options: { timezone: 'UTC', conversation: JSON.stringify(conversation) },
				}),
			],
			input: [{ json: { found: true, leadId: 7, transcriptKey: 'ignored here' } }],
		});
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
			'"Newest Transcript Key in Kommo" is not a transcript key: "lead 42"',
		);
	});

	test('two runs at once do not wait for each other (no claim in one process)', async () => {
		const clock = useFakeClock();
		const [a, b] = await Promise.all([render(''), render('')]);
		expect(written(a)).toEqual([1, 2, 3, 4, 5, 6]);
		expect(written(b)).toEqual([1, 2, 3, 4, 5, 6]);
		expect(clock.waitedMs()).toBe(0);
	});
});
