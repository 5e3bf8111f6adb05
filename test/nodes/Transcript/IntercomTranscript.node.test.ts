import type { IDataObject } from 'n8n-workflow';

import { MARKER_PREFIX, parseMarker } from '../../../nodes/shared/transcriptMarker';
import { runWorkflow } from '../../helpers/n8n';
import type { TestNode } from '../../helpers/n8n';
import {
	feed,
	generatedConversation,
	loadConversation,
	messageNumbers,
	transcriptNode,
} from './helpers';
import { forgetProcessMemory } from '../../../nodes/shared/processMemory';

beforeEach(() => forgetProcessMemory());

async function render(
	input: IDataObject[],
	parameters: IDataObject = {},
	options: { timezone?: string; node?: Partial<TestNode> } = {},
) {
	const result = await runWorkflow({
		nodes: [feed, transcriptNode(parameters, options.node)],
		input: input.map((json) => ({ json })),
		timezone: options.timezone,
	});
	return result;
}

async function renderTexts(
	conversation: IDataObject,
	parameters: IDataObject = {},
	timezone?: string,
) {
	const result = await render([conversation], parameters, { timezone });
	expect(result.error()).toBeUndefined();
	return result.json('Transcript').map((item) => item.text as string);
}

const BERLIN_TRANSCRIPT = [
	'[Intercom] Chat #215 from 2026-06-25',
	'https://app.intercom.com/a/inbox/_/inbox/conversation/215',
	'',
	'--- 2026-06-25 ---',
	'[14:05 Jane Doe]: Hi, I need a quote for 50 seats & onboarding.',
	'  Thanks!',
	"[14:06 Fin] [Bot]: Hi Jane! I'm Fin. A teammate will follow up.",
	'[14:10 Alice Agent]: Sure! See our pricing (https://example.com/pricing) and https://example.com/docs.',
	'  - Seats',
	'  - Onboarding',
	'[23:59 Jane Doe]: Got it, thanks',
	'  Will check tomorrow',
	'  [Attachment: requirements.pdf (https://downloads.intercomcdn.com/i/o/1/requirements.pdf)]',
	'--- 2026-06-26 ---',
	'[00:30 Jane Doe]: [message deleted]',
	'',
	'#intercom-kommo key=intercom:215:403918334-9006',
].join('\n');

