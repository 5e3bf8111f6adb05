/**
 * A corpus of bad and awkward input for both triggers, delivered through n8n-core's WebhookContext
 * (`deliverWebhook`), against the sandbox. Each case declares its outcome: an HTTP status and no
 * execution, or an execution (run through the forward template) whose effect is checked: a failed
 * item with a readable message, or a Kommo note with the text as it should read. Nothing may throw
 * out of `webhook()`, and no case may answer 5xx.
 */
import { createHmac } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { buildIntercomNotification, buildKommoLeadForm } from '../../sandbox';
import { createWorkflow, deliverWebhook } from '../helpers/n8n';
import type { RunResult, WebhookResponse } from '../helpers/n8n';
import { TRIGGER } from '../helpers/forward/template';
import { seedChats } from '../helpers/forward/chats';
import type { Chat } from '../helpers/forward/chats';
import { setUpFaultSuite } from '../helpers/forward/faultSuite';
import type { FaultSuite } from '../helpers/forward/faultSuite';

const KOMMO_ACCOUNT = 31000001;
const FORM = 'application/x-www-form-urlencoded';

interface Outcome {
	response: WebhookResponse;
	started: boolean;
	run?: RunResult;
}

interface Case {
	name: string;
	trigger: 'intercom' | 'kommo';
	request: () => { headers: Record<string, string>; body: string | Buffer };
	/** HTTP status the trigger answers */
	status: number;
	/** a substring of the answer */
	says?: string;
	/** whether an execution starts; when it does, `check` looks at what it did */
	starts: boolean;
	check?: (outcome: Outcome) => void;
}

