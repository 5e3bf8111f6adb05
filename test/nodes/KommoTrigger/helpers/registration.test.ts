import nock from 'nock';

import { runWebhookMethod } from '../../../helpers/n8n';
import { kommoForm, loadJson, loadPairs } from '../kommoForm';
import {
	CREDENTIALS,
	deliver,
	DESTINATION,
	KOMMO,
	triggerStaticData,
	triggerWorkflow,
	kommoApi,
	setUpTriggerTests,
} from '../setup';
import { forgetProcessMemory } from '../../../../nodes/shared/processMemory';
import { now } from '../../../../nodes/shared/clock';
import { storePipelines } from '../../../../nodes/KommoTrigger/helpers/accountCache';

const ACCOUNT = loadJson('account.json');

function hook(settings: string[], extra: Record<string, unknown> = {}) {
	return {
		id: 1234,
		destination: DESTINATION,
		created_at: 1739794993,
		updated_at: 1739794993,
		account_id: 31361463,
		created_by: 123423,
		sort: 10,
		disabled: false,
		settings,
		...extra,
	};
}

function list(...webhooks: Array<ReturnType<typeof hook>>) {
	return { _total_items: webhooks.length, _embedded: { webhooks } };
}

async function call(
	workflow: ReturnType<typeof triggerWorkflow>,
	method: 'checkExists' | 'create' | 'delete',
	webhookUrl = DESTINATION,
) {
	return await runWebhookMethod({
		workflow,
		nodeName: 'Kommo Trigger',
		method,
		credentials: CREDENTIALS,
		webhookUrl,
	});
}

const kit = setUpTriggerTests();

