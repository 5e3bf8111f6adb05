import type { IDataObject } from 'n8n-workflow';

import { createWorkflow, runWorkflow } from '../../../helpers/n8n';
import {
	feed,
	generatedConversation,
	markDeliveredNode,
	messageNumbers,
	perNotePipeline,
	resetDeliveryStateAroundEachTest,
	runOnce,
	storedWatermarks,
	useFakeClock,
	writtenNotes,
} from '../helpers';
import { forgetProcessMemory } from '../../../../nodes/shared/processMemory';
import {
	confirmDelivery,
	MAX_CONVERSATIONS,
	STATIC_DATA_KEY,
} from '../../../../nodes/Transcript/delivery/watermark';

resetDeliveryStateAroundEachTest();

const opening = 0; // messageNumbers() does not count the opening message

describe('only new messages', () => {
	test('first run renders everything; after delivery the next run renders only the new part', async () => {
		const target = perNotePipeline();
		const first = await runOnce(target, generatedConversation('215', 3));
		expect(first.error()).toBeUndefined();
		expect(messageNumbers(writtenNotes)).toEqual([1, 2, 3]);
		expect(writtenNotes[0]).toContain('Opening message');
		expect(first.json('Mark as Delivered')).toEqual([
			{ id: 1001, entity_id: 42, delivered: true, reason: 'Marked as delivered.' },
		]);
		expect(storedWatermarks(target.workflow)).toEqual({
			'215': { t: 1782389280, id: '50002', at: expect.any(Number) },
		});

		const second = await runOnce(target, generatedConversation('215', 4));
		const [item] = second.json('Transcript');
		expect(messageNumbers([item.text as string])).toEqual([4]);
		expect(item.text).not.toContain('Opening message');
		expect(item.idempotencyKey).toBe('intercom:215:50003-50003');
		expect(item.delivery).toEqual({
			workflowKey: target.workflow.id,
			conversationId: '215',
			after: { t: 1782389280, id: '50002' },
			upTo: { t: 1782389340, id: '50003' },
		});
		expect(messageNumbers(writtenNotes)).toEqual([1, 2, 3, 4]);
		expect(writtenNotes.filter((text) => text.includes('Opening message'))).toHaveLength(
			1 + opening,
		);
	});

	test('a redelivered webhook after confirmation goes to "No New Messages"', async () => {
		const target = perNotePipeline();
		await runOnce(target, generatedConversation('216', 2));
		const again = await runOnce(target, generatedConversation('216', 2));
		expect(again.error()).toBeUndefined();
		const [transcripts, noNew] = again.output('Transcript');
		expect(transcripts).toEqual([]);
		expect(noNew).toEqual([
			{
				json: {
					conversationId: '216',
					reason: 'No messages newer than the ones already delivered.',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(again.ran('Add Note')).toBe(false);
		expect(writtenNotes).toHaveLength(1);
	});

	test('when writing the note fails, nothing is marked and the next run renders the messages again', async () => {
		const clock = useFakeClock();
		const failing = perNotePipeline({ id: 'wf-fails', writer: { fail: true } });
		const failed = await runOnce(failing, generatedConversation('217', 3));
		expect(failed.error()?.message).toBe('Kommo answered 500');
		expect(failed.ran('Mark as Delivered')).toBe(false);
		// n8n saves static data even for a failed execution: nothing may have advanced in it
		expect(storedWatermarks(failing.workflow)).toEqual({});

		// same workflow, writer fixed; the failed run's claim blocks until it expires (60 s default)
		const healthy = perNotePipeline({ id: 'wf-fails', staticData: failing.workflow.staticData });
		const retried = await runOnce(healthy, generatedConversation('217', 4));
		expect(retried.error()).toBeUndefined();
		expect(clock.waitedMs()).toBe(60_000);
		expect(messageNumbers(writtenNotes)).toEqual([1, 2, 3, 4]);
		expect(writtenNotes[0]).toContain('Opening message');
		expect(retried.json('Mark as Delivered')[0].delivered).toBe(true);
	});

	test('a run that may wait less than the claim lasts renders from the delivered state when its time is up', async () => {
		const clock = useFakeClock();
		const failing = perNotePipeline({ id: 'wf-timeout', writer: { fail: true } });
		await runOnce(failing, generatedConversation('224', 2));
		const impatient = perNotePipeline({
			id: 'wf-timeout',
			transcript: { options: { timezone: 'UTC', waitSeconds: 5 } },
			staticData: failing.workflow.staticData,
		});
		await runOnce(impatient, generatedConversation('224', 2));
		expect(clock.waitedMs()).toBe(5_000);
		expect(messageNumbers(writtenNotes)).toEqual([1, 2]);
		expect(writtenNotes[0]).toContain('Opening message');
	});

	test('a note after a failed one is not applied (non-contiguous); the next run repeats both with the same keys', async () => {
		useFakeClock();
		const target = perNotePipeline({
			id: 'wf-gap',
			transcript: { maxNoteLength: 1000 },
			writer: { failWhenTextHas: '(part 1/' },
			writerContinues: true,
		});
		const conversation = generatedConversation('219', 40);
		const first = await runOnce(target, conversation);
		const rendered = first.json('Transcript');
		expect(rendered.length).toBeGreaterThanOrEqual(3);
		const marks = first.json('Mark as Delivered');
		expect(marks[0].delivered).toBe(false);
		for (const mark of marks.slice(1)) {
			expect(mark.delivered).toBe(false);
			expect(mark.reason).toMatch(
				/^An earlier note of this conversation has not been marked as delivered/,
			);
		}
		expect(storedWatermarks(target.workflow)).toEqual({});

		const fixed = perNotePipeline({
			id: 'wf-gap',
			transcript: { maxNoteLength: 1000 },
			staticData: target.workflow.staticData,
		});
		const second = await runOnce(fixed, conversation);
		const again = second.json('Transcript');
		expect(again.map((item) => item.idempotencyKey)).toEqual(
			rendered.map((item) => item.idempotencyKey),
		);
		expect(second.json('Mark as Delivered').every((mark) => mark.delivered === true)).toBe(true);
		expect(storedWatermarks(fixed.workflow)['219']).toMatchObject({ id: '50039' });
	});

	test('when only a later note fails, the earlier ones count and the next run starts after them', async () => {
		useFakeClock();
		const target = perNotePipeline({
			id: 'wf-partial',
			transcript: { maxNoteLength: 1000 },
			writer: { failWhenTextHas: '(part 3/' },
			writerContinues: true,
		});
		const conversation = generatedConversation('220', 50);
		const first = await runOnce(target, conversation);
		const rendered = first.json('Transcript');
		expect(rendered.length).toBeGreaterThan(3);
		const marks = first.json('Mark as Delivered').map((mark) => mark.delivered);
		expect(marks).toEqual([true, true, ...Array(rendered.length - 2).fill(false)]);
		expect(storedWatermarks(target.workflow)['220']).toMatchObject({ id: rendered[1].lastPartId });

		writtenNotes.length = 0;
		const fixed = perNotePipeline({
			id: 'wf-partial',
			transcript: { maxNoteLength: 1000 },
			staticData: target.workflow.staticData,
		});
		await runOnce(fixed, conversation);
		const firstAgain = Number(rendered[2].firstPartId) - 50000 + 1;
		expect(messageNumbers(writtenNotes)).toEqual(
			Array.from({ length: 50 - firstAgain + 1 }, (_, i) => firstAgain + i),
		);
	});

	test('a receipt behind the stored watermark never moves it backwards', async () => {
		const target = perNotePipeline();
		await runOnce(target, generatedConversation('222', 5));
		const stored = storedWatermarks(target.workflow)['222'];
		const nodes = [feed, markDeliveredNode({ receipt: '={{ $json.receipt }}' })];
		const workflow = createWorkflow({
			nodes,
			id: target.workflow.id,
			staticData: target.workflow.staticData,
		});
		const result = await runWorkflow({
			nodes,
			workflow,
			input: [
				{
					json: {
						receipt: {
							workflowKey: target.workflow.id,
							conversationId: '222',
							after: null,
							upTo: { t: 1782389160, id: '50000' },
						},
					},
				},
			],
		});
		expect(result.json('Mark as Delivered')[0]).toMatchObject({
			delivered: true,
			reason: 'Already marked as delivered.',
		});
		expect(storedWatermarks(workflow)['222']).toEqual(stored);
	});

	test('two items of the same conversation in one run: the second renders only what the first did not', async () => {
		const target = perNotePipeline();
		const result = await runOnce(
			target,
			generatedConversation('223', 2),
			generatedConversation('223', 3),
		);
		expect(result.error()).toBeUndefined();
		const [transcripts] = result.output('Transcript');
		expect(messageNumbers(transcripts.map((item) => item.json.text as string))).toEqual([1, 2, 3]);
		expect(transcripts.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.json('Mark as Delivered').map((item) => item.delivered)).toEqual([true, true]);
	});
});

describe('static data races (n8n: last writer wins, saved even on failure)', () => {
	test('an execution saving an older copy of static data does not bring old messages back', async () => {
		const target = perNotePipeline({ id: 'wf-race' });
		const olderCopy = JSON.parse(JSON.stringify(target.workflow.staticData));
		await runOnce(target, generatedConversation('301', 3));
		expect(storedWatermarks(target.workflow)['301']).toBeDefined();

		// a concurrent execution that loaded static data before our confirmation saves last
		const overwritten = perNotePipeline({ id: 'wf-race', staticData: olderCopy });
		expect(storedWatermarks(overwritten.workflow)).toEqual({});
		const next = await runOnce(overwritten, generatedConversation('301', 3));
		expect(next.output('Transcript')[1]).toHaveLength(1);
		expect(writtenNotes).toHaveLength(1);

		// the next confirmation (another conversation) writes the whole merged map back
		await runOnce(overwritten, generatedConversation('302', 1));
		expect(Object.keys(storedWatermarks(overwritten.workflow)).sort()).toEqual(['301', '302']);
	});

	test('after a restart with stale static data the repeat carries the same idempotency key', async () => {
		const target = perNotePipeline({ id: 'wf-restart' });
		const olderCopy = JSON.parse(JSON.stringify(target.workflow.staticData));
		const first = await runOnce(target, generatedConversation('303', 3));
		forgetProcessMemory(); // n8n restarted; the stale copy won
		const again = await runOnce(
			perNotePipeline({ id: 'wf-restart', staticData: olderCopy }),
			generatedConversation('303', 3),
		);
		expect(again.json('Transcript')[0].idempotencyKey).toBe(
			first.json('Transcript')[0].idempotencyKey,
		);
		expect(again.json('Transcript')[0].text).toBe(first.json('Transcript')[0].text);
	});

	test('two concurrent executions for one conversation write disjoint messages and miss none', async () => {
		const a = perNotePipeline({ id: 'wf-concurrent' });
		const b = perNotePipeline({ id: 'wf-concurrent' });
		const [ra, rb] = await Promise.all([
			runOnce(a, generatedConversation('304', 3)),
			runOnce(b, generatedConversation('304', 5)),
		]);
		expect(ra.error()).toBeUndefined();
		expect(rb.error()).toBeUndefined();
		const numbers = messageNumbers(writtenNotes);
		expect([...numbers].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
		expect(writtenNotes.filter((text) => text.includes('Opening message'))).toHaveLength(1);
		// whichever saves its static data last, it holds the final watermark
		expect(
			storedWatermarks(a.workflow)['304'] ?? storedWatermarks(b.workflow)['304'],
		).toBeDefined();
		const last = [storedWatermarks(a.workflow)['304'], storedWatermarks(b.workflow)['304']]
			.filter(Boolean)
			.map((mark) => (mark as IDataObject).id);
		expect(last).toContain('50004');
	});

	test('many concurrent executions for one conversation still write each message once', async () => {
		const runs = Array.from({ length: 6 }, (_, i) =>
			runOnce(perNotePipeline({ id: 'wf-burst' }), generatedConversation('305', i + 1)),
		);
		const results = await Promise.all(runs);
		for (const result of results) expect(result.error()).toBeUndefined();
		expect([...messageNumbers(writtenNotes)].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
	});

	test('keeps at most MAX_CONVERSATIONS watermarks, forgetting the least recently delivered first', () => {
		useFakeClock(2_000_000_000_000);
		// a full memory as an earlier save left it: conversation 10000 delivered longest ago
		const conversations: IDataObject = {};
		for (let index = 0; index < MAX_CONVERSATIONS; index++) {
			conversations[String(10_000 + index)] = { t: 1_700_000_000, id: 'p1', at: 1_000 + index };
		}
		const staticData: IDataObject = { [STATIC_DATA_KEY]: { version: 1, conversations } };
		confirmDelivery(
			{
				workflowKey: 'wf-bounded',
				conversationId: 'newest',
				after: null,
				upTo: { t: 1_700_000_000, id: 'p1' },
			},
			staticData,
		);
		const kept = Object.keys(
			(staticData[STATIC_DATA_KEY] as IDataObject).conversations as IDataObject,
		);
		expect(kept).toHaveLength(MAX_CONVERSATIONS);
		expect(kept).not.toContain('10000');
		expect(kept).toContain('10001');
		expect(kept).toContain('newest');
	});
});
