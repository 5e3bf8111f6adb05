import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { IntercomCatchUpTrigger } from '../../../nodes/IntercomCatchUpTrigger/IntercomCatchUpTrigger.node';
import { createWorkflow, registerNodes, runPoll } from '../../helpers/n8n';
import { useFakeClock } from '../../helpers/fakeTimers';
import { useClock } from '../../../nodes/shared/clock';
import { credentials, intercom } from '../Intercom/helpers';

registerNodes(IntercomCatchUpTrigger);

const NODE = 'Catch-up';
const NOW = 1_800_000_000; // seconds
const DAY = 86_400;

interface Chat {
	id: string;
	created_at: number;
	updated_at: number;
	statistics: IDataObject;
	source: IDataObject;
}

let chats: Chat[];
let searches: IDataObject[];
let meCalls: number;

function customerChat(id: string, updatedAt: number, extra: Partial<Chat> = {}): Chat {
	return {
		id,
		created_at: updatedAt - 60,
		updated_at: updatedAt,
		statistics: {
			last_contact_reply_at: updatedAt,
			last_admin_reply_at: null,
			last_close_at: null,
		},
		source: { author: { type: 'user', id: `c-${id}` } },
		...extra,
	};
}

/** Intercom's search as documented for conversations: `>` is "greater (or equal)", pages of per_page. */
function answerSearch(strict = false) {
	intercom()
		.persist()
		.post('/conversations/search')
		.reply(200, (_uri, body) => {
			const request = body as IDataObject & {
				query: { field: string; operator: string; value: number };
				pagination: { per_page: number; starting_after?: string };
			};
			searches.push(request);
			const from = request.query.value;
			const matching = chats
				.filter((chat) => (strict ? chat.updated_at > from : chat.updated_at >= from))
				.sort((a, b) => a.updated_at - b.updated_at || a.id.localeCompare(b.id));
			const offset = request.pagination.starting_after
				? Number(request.pagination.starting_after)
				: 0;
			const perPage = request.pagination.per_page;
			const page = matching.slice(offset, offset + perPage);
			const nextOffset = offset + perPage;
			return {
				type: 'conversation.list',
				conversations: page,
				total_count: matching.length,
				pages: {
					type: 'pages',
					per_page: perPage,
					...(nextOffset < matching.length
						? { next: { per_page: perPage, starting_after: String(nextOffset) } }
						: {}),
				},
			};
		});
	intercom()
		.persist()
		.get('/me')
		.reply(200, () => {
			meCalls++;
			return { type: 'admin', id: '5001001', app: { type: 'app', id_code: 'abc123' } };
		});
}

function workflow(parameters: IDataObject = {}, staticData: IDataObject = {}) {
	return createWorkflow({
		nodes: [
			{
				name: NODE,
				type: 'intercomCatchUpTrigger',
				parameters,
				credentials: { intercomKommoIntercomApi: 'intercom' },
			},
		],
		staticData,
	});
}

async function check(wf: ReturnType<typeof workflow>, mode: 'trigger' | 'manual' = 'trigger') {
	const { output } = await runPoll({
		workflow: wf,
		nodeName: NODE,
		credentials: credentials(),
		mode,
	});
	return output ? output[0].map((item) => item.json) : null;
}

let clock: ReturnType<typeof useFakeClock>;

beforeEach(() => {
	nock.disableNetConnect();
	chats = [];
	searches = [];
	meCalls = 0;
	clock = useFakeClock(NOW * 1000);
	answerSearch();
});

afterEach(() => {
	nock.cleanAll();
	useClock();
});

test('the first check imports the last 30 days of chats, oldest first, with the link app id', async () => {
	chats = [
		customerChat('old', NOW - 40 * DAY),
		customerChat('b', NOW - 2 * DAY),
		customerChat('a', NOW - 20 * DAY),
	];
	const items = await check(workflow());
	expect(items?.map((item) => item.conversationId)).toEqual(['a', 'b']);
	expect(items?.[0]).toEqual({
		conversationId: 'a',
		appId: 'abc123',
		updatedAt: new Date((NOW - 20 * DAY) * 1000).toISOString(),
		catchUp: {
			reason: 'firstLook',
			checkedUpTo: new Date((NOW - 2 * DAY) * 1000).toISOString(),
			chatsLeft: 0,
		},
	});
	expect(searches[0]).toEqual({
		query: { field: 'updated_at', operator: '>', value: NOW - 30 * DAY - 600 },
		pagination: { per_page: 150 },
		sort: { field: 'updated_at', order: 'ascending' },
	});
});

const handed = (items: IDataObject[] | null) =>
	(items ?? []).map((item) => `${item.conversationId}:${(item.catchUp as IDataObject).reason}`);

