/**
 * Find by Email › "Intercom Contact Role" and "When a Visitor's Email Matches a Contact": a chat from
 * an Intercom visitor (role `lead`, the email only typed) whose email is an existing customer's.
 * Run through n8n's execution machinery with Kommo mocked by nock.
 */
import {
	BASE,
	contactFixture,
	leadFixture,
	noteFixture,
	NOTES_QUERY,
	pipelinesFixture,
	runKommo,
	setUpKommoTests,
} from '../../kommoTestKit';
import { contactSearch } from './findKit';

setUpKommoTests();

const CONVERSATION = '215468';
const EMAIL = 'ann@example.com';
/** the real customer: contact 2 with its open deal 501 */
const CUSTOMER_DEAL = leadFixture(501, 58141807, 6950551, 1700000900);

const findByEmail = (options: object) => ({
	resource: 'contact',
	operation: 'findByEmail',
	email: EMAIL,
	options: { intercomConversationId: CONVERSATION, readTranscriptNote: true, ...options },
});

function customerFound() {
	return contactSearch(EMAIL)
		.reply(200, { _embedded: { contacts: [contactFixture(2, [EMAIL], [501])] } })
		.get('/api/v4/leads')
		.query({ limit: '250', 'filter[id][]': '501' })
		.reply(200, { _embedded: { leads: [CUSTOMER_DEAL] } })
		.get('/api/v4/leads/pipelines')
		.reply(200, pipelinesFixture);
}

const notesPage = (leadId: number, texts: string[]) => ({
	_page: 1,
	_links: { self: { href: `${BASE}/api/v4/leads/${leadId}/notes` } },
	_embedded: { notes: texts.map((text, i) => noteFixture(90 - i, text, leadId)) },
});
const markerNote = (range: string) =>
	`[Intercom] Chat #${CONVERSATION}\n\n#intercom-kommo key=intercom:${CONVERSATION}:${range}`;
const named = (id: number, name: string, statusId = 58141807, updatedAt = 1700001000) => ({
	...leadFixture(id, statusId, 6950551, updatedAt),
	name,
});

test('a signed-in user (role "user"): the deal is chosen as always, nothing marked', async () => {
	const scope = customerFound()
		.get('/api/v4/leads/501/notes')
		.query(NOTES_QUERY)
		.reply(200, notesPage(501, [markerNote('1-2')]));
	const result = await runKommo(findByEmail({ intercomContactRole: 'user', visitorMatch: 'skip' }));
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')[0]).toMatchObject({
		found: true,
		leadId: 501,
		contactId: 2,
		leadChoice: 'latest-open',
		transcriptKey: `intercom:${CONVERSATION}:1-2`,
		visitorEmailMatch: false,
		visitorMatch: null,
		skipped: false,
		warning: '',
	});
	scope.done();
});

test('without the role option the output has no visitor fields (workflows built before it)', async () => {
	const scope = customerFound()
		.get('/api/v4/leads/501/notes')
		.query(NOTES_QUERY)
		.reply(200, notesPage(501, []));
	const result = await runKommo(findByEmail({}));
	const [item] = result.json('Kommo');
	expect(item.leadId).toBe(501);
	for (const field of ['visitorEmailMatch', 'visitorMatch', 'skipped', 'warning']) {
		expect(item).not.toHaveProperty(field);
	}
	scope.done();
});

test('a visitor (role "lead"), default choice: the customer\'s deal, with a warning for the note header', async () => {
	// the customer's deal holds nothing of this chat, so the chat's own deals are looked at too (none)
	const scope = customerFound()
		.get('/api/v4/leads/501/notes')
		.query(NOTES_QUERY)
		.reply(200, notesPage(501, []))
		.get('/api/v4/leads')
		.query({ limit: '250', query: CONVERSATION })
		.reply(204);
	const result = await runKommo(findByEmail({ intercomContactRole: 'lead' }));
	expect(result.error()).toBeUndefined();
	const [item] = result.json('Kommo');
	expect(item).toMatchObject({
		leadId: 501,
		contactId: 2,
		visitorEmailMatch: true,
		visitorMatch: 'mark',
		skipped: false,
	});
	expect(item.warning).toBe(
		`Warning: not verified. This chat was written in Intercom by a visitor who typed the email ${EMAIL} and is not signed in. It matches Kommo contact 2, but the writer may be someone else. Check who it is before acting on it.`,
	);
	scope.done();
});

test("marking again after a deal of its own: the chat's notes on its own deal are delivered, only what came after goes on the customer's deal", async () => {
	const scope = customerFound()
		.get('/api/v4/leads/501/notes')
		.query(NOTES_QUERY)
		.reply(200, notesPage(501, []))
		.get('/api/v4/leads')
		.query({ limit: '250', query: CONVERSATION })
		.reply(200, { _embedded: { leads: [named(602, `Intercom chat #${CONVERSATION} – Ann`)] } })
		.get('/api/v4/leads/602/notes')
		.query(NOTES_QUERY)
		.reply(200, notesPage(602, [markerNote('1-6')]));
	const result = await runKommo(findByEmail({ intercomContactRole: 'lead' }));
	expect(result.json('Kommo')[0]).toMatchObject({
		leadId: 501,
		contactId: 2,
		transcriptKey: `intercom:${CONVERSATION}:1-6`,
	});
	scope.done();
});

