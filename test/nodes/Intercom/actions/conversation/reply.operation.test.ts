/**
 * Conversation › Reply through n8n's engine, Intercom mocked by nock: the exact HTML body sent
 * (escaped, paragraphs, line breaks, links), comment vs note, the item errors, a 429 waited out
 * and a 5xx never repeated (it may have been posted), and the part the reply created.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import {
	EU,
	byId,
	byUrl,
	credentials,
	fixture,
	intercom,
	recordRetryWaits,
	runIntercom,
	setupNock,
} from '../../helpers';

setupNock();

const ADMIN = '991267460';
const PATH = '/conversations/215468/reply';

const reply = (extra: IDataObject = {}) => ({
	resource: 'conversation',
	operation: 'reply',
	conversationId: byId('215468'),
	actAs: 'chosenAdmin',
	adminId: ADMIN,
	text: 'Hello',
	...extra,
});

/**
 * What Intercom answers: the whole conversation with the new part (30009) between an older reply of
 * the same admin and an assignment of the same second that the reply triggered.
 */
function answered(partType = 'comment', body = '<p>Hello</p>'): IDataObject {
	const conversation = fixture('conversation');
	const parts = (conversation.conversation_parts as IDataObject)
		.conversation_parts as IDataObject[];
	return {
		...conversation,
		conversation_parts: {
			type: 'conversation_part.list',
			conversation_parts: [
				...parts,
				{
					type: 'conversation_part',
					id: '30008',
					part_type: partType,
					body: '<p>Earlier</p>',
					created_at: 1767229600,
					author: { type: 'admin', id: ADMIN, name: 'Anna Schmidt' },
					app_package_code: null,
				},
				{
					type: 'conversation_part',
					id: '30009',
					part_type: partType,
					body,
					created_at: 1767229700,
					author: { type: 'admin', id: ADMIN, name: 'Anna Schmidt' },
					app_package_code: 'n8n-intercom-kommo',
				},
				{
					type: 'conversation_part',
					id: '30010',
					part_type: 'assignment',
					body: null,
					created_at: 1767229700,
					author: { type: 'admin', id: ADMIN, name: 'Anna Schmidt' },
					app_package_code: null,
				},
			],
			total_count: parts.length + 3,
		},
	};
}

/** Records the body of every POST it answers. */
function capture(status = 200, response: IDataObject = answered()) {
	const bodies: IDataObject[] = [];
	const scope = intercom()
		.post(PATH)
		.times(5)
		.reply((_uri, body) => {
			bodies.push(body as IDataObject);
			return [status, response];
		});
	return { bodies, scope };
}