test('a limited check hands over the rest in the next checks; each chat once more ten minutes later', async () => {
	chats = Array.from({ length: 5 }, (_, index) => customerChat(`c${index}`, NOW - 3600 + index));
	const wf = workflow({ maxChats: 2 });
	const first = await check(wf);
	expect(handed(first)).toEqual(['c0:firstLook', 'c1:firstLook']);
	expect((first?.[0].catchUp as IDataObject).chatsLeft).toBe(3);
	clock.advance(60_000);
	expect(handed(await check(wf))).toEqual(['c2:firstLook', 'c3:firstLook']);
	clock.advance(60_000);
	expect(handed(await check(wf))).toEqual(['c4:firstLook']);
	clock.advance(60_000);
	expect(await check(wf)).toBeNull();
	clock.advance(7 * 60_000);
	expect(handed(await check(wf))).toEqual(['c0:recheck', 'c1:recheck']);
	clock.advance(60_000);
	expect(handed(await check(wf))).toEqual(['c2:recheck', 'c3:recheck']);
	clock.advance(60_000);
	expect(handed(await check(wf))).toEqual(['c4:recheck']);
	clock.advance(60_000);
	expect(await check(wf)).toBeNull();
});

test('pages through Intercom 150 at a time until the check has its chats', async () => {
	chats = Array.from({ length: 320 }, (_, index) =>
		customerChat(String(1000 + index), NOW - 5000 + index),
	);
	const wf = workflow({ maxChats: 200 });
	const items = await check(wf);
	expect(items).toHaveLength(200);
	expect(searches.map((search) => (search.pagination as IDataObject).starting_after)).toEqual([
		undefined,
		'150',
	]);
	expect(await check(wf)).toHaveLength(120);
});

test('a quiet workspace: one search, no item, nothing else asked', async () => {
	const wf = workflow();
	expect(await check(wf)).toBeNull();
	expect(searches).toHaveLength(1);
	expect(meCalls).toBe(0);
});

test('a chat changed only by a teammate note is not handed over again; a new reply is', async () => {
	chats = [customerChat('a', NOW - 300)];
	const wf = workflow();
	expect(handed(await check(wf))).toEqual(['a:firstLook']);
	clock.advance(60_000);
	chats = [{ ...customerChat('a', NOW - 300), updated_at: NOW + 30 }];
	expect(await check(wf)).toBeNull();
	clock.advance(60_000);
	chats = [customerChat('a', NOW + 90)];
	const replied = await check(wf);
	expect(replied?.map((item) => (item.catchUp as IDataObject).reason)).toEqual(['newReply']);
});

test('an outbound message nobody answered is not handed over', async () => {
	chats = [
		customerChat('out', NOW - 300, {
			statistics: { last_contact_reply_at: null, last_admin_reply_at: NOW - 300 },
			source: { author: { type: 'admin', id: '5001001' } },
		}),
	];
	expect(await check(workflow())).toBeNull();
});

test('static data wiped or rolled back: chats are looked at again, none is skipped', async () => {
	chats = [customerChat('a', NOW - 3 * DAY), customerChat('b', NOW - 600)];
	const wf = workflow();
	expect(await check(wf)).toHaveLength(2);
	expect(await check(wf)).toBeNull();
	expect(await check(workflow())).toHaveLength(2);
	const rolledBack = workflow(
		{},
		{ [`node:${NODE}`]: { cursor: NOW - 4 * DAY, importDays: 30, looked: {} } },
	);
	expect(await check(rolledBack)).toHaveLength(2);
});

test('changing Import History starts over from the new value', async () => {
	chats = [customerChat('a', NOW - 20 * DAY), customerChat('b', NOW - 600)];
	const wf = workflow({ importDays: 1 });
	expect(handed(await check(wf))).toEqual(['b:firstLook']);
	wf.getNode(NODE)!.parameters.importDays = 30;
	expect(handed(await check(wf))).toEqual(['a:firstLook', 'b:firstLook']);
});

test('a search whose > is strict still misses no chat changed in the same second as the cursor', async () => {
	nock.cleanAll();
	answerSearch(true);
	chats = [customerChat('a', NOW - 600), customerChat('b', NOW - 600)];
	const wf = workflow({ maxChats: 1 });
	expect(handed(await check(wf))).toEqual(['a:firstLook']);
	expect(handed(await check(wf))).toEqual(['b:firstLook']);
});

test('Fetch Test Event shows up to 5 chats and changes no state', async () => {
	chats = Array.from({ length: 8 }, (_, index) => customerChat(`c${index}`, NOW - 600 + index));
	const wf = workflow();
	expect(await check(wf, 'manual')).toHaveLength(5);
	expect(wf.getStaticData('node', wf.getNode(NODE)!)).toEqual({});
	chats = [];
	await expect(check(wf, 'manual')).rejects.toThrow(/No Intercom chat with a customer message/);
});

test('the first check of an activation does not fail the activation; later checks fail visibly', async () => {
	nock.cleanAll();
	intercom()
		.persist()
		.post('/conversations/search')
		.reply(401, {
			type: 'error.list',
			errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }],
		});
	const wf = workflow();
	const first = await runPoll({ workflow: wf, nodeName: NODE, credentials: credentials() });
	expect(first.output).toBeNull();
	await expect(
		runPoll({ workflow: wf, nodeName: NODE, credentials: credentials(), context: first.context }),
	).rejects.toThrow();
	expect(wf.getStaticData('node', wf.getNode(NODE)!)).toEqual({});
});
