/**
 * Intercom payload shapes seen in real traffic (test/fixtures/intercom/real-shapes/), through n8n's
 * engine: part ids as integers and strings, a reply that reopens a closed chat (`part_type: "open"`
 * with a body), an assignment that carries a reply, statistics as ISO strings in webhooks and
 * integers in REST, a webhook holding only the newest part, an admin-initiated chat whose customer
 * is only in `contacts`.
 */
import { createHmac } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { IntercomKommoIntercomApi } from '../../credentials/IntercomKommoIntercomApi.credentials';
import { IntercomTrigger } from '../../nodes/IntercomTrigger/IntercomTrigger.node';
import {
	createWorkflow,
	deliverWebhook,
	registerCredentials,
	registerNodes,
	runWorkflow,
} from '../helpers/n8n';
import { feed, loadConversation, transcriptNode } from '../nodes/Transcript/helpers';
import { forgetProcessMemory } from '../../nodes/shared/processMemory';

registerNodes(IntercomTrigger);
registerCredentials(IntercomKommoIntercomApi);

beforeEach(() => forgetProcessMemory());

const rest = () => loadConversation('intercom/real-shapes/conversation-reopened-by-reply.json');
const webhook = () =>
	loadConversation(
		'intercom/real-shapes/webhook-user-replied-reopen.json',
	) as unknown as IDataObject;

async function render(conversation: IDataObject, parameters: IDataObject = {}) {
	const result = await runWorkflow({
		nodes: [feed, transcriptNode(parameters)],
		input: [{ json: conversation }],
	});
	expect(result.error()).toBeUndefined();
	return result.json('Transcript');
}

test('REST: a reopening reply and an assignment with a body are messages; integer and string part ids order and key alike', async () => {
	const [item] = await render(rest());
	const text = String(item.text);
	const lines = text.split('\n');
	expect(lines.filter((line) => /^\[\d\d:\d\d /.test(line))).toEqual([
		'[10:58 Ciaran Lee]: Hi Ann, your trial ends on Friday. Any questions?',
		'[11:08 Ann Customer]: Can I keep my data after the trial?',
		'[11:18 Ciaran Lee]: Yes, everything stays for 30 days.',
		'[11:48 Ann Customer]: One more thing: can I export to CSV?',
	]);
	expect(item).toMatchObject({
		idempotencyKey: 'intercom:503:403918334-100',
		firstPartId: '403918334',
		lastPartId: '100',
		truncated: false,
	});
});

test('webhook: statistics as ISO strings, only the newest part (total_count 1), customer only in contacts', async () => {
	const body = JSON.stringify(webhook());
	const workflow = createWorkflow({
		nodes: [
			{
				name: 'Intercom Trigger',
				type: 'intercomTrigger',
				parameters: { topics: ['conversation.user.replied'], verifySignature: true },
				credentials: { intercomKommoIntercomApi: 'Intercom account' },
			},
		],
	});
	const { response, result } = await deliverWebhook({
		workflow,
		nodeName: 'Intercom Trigger',
		headers: {
			'content-type': 'application/json',
			'x-hub-signature': `sha1=${createHmac('sha1', 'real-shapes-secret').update(body).digest('hex')}`,
		},
		body,
		credentials: {
			intercomKommoIntercomApi: {
				accessToken: 'x',
				region: 'us',
				baseUrl: '',
				clientSecret: 'real-shapes-secret',
				apiVersion: '2.14',
			},
		},
	});
	expect(response.status).toBe(200);
	const [item] = result.workflowData![0];
	expect(item.json).toMatchObject({
		topic: 'conversation.user.replied',
		conversationId: '503',
		// the admin wrote first: the customer is the listed contact, named by its own reply
		customer: {
			id: '6762f1261bb69f9f2193bba7',
			name: 'Ann Customer',
			email: 'ann@example.com',
			role: 'user',
		},
	});

	// rendered as delivered, the webhook holds the opening message and the newest part only
	const [rendered] = await render((item.json as IDataObject).conversation as IDataObject);
	expect(rendered).toMatchObject({
		idempotencyKey: 'intercom:503:403918334-100',
		messageCount: 2,
		truncated: false,
	});
	expect(String(rendered.text)).toContain(
		'[11:48 Ann Customer]: One more thing: can I export to CSV?',
	);
});

test('the webhook copy of a part and the REST copy render the same line and key, whatever type the id has', async () => {
	const fromRest = await render(rest(), {});
	const conversation = (webhook().data as IDataObject).item as IDataObject;
	const withStringIds = JSON.parse(
		JSON.stringify(conversation).replace(/"id":100,/, '"id":"100",'),
	);
	const [fromWebhook] = await render(withStringIds);
	expect(String(fromWebhook.text).split('\n').slice(-3)).toEqual(
		String(fromRest[0].text).split('\n').slice(-3),
	);
});
