import type { IDataObject } from 'n8n-workflow';

import { conversationCustomer } from '../../../nodes/shared/intercomConversation';
import {
	MARIA,
	author,
	contactList,
	intercomFixture as fixture,
	webhookItem,
	withAuthors,
} from './intercomShapes';

const nobody = { id: null, name: null, email: null, role: null };
const idOnly = (id: string) => ({ ...nobody, id });
const maria = {
	id: MARIA,
	name: 'Maria Gonzalez',
	email: 'maria.gonzalez@example.com',
	role: 'user',
};
const ann = { id: MARIA, name: 'Ann Customer', email: 'ann@example.com', role: 'user' };
const admin = author('admin', '991267645', 'Ciaran Lee', 'admin176@email.com');
const bare: IDataObject = {};

describe('conversationCustomer, from the conversation alone', () => {
	it.each<[string, IDataObject, IDataObject]>([
		['a customer-started chat: the opener', fixture('conversation'), maria],
		[
			'a chat a teammate started, never answered: the first contact, id only',
			webhookItem('webhooks/conversation-admin-single-created'),
			idOnly('6762f1261bb69f9f2193bbb1'),
		],
		[
			'a chat a teammate started, answered (REST): the contact as the reply shows it',
			fixture('real-shapes/conversation-reopened-by-reply'),
			ann,
		],
		[
			'the same chat as the webhook carries it (newest part only)',
			webhookItem('real-shapes/webhook-user-replied-reopen'),
			ann,
		],
		[
			'a reply with blank name and email: the role only',
			fixture('conversation-admin-initiated'),
			{ ...idOnly(MARIA), role: 'user' },
		],
		[
			'several contacts: the one who started the chat, even when listed second',
			{ ...fixture('conversation'), contacts: contactList('6762f1261bb69f9f2193ffff', MARIA) },
			maria,
		],
		[
			'several contacts on a chat a teammate started: the first listed, nothing from the other',
			withAuthors(
				{ contacts: contactList('c-first', 'c-second') },
				admin,
				author('user', 'c-second', 'Second', 'second@example.com'),
			),
			idOnly('c-first'),
		],
		[
			'a lead since merged into the listed user: that user, nothing borrowed from the lead',
			withAuthors(
				{ contacts: contactList('user-1') },
				author('lead', 'lead-1', null, 'v@x.example'),
			),
			idOnly('user-1'),
		],
		[
			'no contacts listed: the opener when a customer wrote it',
			withAuthors(bare, author('lead', 'a-2', null, null)),
			{ ...idOnly('a-2'), role: 'lead' },
		],
		['no contacts and a teammate opened: nobody', withAuthors(bare, admin), nobody],
		['nothing at all: nobody', bare, nobody],
		[
			'a lead who became a user (same id): the newest message that shows a field wins',
			withAuthors(
				{ contacts: contactList(MARIA) },
				author('lead', MARIA, null, 'maria.g@mail.example'),
				admin,
				author('user', MARIA, 'Maria Gonzalez', 'maria.gonzalez@example.com'),
				author('user', MARIA, null, null),
			),
			maria,
		],
		[
			'an author typed "contact" (the spec example) shows no role; an older message may',
			withAuthors(
				{ contacts: contactList('c-1') },
				author('lead', 'c-1', 'Ana', null),
				author('contact', 'c-1', null, 'ana@example.com'),
			),
			{ id: 'c-1', name: 'Ana', email: 'ana@example.com', role: 'lead' },
		],
		[
			'a "contact" author alone: no role',
			withAuthors(bare, author('contact', 'c-1', 'Ana', null)),
			{ ...idOnly('c-1'), name: 'Ana' },
		],
		[
			'numeric ids read as text, blank texts as missing, padded ones trimmed',
			{
				source: { author: { type: 'user', id: 42, name: '  Ana  ', email: '' } },
				contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: 42 }] },
			},
			{ id: '42', name: 'Ana', email: null, role: 'user' },
		],
	])('%s', (_label, conversation, expected) => {
		expect(conversationCustomer(conversation)).toEqual(expected);
	});

	it.each(['admin', 'bot', 'team'])('never takes a %s as the customer', (type) => {
		const conversation = withAuthors(
			{ contacts: contactList('c-1') },
			author(type, '991267459', 'Sam', 'sam@example.com'),
		);
		expect(conversationCustomer(conversation)).toEqual(idOnly('c-1'));
	});
});

describe('conversationCustomer with what the caller knows', () => {
	const reopened = fixture('real-shapes/conversation-reopened-by-reply');

	it.each<[string, IDataObject, unknown, IDataObject]>([
		[
			'a fetched contact (GET /contacts) fills what the conversation does not show',
			fixture('conversation-admin-initiated'),
			fixture('contact'),
			maria,
		],
		[
			"the known fields win; the conversation fills the known customer's gaps",
			reopened,
			{ id: MARIA, name: 'Ann C.', email: null, role: 'lead' },
			{ ...ann, name: 'Ann C.', role: 'lead' },
		],
		[
			"a known id decides the contact; another contact's messages are not borrowed",
			reopened,
			{ id: 'c-9', email: 'buyer@example.com' },
			{ ...idOnly('c-9'), email: 'buyer@example.com' },
		],
		['the Trigger’s empty customer leaves it to the conversation', reopened, nobody, ann],
		['Get’s null customer leaves it to the conversation', reopened, null, ann],
		['no customer field leaves it to the conversation', reopened, undefined, ann],
		['a value that is not a customer is ignored', reopened, 'Maria', ann],
		['a role Intercom does not have is ignored', reopened, { id: MARIA, role: 'admin' }, ann],
	])('%s', (_label, conversation, known, expected) => {
		expect(conversationCustomer(conversation, known)).toEqual(expected);
	});
});
