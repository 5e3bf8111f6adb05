import {
	isVisitorRole,
	nameHoldsConversation,
	readVisitorMatch,
	visitorDeals,
	visitorWarning,
} from '../../../../nodes/Kommo/helpers/visitorMatch';

test('only Intercom\'s "lead" role is a visitor; "user", empty and unknown roles are not', () => {
	expect(isVisitorRole('lead')).toBe(true);
	expect(isVisitorRole(' Lead ')).toBe(true);
	for (const role of ['user', '', null, undefined, 'contact', 'visitor']) {
		expect(isVisitorRole(role)).toBe(false);
	}
});

test('an unknown choice reads as the default, marking the note', () => {
	expect(readVisitorMatch('newDeal')).toBe('newDeal');
	expect(readVisitorMatch('skip')).toBe('skip');
	expect(readVisitorMatch(undefined)).toBe('mark');
	expect(readVisitorMatch('other')).toBe('mark');
});

test('a deal name holds the conversation as #<id> not followed by another digit', () => {
	expect(nameHoldsConversation('Intercom chat #215468 – Ann', '215468')).toBe(true);
	expect(nameHoldsConversation('#215468', '215468')).toBe(true);
	expect(nameHoldsConversation('Intercom chat #2154680 – Bob', '215468')).toBe(false);
	expect(nameHoldsConversation('Intercom chat #2154680, then #215468.', '215468')).toBe(true);
	expect(nameHoldsConversation('Intercom chat 215468', '215468')).toBe(false);
	expect(nameHoldsConversation(undefined, '215468')).toBe(false);
});

test("a visitor's own deals: named for the chat, open ones first, newest first", () => {
	const lead = (id: number, name: string, status_id: number, updated_at: number) => ({
		id,
		name,
		status_id,
		updated_at,
	});
	const deals = visitorDeals(
		[
			lead(1, 'Intercom chat #7 – Ann', 142, 300),
			lead(2, 'Intercom chat #7 – Ann', 58141807, 100),
			lead(3, 'Intercom chat #70 – Bob', 58141807, 400),
			lead(4, 'Deal of Ann', 58141807, 500),
			lead(5, 'Intercom chat #7', 58141807, 200),
		],
		'7',
	);
	expect(deals.map((deal) => deal.id)).toEqual([5, 2, 1]);
});

test('the warning names the typed email and the matching contacts, in plain words', () => {
	expect(visitorWarning('ann@example.com', 'mark', [2, 9])).toBe(
		'Warning: not verified. This chat was written in Intercom by a visitor who typed the email ann@example.com and is not signed in. It matches Kommo contacts 2, 9, but the writer may be someone else. Check who it is before acting on it.',
	);
	expect(visitorWarning('ann@example.com', 'newDeal', [2])).toContain(
		'It matches Kommo contact 2; this deal is kept apart from it.',
	);
});