test('a visitor whose email matches no contact is a new customer: nothing to warn about, no lead search', async () => {
	const scope = contactSearch(EMAIL).reply(204);
	const result = await runKommo(
		findByEmail({ intercomContactRole: 'lead', visitorMatch: 'newDeal' }),
	);
	expect(result.json('Kommo')[0]).toMatchObject({
		found: false,
		leadId: null,
		contactId: null,
		visitorEmailMatch: false,
		visitorMatch: null,
		warning: '',
	});
	scope.done();
});

describe('"Start a New Deal for It"', () => {
	const options = { intercomContactRole: 'lead', visitorMatch: 'newDeal' };
	const leadSearch = () =>
		customerFound().get('/api/v4/leads').query({ limit: '250', query: CONVERSATION });

	test("first message: no deal of its own yet, so no lead and no contact (a deal without a contact is created); the customer's deal is read only for notes of this chat", async () => {
		// Kommo's search is fuzzy: another chat's deal (#2154680) and the customer's deal come back too
		const scope = leadSearch()
			.reply(200, {
				_embedded: {
					leads: [named(601, `Intercom chat #${CONVERSATION}0 – Bob`), CUSTOMER_DEAL],
				},
			})
			.get('/api/v4/leads/501/notes')
			.query(NOTES_QUERY)
			.reply(200, notesPage(501, []));
		const result = await runKommo(findByEmail(options));
		expect(result.error()).toBeUndefined();
		const [item] = result.json('Kommo');
		expect(item).toMatchObject({
			found: true,
			leadId: null,
			contactId: null,
			leadChoice: null,
			transcriptKey: null,
			visitorEmailMatch: true,
			visitorMatch: 'newDeal',
			skipped: false,
		});
		expect(item.reason).toContain('a new deal without a contact');
		expect(item.warning).toContain('this deal is kept apart from it');
		scope.done();
	});

	test('next messages: its own open deal (named for the chat) and the newest note of the chat on it', async () => {
		const scope = leadSearch()
			.reply(200, {
				_embedded: {
					leads: [
						named(602, `Intercom chat #${CONVERSATION} – Ann`),
						named(603, `Intercom chat #${CONVERSATION} – Ann`, 143, 1700002000),
					],
				},
			})
			.get('/api/v4/leads/602/notes')
			.query(NOTES_QUERY)
			.reply(200, notesPage(602, [markerNote('1-3')]))
			// the customer's deal is read too: notes of this chat there would be delivered as well
			.get('/api/v4/leads/501/notes')
			.query(NOTES_QUERY)
			.reply(200, notesPage(501, []));
		const result = await runKommo(findByEmail(options));
		expect(result.json('Kommo')[0]).toMatchObject({
			leadId: 602,
			contactId: null,
			leadChoice: 'visitor-deal',
			transcriptKey: `intercom:${CONVERSATION}:1-3`,
		});
		scope.done();
	});

	test("its own deal was closed: a new one gets only the messages after the closed one's notes", async () => {
		const scope = leadSearch()
			.reply(200, {
				_embedded: { leads: [named(603, `Chat #${CONVERSATION}`, 142)] },
			})
			.get('/api/v4/leads/603/notes')
			.query(NOTES_QUERY)
			.reply(200, notesPage(603, [markerNote('1-7')]))
			.get('/api/v4/leads/501/notes')
			.query(NOTES_QUERY)
			.reply(200, notesPage(501, []));
		const result = await runKommo(findByEmail(options));
		expect(result.json('Kommo')[0]).toMatchObject({
			leadId: null,
			contactId: null,
			transcriptKey: `intercom:${CONVERSATION}:1-7`,
		});
		scope.done();
	});

	test("switched on mid-chat: the chat's notes already on the customer's deal are delivered, so the new deal gets only what came after them", async () => {
		const scope = leadSearch()
			.reply(204)
			.get('/api/v4/leads/501/notes')
			.query(NOTES_QUERY)
			.reply(200, notesPage(501, [markerNote('1-4')]));
		const result = await runKommo(findByEmail(options));
		expect(result.json('Kommo')[0]).toMatchObject({
			leadId: null,
			contactId: null,
			transcriptKey: `intercom:${CONVERSATION}:1-4`,
		});
		scope.done();
	});

	test('needs the conversation ID, which names the deal: a clear error without it', async () => {
		const scope = customerFound();
		const result = await runKommo({
			resource: 'contact',
			operation: 'findByEmail',
			email: EMAIL,
			options,
		});
		expect(result.error('Kommo')?.message).toBe(
			'"Start a New Deal for It" needs the Intercom Conversation ID option',
		);
		scope.done();
	});
});

test('"Skip It": nothing chosen, the reason on the item, no note of the customer\'s deal read', async () => {
	const scope = customerFound();
	const result = await runKommo(findByEmail({ intercomContactRole: 'lead', visitorMatch: 'skip' }));
	expect(result.error()).toBeUndefined();
	const [item] = result.json('Kommo');
	expect(item).toMatchObject({
		found: true,
		leadId: null,
		contactId: null,
		leadChoice: null,
		transcriptKey: null,
		visitorMatch: 'skip',
		skipped: true,
	});
	expect(item.reason).toBe(
		`Skipped: the chat's customer is an Intercom visitor (not signed in) who typed ${EMAIL}, the email of Kommo contact 2. Nothing is written to that contact's deals.`,
	);
	scope.done();
});
