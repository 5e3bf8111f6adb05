import type { IDataObject } from 'n8n-workflow';

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
import { contactSearch, notFound } from './findKit';

setUpKommoTests();

const findByEmail = (email: string, options = {}) => ({
	resource: 'contact',
	operation: 'findByEmail',
	email,
	options,
});

test('204 No Content from the search is "not found", not an error', async () => {
	const scope = contactSearch('nobody@example.com').reply(204);
	const result = await runKommo(findByEmail('nobody@example.com'));
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([notFound('email', 'nobody@example.com')]);
	scope.done();
});

test('keeps only contacts whose EMAIL really matches the fuzzy search, case-insensitively', async () => {
	const scope = contactSearch('ANN@example.com')
		.reply(200, {
			_page: 1,
			_links: {
				self: { href: `${BASE}/api/v4/contacts?limit=250&query=ANN%40example.com&with=leads` },
			},
			_embedded: {
				contacts: [
					contactFixture(1, ['joann@example.com']),
					contactFixture(2, ['other@example.com', ' Ann@Example.COM '], [501, 502]),
					contactFixture(3, [], [], ['+1 415 555 0100']),
				],
			},
		})
		.get('/api/v4/leads')
		.query({ limit: '250', 'filter[id][]': ['501', '502'] })
		.reply(200, {
			_page: 1,
			_links: { self: { href: `${BASE}/api/v4/leads` } },
			_embedded: {
				leads: [
					leadFixture(501, 58141807, 6950551, 1700000500),
					leadFixture(502, 142, 7000001, 1700000900),
				],
			},
		})
		.get('/api/v4/leads/pipelines')
		.reply(200, pipelinesFixture);

	const result = await runKommo(findByEmail('ANN@example.com'));
	expect(result.error()).toBeUndefined();
	const items = result.json('Kommo');
	expect(items).toHaveLength(1);
	expect(items[0]).toMatchObject({
		found: true,
		email: 'ANN@example.com',
		leadId: 501,
		contactId: 2,
		leadChoice: 'latest-open',
		reason: 'Lead 501 is the only open lead of the matching contact',
		contactCount: 1,
	});
	const [contact] = items[0].contacts as IDataObject[];
	expect(contact).toMatchObject({
		id: 2,
		name: 'Contact 2',
		emails: ['other@example.com', ' Ann@Example.COM '],
		hasOpenLead: true,
		latestOpenLeadId: 501,
	});
	expect(contact._embedded).toBeUndefined();
	// newest first; 142 (won) is closed
	expect(contact.leads).toEqual([
		expect.objectContaining({
			id: 502,
			status_id: 142,
			statusName: 'Closed - Won',
			pipelineName: 'Support',
			isOpen: false,
		}),
		expect.objectContaining({
			id: 501,
			status_id: 58141807,
			statusName: 'Qualified',
			pipelineName: 'Sales',
			isOpen: true,
		}),
	]);
	scope.done();
});

test('a match without leads makes no lead or pipeline calls', async () => {
	const scope = contactSearch().reply(200, {
		_page: 1,
		_links: {},
		_embedded: { contacts: [contactFixture(7, ['ann@example.com'])] },
	});
	const result = await runKommo(findByEmail('ann@example.com'));
	expect(result.json('Kommo')[0]).toMatchObject({
		found: true,
		leadId: null,
		contactId: 7,
		leadChoice: null,
		contacts: [
			expect.objectContaining({ id: 7, leads: [], hasOpenLead: false, latestOpenLeadId: null }),
		],
	});
	scope.done();
});