describe('Conversation → Reply', () => {
	test('a comment: text escaped, blank lines → paragraphs, single newlines → <br>; the new part in the output', async () => {
		const { bodies } = capture();

		const result = await runIntercom(
			reply({
				text: `Hi <b>Maria</b> & "team",\r\nit's fixed.\n\n  \nNew VAT: 'DE 123' > old\n`,
			}),
		);

		expect(result.nodeError).toBeUndefined();
		expect(bodies).toHaveLength(1);
		expect(JSON.stringify(bodies[0])).toBe(
			JSON.stringify({
				type: 'admin',
				admin_id: ADMIN,
				message_type: 'comment',
				body: '<p>Hi &lt;b&gt;Maria&lt;/b&gt; &amp; &quot;team&quot;,<br>it&#39;s fixed.</p><p>New VAT: &#39;DE 123&#39; &gt; old</p>',
			}),
		);
		expect(result.items).toEqual([
			{
				json: {
					conversationId: '215468',
					partId: '30009',
					messageType: 'comment',
					adminId: ADMIN,
					createdAt: 1767229700,
					appPackageCode: 'n8n-intercom-kommo',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('an internal note, to a conversation given by its inbox link, admin and text from expressions', async () => {
		const { bodies } = capture(200, answered('note'));

		const result = await runIntercom(
			reply({
				conversationId: byUrl('https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468'),
				adminId: '={{ $json.admin }}',
				messageType: 'note',
				text: '={{ $json.note }}',
			}),
			{ input: [{ json: { admin: Number(ADMIN), note: 'Deal won in Kommo' } }] },
		);

		expect(result.nodeError).toBeUndefined();
		expect(bodies).toEqual([
			{ type: 'admin', admin_id: ADMIN, message_type: 'note', body: '<p>Deal won in Kommo</p>' },
		]);
		expect(result.items[0].json).toMatchObject({ partId: '30009', messageType: 'note' });
	});

	test('attachment links: one paragraph each after the text, named after the file, the URL attribute-escaped', async () => {
		const { bodies } = capture();

		const result = await runIntercom(
			reply({
				text: 'Your documents:',
				options: {
					attachmentLinks:
						"https://files.example.com/a/Invoice%202026.pdf?sig=1&v=2,\nhttps://example.com/it's.png  http://example.com",
				},
			}),
		);

		expect(result.nodeError).toBeUndefined();
		expect(bodies[0].body).toBe(
			'<p>Your documents:</p>' +
				'<p><a href="https://files.example.com/a/Invoice%202026.pdf?sig=1&amp;v=2">Invoice 2026.pdf</a></p>' +
				'<p><a href="https://example.com/it&#39;s.png">it&#39;s.png</a></p>' +
				'<p><a href="http://example.com/">http://example.com/</a></p>',
		);
	});

	test('links alone, without text, are a reply', async () => {
		const { bodies } = capture();

		const result = await runIntercom(
			reply({ text: '  ', options: { attachmentLinks: 'https://example.com/f/report.pdf' } }),
		);

		expect(result.nodeError).toBeUndefined();
		expect(bodies[0].body).toBe('<p><a href="https://example.com/f/report.pdf">report.pdf</a></p>');
	});

	test('a link that is not http(s) fails the item, names the value, and sends nothing', async () => {
		const result = await runIntercom(
			reply({ options: { attachmentLinks: 'https://example.com/ok.pdf, javascript:alert(1)' } }),
			{ continueOnFail: true },
		);

		expect(result.items).toEqual([
			{
				json: {
					error: '"javascript:alert(1)" in "Attachment Links" is not a web link',
					description: expect.stringContaining('http:// or https://'),
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('empty text and no links fail the item before any request', async () => {
		const result = await runIntercom(reply({ text: '={{ $json.text }}' }), {
			input: [{ json: { text: ' \n\n ' } }],
		});

		expect(result.nodeError?.message).toBe(
			'The reply has no text: "Text" is empty and there are no attachment links',
		);
		expect((result.nodeError?.context as IDataObject).itemIndex).toBe(0);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test("Act As: Token Owner (the default) sends it as the token's admin (GET /me)", async () => {
		const scope = intercom()
			.get('/me')
			.reply(200, { type: 'admin', id: ADMIN })
			.post(PATH, (body) => body.admin_id === ADMIN && body.type === 'admin')
			.reply(200, answered());
		const { actAs, adminId, ...defaults } = reply();
		expect([actAs, adminId]).toEqual(['chosenAdmin', ADMIN]);

		const result = await runIntercom(defaults);

		expect(result.nodeError).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ adminId: ADMIN });
		expect(scope.isDone()).toBe(true);
	});

	test('no admin chosen is an item error', async () => {
		const result = await runIntercom(reply({ adminId: '={{ $json.nobody }}' }));

		expect(result.nodeError?.message).toBe('No admin chosen in "Admin"');
	});

	test('a 429 is waited out (X-RateLimit-Reset) and the reply posted exactly once', async () => {
		const waits = recordRetryWaits();
		let posted = 0;
		const resetAt = Math.ceil(Date.now() / 1000) + 4;
		const scope = intercom()
			.post(PATH)
			.reply(429, fixture('error-rate-limit'), { 'X-RateLimit-Reset': String(resetAt) })
			.post(PATH)
			.times(4)
			.reply(() => {
				posted++;
				return [200, answered()];
			});

		const result = await runIntercom(reply());

		expect(result.nodeError).toBeUndefined();
		expect(posted).toBe(1);
		expect(waits).toHaveLength(1);
		expect(waits[0]).toBeGreaterThan(2000);
		expect(waits[0]).toBeLessThanOrEqual(5000);
		expect(result.items[0].json).toMatchObject({ conversationId: '215468', partId: '30009' });
		expect(scope.pendingMocks()).toHaveLength(1); // the 200 mock, three answers left unused
	});

	test('a 500 is not retried: one POST, an item error that says the reply may have been posted', async () => {
		const waits = recordRetryWaits();
		const { bodies } = capture(500, {
			type: 'error.list',
			errors: [{ code: 'server_error', message: 'Server Error' }],
		});

		const result = await runIntercom(reply(), {
			input: [{ json: {} }, { json: {} }],
			continueOnFail: true,
		});

		expect(bodies).toHaveLength(2); // one per item, none repeated
		expect(waits).toEqual([]);
		expect(result.items).toHaveLength(2);
		expect(result.items[0]).toEqual({
			json: {
				error: 'Intercom error server_error: Server Error — the reply may have been posted anyway',
				description: expect.stringContaining(
					'Open conversation 215468 in Intercom and check before running this item again',
				),
			},
			pairedItem: { item: 0 },
		});
	});

	test('a 503 without a body is not retried either', async () => {
		const waits = recordRetryWaits();
		const { bodies } = capture(503, {});

		const result = await runIntercom(reply());

		expect(bodies).toHaveLength(1);
		expect(waits).toEqual([]);
		expect(result.nodeError?.message).toBe(
			'Intercom had a server problem (HTTP 503) — the reply may have been posted anyway',
		);
	});

	test('a connection reset after the POST went out is not retried', async () => {
		const waits = recordRetryWaits();
		// nock cannot fake a socket reset through n8n's HTTP stack: a real server drops the connection
		const requests: string[] = [];
		const server = createServer((request) => {
			requests.push(`${request.method} ${request.url}`);
			request.socket.destroy();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		nock.enableNetConnect('127.0.0.1');
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			const result = await runIntercom(reply(), {
				credentials: credentials({ region: 'custom', baseUrl: url }),
			});

			expect(requests).toEqual([`POST ${PATH}`]);
			expect(waits).toEqual([]);
			expect(result.nodeError?.message).toBe(
				'Could not reach Intercom: the connection was reset — check the network and the region or base URL in the credential — the reply may have been posted anyway',
			);
		} finally {
			nock.disableNetConnect();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	test('a 404 names the conversation; with continueOnFail the next item is still replied to', async () => {
		const scope = intercom()
			.post('/conversations/404404/reply')
			.reply(404, fixture('error-not-found'))
			.post(PATH)
			.reply(200, answered());

		const result = await runIntercom(reply({ conversationId: byId('={{ $json.id }}') }), {
			input: [{ json: { id: '404404' } }, { json: { id: '215468' } }],
			continueOnFail: true,
		});

		expect(result.items.map((item) => item.json.error ?? item.json.partId)).toEqual([
			'Intercom has no conversation 404404 — check the ID (and the region: an EU workspace needs the EU region)',
			'30009',
		]);
		scope.done();
	});

	test('without continueOnFail a 404 stops the node as a NodeApiError of that item', async () => {
		intercom().post(PATH).reply(404, fixture('error-not-found'));

		const result = await runIntercom(reply());

		expect(result.nodeError?.name).toBe('NodeApiError');
		expect((result.nodeError?.context as IDataObject).itemIndex).toBe(0);
	});

	test('partId is null when the answer shows no part of this admin and kind', async () => {
		intercom().post(PATH).reply(200, fixture('conversation'));

		const result = await runIntercom(reply());

		expect(result.items[0].json).toEqual({
			conversationId: '215468',
			partId: null,
			messageType: 'comment',
			adminId: ADMIN,
			createdAt: null,
			appPackageCode: null,
		});
	});

	test('goes to the credential’s region', async () => {
		const scope = intercom(EU).post(PATH).reply(200, answered());

		const result = await runIntercom(reply(), { credentials: credentials({ region: 'eu' }) });

		expect(result.nodeError).toBeUndefined();
		scope.done();
	});
});
