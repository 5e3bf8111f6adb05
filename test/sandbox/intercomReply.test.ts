/**
 * The sandbox's `POST /conversations/:id/reply`: an admin's comment or note appended with the
 * sandbox app's `app_package_code`, announced to subscriptions with Intercom's topic, answered with
 * the whole conversation; Intercom's 400s and 404; and the rate limit and 429 faults like any route.
 */
import type { Sandbox } from '../../sandbox';
import { runIntercom } from '../nodes/Intercom/helpers';
import { intercomCall, sandboxCredentials, startListener, startSandbox } from './helpers';

const CONVERSATION = '1001';
const PRIYA = '5001002';

const comment = (extra: Record<string, unknown> = {}) => ({
	type: 'admin',
	admin_id: PRIYA,
	message_type: 'comment',
	body: '<p>Fixed &amp; resent</p>',
	...extra,
});

describe('sandbox: Intercom reply', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => sandbox.reset());

	const partsOf = async (id = CONVERSATION) =>
		(await intercomCall(sandbox, 'GET', `/conversations/${id}`)).body.conversation_parts;

	it('appends the comment as the admin, body as sent, with the app code, and answers the conversation as GET does', async () => {
		const before = await partsOf();

		const reply = await intercomCall(
			sandbox,
			'POST',
			`/conversations/${CONVERSATION}/reply`,
			comment(),
		);

		expect(reply.status).toBe(200);
		expect(reply.headers.get('x-ratelimit-limit')).toBe('1666');
		const { conversation_parts: parts, ...conversation } = reply.body;
		expect(conversation).toMatchObject({ type: 'conversation', id: CONVERSATION });
		expect(parts.total_count).toBe(before.total_count + 1);
		const part = parts.conversation_parts.at(-1);
		expect(part).toMatchObject({
			type: 'conversation_part',
			part_type: 'comment',
			body: '<p>Fixed &amp; resent</p>',
			author: { type: 'admin', id: PRIYA, name: 'Priya Shah' },
			app_package_code: 'intercom-kommo-sandbox',
		});
		expect(typeof part.id).toBe('string');
		expect(part.created_at).toBeGreaterThan(before.conversation_parts.at(-1).created_at);
		const fetched = await intercomCall(sandbox, 'GET', `/conversations/${CONVERSATION}`);
		expect(reply.body).toEqual(fetched.body);
	});

	it('appends a note as part_type note', async () => {
		const reply = await intercomCall(
			sandbox,
			'POST',
			`/conversations/${CONVERSATION}/reply`,
			comment({ message_type: 'note', body: '<p>Won in Kommo</p>' }),
		);

		expect(reply.status).toBe(200);
		expect(reply.body.conversation_parts.conversation_parts.at(-1)).toMatchObject({
			part_type: 'note',
			body: '<p>Won in Kommo</p>',
			author: { type: 'admin', id: PRIYA },
			app_package_code: 'intercom-kommo-sandbox',
		});
	});

	it('takes the app code from the sandbox config', async () => {
		const other = await startSandbox({ intercomAppPackageCode: 'acme-sync' });
		try {
			const reply = await intercomCall(
				other,
				'POST',
				`/conversations/${CONVERSATION}/reply`,
				comment(),
			);
			expect(reply.body.conversation_parts.conversation_parts.at(-1).app_package_code).toBe(
				'acme-sync',
			);
		} finally {
			await other.close();
		}
	});

	it('notifies subscriptions: conversation.admin.replied for a comment, conversation.admin.noted for a note', async () => {
		const listener = await startListener();
		try {
			sandbox.subscribeIntercom({
				url: listener.url,
				topics: ['conversation.admin.replied', 'conversation.admin.noted'],
			});
			const path = `/conversations/${CONVERSATION}/reply`;
			await intercomCall(sandbox, 'POST', path, comment());
			await intercomCall(sandbox, 'POST', path, comment({ message_type: 'note' }));
			await sandbox.flushWebhooks();

			const notifications = listener.received.map((request) =>
				JSON.parse(request.rawBody.toString('utf8')),
			);
			expect(notifications.map((notification) => notification.topic)).toEqual([
				'conversation.admin.replied',
				'conversation.admin.noted',
			]);
			const [replied] = notifications;
			expect(replied.data.item.id).toBe(CONVERSATION);
			expect(replied.data.item.conversation_parts.conversation_parts.at(-1)).toMatchObject({
				part_type: 'comment',
				author: { type: 'admin', id: PRIYA },
				app_package_code: 'intercom-kommo-sandbox',
			});
		} finally {
			await listener.close();
		}
	});

	it.each([
		['type is not admin', { type: 'user' }, 'type'],
		['no admin_id', { admin_id: undefined }, 'admin_id'],
		['an admin the workspace does not have', { admin_id: '999' }, 'admin_id'],
		['an unknown message_type', { message_type: 'email' }, 'message_type'],
		['no message_type', { message_type: undefined }, 'message_type'],
		['an empty body', { body: '  ' }, 'body'],
		['a body that is not a string', { body: 42 }, 'body'],
		['a note without a body', { message_type: 'note', body: undefined }, 'body'],
		['a quick reply without options', { message_type: 'quick_reply' }, 'reply_options'],
	])('refuses %s with 400 parameter_invalid and appends nothing', async (_case, extra, field) => {
		const before = (await partsOf()).total_count;

		const reply = await intercomCall(
			sandbox,
			'POST',
			`/conversations/${CONVERSATION}/reply`,
			comment(extra),
		);

		expect(reply.status).toBe(400);
		expect(reply.body).toMatchObject({
			type: 'error.list',
			errors: [{ code: 'parameter_invalid', field }],
		});
		expect((await partsOf()).total_count).toBe(before);
	});

	it('answers 404 not_found for an unknown conversation', async () => {
		const reply = await intercomCall(sandbox, 'POST', '/conversations/424242/reply', comment());

		expect(reply.status).toBe(404);
		expect(reply.body).toMatchObject({
			type: 'error.list',
			errors: [{ code: 'not_found', message: 'Conversation not found' }],
		});
		expect(typeof reply.body.request_id).toBe('string');
	});

	it('a 429 fault turns the reply away before anything is stored; the next one goes through', async () => {
		const before = (await partsOf()).total_count;
		sandbox.setFaults({ apis: ['intercom'], sequence: ['429'] });
		const path = `/conversations/${CONVERSATION}/reply`;

		const limited = await intercomCall(sandbox, 'POST', path, comment());
		expect(limited.status).toBe(429);
		expect(limited.body.errors[0].code).toBe('rate_limit_exceeded');
		expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
		expect((await partsOf()).total_count).toBe(before);

		const accepted = await intercomCall(sandbox, 'POST', path, comment());
		expect(accepted.status).toBe(200);
		expect(accepted.body.conversation_parts.total_count).toBe(before + 1);
	});

	it('counts against the 10-second rate limit like every route', async () => {
		sandbox.configure({ intercomRateLimit: { limit: 1, windowMs: 10_000 } });
		try {
			const path = `/conversations/${CONVERSATION}/reply`;
			expect((await intercomCall(sandbox, 'POST', path, comment())).status).toBe(200);
			const limited = await intercomCall(sandbox, 'POST', path, comment());
			expect(limited.status).toBe(429);
			expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
		} finally {
			sandbox.configure({ intercomRateLimit: { limit: 1666, windowMs: 10_000 } });
		}
	});

	it("is what the Intercom node's Reply sends: the node reads the new part back", async () => {
		const { intercomKommoIntercomApi } = sandboxCredentials(sandbox);

		const result = await runIntercom(
			{
				resource: 'conversation',
				operation: 'reply',
				conversationId: { __rl: true, mode: 'id', value: CONVERSATION },
				actAs: 'chosenAdmin',
				adminId: PRIYA,
				messageType: 'note',
				text: 'Deal <won> in Kommo',
			},
			{ credentials: { intercomKommoIntercomApi } },
		);

		expect(result.nodeError).toBeUndefined();
		const part = (await partsOf()).conversation_parts.at(-1);
		expect(part).toMatchObject({ part_type: 'note', body: '<p>Deal &lt;won&gt; in Kommo</p>' });
		expect(result.items[0].json).toEqual({
			conversationId: CONVERSATION,
			partId: part.id,
			messageType: 'note',
			adminId: PRIYA,
			createdAt: part.created_at,
			appPackageCode: 'intercom-kommo-sandbox',
		});
	});
});
