/**
 * What an Intercom catch-up sweep relies on in the sandbox: conversation search (inclusive `>`/`<`,
 * nesting, paging, sorting), derived statistics, and subscriptions that fire by themselves and
 * lose a notification after one failed retry - so e2e tests can prove a sweep recovers it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { verifySignature } from '../../nodes/IntercomTrigger/helpers/signature';
import type {
	IntercomSearchFilter,
	IntercomSearchOperator,
	IntercomSearchRequest,
	Sandbox,
} from '../../sandbox';
import { historySeed } from '../../sandbox';
import { controlCall, intercomCall, startListener, startSandbox } from './helpers';

const T0 = 1_750_000_000;
const ALEX = '5001001';
const SAME_SECOND = T0 + 300;

/** Six conversations '1'..'6' updated at T0+100…T0+600, except '5' which shares '3''s second. */
function searchSeed() {
	const updatedAt = (n: number) => (n === 5 ? SAME_SECOND : T0 + n * 100);
	const ids = [1, 2, 3, 4, 5, 6];
	return {
		intercom: {
			contacts: ids.map((n) => ({
				id: `c${n}`,
				role: 'user',
				name: `Customer ${n}`,
				email: `c${n}@example.com`,
			})),
			conversations: ids.map((n) => ({
				id: String(n),
				created_at: T0 - 1000 + n,
				updated_at: updatedAt(n),
				contacts: [`c${n}`],
				source: { author: { type: 'user', id: `c${n}` }, body: `<p>Question ${n}</p>` },
				parts: [
					{
						part_type: 'comment',
						author: { type: 'admin', id: ALEX },
						body: '<p>Answer</p>',
						created_at: updatedAt(n),
					},
				],
			})),
		},
	};
}

function updatedAt(operator: IntercomSearchOperator, value: number): IntercomSearchFilter {
	return { field: 'updated_at', operator, value };
}

async function closedPortUrl(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}/webhook/lost`;
}

/** Drops the connection of the first request unanswered, accepts the rest. */
async function startFlakyListener() {
	const accepted: any[] = [];
	let requests = 0;
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			if (++requests === 1) {
				req.socket.destroy();
				return;
			}
			accepted.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			res.writeHead(200).end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/flaky`,
		accepted,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

