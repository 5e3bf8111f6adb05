import { deliverWebhook } from '../../../helpers/n8n';
import { kommoForm } from '../kommoForm';
import type { Pairs } from '../kommoForm';
import {
	CREDENTIALS,
	deliver,
	KOMMO,
	triggerStaticData,
	triggerWorkflow,
	kommoApi,
	setUpTriggerTests,
} from '../setup';
import { KommoTrigger } from '../../../../nodes/KommoTrigger/KommoTrigger.node';
import { readCachedAccount } from '../../../../nodes/KommoTrigger/helpers/accountCache';
import { ACCOUNT, ALL_EVENTS, BATCH, warmCaches } from '../webhookKit';

setUpTriggerTests({ failOnUnmatched: true });

test('with OAuth2 authentication the OAuth2 credential is the account checked against', async () => {
	const workflow = triggerWorkflow({ authentication: 'oAuth2' }, warmCaches());
	workflow.getNode('Kommo Trigger')!.credentials = {
		intercomKommoKommoOAuth2Api: { id: 'oauth', name: 'oauth' },
	};
	const deliverWith = async (subdomain: string) =>
		await deliverWebhook({
			workflow,
			nodeName: 'Kommo Trigger',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: kommoForm(BATCH()),
			// only the OAuth2 credential exists: reading the token credential would throw
			credentials: {
				intercomKommoKommoOAuth2Api: { ...CREDENTIALS.intercomKommoKommoApi, subdomain },
			},
		});

	expect((await deliverWith('devteam')).result.workflowData![0]).toHaveLength(2);
	expect((await deliverWith('rival')).response.status).toBe(401);
});

describe('Kommo Trigger webhook: the account check needs account[id]', () => {
	const withoutId = () => kommoForm(BATCH().filter(([key]) => key !== 'account[id]'));

	test('a body naming only account[subdomain] gets 401 and starts nothing, without a request', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS });
		const { response, result } = await deliver(workflow, withoutId());
		expect(response.status).toBe(401);
		expect(JSON.parse(response.body).message).toMatch(/no account\[id\].*"Require Account ID"/);
		expect(result.workflowData).toBeUndefined();
	});

	test('"Require Account ID" off accepts the old format when the subdomain matches', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS, requireAccountId: false }, warmCaches());
		const { response, result } = await deliver(workflow, withoutId());
		expect(response.status).toBe(200);
		expect(result.workflowData![0]).toHaveLength(4);
		const foreign = kommoForm(
			BATCH()
				.filter(([key]) => key !== 'account[id]')
				.map(([k, v]): [string, string] => [k, k === 'account[subdomain]' ? 'rival' : v]),
		);
		expect((await deliver(workflow, foreign)).response.status).toBe(401);
	});

	test('with the option off a body with an id is still checked against it', async () => {
		const workflow = triggerWorkflow({ events: ALL_EVENTS, requireAccountId: false }, warmCaches());
		const foreign = kommoForm(
			BATCH().map(([k, v]): [string, string] => [k, k === 'account[id]' ? '99999999' : v]),
		);
		expect((await deliver(workflow, foreign)).response.status).toBe(401);
	});

	test('turning it off shows a warning in the node', () => {
		const notice = new KommoTrigger().description.properties.find(
			(property) => property.type === 'notice' && property.displayOptions?.show?.requireAccountId,
		);
		expect(notice?.displayOptions?.show?.requireAccountId).toEqual([false]);
		expect(notice?.displayName).toMatch(/anyone who knows this URL and your subdomain/);
	});
});

describe('Kommo Trigger webhook: rejected requests start nothing', () => {
	const cases: Array<[string, string, number, RegExp, Record<string, string>?]> = [
		[
			'broken percent-encoding',
			kommoForm(BATCH()) + '&leads%5Bstatus%5D%5B0%5D%5Bname%5D=%E0%A4%A',
			400,
			/broken percent-encoding/,
		],
		[
			'__proto__ key',
			'leads%5B__proto__%5D%5Bpolluted%5D=1&' + kommoForm(BATCH()),
			400,
			/reserved name "__proto__"/,
		],
		[
			'constructor key',
			'leads[status][0][constructor][prototype][x]=1&account[subdomain]=devteam',
			400,
			/reserved name/,
		],
		[
			'absurd nesting',
			'a' + '[0]'.repeat(50) + '=1&account[subdomain]=devteam',
			400,
			/levels deep/,
		],
		[
			'JSON body',
			JSON.stringify({ leads: { status: [{ id: 1 }] } }),
			400,
			/application\/x-www-form-urlencoded, not application\/json/,
			{ 'content-type': 'application/json' },
		],
		['empty body', '', 400, /empty/],
		[
			'no leads entity',
			kommoForm([
				['contacts[add][0][id]', '5'],
				['account[subdomain]', 'devteam'],
				['account[id]', '31361463'],
			]),
			400,
			/no leads\[…\] entity/,
		],
		[
			'lead without id',
			kommoForm([
				['leads[status][0][status_id]', '142'],
				['account[subdomain]', 'devteam'],
				['account[id]', '31361463'],
			]),
			400,
			/leads\[status\]\[0\] has no valid lead id/,
		],
		[
			'note without lead id',
			kommoForm([
				['leads[status][0][id]', '1'],
				['leads[note][0][note][text]', 'x'],
				['account[subdomain]', 'devteam'],
				['account[id]', '31361463'],
			]),
			400,
			/leads\[note\]\[0\] has no valid lead id/,
		],
		['no account', kommoForm([['leads[status][0][id]', '1001']]), 401, /names no Kommo account/],
		[
			'foreign subdomain',
			kommoForm(
				BATCH().map(([k, v]): [string, string] => [k, k === 'account[subdomain]' ? 'rival' : v]),
			),
			401,
			/different Kommo account/,
		],
	];

	// rest parameters: jest would take a fifth named parameter for a `done` callback
	test.each(cases)('%s is refused', async (...testCase) => {
		const [, body, status, message, headers] = testCase;
		const workflow = triggerWorkflow({ events: ALL_EVENTS }, warmCaches());
		const { response, result } = await deliver(workflow, body, headers);
		expect(response.status).toBe(status);
		expect(JSON.parse(response.body).message).toMatch(message);
		expect(result.workflowData).toBeUndefined();
		expect(result.noWebhookResponse).toBe(true);
	});

	test('the id of another account is refused after one account lookup, later ones cost nothing', async () => {
		const api = kommoApi().get('/api/v4/account').once().reply(200, ACCOUNT);
		const workflow = triggerWorkflow();
		const foreign: Pairs = BATCH().map(([k, v]) => [k, k === 'account[id]' ? '99999999' : v]);

		const first = await deliver(workflow, kommoForm(foreign));
		const second = await deliver(workflow, kommoForm(foreign));

		api.done();
		for (const { response, result } of [first, second]) {
			expect(response.status).toBe(401);
			expect(result.workflowData).toBeUndefined();
		}
		expect(readCachedAccount(triggerStaticData(workflow), KOMMO)).toEqual({
			baseUrl: KOMMO,
			id: 31361463,
			subdomain: 'devteam',
		});
	});

	test('the credential of another account (same payload) is refused', async () => {
		const workflow = triggerWorkflow();
		const { response, result } = await deliverWebhook({
			workflow,
			nodeName: 'Kommo Trigger',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: kommoForm(BATCH()),
			credentials: {
				intercomKommoKommoApi: { ...CREDENTIALS.intercomKommoKommoApi, subdomain: 'elsewhere' },
			},
		});
		expect(response.status).toBe(401);
		expect(result.workflowData).toBeUndefined();
	});
});