describe('bad input for both triggers', () => {
	const suite = setUpFaultSuite({ listen: false });
	let { sandbox, runner }: FaultSuite = suite;
	let chats: Chat[];
	let secret: string;

	beforeAll(() => {
		({ sandbox, runner } = suite);
		secret = sandbox.tokens.intercomClientSecret;
		chats = seedChats(sandbox, 4, 9000);
		// awkward message text: markup that must come out as text, scripts that must not survive,
		// emoji and right-to-left scripts that must survive untouched
		sandbox.appendIntercomPart(chats[1].conversationId, {
			kind: 'customer',
			body: '<p>Is <b>bold</b> ok? <script>alert("x")</script><img src=x onerror="alert(1)"> 5 &lt; 6 &amp; <i>fine</i></p>',
		});
		sandbox.appendIntercomPart(chats[2].conversationId, {
			kind: 'customer',
			body: '<p>שלום, האם אפשר לקבל הצעת מחיר? 👋🏽 مرحبا بكم 🇮🇱🇸🇦 👨‍👩‍👧‍👦</p>',
		});
	});

	let notificationCounter = 0;
	const notification = (topic: string, item: unknown): IDataObject =>
		buildIntercomNotification({
			appId: 'sbx0demo',
			topic,
			item,
			notificationId: `notif_bad_input_${++notificationCounter}`,
		}) as IDataObject;
	const conversationItem = (id: string) => ({ type: 'conversation', id });
	const sign = (body: string | Buffer) =>
		`sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
	const signedJson = (body: string | Buffer, contentType = 'application/json') => ({
		headers: { 'content-type': contentType, 'x-hub-signature': sign(body) },
		body,
	});
	const json = (value: unknown) => JSON.stringify(value);
	const noteTextsOf = (chat: Chat) =>
		sandbox.state.kommo.notes
			.map((note) => String(note.params?.text ?? ''))
			.filter((text) => text.includes(`intercom:${chat.conversationId}:`));

	const kommoForm = (account: { id: number; subdomain: string }, leadId?: number) => {
		const lead = { ...sandbox.state.kommo.leads[0] } as IDataObject;
		if (leadId === undefined) delete lead.id;
		else lead.id = leadId;
		const form = buildKommoLeadForm(
			[{ action: 'status', lead, old_status_id: 81000010, old_pipeline_id: 8100001 }],
			{ ...sandbox.state.kommo, account: { ...sandbox.state.kommo.account!, ...account } },
		);
		return form;
	};
	const ownAccount = { id: KOMMO_ACCOUNT, subdomain: 'demo' };

	const CASES: Case[] = [
		// ---------------------------------------------------------------- Intercom Trigger
		{
			name: 'Intercom: malformed JSON (signed)',
			trigger: 'intercom',
			request: () => signedJson('{"topic": "conversation.user.replied", "data": {'),
			status: 400,
			says: 'not valid JSON',
			starts: false,
		},
		{
			name: 'Intercom: a JSON array instead of an object',
			trigger: 'intercom',
			request: () => signedJson('[1,2,3]'),
			status: 400,
			says: 'not a JSON object',
			starts: false,
		},
		{
			name: 'Intercom: empty body (signed)',
			trigger: 'intercom',
			request: () => signedJson(''),
			status: 400,
			starts: false,
		},
		{
			name: 'Intercom: no topic',
			trigger: 'intercom',
			request: () => signedJson(json({ type: 'notification_event', data: {} })),
			status: 400,
			says: 'no "topic"',
			starts: false,
		},
		{
			name: 'Intercom: wrong content type (text/plain), otherwise a good notification',
			trigger: 'intercom',
			request: () =>
				signedJson(
					json(
						notification('conversation.user.created', conversationItem(chats[0].conversationId)),
					),
					'text/plain',
				),
			status: 200,
			starts: true,
			check: ({ run }) => {
				expect(run!.error()).toBeUndefined();
				expect(run!.ran('Release customer')).toBe(true);
			},
		},
		{
			name: 'Intercom: no data.item.id',
			trigger: 'intercom',
			request: () =>
				signedJson(json(notification('conversation.user.replied', { type: 'conversation' }))),
			status: 400,
			says: 'data.item with an "id"',
			starts: false,
		},
		{
			name: 'Intercom: data.item is null',
			trigger: 'intercom',
			request: () => signedJson(json(notification('conversation.user.replied', null))),
			status: 400,
			starts: false,
		},
		{
			name: 'Intercom: unknown topic',
			trigger: 'intercom',
			request: () =>
				signedJson(json(notification('company.created', { type: 'company', id: 'co_1' }))),
			status: 200,
			says: 'not selected',
			starts: false,
		},
		{
			name: 'Intercom: ping',
			trigger: 'intercom',
			request: () => signedJson(json(notification('ping', { type: 'ping', message: 'hi' }))),
			status: 200,
			says: 'pong',
			starts: false,
		},
		{
			name: 'Intercom: a 5 MB notification (huge item), signed',
			trigger: 'intercom',
			request: () =>
				signedJson(
					json(
						notification('conversation.user.replied', {
							...conversationItem(chats[3].conversationId),
							padding: 'x'.repeat(5 * 1024 * 1024),
						}),
					),
				),
			status: 200,
			starts: true,
			check: ({ run }) => {
				expect(run!.error()).toBeUndefined();
				expect(run!.ran('Release customer')).toBe(true);
			},
		},
		{
			name: 'Intercom: HTML and script in a message are written as text, no script survives',
			trigger: 'intercom',
			request: () =>
				signedJson(
					json(
						notification('conversation.user.replied', conversationItem(chats[1].conversationId)),
					),
				),
			status: 200,
			starts: true,
			check: ({ run }) => {
				expect(run!.error()).toBeUndefined();
				const text = noteTextsOf(chats[1]).join('\n');
				expect(text).toContain('Is bold ok?');
				expect(text).toContain('5 < 6 &');
				expect(text).toContain('fine');
				expect(text).not.toMatch(/<\s*script|<\s*img|onerror|<b>|alert\(/i);
			},
		},
		{
			name: 'Intercom: emoji and right-to-left text are kept intact',
			trigger: 'intercom',
			request: () =>
				signedJson(
					json(
						notification('conversation.user.replied', conversationItem(chats[2].conversationId)),
					),
				),
			status: 200,
			starts: true,
			check: ({ run }) => {
				expect(run!.error()).toBeUndefined();
				const text = noteTextsOf(chats[2]).join('\n');
				expect(text).toContain('שלום, האם אפשר לקבל הצעת מחיר? 👋🏽 مرحبا بكم 🇮🇱🇸🇦 👨‍👩‍👧‍👦');
			},
		},
		{
			name: 'Intercom: conversation deleted meanwhile (Get → 404): a failed item with a readable message',
			trigger: 'intercom',
			request: () =>
				signedJson(json(notification('conversation.user.replied', conversationItem('9999999')))),
			status: 200,
			starts: true,
			check: ({ run }) => {
				const error = run!.error('Get conversation');
				expect(error?.message).toContain('Conversation not found');
				expect(run!.ran('Transcript')).toBe(false);
			},
		},
		{
			name: 'Intercom: forged signature',
			trigger: 'intercom',
			request: () => ({
				headers: {
					'content-type': 'application/json',
					'x-hub-signature': `sha1=${'0'.repeat(40)}`,
				},
				body: json(
					notification('conversation.user.replied', conversationItem(chats[0].conversationId)),
				),
			}),
			status: 401,
			says: 'X-Hub-Signature',
			starts: false,
		},
		{
			name: 'Intercom: replay with a changed body (old signature)',
			trigger: 'intercom',
			request: () => {
				const original = json(
					notification('conversation.user.replied', conversationItem(chats[0].conversationId)),
				);
				const changed = original.replace(chats[0].conversationId, chats[3].conversationId);
				return {
					headers: { 'content-type': 'application/json', 'x-hub-signature': sign(original) },
					body: changed,
				};
			},
			status: 401,
			starts: false,
		},
		{
			name: 'Intercom: signature of the body with another secret',
			trigger: 'intercom',
			request: () => {
				const body = json(
					notification('conversation.user.replied', conversationItem(chats[0].conversationId)),
				);
				return {
					headers: {
						'content-type': 'application/json',
						'x-hub-signature': `sha1=${createHmac('sha1', 'another-secret').update(body).digest('hex')}`,
					},
					body,
				};
			},
			status: 401,
			starts: false,
		},
		{
			name: 'Intercom: sha256 signature header of the right secret (Intercom signs with SHA-1)',
			trigger: 'intercom',
			request: () => {
				const body = json(
					notification('conversation.user.replied', conversationItem(chats[0].conversationId)),
				);
				return {
					headers: {
						'content-type': 'application/json',
						'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
					},
					body,
				};
			},
			status: 401,
			starts: false,
		},
		{
			name: 'Intercom: missing signature',
			trigger: 'intercom',
			request: () => ({
				headers: { 'content-type': 'application/json' },
				body: json(
					notification('conversation.user.replied', conversationItem(chats[0].conversationId)),
				),
			}),
			status: 401,
			starts: false,
		},
		// ---------------------------------------------------------------- Kommo Trigger
		{
			name: 'Kommo: a good status_lead form (control case)',
			trigger: 'kommo',
			request: () => ({
				headers: { 'content-type': FORM },
				body: kommoForm(ownAccount, sandbox.state.kommo.leads[0].id),
			}),
			status: 200,
			starts: true,
		},
		{
			name: 'Kommo: wrong content type (JSON)',
			trigger: 'kommo',
			request: () => ({
				headers: { 'content-type': 'application/json' },
				body: json({ leads: { status: [{ id: 1 }] } }),
			}),
			status: 400,
			says: 'application/x-www-form-urlencoded',
			starts: false,
		},
		{
			name: 'Kommo: empty body',
			trigger: 'kommo',
			request: () => ({ headers: { 'content-type': FORM }, body: '' }),
			status: 400,
			says: 'empty',
			starts: false,
		},
		{
			name: 'Kommo: malformed form (broken percent escapes, stray brackets)',
			trigger: 'kommo',
			request: () => ({
				headers: { 'content-type': FORM },
				body: 'leads[status][0][id=%E0%A4%A&&&=%%%&account[id]]=x',
			}),
			status: 400,
			starts: false,
		},
		{
			name: 'Kommo: no lead id',
			trigger: 'kommo',
			request: () => ({ headers: { 'content-type': FORM }, body: kommoForm(ownAccount) }),
			status: 400,
			starts: false,
		},
		{
			name: 'Kommo: no account in the body',
			trigger: 'kommo',
			request: () => ({
				headers: { 'content-type': FORM },
				body: kommoForm(ownAccount, sandbox.state.kommo.leads[0].id).replace(
					/&?account%5B[^&]*|&?account\[[^&]*/g,
					'',
				),
			}),
			status: 401,
			says: 'names no Kommo account',
			starts: false,
		},
		{
			name: 'Kommo: another account',
			trigger: 'kommo',
			request: () => ({
				headers: { 'content-type': FORM },
				body: kommoForm({ id: 99999999, subdomain: 'rival' }, sandbox.state.kommo.leads[0].id),
			}),
			status: 401,
			says: 'different Kommo account',
			starts: false,
		},
		{
			name: 'Kommo: 1 500 form keys (n8n parses only 1 000)',
			trigger: 'kommo',
			request: () => {
				const base = kommoForm(ownAccount, sandbox.state.kommo.leads[0].id);
				const extra = Array.from(
					{ length: 1500 },
					(_, i) => `leads%5Bstatus%5D%5B0%5D%5Bcustom_fields%5D%5B${i}%5D%5Bid%5D=${i}`,
				).join('&');
				return { headers: { 'content-type': FORM }, body: `${extra}&${base}` };
			},
			status: 200,
			starts: true,
		},
	];

	test(`${CASES.length} cases: declared outcomes, nothing thrown, no 5xx`, async () => {
		const kommoWorkflow = createWorkflow({
			nodes: [
				{
					name: 'Kommo Trigger',
					type: 'kommoTrigger',
					parameters: {
						authentication: 'longLivedToken',
						registration: 'manual',
						events: ['status_lead'],
						pipelineId: [],
						stageIds: [],
						options: {},
					},
					credentials: { intercomKommoKommoApi: 'kommo' },
				},
			],
		});
		const problems: string[] = [];
		const seen: string[] = [];
		for (const testCase of CASES) {
			const { headers, body } = testCase.request();
			let outcome: Outcome;
			try {
				const delivered =
					testCase.trigger === 'intercom'
						? await deliverWebhook({
								workflow: runner.workflow(),
								nodeName: TRIGGER,
								headers,
								body,
								credentials: runner.credentials,
							})
						: await deliverWebhook({
								workflow: kommoWorkflow,
								nodeName: 'Kommo Trigger',
								headers,
								body,
								credentials: runner.credentials,
							});
				const items = delivered.result.workflowData?.[0];
				outcome = { response: delivered.response, started: items !== undefined };
				if (items && testCase.trigger === 'intercom') outcome.run = await runner.execute(items);
			} catch (error) {
				problems.push(`${testCase.name}: webhook() threw ${(error as Error).message}`);
				continue;
			}
			seen.push(
				`${testCase.name} → ${outcome.response.status} ${outcome.response.body.slice(0, 80)}`,
			);
			if (outcome.response.status >= 500)
				problems.push(`${testCase.name}: answered ${outcome.response.status}`);
			if (outcome.response.status !== testCase.status)
				problems.push(
					`${testCase.name}: status ${outcome.response.status}, expected ${testCase.status} (${outcome.response.body.slice(0, 120)})`,
				);
			if (testCase.says && !outcome.response.body.includes(testCase.says))
				problems.push(
					`${testCase.name}: answer "${outcome.response.body.slice(0, 120)}" lacks "${testCase.says}"`,
				);
			if (outcome.started !== testCase.starts)
				problems.push(
					`${testCase.name}: ${outcome.started ? 'started' : 'did not start'} an execution`,
				);
			if (testCase.check && outcome.started) {
				try {
					testCase.check(outcome);
				} catch (error) {
					problems.push(`${testCase.name}: ${(error as Error).message}`);
				}
			}
		}
		console.log(`bad input, ${CASES.length} cases:\n${seen.join('\n')}`);
		expect(problems).toEqual([]);
		expect(seen).toHaveLength(CASES.length);
	}, 60_000);
});