describe('rendering a conversation', () => {
	test('renders the opening message first, then the parts in time order, as one note', async () => {
		const result = await render([loadConversation()], { options: { timezone: 'Europe/Berlin' } });
		expect(result.error()).toBeUndefined();
		const [transcripts, noNew] = result.output('Transcript');
		expect(noNew).toEqual([]);
		expect(transcripts).toHaveLength(1);
		expect(transcripts[0].pairedItem).toEqual({ item: 0 });
		expect(transcripts[0].json).toEqual({
			conversationId: '215',
			text: BERLIN_TRANSCRIPT,
			part: 1,
			parts: 1,
			idempotencyKey: 'intercom:215:403918334-9006',
			messageCount: 5,
			firstPartId: '403918334',
			lastPartId: '9006',
			truncated: false,
			customer: {
				id: '6762f1261bb69f9f2193bba7',
				email: 'jane@example.com',
				name: 'Jane Doe',
				role: 'user',
			},
		});
	});

	test("uses the workflow's timezone by default and prints a date line only when the day changes", async () => {
		const [text] = await renderTexts(loadConversation(), {}, 'UTC');
		const lines = text.split('\n');
		expect(lines.filter((line) => line.startsWith('--- '))).toEqual(['--- 2026-06-25 ---']);
		expect(lines).toContain('[12:05 Jane Doe]: Hi, I need a quote for 50 seats & onboarding.');
		expect(lines).toContain('[21:59 Jane Doe]: Got it, thanks');
		expect(lines).toContain('[22:30 Jane Doe]: [message deleted]');

		const [tokyo] = await renderTexts(loadConversation(), {}, 'Asia/Tokyo');
		expect(tokyo.split('\n')).toEqual(
			expect.arrayContaining([
				'--- 2026-06-25 ---',
				'[21:05 Jane Doe]: Hi, I need a quote for 50 seats & onboarding.',
				'--- 2026-06-26 ---',
				'[06:59 Jane Doe]: Got it, thanks',
			]),
		);
	});

	test('the timezone option wins over the workflow timezone; a wrong name is a plain error', async () => {
		const [text] = await renderTexts(
			loadConversation(),
			{ options: { timezone: 'America/New_York' } },
			'UTC',
		);
		expect(text).toContain('[08:05 Jane Doe]: Hi, I need');

		const result = await render([loadConversation()], { options: { timezone: 'Mars/Olympus' } });
		expect(result.error()?.message).toBe('"Mars/Olympus" is not a timezone name');
	});

	test('sorts parts by created_at and breaks ties by id, whatever order Intercom lists them in', async () => {
		const conversation = loadConversation();
		conversation.conversation_parts!.conversation_parts!.reverse();
		const [text] = await renderTexts(conversation, {
			options: { timezone: 'UTC', includeInternalNotes: true, includeSystemEvents: true },
		});
		const order = text
			.split('\n')
			.filter((line) => /^\[\d\d:\d\d/.test(line))
			.map((line) => line.slice(0, 35));
		expect(order).toEqual([
			'[12:05 Jane Doe]: Hi, I need a quot',
			"[12:06 Fin] [Bot]: Hi Jane! I'm Fin",
			'[12:07 Alice Agent] [Internal note]',
			'[12:07] (assignment by Alice Agent)',
			'[12:10 Alice Agent]: Sure! See our ',
			'[21:59 Jane Doe]: Got it, thanks',
			'[22:30 Jane Doe]: [message deleted]',
			'[08:00] (attribute updated by Fin: ',
			'[08:00] (closed by Alice Agent)',
		]);
		// same second: the note 9002 before the assignment 9003, the attribute update 9007 before the close 9008
	});

	test('leaves internal notes out by default and marks them when included', async () => {
		const [plain] = await renderTexts(loadConversation());
		expect(plain).not.toContain('Big account');
		const [withNotes] = await renderTexts(loadConversation(), {
			options: { timezone: 'UTC', includeInternalNotes: true },
		});
		expect(withNotes).toContain('[12:07 Alice Agent] [Internal note]: Big account, check billing');
	});

	test('marks bot and Fin replies, and can leave them out (their events too)', async () => {
		const conversation = loadConversation();
		// Fin posting as an admin is still recognised by from_ai_agent
		conversation.conversation_parts!.conversation_parts!.push({
			id: '9010',
			part_type: 'comment',
			body: '<p>Answer generated by Fin</p>',
			created_at: 1782389500,
			author: { type: 'admin', id: '5', name: 'Fin', from_ai_agent: true, is_ai_answer: true },
		});
		const [withBots] = await renderTexts(conversation, { options: { timezone: 'UTC' } });
		expect(withBots).toContain("[12:06 Fin] [Bot]: Hi Jane! I'm Fin.");
		expect(withBots).toContain('[12:11 Fin] [Bot]: Answer generated by Fin');

		const [withoutBots] = await renderTexts(conversation, {
			options: { timezone: 'UTC', includeBotMessages: false, includeSystemEvents: true },
		});
		expect(withoutBots).not.toContain('Fin');
		expect(withoutBots).toContain('[08:00] (closed by Alice Agent)');
	});

	test('system events appear only when asked for, as short event lines', async () => {
		const [plain] = await renderTexts(loadConversation(), { options: { timezone: 'UTC' } });
		expect(plain).not.toContain('assignment');
		const [withEvents] = await renderTexts(loadConversation(), {
			options: { timezone: 'UTC', includeSystemEvents: true },
		});
		expect(withEvents).toContain('\n[12:07] (assignment by Alice Agent)\n');
		expect(withEvents).toContain(
			'\n[08:00] (attribute updated by Fin: jira_issue_key = PROJ-007)\n',
		);
		expect(withEvents).toContain('\n[08:00] (closed by Alice Agent)\n');
		expect(withEvents).toContain('\n--- 2026-06-26 ---\n[08:00] (attribute');
	});

	test('an event part that carries text reads as a message even without system events', async () => {
		const conversation = loadConversation();
		conversation.conversation_parts!.conversation_parts!.push({
			id: '9011',
			part_type: 'close',
			body: '<p>Closing this, write any time!</p>',
			created_at: 1782461000,
			author: { type: 'admin', id: '1', name: 'Alice Agent' },
		});
		const [text] = await renderTexts(conversation, { options: { timezone: 'UTC' } });
		expect(text).toContain('[08:03 Alice Agent]: Closing this, write any time!');
	});

	test('a redacted part is a placeholder line, never its old body', async () => {
		const conversation = loadConversation();
		const part = conversation.conversation_parts!.conversation_parts!.find((p) => p.id === '9006')!;
		part.body = '<p>my card number is 4242</p>';
		const [text] = await renderTexts(conversation, { options: { timezone: 'UTC' } });
		expect(text).toContain('[22:30 Jane Doe]: [message deleted]');
		expect(text).not.toContain('4242');
	});

	test('the header links to the conversation with the app id from the parameter or the trigger', async () => {
		const [fromParameter] = await renderTexts(loadConversation(), { appId: 'a86dr8yl' });
		expect(fromParameter.split('\n')[1]).toBe(
			'https://app.intercom.com/a/inbox/a86dr8yl/inbox/conversation/215',
		);

		const triggerItem = {
			appId: 'trig0001',
			conversationId: '215',
			customer: { id: 'c-9', email: 'buyer@example.com', name: 'Buyer' },
			conversation: loadConversation(),
		};
		const result = await render([triggerItem], { options: { region: 'eu' } });
		const [item] = result.json('Transcript');
		expect((item.text as string).split('\n')[1]).toBe(
			'https://app.eu.intercom.com/a/inbox/trig0001/inbox/conversation/215',
		);
		expect(item.customer).toEqual({
			id: 'c-9',
			email: 'buyer@example.com',
			name: 'Buyer',
			role: null,
		});
		expect(item.conversationId).toBe('215');
	});

	test('renders the shared Intercom fixture (Get conversation output with a customer)', async () => {
		const conversation = loadConversation('intercom/conversation.json');
		const [text] = await renderTexts(
			{
				...conversation,
				customer: {
					id: '6762f1261bb69f9f2193bba7',
					email: 'maria.gonzalez@example.com',
					name: 'Maria Gonzalez',
				},
			},
			{ options: { timezone: 'UTC' } },
		);
		const lines = text.split('\n');
		expect(lines[0]).toBe('[Intercom] Chat #215468 from 2026-01-01');
		expect(lines[3]).toBe('--- 2026-01-01 ---');
		expect(lines[4]).toBe(
			'[00:00 Maria Gonzalez]: Hi! I ordered the Pro plan yesterday but my invoice shows the Basic plan & the wrong VAT number.',
		);
		expect(lines[5]).toBe('  Can you fix it?');
		expect(text).toContain('[00:01 Fin] [Bot]: Thanks for reaching out!');
		expect(text).toContain('The VAT number should be DE 123456789, my company is Gonzalez GmbH.');
		expect(text).toContain(
			'your billing page (https://shop.example.com/account/invoices/INV-2026-0042)',
		);
		expect(text).toContain(
			'[Attachment: invoice-corrected.png (https://downloads.intercomcdn.com/',
		);
		expect(text).toMatch(/\[\d\d:\d\d Maria Gonzalez\]: \[message deleted\]/);
		expect(text).not.toContain('Stripe shows the upgrade');
		expect(lines[lines.length - 1]).toBe('#intercom-kommo key=intercom:215468:403918330-30007');
	});

	test('says so when Intercom returned only the newest 500 of more parts, and renders all 500', async () => {
		const conversation = generatedConversation('777', 500, { totalCount: 612 });
		const result = await render([conversation], { options: { timezone: 'UTC' } });
		const items = result.json('Transcript');
		expect(items.length).toBeGreaterThan(1);
		const texts = items.map((item) => item.text as string);
		expect(texts[0].split('\n')[2]).toBe(
			'Note: Intercom returned only the latest 500 of 612 messages; older messages are not included.',
		);
		expect(texts.slice(1).some((text) => text.includes('Note: Intercom returned'))).toBe(false);
		expect(messageNumbers(texts)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
		expect(texts[0]).toContain('[12:05 Jane Doe]: Opening message');
		for (const item of items) {
			expect(item.truncated).toBe(true);
			expect((item.text as string).length).toBeLessThanOrEqual(8000);
		}
		const keys = items.map((item) => item.idempotencyKey);
		expect(new Set(keys).size).toBe(keys.length);
	});

	test('a complete conversation is not marked truncated', async () => {
		const result = await render([generatedConversation('778', 20)]);
		expect(result.json('Transcript')[0].truncated).toBe(false);
		expect(result.json('Transcript')[0].text).not.toContain('Note: Intercom returned');
	});
});

describe('splitting long transcripts', () => {
	test('splits below the maximum, between lines, with (part i/n) and a key per part', async () => {
		const conversation = generatedConversation('900', 60);
		const result = await render([conversation], {
			maxNoteLength: 1000,
			options: { timezone: 'UTC' },
		});
		const items = result.json('Transcript');
		expect(items.length).toBeGreaterThan(3);
		const texts = items.map((item) => item.text as string);
		items.forEach((item, index) => {
			const text = item.text as string;
			expect(text.length).toBeLessThanOrEqual(1000);
			expect(item.part).toBe(index + 1);
			expect(item.parts).toBe(items.length);
			expect(text.split('\n')[0]).toBe(
				`[Intercom] Chat #900 from 2026-06-25 (part ${index + 1}/${items.length})`,
			);
			expect(text.split('\n')[3]).toBe('--- 2026-06-25 ---');
			expect(item.idempotencyKey).toBe(`intercom:900:${item.firstPartId}-${item.lastPartId}`);
			expect(parseMarker(text)).toBe(item.idempotencyKey);
			expect(item.pairedItem).toBeUndefined();
		});
		expect(result.output('Transcript')[0].every((item) => item.pairedItem !== undefined)).toBe(
			true,
		);
		// every message line whole, exactly once, in order
		expect(messageNumbers(texts)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
		for (let i = 1; i <= 60; i++) {
			const line = `]: Message ${i} about order #${999 + i} & delivery.`;
			expect(texts.filter((text) => text.includes(line))).toHaveLength(1);
		}
		// consecutive notes hand over: starting after a note's key gives exactly the messages after it
		for (let i = 1; i < items.length; i++) {
			const rest = await render([generatedConversation('900', 60)], {
				maxNoteLength: 1000,
				startAfterKey: items[i - 1].idempotencyKey,
				options: { timezone: 'UTC' },
			});
			expect(messageNumbers(rest.json('Transcript').map((item) => item.text as string))).toEqual(
				messageNumbers(texts.slice(i)),
			);
		}
		expect(items[0].firstPartId).toBe('src-900');
		expect(items[items.length - 1].lastPartId).toBe('50059');
	});

	test('a warning line goes under the link of every note, within the maximum; empty adds nothing', async () => {
		const warning =
			'Warning: not verified. This chat was written in Intercom by a visitor who typed the email ann@example.com and is not signed in.';
		const plain = await render([generatedConversation('901', 60)], {
			maxNoteLength: 1000,
			options: { timezone: 'UTC', warning: '' },
		});
		const warned = await render([generatedConversation('901', 60)], {
			maxNoteLength: 1000,
			options: { timezone: 'UTC', warning: `  ${warning}\n ` },
		});
		const texts = warned.json('Transcript').map((item) => item.text as string);
		expect(texts.length).toBeGreaterThan(1);
		for (const text of texts) {
			expect(text.length).toBeLessThanOrEqual(1000);
			expect(text.split('\n')[2]).toBe(warning);
			expect(text.split('\n')[4]).toBe('--- 2026-06-25 ---');
		}
		expect(messageNumbers(texts)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
		for (const item of plain.json('Transcript')) {
			expect((item.text as string).split('\n')[2]).toBe('');
		}
	});

	test('hard-wraps a single line longer than a note, the only place a line is cut', async () => {
		const conversation = generatedConversation('901', 2);
		const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
		const unbroken = 'x'.repeat(1500);
		conversation.conversation_parts!.conversation_parts![0].body = `<p>${words}</p><p>${unbroken}</p>`;
		const result = await render([conversation], {
			maxNoteLength: 1000,
			options: { timezone: 'UTC' },
		});
		const items = result.json('Transcript');
		const texts = items.map((item) => item.text as string);
		for (const text of texts) expect(text.length).toBeLessThanOrEqual(1000);

		// put the long message back together from its pieces
		const bodyLines: string[] = [];
		for (const text of texts) {
			for (const line of text.split('\n').slice(4, -2)) {
				bodyLines.push(line.replace(/^\[12:06 Alice Agent\]: /, '').replace(/^ {2}/, ''));
			}
		}
		expect(bodyLines.filter((line) => line.startsWith('word')).join(' ')).toBe(words);
		expect(bodyLines.filter((line) => /^x+$/.test(line)).join('')).toBe(unbroken);
		expect(
			bodyLines.filter((line) => line.startsWith('[12:06 Alice Agent] (continued):')),
		).toHaveLength(items.length - 2);

		const keys = items.map((item) => item.idempotencyKey as string);
		expect(keys[0]).toBe('intercom:901:src-901-50000~1');
		keys
			.slice(1, -1)
			.forEach((key, index) =>
				expect(key).toBe(`intercom:901:50000~${index + 2}-50000~${index + 2}`),
			);
		expect(keys[keys.length - 1]).toBe('intercom:901:50001-50001');
		// a key ending in a piece of the long message cannot tell which piece was its last: starting
		// after it writes that whole message again, never loses its end; after the last note, nothing
		const after = async (key: string | undefined) =>
			(
				await render([conversation], {
					maxNoteLength: 1000,
					startAfterKey: key,
					options: { timezone: 'UTC' },
				})
			).json('Transcript');
		const again = (await after(keys[1])).map((item) => item.idempotencyKey as string);
		expect(again[0]).toBe('intercom:901:50000~1-50000~1');
		expect(again[again.length - 1]).toMatch(/-50001$/);
		expect(await after(keys[keys.length - 1])).toEqual([]);
	});

	test('the same input gives the same notes and keys; earlier notes survive new messages', async () => {
		const first = (await render([generatedConversation('902', 40)], { maxNoteLength: 1000 })).json(
			'Transcript',
		);
		const again = (await render([generatedConversation('902', 40)], { maxNoteLength: 1000 })).json(
			'Transcript',
		);
		expect(again).toEqual(first);
		const longer = (await render([generatedConversation('902', 45)], { maxNoteLength: 1000 })).json(
			'Transcript',
		);
		for (let i = 0; i < first.length - 1; i++) {
			expect(longer[i].idempotencyKey).toBe(first[i].idempotencyKey);
			// only the "(part i/n)" count may differ
			expect((longer[i].text as string).replace(/\(part \d+\/\d+\)/, '')).toBe(
				(first[i].text as string).replace(/\(part \d+\/\d+\)/, ''),
			);
		}
	});

	test('a maximum below 1000 characters is refused in plain words', async () => {
		const result = await render([loadConversation()], { maxNoteLength: 200 });
		expect(result.error()?.message).toBe('Max Note Length must be at least 1000 characters');
	});
});

describe('input checks', () => {
	test('an item without a conversation fails in plain words', async () => {
		const result = await render([{ hello: 'world' }]);
		expect(result.error()?.message).toBe(
			'This item does not contain an Intercom conversation. Connect the Transcript node after the Intercom Trigger or the Intercom Conversations › Get node.',
		);
	});

	test('with continue on fail the bad item becomes an error item and the others still render', async () => {
		const result = await render(
			[{ conversationId: '1', conversation: null }, loadConversation()],
			{},
			{ node: { continueOnFail: true } },
		);
		expect(result.error()).toBeUndefined();
		const [transcripts] = result.output('Transcript');
		expect(transcripts).toHaveLength(2);
		expect(transcripts[0]).toEqual({
			json: {
				error: expect.stringContaining('does not contain an Intercom conversation'),
				description: null,
			},
			pairedItem: { item: 0 },
		});
		expect(transcripts[1].json.conversationId).toBe('215');
		expect(transcripts[1].pairedItem).toEqual({ item: 1 });
	});

	test('a conversation with nothing to show goes to the "No New Messages" output', async () => {
		const conversation = generatedConversation('903', 0);
		conversation.source!.body = '<p> </p>';
		const result = await render([conversation]);
		const [transcripts, noNew] = result.output('Transcript');
		expect(transcripts).toEqual([]);
		expect(noNew).toEqual([
			{
				json: {
					conversationId: '903',
					reason: 'The conversation has no messages to show with the chosen options.',
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('marker line', () => {
	test('every note ends with the marker of its idempotency key, which parseMarker reads back', async () => {
		const items = (await render([generatedConversation('904', 30)], { maxNoteLength: 1000 })).json(
			'Transcript',
		);
		for (const item of items) {
			const lines = (item.text as string).split('\n');
			expect(lines[lines.length - 1]).toBe(`${MARKER_PREFIX}${item.idempotencyKey}`);
			expect(parseMarker((item.text as string).replace(/\n/g, '\r\n') + '  ')).toBe(
				item.idempotencyKey,
			);
		}
	});
});
