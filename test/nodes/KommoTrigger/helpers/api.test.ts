/**
 * The trigger's Kommo calls, through its webhook methods (n8n's HookContext) and the shared Kommo
 * transport: which account, which query, what is made of Kommo's answers.
 */
import { runWebhookMethod } from '../../../helpers/n8n';
import { kommoAccountApi } from '../../../helpers/kommoNock';
import { loadJson } from '../kommoForm';
import {
	CREDENTIALS,
	DESTINATION,
	TOKEN,
	kommoApi,
	setUpTriggerTests,
	triggerStaticData,
	triggerWorkflow,
} from '../setup';

const kit = setUpTriggerTests();

const call = async (
	workflow: ReturnType<typeof triggerWorkflow>,
	method: 'checkExists' | 'create' | 'delete',
	credentials: Record<string, unknown> = CREDENTIALS,
) =>
	await runWebhookMethod({
		workflow,
		nodeName: 'Kommo Trigger',
		method,
		credentials: credentials as never,
		webhookUrl: DESTINATION,
	});

describe('listWebhooks', () => {
	test('asks by destination and reads past entries Kommo shaped oddly', async () => {
		const api = kommoApi()
			.get('/api/v4/webhooks')
			.query({ 'filter[destination]': DESTINATION })
			.reply(200, {
				_embedded: {
					webhooks: [
						null,
						'junk',
						{ settings: ['status_lead'] },
						{ destination: DESTINATION, settings: 'status_lead', disabled: false },
						{ destination: DESTINATION, settings: ['status_lead'], disabled: 'yes' },
					],
				},
			});
		// the first entry for this URL has no usable settings: it counts as other events
		expect(await call(triggerWorkflow(), 'checkExists')).toBe(false);
		api.done();
	});

	test('a disabled flag counts only when it is true', async () => {
		const api = kommoApi()
			.get('/api/v4/webhooks')
			.query(true)
			.reply(200, {
				_embedded: {
					webhooks: [{ destination: DESTINATION, settings: ['status_lead'], disabled: 'yes' }],
				},
			});
		expect(await call(triggerWorkflow(), 'checkExists')).toBe(true);
		api.done();
	});

	test('an answer without _embedded.webhooks is an empty list', async () => {
		for (const body of [{}, { _embedded: {} }, { _embedded: { webhooks: 'none' } }, []]) {
			const api = kommoApi().get('/api/v4/webhooks').query(true).reply(200, body);
			expect(await call(triggerWorkflow(), 'checkExists')).toBe(false);
			api.done();
		}
		expect(kit.unmatched()).toEqual([]);
	});
});

describe('getAccountIdentity and fetchAccount', () => {
	test('a custom base URL: every call goes there, the account known only from its answer', async () => {
		const proxy = 'https://kommo-proxy.example.com';
		const api = kommoAccountApi(proxy, TOKEN)
			.get('/api/v4/account')
			.reply(200, loadJson('account.json'))
			.post('/api/v4/webhooks', { destination: DESTINATION, settings: ['status_lead'] })
			.reply(200, {});
		const workflow = triggerWorkflow();
		const credentials = {
			intercomKommoKommoApi: {
				...CREDENTIALS.intercomKommoKommoApi,
				domain: 'custom',
				baseUrl: `${proxy}/`,
			},
		};
		expect(await call(workflow, 'create', credentials)).toBe(true);
		api.done();
		expect(triggerStaticData(workflow).kommoAccount).toMatchObject({
			baseUrl: proxy,
			id: 31361463,
		});
	});
});

describe('unregisterWebhook', () => {
	test('DELETE /api/v4/webhooks with the destination as a JSON body', async () => {
		const api = kommoApi()
			.delete('/api/v4/webhooks', { destination: DESTINATION })
			.matchHeader('content-type', /application\/json/)
			.reply(204);
		expect(await call(triggerWorkflow(), 'delete')).toBe(true);
		api.done();
	});
});