describe('sandbox: Intercom catch-up support', () => {
	let sandbox: Sandbox;

	/** Takes invalid requests too: the sandbox must reject them like Intercom. */
	async function search(body: Record<string, unknown>) {
		return await intercomCall(sandbox, 'POST', '/conversations/search', body);
	}

	async function searchIds(body: IntercomSearchRequest) {
		const reply = await search({ ...body });
		expect(reply.status).toBe(200);
		return reply.body.conversations.map((item: any) => item.id);
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ seed: 'empty' });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => sandbox.reset());

	describe('POST /conversations/search', () => {
		beforeEach(() => sandbox.seed(searchSeed()));

		it('treats > and < as inclusive, like >= and <=', async () => {
			expect(await searchIds({ query: updatedAt('>', T0 + 400) })).toEqual(['4', '6']);
			expect(await searchIds({ query: updatedAt('>=', T0 + 400) })).toEqual(['4', '6']);
			expect(await searchIds({ query: updatedAt('<', T0 + 200) })).toEqual(['1', '2']);
			expect(await searchIds({ query: updatedAt('<=', T0 + 200) })).toEqual(['1', '2']);
			expect(await searchIds({ query: updatedAt('=', SAME_SECOND) })).toEqual(['3', '5']);
		});

		it('combines updated_at > and < in a nested AND, and limits nesting and group size', async () => {
			const window = {
				operator: 'AND' as const,
				value: [updatedAt('>', T0 + 200), updatedAt('<', T0 + 400)],
			};
			expect(await searchIds({ query: window })).toEqual(['2', '3', '4', '5']);
			const twoLevels = {
				operator: 'OR' as const,
				value: [window, { field: 'id', operator: '=' as const, value: '6' }],
			};
			expect(await searchIds({ query: twoLevels })).toEqual(['2', '3', '4', '5', '6']);

			const threeLevels = await search({ query: { operator: 'AND', value: [twoLevels] } });
			expect(threeLevels.status).toBe(400);
			expect(threeLevels.body).toMatchObject({
				type: 'error.list',
				errors: [{ code: 'parameter_invalid' }],
			});
			const sixteen = Array.from({ length: 16 }, () => updatedAt('>', T0));
			expect((await search({ query: { operator: 'AND', value: sixteen } })).status).toBe(400);
			expect((await search({ query: { operator: 'AND', value: sixteen.slice(1) } })).status).toBe(
				200,
			);
		});

		it('filters on statistics, source author and contact ids; rejects unknown fields', async () => {
			expect(
				await searchIds({
					query: {
						operator: 'AND',
						value: [
							{ field: 'statistics.last_admin_reply_at', operator: '>', value: T0 + 500 },
							{ field: 'source.author.type', operator: 'IN', value: ['user', 'lead'] },
						],
					},
				}),
			).toEqual(['6']);
			expect(
				await searchIds({
					query: { field: 'source.author.email', operator: '=', value: 'C2@example.com' },
				}),
			).toEqual(['2']);
			expect(
				await searchIds({ query: { field: 'contact_ids', operator: '=', value: 'c4' } }),
			).toEqual(['4']);
			const unknown = await search({ query: { field: 'mood', operator: '=', value: 'x' } });
			expect(unknown.status).toBe(400);
			expect(unknown.body.errors[0]).toMatchObject({ code: 'parameter_invalid' });
		});

		it('pages with starting_after across 3 pages of 2', async () => {
			const query = updatedAt('>', 0);
			const pages: any[] = [];
			let startingAfter: string | undefined;
			do {
				const reply = await search({
					query,
					sort: { field: 'updated_at', order: 'ascending' },
					pagination: { per_page: 2, ...(startingAfter ? { starting_after: startingAfter } : {}) },
				});
				expect(reply.status).toBe(200);
				pages.push(reply.body);
				startingAfter = reply.body.pages.next?.starting_after;
			} while (startingAfter && pages.length < 5);

			expect(pages.map((page) => page.pages.page)).toEqual([1, 2, 3]);
			expect(pages.map((page) => page.conversations.map((item: any) => item.id))).toEqual([
				['1', '2'],
				['3', '5'],
				['4', '6'],
			]);
			expect(pages[0]).toMatchObject({
				type: 'conversation.list',
				total_count: 6,
				pages: { type: 'pages', per_page: 2, total_pages: 3, next: { per_page: 2 } },
			});
			expect(pages[2].pages.next).toBeUndefined();
		});

		it('sorts ascending or descending (ties by id ascending), by id ascending without sort', async () => {
			const query = updatedAt('>', 0);
			expect(await searchIds({ query, sort: { field: 'updated_at', order: 'ascending' } })).toEqual(
				['1', '2', '3', '5', '4', '6'],
			);
			expect(
				await searchIds({ query, sort: { field: 'updated_at', order: 'descending' } }),
			).toEqual(['6', '4', '3', '5', '2', '1']);
			expect(await searchIds({ query })).toEqual(['1', '2', '3', '4', '5', '6']);
		});

		it('allows per_page up to 150 and answers 151 with a 400', async () => {
			const ok = await search({ query: updatedAt('>', 0), pagination: { per_page: 150 } });
			expect(ok.body.pages).toMatchObject({ per_page: 150, total_pages: 1 });
			const tooMany = await search({ query: updatedAt('>', 0), pagination: { per_page: 151 } });
			expect(tooMany.status).toBe(400);
			expect(tooMany.body).toMatchObject({
				type: 'error.list',
				errors: [{ code: 'parameter_invalid' }],
			});
			const defaults = await search({ query: updatedAt('>', 0) });
			expect(defaults.body.pages.per_page).toBe(20);
		});

		it('returns list items without parts but with statistics, as rate-limited Intercom traffic', async () => {
			const before = sandbox.counters.byApi.intercom ?? 0;
			const reply = await search({ query: { field: 'id', operator: '=', value: '2' } });
			expect(reply.headers.get('x-ratelimit-remaining')).toEqual(expect.any(String));
			const [item] = reply.body.conversations;
			expect(item).toMatchObject({
				type: 'conversation',
				id: '2',
				updated_at: T0 + 200,
				state: 'open',
				open: true,
				source: { author: { type: 'user', id: 'c2' } },
				contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: 'c2' }] },
				tags: { type: 'tag.list', tags: [] },
				statistics: {
					type: 'conversation_statistics',
					last_admin_reply_at: T0 + 200,
					last_contact_reply_at: T0 - 998,
				},
			});
			expect(item).not.toHaveProperty('conversation_parts');
			expect(sandbox.counters.byApi.intercom).toBe(before + 1);
			expect(sandbox.log.at(-1)).toMatchObject({
				api: 'intercom',
				method: 'POST',
				path: '/intercom/conversations/search',
				status: 200,
			});
		});
	});

	describe('statistics', () => {
		it('follow customer, admin, note and close parts, each moving updated_at', async () => {
			const { id } = sandbox.createIntercomConversation({
				contact: { name: 'Kim Park', email: 'kim@example.com' },
				body: '<p>Hello?</p>',
				createdAt: T0,
				notify: false,
			});
			const append = (kind: any, at: number, body?: string) =>
				sandbox.appendIntercomPart(id, { kind, createdAt: T0 + at, body, notify: false });
			const get = async () => (await intercomCall(sandbox, 'GET', `/conversations/${id}`)).body;

			expect((await get()).statistics).toMatchObject({
				first_contact_reply_at: T0,
				last_contact_reply_at: T0,
				first_admin_reply_at: null,
				last_close_at: null,
				count_conversation_parts: 0,
			});
			append('admin', 60);
			append('customer', 100);
			append('admin', 160);
			append('note', 200, '<p>internal</p>');
			let conversation = await get();
			expect(conversation.updated_at).toBe(T0 + 200);
			expect(conversation.statistics).toMatchObject({
				first_contact_reply_at: T0,
				last_contact_reply_at: T0 + 100,
				first_admin_reply_at: T0 + 60,
				last_admin_reply_at: T0 + 160, // the note does not count
				time_to_admin_reply: 60,
				median_time_to_reply: 60,
				count_conversation_parts: 4,
			});

			append('close', 300);
			conversation = await get();
			expect(conversation).toMatchObject({ state: 'closed', open: false, updated_at: T0 + 300 });
			expect(conversation.conversation_parts.conversation_parts.at(-1)).toMatchObject({
				part_type: 'close',
				body: null,
				author: { type: 'admin', id: ALEX },
			});
			expect(conversation.statistics).toMatchObject({
				last_admin_reply_at: T0 + 160, // a close without a message is no reply
				first_close_at: T0 + 300,
				last_close_at: T0 + 300,
				time_to_first_close: 300,
				last_closed_by_id: ALEX,
				count_reopens: 0,
			});

			append('customer', 400);
			append('close', 500, '<p>Glad I could help!</p>');
			conversation = await get();
			expect(conversation.statistics).toMatchObject({
				last_contact_reply_at: T0 + 400,
				last_admin_reply_at: T0 + 500, // a close with a message is a reply
				first_close_at: T0 + 300,
				last_close_at: T0 + 500,
				time_to_last_close: 500,
				count_reopens: 1,
				count_conversation_parts: 7,
			});
		});

		it('are part of the control reply endpoint: kind close closes with an optional message', async () => {
			sandbox.seed(searchSeed());
			const reply = await controlCall(sandbox, 'POST', '/intercom/conversations/3/reply', {
				kind: 'close',
				body: '<p>Closing, thanks.</p>',
			});
			expect(reply.status).toBe(200);
			expect(reply.body.part).toMatchObject({
				part_type: 'close',
				body: '<p>Closing, thanks.</p>',
			});
			const closed = await intercomCall(sandbox, 'GET', '/conversations/3');
			expect(closed.body).toMatchObject({ state: 'closed', open: false });
			expect(closed.body.updated_at).toBe(reply.body.part.created_at);
			expect(closed.body.statistics.last_close_at).toBe(reply.body.part.created_at);
		});
	});

	describe('subscriptions', () => {
		let listener: Awaited<ReturnType<typeof startListener>>;

		beforeEach(async () => {
			listener = await startListener();
		});
		afterEach(async () => {
			await listener.close();
		});

		const topicsReceived = () =>
			listener.received.map((request) => JSON.parse(request.rawBody.toString('utf8')).topic);

		it('fire the topic of each new conversation and part, signed, in the background', async () => {
			sandbox.subscribeIntercom({
				url: listener.url,
				topics: [
					'conversation.user.created',
					'conversation.user.replied',
					'conversation.admin.replied',
					'conversation.admin.noted',
					'conversation.admin.closed',
				],
			});
			const { id } = sandbox.createIntercomConversation({
				contact: { name: 'Lee', email: 'lee@example.com', role: 'lead' },
				body: '<p>Hi</p>',
			});
			expect(listener.received).toHaveLength(0); // the call returned before the delivery
			await sandbox.flushWebhooks();
			for (const kind of ['customer', 'admin', 'note', 'bot', 'close'] as const) {
				sandbox.appendIntercomPart(id, { kind, body: `<p>${kind}</p>` });
				await sandbox.flushWebhooks();
			}
			expect(topicsReceived()).toEqual([
				'conversation.user.created',
				'conversation.user.replied',
				'conversation.admin.replied',
				'conversation.admin.noted',
				// no conversation.operator.replied: not subscribed
				'conversation.admin.closed',
			]);
			const last = listener.received.at(-1)!;
			const secret = sandbox.tokens.intercomClientSecret;
			expect(verifySignature(last.rawBody, last.headers['x-hub-signature'] as string, secret)).toBe(
				true,
			);
			const envelope = JSON.parse(last.rawBody.toString('utf8'));
			expect(envelope).toMatchObject({
				type: 'notification_event',
				delivery_attempts: 1,
				data: { item: { id, state: 'closed', statistics: { type: 'conversation_statistics' } } },
			});
			const created = JSON.parse(listener.received[0].rawBody.toString('utf8'));
			expect(created.data.item.source.author).toMatchObject({
				type: 'lead',
				email: 'lee@example.com',
			});
			expect(sandbox.deliveries.every((delivery) => delivery.attempt === 1)).toBe(true);
		});

		it('are managed by control endpoints, which also start conversations and append parts', async () => {
			const added = await controlCall(sandbox, 'POST', '/intercom/subscriptions', {
				url: listener.url,
				topics: ['conversation.user.created', 'conversation.operator.replied'],
			});
			expect(added.body).toEqual({
				id: expect.any(String),
				url: listener.url,
				topics: ['conversation.user.created', 'conversation.operator.replied'],
			});
			const started = await controlCall(sandbox, 'POST', '/intercom/conversations', {
				contact: { name: 'Ana', email: 'ana@example.com' },
				body: '<p>Pricing?</p>',
			});
			expect(started.status).toBe(200);
			expect(started.body.notified).toEqual([added.body.id]);
			const id = started.body.conversation.id;
			const bot = await controlCall(sandbox, 'POST', `/intercom/conversations/${id}/reply`, {
				kind: 'bot',
				body: '<p>Fin here</p>',
			});
			expect(bot.body.notified).toEqual([added.body.id]);
			await sandbox.flushWebhooks();
			expect(topicsReceived()).toEqual([
				'conversation.user.created',
				'conversation.operator.replied',
			]);

			const cleared = await controlCall(sandbox, 'DELETE', '/intercom/subscriptions');
			expect(cleared.body).toEqual({ subscriptions: [] });
			await controlCall(sandbox, 'POST', `/intercom/conversations/${id}/reply`, { kind: 'bot' });
			await sandbox.flushWebhooks();
			expect(listener.received).toHaveLength(2);
		});

		it('are not notified when a control reply names its own webhook', async () => {
			sandbox.seed(searchSeed());
			const other = await startListener();
			try {
				sandbox.subscribeIntercom({ url: listener.url, topics: ['conversation.user.replied'] });
				const reply = await controlCall(sandbox, 'POST', '/intercom/conversations/1/reply', {
					kind: 'customer',
					webhook: { url: other.url },
				});
				expect(reply.body.webhook).toMatchObject({
					status: 200,
					topic: 'conversation.user.replied',
				});
				await sandbox.flushWebhooks();
				expect(other.received).toHaveLength(1);
				expect(listener.received).toHaveLength(0);
			} finally {
				await other.close();
			}
		});
	});

	describe('delivery retries', () => {
		beforeEach(() => {
			sandbox.seed(searchSeed());
			sandbox.configure({ intercomWebhookRetryDelayMs: 200 });
		});
		afterAll(() => sandbox.configure({ intercomWebhookRetryDelayMs: 60_000 }));

		it('retries a refused delivery once after the delay, then drops it', async () => {
			const url = await closedPortUrl();
			sandbox.subscribeIntercom({ url, topics: ['conversation.user.replied'] });
			sandbox.appendIntercomPart('1', { kind: 'customer', body: '<p>lost?</p>' });
			await sandbox.flushWebhooks();
			expect(sandbox.deliveries).toMatchObject([
				{ url, attempt: 1, dropped: false, status: null, error: 'ECONNREFUSED' },
			]);

			await sandbox.flushWebhooks({ includeRetries: true });
			const [first, second] = sandbox.deliveries;
			expect(sandbox.deliveries).toHaveLength(2);
			expect(second).toMatchObject({
				url,
				attempt: 2,
				dropped: true,
				notificationId: first.notificationId,
				topic: 'conversation.user.replied',
			});
			expect(Date.parse(second.time) - Date.parse(first.time)).toBeGreaterThanOrEqual(190);
			expect(sandbox.counters.webhooks).toMatchObject({ intercom: 2, failed: 2, dropped: 1 });
		});

		it('delivers once, with delivery_attempts 2, when only the first attempt fails', async () => {
			const flaky = await startFlakyListener();
			try {
				sandbox.subscribeIntercom({ url: flaky.url, topics: ['conversation.admin.replied'] });
				sandbox.appendIntercomPart('2', { kind: 'admin', body: '<p>Here you go</p>' });
				await sandbox.flushWebhooks();
				expect(flaky.accepted).toHaveLength(0);
				await sandbox.flushWebhooks({ includeRetries: true });
				expect(flaky.accepted).toHaveLength(1);
				const [first, second] = sandbox.deliveries;
				expect(flaky.accepted[0]).toMatchObject({
					id: first.notificationId,
					topic: 'conversation.admin.replied',
					delivery_attempts: 2,
					data: { item: { id: '2' } },
				});
				expect(second).toMatchObject({ attempt: 2, dropped: false, status: 200 });
				expect(sandbox.counters.webhooks.dropped).toBe(0);
			} finally {
				await flaky.close();
			}
		});

		it('counts a non-2xx answer as a failure and is configurable over /_sandbox/config', async () => {
			const failing = await startListener(503);
			try {
				const config = await controlCall(sandbox, 'POST', '/config', {
					intercomWebhookRetryDelayMs: 50,
				});
				expect(config.body.intercomWebhookRetryDelayMs).toBe(50);
				sandbox.subscribeIntercom({ url: failing.url, topics: ['conversation.admin.noted'] });
				sandbox.appendIntercomPart('3', { kind: 'note' });
				await sandbox.flushWebhooks({ includeRetries: true });
				expect(failing.received).toHaveLength(2);
				expect(sandbox.deliveries.map((delivery) => [delivery.attempt, delivery.dropped])).toEqual([
					[1, false],
					[2, true],
				]);
			} finally {
				await failing.close();
			}
		});

		it('stops pending retries on close()', async () => {
			const own = await startSandbox({ seed: 'default', intercomWebhookRetryDelayMs: 100 });
			own.subscribeIntercom({ url: await closedPortUrl(), topics: ['conversation.user.replied'] });
			own.appendIntercomPart('1001', { kind: 'customer' });
			await own.flushWebhooks();
			await own.close();
			await new Promise((resolve) => setTimeout(resolve, 250));
			expect(own.deliveries).toHaveLength(1);
		});
	});

	describe('historySeed', () => {
		it('spreads distinct customers over the past days, deterministically', async () => {
			const now = Math.floor(Date.now() / 1000);
			const seed = historySeed({ count: 12, days: 3, startId: 7001, emailDomain: 'h.test', now });
			expect(
				historySeed({ count: 12, days: 3, startId: 7001, emailDomain: 'h.test', now }),
			).toEqual(seed);
			sandbox.seed(seed);
			const reply = await intercomCall(sandbox, 'POST', '/conversations/search', {
				query: {
					operator: 'AND',
					value: [updatedAt('>', now - 3 * 86_400), updatedAt('<', now)],
				},
				pagination: { per_page: 150 },
			});
			expect(reply.body.total_count).toBe(12);
			const items = reply.body.conversations;
			expect(items[0].id).toBe('7001');
			expect(new Set(items.map((item: any) => item.source.author.email)).size).toBe(12);
			for (const item of items) {
				expect(item.source.author).toMatchObject({
					type: 'user',
					email: expect.stringMatching(/@h\.test$/),
				});
				expect(item.created_at).toBeLessThan(item.updated_at);
				expect(item.statistics.count_conversation_parts).toBeGreaterThanOrEqual(1);
				expect(item.statistics.count_conversation_parts).toBeLessThanOrEqual(3);
			}
			expect(sandbox.state.kommo.leads).toHaveLength(0);
		});
	});
});