test('"Only Open Leads" and "Pipelines" narrow the listed leads', async () => {
	const scope = contactSearch()
		.reply(200, {
			_page: 1,
			_links: {},
			_embedded: { contacts: [contactFixture(2, ['ann@example.com'], [501, 502, 503])] },
		})
		.get('/api/v4/leads')
		.query({ limit: '250', 'filter[id][]': ['501', '502', '503'] })
		.reply(200, {
			_embedded: {
				leads: [
					leadFixture(501, 58141807, 6950551),
					leadFixture(502, 143, 6950551),
					leadFixture(503, 60000001, 7000001),
				],
			},
		})
		.get('/api/v4/leads/pipelines')
		.reply(200, pipelinesFixture);
	const result = await runKommo(
		findByEmail('ann@example.com', { onlyOpenLeads: true, pipelineIds: [6950551] }),
	);
	expect((result.json('Kommo')[0].contacts as IDataObject[])[0].leads).toEqual([
		expect.objectContaining({ id: 501, isOpen: true }),
	]);
	scope.done();
});

test('duplicate contacts: one item, one lead and one pipeline request, the newest open lead of any of them', async () => {
	const scope = contactSearch()
		.reply(200, {
			_embedded: {
				contacts: [
					contactFixture(2, ['ann@example.com'], [501]),
					{ ...contactFixture(3, ['ann@example.com'], [502]), updated_at: 1700000050 },
				],
			},
		})
		.get('/api/v4/leads')
		.query({ limit: '250', 'filter[id][]': ['501', '502'] })
		.reply(200, {
			_embedded: {
				leads: [leadFixture(501, 58141807, 6950551), leadFixture(502, 58141807, 6950551)],
			},
		})
		.get('/api/v4/leads/pipelines')
		.reply(200, pipelinesFixture);
	const result = await runKommo(findByEmail('ann@example.com'));
	const [item] = result.json('Kommo');
	// equal update times: the higher id is the newer record
	expect(item).toMatchObject({
		leadId: 502,
		contactId: 3,
		leadChoice: 'latest-open',
		contactCount: 2,
	});
	expect(item.reason).toBe(
		'Lead 502 is the most recently updated of 2 open leads of the 2 matching contacts',
	);
	// most recently updated contact first
	expect(
		(item.contacts as IDataObject[]).map((contact) => [contact.id, contact.latestOpenLeadId]),
	).toEqual([
		[2, 501],
		[3, 502],
	]);
	expect(result.output('Kommo')[0].map((entry) => entry.pairedItem)).toEqual([{ item: 0 }]);
	scope.done();
});

test('follows _links.next through every page of search results', async () => {
	const scope = contactSearch('ann@example.com')
		.reply(200, {
			_page: 1,
			_links: {
				next: {
					href: `${BASE}/api/v4/contacts?limit=250&query=ann%40example.com&with=leads&page=2`,
				},
			},
			_embedded: { contacts: [contactFixture(1, ['x@example.com'])] },
		})
		.get('/api/v4/contacts')
		.query({ limit: '250', query: 'ann@example.com', with: 'leads', page: '2' })
		.reply(200, {
			_page: 2,
			_links: {},
			_embedded: { contacts: [contactFixture(9, ['ann@example.com'])] },
		});
	const result = await runKommo(findByEmail('ann@example.com'));
	expect(result.json('Kommo')).toEqual([
		expect.objectContaining({ found: true, contactId: 9, contactCount: 1 }),
	]);
	scope.done();
});

test('an input that is not an email fails before any request', async () => {
	const result = await runKommo(findByEmail('not-an-email'));
	expect(result.error('Kommo')?.message).toBe('"not-an-email" is not an email address');
});

