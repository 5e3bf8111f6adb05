import {
	conversationEntries,
	isShown,
	missingPartCount,
	roleOf,
} from '../../../../nodes/shared/intercom/messages';
import type { ConversationEntry } from '../../../../nodes/shared/intercom/messages';

describe('conversation entries', () => {
	test('a message author without a name falls back to the customer name, email or role', () => {
		const entries = conversationEntries(
			{
				id: '1',
				created_at: 100,
				source: {
					id: 's',
					body: 'hi',
					author: { type: 'lead', id: 'l1', name: null, email: null },
				},
				conversation_parts: {
					conversation_parts: [
						{
							id: '2',
							part_type: 'comment',
							body: 'yo',
							created_at: 101,
							author: { type: 'admin', email: 'ops@x.test' },
						},
						{
							id: '3',
							part_type: 'comment',
							body: 'beep',
							created_at: 102,
							author: { type: 'bot' },
						},
						{
							id: '4',
							part_type: 'comment',
							body: 'x',
							created_at: 103,
							author: { type: 'team', name: 'Support'.repeat(20) },
						},
					],
				},
			},
			'Lena Lead',
		);
		expect(
			entries.map((entry) => [entry.author.endsWith('…') ? 'long' : entry.author, entry.role]),
		).toEqual([
			['Lena Lead', 'customer'],
			['ops@x.test', 'agent'],
			['Bot', 'bot'],
			['long', 'agent'],
		]);
		expect(entries[3].author).toHaveLength(80);
	});

	test('roles: bots and Fin are bots, users, leads and contacts customers, anyone else an agent', () => {
		expect(roleOf({ type: 'bot' })).toBe('bot');
		expect(roleOf({ type: 'admin', from_ai_agent: true })).toBe('bot');
		expect(roleOf({ type: 'user' })).toBe('customer');
		expect(roleOf({ type: 'lead' })).toBe('customer');
		expect(roleOf({ type: 'contact' })).toBe('customer');
		expect(roleOf({ type: 'admin' })).toBe('agent');
		expect(roleOf({ type: 'team' })).toBe('agent');
		expect(roleOf(null)).toBe('agent');
	});

	test('the opening message first, parts by time then id, missing ids and times filled in', () => {
		const entries = conversationEntries({
			id: '77',
			created_at: 100,
			source: { body: '<p>hello</p>' },
			conversation_parts: {
				conversation_parts: [
					{ id: '10', part_type: 'comment', body: 'ten', created_at: 120 },
					{ id: '9', part_type: 'comment', body: 'nine', created_at: 120 },
					{ part_type: 'comment', body: 'no id, no time' },
					{ id: '11', part_type: 'note', body: 'internal', created_at: 110 },
				],
			},
		});
		expect(entries.map((entry) => [entry.id, entry.t, entry.kind, entry.isSource])).toEqual([
			['source-77', 100, 'message', true],
			['part-2', 100, 'message', false],
			['11', 110, 'note', false],
			['9', 120, 'message', false],
			['10', 120, 'message', false],
		]);
		expect(entries[0].text).toBe('hello');
	});

	test('events: system lines unless they carry text; attributes described; redacted parts emptied', () => {
		const entries = conversationEntries({
			id: '78',
			created_at: 100,
			conversation_parts: {
				conversation_parts: [
					{
						id: '1',
						part_type: 'conversation_attribute_updated_by_admin',
						created_at: 101,
						event_details: { attribute: { name: 'jira_issue_key' }, value: { name: 'PROJ-007' } },
					},
					{ id: '2', part_type: 'close', body: '<p>Bye!</p>', created_at: 102 },
					{
						id: '3',
						part_type: 'comment',
						body: 'secret',
						created_at: 103,
						redacted: true,
						attachments: [{ name: 'a.png', url: 'https://x.test/a.png' }],
					},
					{
						id: '4',
						part_type: 'comment',
						body: '',
						created_at: 104,
						attachments: [{ url: 'https://x.test/files/report.pdf' }, { name: 'plain.txt' }, {}],
					},
				],
			},
		});
		expect(entries.map((entry) => [entry.kind, entry.eventDetail, entry.text])).toEqual([
			['event', 'jira_issue_key = PROJ-007', ''],
			['message', '', 'Bye!'],
			['message', '', ''],
			['message', '', ''],
		]);
		expect(entries[2]).toMatchObject({ redacted: true, attachments: [] });
		expect(entries[3].attachments).toEqual([
			'[Attachment: report.pdf (https://x.test/files/report.pdf)]',
			'[Attachment: plain.txt]',
		]);
	});

	test('isShown: what the options leave out, and empty messages never', () => {
		const entry = (overrides: Partial<ConversationEntry>): ConversationEntry => ({
			appPackageCode: null,
			authorId: null,
			t: 1,
			id: '1',
			kind: 'message',
			role: 'customer',
			author: 'A',
			text: 'hi',
			attachments: [],
			redacted: false,
			partType: 'comment',
			eventDetail: '',
			isSource: false,
			...overrides,
		});
		const none = {
			includeBotMessages: false,
			includeInternalNotes: false,
			includeSystemEvents: false,
		};
		const all = { includeBotMessages: true, includeInternalNotes: true, includeSystemEvents: true };
		expect(isShown(entry({}), none)).toBe(true);
		expect(isShown(entry({ text: '' }), all)).toBe(false);
		expect(isShown(entry({ text: '', redacted: true }), none)).toBe(true);
		expect(isShown(entry({ text: '', attachments: ['[Attachment: a]'] }), none)).toBe(true);
		expect(isShown(entry({ role: 'bot' }), none)).toBe(false);
		expect(isShown(entry({ role: 'bot' }), all)).toBe(true);
		expect(isShown(entry({ kind: 'note' }), none)).toBe(false);
		expect(isShown(entry({ kind: 'note' }), all)).toBe(true);
		expect(isShown(entry({ kind: 'event', text: '' }), none)).toBe(false);
		expect(isShown(entry({ kind: 'event', text: '' }), all)).toBe(true);
		expect(
			isShown(entry({ kind: 'event', role: 'bot' }), { ...all, includeBotMessages: false }),
		).toBe(false);
	});

	test('missingPartCount: how many parts Intercom left out, never negative', () => {
		const parts = (count: number) =>
			Array.from({ length: count }, (_, index) => ({ id: String(index) }));
		expect(
			missingPartCount({
				id: '1',
				conversation_parts: { conversation_parts: parts(500), total_count: 612 },
			}),
		).toBe(112);
		expect(
			missingPartCount({ id: '1', conversation_parts: { conversation_parts: parts(3) } }),
		).toBe(0);
		expect(
			missingPartCount({
				id: '1',
				conversation_parts: { conversation_parts: parts(3), total_count: 2 },
			}),
		).toBe(0);
		expect(missingPartCount({ id: '1' })).toBe(0);
	});
});