describe('automatic registration', () => {
	test('create reads the account, then posts exactly {destination, settings}', async () => {
		const api = kommoApi()
			.get('/api/v4/account')
			.reply(200, ACCOUNT)
			.post('/api/v4/webhooks', (body) => {
				expect(body).toEqual({ destination: DESTINATION, settings: ['note_lead', 'status_lead'] });
				return true;
			})
			.reply(200, hook(['note_lead', 'status_lead']));
		const workflow = triggerWorkflow({ events: ['status_lead', 'note_lead', 'status_lead'] });

		expect(await call(workflow, 'create')).toBe(true);

		api.done();
		expect(triggerStaticData(workflow)).toEqual({
			kommoAccount: { baseUrl: KOMMO, id: 31361463, subdomain: 'devteam' },
			registeredDestination: DESTINATION,
			registeredSettings: ['note_lead', 'status_lead'],
		});
		expect(kit.unmatched()).toEqual([]);
	});

	test('the account id cached by create lets the webhook check account[id] without a request', async () => {
		kommoApi()
			.get('/api/v4/account')
			.reply(200, ACCOUNT)
			.post('/api/v4/webhooks')
			.reply(200, hook(['status_lead']));
		const workflow = triggerWorkflow({}, {});
		await call(workflow, 'create');
		// a webhook process of a queue-mode n8n never ran create: it knows only the static data
		forgetProcessMemory();
		storePipelines(KOMMO, [], now());

		const foreign = loadPairs('batch-status-update-note.pairs.json').map(
			([k, v]): [string, string] => [k, k === 'account[id]' ? '1' : v],
		);
		const { response } = await deliver(workflow, kommoForm(foreign));
		expect(response.status).toBe(401);
		expect(kit.unmatched()).toEqual([]);
	});

	test('checkExists is true when this URL is registered with the same events', async () => {
		const api = kommoApi()
			.get('/api/v4/webhooks')
			.query({ 'filter[destination]': DESTINATION })
			.reply(200, list(hook(['update_lead', 'status_lead'])));
		const workflow = triggerWorkflow({ events: ['status_lead', 'update_lead'] });

		expect(await call(workflow, 'checkExists')).toBe(true);
		api.done();
		expect(triggerStaticData(workflow)).toMatchObject({ registeredDestination: DESTINATION });
	});

	test('checkExists is false when Kommo has nothing for this URL (204)', async () => {
		const api = kommoApi()
			.get('/api/v4/webhooks')
			.query({ 'filter[destination]': DESTINATION })
			.reply(204);
		const workflow = triggerWorkflow();
		expect(await call(workflow, 'checkExists')).toBe(false);
		api.done();
	});

	test('checkExists ignores other destinations', async () => {
		const api = kommoApi()
			.get('/api/v4/webhooks')
			.query(true)
			.reply(
				200,
				list({ ...hook(['status_lead']), destination: 'https://elsewhere.example.com/hook' }),
			);
		expect(await call(triggerWorkflow(), 'checkExists')).toBe(false);
		api.done();
	});

	test.each([
		['other events', hook(['status_lead', 'add_lead'])],
		['disabled by Kommo', hook(['status_lead'], { disabled: true })],
	])('a registration with %s is replaced: delete, then post', async (_case, existing) => {
		const order: string[] = [];
		const api = kommoApi()
			.get('/api/v4/webhooks')
			.query(true)
			.reply(200, list(existing))
			.get('/api/v4/account')
			.reply(200, ACCOUNT)
			.delete('/api/v4/webhooks', { destination: DESTINATION })
			.reply(() => {
				order.push('delete');
				return [204];
			})
			.post('/api/v4/webhooks', { destination: DESTINATION, settings: ['status_lead'] })
			.reply(() => {
				order.push('post');
				return [200, hook(['status_lead'])];
			});
		const workflow = triggerWorkflow();

		expect(await call(workflow, 'checkExists')).toBe(false);
		expect(await call(workflow, 'create')).toBe(true);

		api.done();
		expect(order).toEqual(['delete', 'post']);
		expect(triggerStaticData(workflow).replaceDestination).toBeUndefined();
	});

	test('delete sends the destination in the body and forgets the registration', async () => {
		const api = kommoApi().delete('/api/v4/webhooks', { destination: DESTINATION }).reply(204);
		const workflow = triggerWorkflow(
			{},
			{
				'node:Kommo Trigger': {
					registeredDestination: DESTINATION,
					registeredSettings: ['status_lead'],
				},
			},
		);

		expect(await call(workflow, 'delete')).toBe(true);
		api.done();
		expect(triggerStaticData(workflow)).toEqual({});
	});

	test('delete of a registration already gone (404) succeeds', async () => {
		const api = kommoApi()
			.delete('/api/v4/webhooks', { destination: DESTINATION })
			.reply(404, { title: 'Not Found', status: 404 });
		expect(await call(triggerWorkflow(), 'delete')).toBe(true);
		api.done();
	});

	test('delete surfaces other failures', async () => {
		kommoApi()
			.delete('/api/v4/webhooks', { destination: DESTINATION })
			.reply(400, { title: 'Bad Request', status: 400, detail: 'destination is invalid' });
		await expect(call(triggerWorkflow(), 'delete')).rejects.toThrow();
	});

	test.each([403, 402])(
		'a %i on registration says the plan or token cannot do it and points to Manual',
		async (status) => {
			kommoApi()
				.get('/api/v4/account')
				.reply(200, ACCOUNT)
				.post('/api/v4/webhooks')
				.reply(status, { title: 'Forbidden', status, detail: 'Access denied' });
			const error = await call(triggerWorkflow(), 'create').catch((caught: Error) => caught);

			expect(error).toBeInstanceOf(Error);
			expect((error as Error).message).toContain(
				`Kommo refused to register the webhook (HTTP ${status})`,
			);
			expect((error as Error).message).toContain('Advanced or Enterprise plan');
			expect((error as { description?: string }).description).toContain(
				"Set 'Registration' to 'Manual'",
			);
		},
	);

	test('a 403 on checkExists gets the same explanation', async () => {
		kommoApi()
			.get('/api/v4/webhooks')
			.query(true)
			.reply(403, '<html><title>403 Forbidden</title></html>');
		await expect(call(triggerWorkflow(), 'checkExists')).rejects.toThrow(
			/Advanced or Enterprise plan/,
		);
	});

	test('create refuses a localhost URL Kommo could never reach', async () => {
		await expect(
			call(triggerWorkflow(), 'create', 'http://localhost:5678/webhook/abc/webhook'),
		).rejects.toThrow('Kommo cannot reach a webhook on "localhost"');
		expect(kit.unmatched()).toEqual([]);
	});
});

describe('manual registration touches nothing remote', () => {
	test('checkExists, create and delete make no HTTP request', async () => {
		// no interceptors at all: with net connect disabled any request would fail and be recorded
		const workflow = triggerWorkflow(
			{ registration: 'manual', events: ['status_lead', 'add_lead'] },
			{ 'node:Kommo Trigger': { registeredDestination: 'https://old.example.com/hook' } },
		);

		expect(await call(workflow, 'checkExists')).toBe(false);
		expect(await call(workflow, 'create')).toBe(true);
		expect(await call(workflow, 'delete')).toBe(true);
		// even a localhost URL is fine: the user pastes whatever URL Kommo can reach
		expect(await call(workflow, 'create', 'http://localhost:5678/webhook/abc/webhook')).toBe(true);

		expect(kit.unmatched()).toEqual([]);
		expect(nock.pendingMocks()).toEqual([]);
		expect(triggerStaticData(workflow)).toEqual({});
	});
});