describe('"Intercom Conversation ID": the lead already linked to the conversation', () => {
	const CONVERSATION = '215468';

	const note = (id: number, leadId: number, text: string) => noteFixture(id, text, leadId);
	const notesPage = (leadId: number, notes: object[], next?: string) => ({
		_page: 1,
		_links: {
			self: { href: `${BASE}/api/v4/leads/${leadId}/notes` },
			...(next ? { next: { href: next } } : {}),
		},
		_embedded: { notes },
	});

	function contactWithLeads(leadIds: number[], leads: object[], contactIds = [2]) {
		return contactSearch('ann@example.com')
			.reply(200, {
				_embedded: {
					contacts: contactIds.map((id) => contactFixture(id, ['ann@example.com'], leadIds)),
				},
			})
			.get('/api/v4/leads')
			.query({ limit: '250', 'filter[id][]': leadIds.map(String) })
			.reply(200, { _embedded: { leads } })
			.get('/api/v4/leads/pipelines')
			.reply(200, pipelinesFixture);
	}

	test('prefers the open lead whose notes carry the marker (found on page 2), newest leads first; closed and filtered-out leads are not read', async () => {
		const scope = contactWithLeads(
			[501, 502, 503, 504],
			[
				leadFixture(501, 58141807, 6950551, 1700000900),
				leadFixture(502, 58141803, 6950551, 1700000500),
				leadFixture(503, 142, 6950551, 1700001000),
				leadFixture(504, 60000001, 7000001, 1700000950),
			],
		)
			// newest open lead: only notes that merely mention the id, or another conversation's marker
			.get('/api/v4/leads/501/notes')
			.query(NOTES_QUERY)
			.reply(
				200,
				notesPage(501, [
					note(30, 501, `Customer wrote in Intercom chat ${CONVERSATION}`),
					note(29, 501, `Chat\n#intercom-kommo key=intercom:${CONVERSATION}0:1-2`),
					note(28, 501, `Quoted: intercom:${CONVERSATION}:1-2`),
				]),
			)
			.get('/api/v4/leads/502/notes')
			.query(NOTES_QUERY)
			.reply(
				200,
				notesPage(
					502,
					[note(20, 502, 'Call back tomorrow')],
					`${BASE}/api/v4/leads/502/notes?filter%5Bnote_type%5D%5B0%5D=common&order%5Bid%5D=desc&limit=250&page=2`,
				),
			)
			.get('/api/v4/leads/502/notes')
			.query({ 'filter[note_type][0]': 'common', 'order[id]': 'desc', limit: '250', page: '2' })
			.reply(
				200,
				notesPage(502, [
					note(
						11,
						502,
						`[Intercom] Chat #${CONVERSATION}\n\n#intercom-kommo key=intercom:${CONVERSATION}:403918334-9877`,
					),
				]),
			);

		const result = await runKommo(
			findByEmail('ann@example.com', {
				intercomConversationId: CONVERSATION,
				pipelineIds: [6950551],
			}),
		);

		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')).toEqual([
			expect.objectContaining({
				found: true,
				contactId: 2,
				leadId: 502,
				leadChoice: 'linked-to-conversation',
				contacts: [expect.objectContaining({ id: 2, hasOpenLead: true, latestOpenLeadId: 501 })],
			}),
		]);
		scope.done();
	});

	test('stops at the first linked lead and the first page that holds the marker', async () => {
		const scope = contactWithLeads(
			[501, 502],
			[
				leadFixture(501, 58141807, 6950551, 1700000900),
				leadFixture(502, 58141807, 6950551, 1700000500),
			],
		)
			.get('/api/v4/leads/501/notes')
			.query(NOTES_QUERY)
			.reply(
				200,
				notesPage(
					501,
					[note(40, 501, `Chat\n#intercom-kommo key=intercom:${CONVERSATION}:7-9`)],
					`${BASE}/api/v4/leads/501/notes?page=2`,
				),
			);
		const result = await runKommo(
			findByEmail('ann@example.com', { intercomConversationId: Number(CONVERSATION) }),
		);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({
			leadId: 501,
			leadChoice: 'linked-to-conversation',
		});
		scope.done();
	});

	describe('"Read Newest Transcript Note": what of this chat the chosen lead already holds', () => {
		const withKey = { intercomConversationId: CONVERSATION, readTranscriptNote: true };

		test("one open lead: its notes are read once, newest first, and the newest marker of this chat is the key (another chat's marker is not)", async () => {
			const scope = contactWithLeads(
				[701, 709],
				[leadFixture(701, 58141807, 6950551), leadFixture(709, 143, 6950551)],
			)
				.get('/api/v4/leads/701/notes')
				.query(NOTES_QUERY)
				.once()
				.reply(
					200,
					notesPage(701, [
						note(52, 701, 'Chat\n#intercom-kommo key=intercom:999999:1-2'),
						note(51, 701, `Chat\n#intercom-kommo key=intercom:${CONVERSATION}:10-12`),
						note(50, 701, `Chat\n#intercom-kommo key=intercom:${CONVERSATION}:1-9`),
					]),
				);
			const result = await runKommo(findByEmail('ann@example.com', withKey));
			expect(result.error()).toBeUndefined();
			expect(result.json('Kommo')[0]).toMatchObject({
				leadId: 701,
				transcriptKey: `intercom:${CONVERSATION}:10-12`,
			});
			scope.done();
		});

		test('several open leads: the notes read to choose the lead give the key too (one read per lead)', async () => {
			const scope = contactWithLeads(
				[501, 502],
				[
					leadFixture(501, 58141807, 6950551, 1700000900),
					leadFixture(502, 58141807, 6950551, 1700000500),
				],
			)
				.get('/api/v4/leads/501/notes')
				.query(NOTES_QUERY)
				.once()
				.reply(204)
				.get('/api/v4/leads/502/notes')
				.query(NOTES_QUERY)
				.once()
				.reply(
					200,
					notesPage(502, [note(60, 502, `Chat\n#intercom-kommo key=intercom:${CONVERSATION}:3-4`)]),
				);
			const result = await runKommo(findByEmail('ann@example.com', withKey));
			expect(result.error()).toBeUndefined();
			expect(result.json('Kommo')[0]).toMatchObject({
				leadId: 502,
				leadChoice: 'linked-to-conversation',
				transcriptKey: `intercom:${CONVERSATION}:3-4`,
			});
			scope.done();
		});

		test('a lead without notes of this chat gives null', async () => {
			const scope = contactWithLeads(
				[701, 709],
				[leadFixture(701, 58141807, 6950551), leadFixture(709, 143, 6950551)],
			)
				.get('/api/v4/leads/701/notes')
				.query(NOTES_QUERY)
				.reply(204);
			const result = await runKommo(findByEmail('ann@example.com', withKey));
			expect(result.json('Kommo')[0]).toMatchObject({ leadId: 701, transcriptKey: null });
			scope.done();
		});

		test('no open lead: the newest key on a closed lead, newest lead first (the chat went on after a win)', async () => {
			const scope = contactWithLeads(
				[702, 709],
				[leadFixture(702, 142, 6950551, 1700000100), leadFixture(709, 143, 6950551, 1700000900)],
			)
				.get('/api/v4/leads/709/notes')
				.query(NOTES_QUERY)
				.reply(204)
				.get('/api/v4/leads/702/notes')
				.query(NOTES_QUERY)
				.reply(
					200,
					notesPage(702, [note(70, 702, `Chat\n#intercom-kommo key=intercom:${CONVERSATION}:1-5`)]),
				);
			const result = await runKommo(findByEmail('ann@example.com', withKey));
			expect(result.error()).toBeUndefined();
			expect(result.json('Kommo')[0]).toMatchObject({
				leadId: null,
				transcriptKey: `intercom:${CONVERSATION}:1-5`,
			});
			scope.done();
		});

		test('no open lead and no closed lead holding the chat: null', async () => {
			const scope = contactWithLeads(
				[702, 709],
				[leadFixture(702, 142, 6950551), leadFixture(709, 143, 6950551)],
			)
				.get('/api/v4/leads/702/notes')
				.query(NOTES_QUERY)
				.reply(204)
				.get('/api/v4/leads/709/notes')
				.query(NOTES_QUERY)
				.reply(204);
			const result = await runKommo(findByEmail('ann@example.com', withKey));
			expect(result.json('Kommo')[0]).toMatchObject({ leadId: null, transcriptKey: null });
			scope.done();
		});

		test('off (the default): no transcriptKey field and no extra read', async () => {
			const scope = contactWithLeads(
				[701, 709],
				[leadFixture(701, 58141807, 6950551), leadFixture(709, 143, 6950551)],
			);
			const result = await runKommo(
				findByEmail('ann@example.com', { intercomConversationId: CONVERSATION }),
			);
			expect(result.error()).toBeUndefined();
			expect(result.json('Kommo')[0]).not.toHaveProperty('transcriptKey');
			scope.done();
		});
	});

	test('no linked lead: the most recently updated open lead, after reading at most 10 leads', async () => {
		const ids = Array.from({ length: 12 }, (_, index) => 601 + index);
		// lead 601 is the oldest, 612 the newest
		const leads = ids.map((id, index) => leadFixture(id, 58141807, 6950551, 1700000000 + index));
		let scope = contactWithLeads(ids, leads);
		const inspected = [...ids].reverse().slice(0, 10);
		for (const id of inspected) {
			scope = scope.get(`/api/v4/leads/${id}/notes`).query(NOTES_QUERY).reply(204);
		}
		const result = await runKommo(
			findByEmail('ann@example.com', { intercomConversationId: CONVERSATION }),
		);
		// the two oldest (601, 602) were not read: nock refuses requests nobody expects
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({
			leadId: 612,
			leadChoice: 'latest-open',
			contacts: [expect.objectContaining({ latestOpenLeadId: 612 })],
		});
		scope.done();
	});

	test("a contact's only open lead is the answer either way: its notes are not read", async () => {
		const scope = contactWithLeads(
			[701, 702],
			[leadFixture(701, 58141807, 6950551), leadFixture(702, 142, 6950551)],
		);
		const result = await runKommo(
			findByEmail('ann@example.com', { intercomConversationId: CONVERSATION }),
		);
		// a notes request would find no interceptor and fail the run
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ leadId: 701, leadChoice: 'latest-open' });
		scope.done();
	});

	test('duplicate contacts: the lead holding the chat wins across all of them, and a shared lead is read once', async () => {
		const scope = contactSearch()
			.reply(200, {
				_embedded: {
					contacts: [
						contactFixture(2, ['ann@example.com'], [501, 502]),
						contactFixture(3, ['ann@example.com'], [501, 502]),
						contactFixture(4, ['ann@example.com'], [503]),
					],
				},
			})
			.get('/api/v4/leads')
			.query({ limit: '250', 'filter[id][]': ['503', '501', '502'] })
			.reply(200, {
				_embedded: {
					leads: [
						leadFixture(501, 58141807, 6950551, 1700000500),
						leadFixture(502, 58141807, 6950551, 1700000900),
						leadFixture(503, 143, 6950551),
					],
				},
			})
			.get('/api/v4/leads/pipelines')
			.reply(200, pipelinesFixture)
			// the newer open lead is checked first and holds nothing of this chat
			.get('/api/v4/leads/502/notes')
			.query(NOTES_QUERY)
			.once()
			.reply(204)
			.get('/api/v4/leads/501/notes')
			.query(NOTES_QUERY)
			.once()
			.reply(
				200,
				notesPage(501, [note(5, 501, `x\n#intercom-kommo key=intercom:${CONVERSATION}:1-1`)]),
			);
		const result = await runKommo(
			findByEmail('ann@example.com', { intercomConversationId: CONVERSATION }),
		);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')).toEqual([
			expect.objectContaining({
				leadId: 501,
				// of the contacts on lead 501, the most recently updated (equal times: the higher id)
				contactId: 3,
				leadChoice: 'linked-to-conversation',
				reason:
					"Lead 501 already holds this conversation's notes (of 2 open leads of the 3 matching contacts)",
				contactCount: 3,
			}),
		]);
		expect(
			(result.json('Kommo')[0].contacts as IDataObject[]).map((contact) => [
				contact.id,
				contact.hasOpenLead,
			]),
		).toEqual([
			[4, false],
			[3, true],
			[2, true],
		]);
		scope.done();
	});

	test('a conversation ID that cannot be one fails before any request', async () => {
		const result = await runKommo(
			findByEmail('ann@example.com', { intercomConversationId: 'intercom:215468:1-2' }),
		);
		expect(result.error('Kommo')?.message).toBe(
			'"intercom:215468:1-2" is not an Intercom conversation ID (expected something like 215468)',
		);
	});
});
