import { verifySignature } from '../../nodes/IntercomTrigger/helpers/signature';
import { extractLeadEvents } from '../../nodes/KommoTrigger/helpers/events';
import { parseNestedForm } from '../../nodes/KommoTrigger/helpers/formParser';
import type { Sandbox } from '../../sandbox';
import { controlCall, intercomCall, kommoCall, startListener, startSandbox } from './helpers';

const OPEN_LEAD = 30000001;
const SALES = 8100001;
const PROPOSAL = 81000012;

describe('sandbox: outgoing webhooks', () => {
	let sandbox: Sandbox;
	let listener: Awaited<ReturnType<typeof startListener>>;

	beforeAll(async () => {
		sandbox = await startSandbox({ kommoRateLimit: false });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(async () => {
		sandbox.reset();
		listener = await startListener();
	});
	afterEach(async () => {
		await listener.close();
	});

	describe('Intercom', () => {
		it("posts a notification_event whose X-Hub-Signature verifies with the trigger's verifySignature", async () => {
			const result = await sandbox.sendIntercomWebhook({
				url: listener.url,
				topic: 'conversation.user.replied',
				conversationId: '1001',
				clientSecret: 'the-client-secret',
				notificationId: 'notif_test-1',
				deliveryAttempts: 2,
			});
			expect(result.status).toBe(200);
			expect(JSON.parse(result.body)).toEqual({ received: true });

			expect(listener.received).toHaveLength(1);
			const [request] = listener.received;
			expect(request.method).toBe('POST');
			expect(request.headers['content-type']).toBe('application/json');
			expect(request.headers['user-agent']).toBe('intercom-parrot-service-client/1.0');
			const header = request.headers['x-hub-signature'] as string;
			expect(header).toMatch(/^sha1=[0-9a-f]{40}$/);
			expect(verifySignature(request.rawBody, header, 'the-client-secret')).toBe(true);
			expect(verifySignature(request.rawBody, header, 'another-secret')).toBe(false);
			expect(
				verifySignature(Buffer.from(`${request.rawBody.toString()} `), header, 'the-client-secret'),
			).toBe(false);

			const envelope = JSON.parse(request.rawBody.toString('utf8'));
			const me = await intercomCall(sandbox, 'GET', '/me');
			expect(envelope).toMatchObject({
				type: 'notification_event',
				id: 'notif_test-1',
				topic: 'conversation.user.replied',
				app_id: me.body.app.id_code,
				delivery_attempts: 2,
				data: { type: 'notification_event_data', item: { type: 'conversation', id: '1001' } },
			});
			expect(envelope.first_sent_at).toEqual(expect.any(Number));
			const conversation = await intercomCall(sandbox, 'GET', '/conversations/1001');
			expect(envelope.data.item).toEqual(conversation.body);
		});

		it('signs with the sandbox client secret by default and can send a bad signature', async () => {
			await sandbox.sendIntercomWebhook({ url: listener.url, conversationId: '1001' });
			await sandbox.sendIntercomWebhook({
				url: listener.url,
				conversationId: '1001',
				signature: 'sha1=' + '0'.repeat(40),
			});
			const [good, bad] = listener.received;
			const secret = sandbox.tokens.intercomClientSecret;
			expect(verifySignature(good.rawBody, good.headers['x-hub-signature'] as string, secret)).toBe(
				true,
			);
			expect(verifySignature(bad.rawBody, bad.headers['x-hub-signature'] as string, secret)).toBe(
				false,
			);
			expect(sandbox.deliveries.map((delivery) => [delivery.kind, delivery.status])).toEqual([
				['intercom', 200],
				['intercom', 200],
			]);
		});

		it('appends a reply and sends the matching topic from the control endpoint', async () => {
			const reply = await controlCall(sandbox, 'POST', '/intercom/conversations/1001/reply', {
				kind: 'customer',
				body: '<p>Thanks, got the quote!</p>',
				webhook: { url: listener.url },
			});
			expect(reply.status).toBe(200);
			expect(reply.body.webhook).toMatchObject({ status: 200, topic: 'conversation.user.replied' });
			const envelope = JSON.parse(listener.received[0].rawBody.toString('utf8'));
			const parts = envelope.data.item.conversation_parts.conversation_parts;
			expect(parts.at(-1)).toMatchObject({
				id: reply.body.part.id,
				body: '<p>Thanks, got the quote!</p>',
				author: { type: 'user' },
			});

			await controlCall(sandbox, 'POST', '/intercom/conversations/1001/reply', {
				kind: 'bot',
				body: '<p>x</p>',
				webhook: { url: listener.url },
			});
			await controlCall(sandbox, 'POST', '/intercom/conversations/1001/reply', {
				kind: 'note',
				body: '<p>y</p>',
				webhook: { url: listener.url },
			});
			const topics = listener.received.map(
				(request) => JSON.parse(request.rawBody.toString('utf8')).topic,
			);
			expect(topics).toEqual([
				'conversation.user.replied',
				'conversation.operator.replied',
				'conversation.admin.noted',
			]);
		});
	});

	describe('Kommo', () => {
		async function subscribe(settings: string[]) {
			const created = await kommoCall(sandbox, 'POST', '/api/v4/webhooks', {
				destination: listener.url,
				settings,
			});
			expect(created.status).toBe(201);
		}

		it('posts a form-encoded status_lead webhook when a PATCH moves a lead to another stage', async () => {
			await subscribe(['status_lead']);
			const patched = await kommoCall(sandbox, 'PATCH', `/api/v4/leads/${OPEN_LEAD}`, {
				status_id: 142,
				pipeline_id: SALES,
			});
			expect(patched.status).toBe(200);
			await sandbox.flushWebhooks();

			expect(listener.received).toHaveLength(1);
			const [request] = listener.received;
			expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
			expect(request.headers['user-agent']).toBe('amoCRM-WebHook-client/1.0');
			const raw = request.rawBody.toString('utf8');
			expect(
				raw.startsWith(
					`leads%5Bstatus%5D%5B0%5D%5Bid%5D=${OPEN_LEAD}&leads%5Bstatus%5D%5B0%5D%5Bname%5D=Mary+Jane+Watson+-+Team+plan&`,
				),
			).toBe(true);

			const form = new URLSearchParams(raw);
			expect(form.get('leads[status][0][id]')).toBe(String(OPEN_LEAD));
			expect(form.get('leads[status][0][status_id]')).toBe('142');
			expect(form.get('leads[status][0][old_status_id]')).toBe(String(PROPOSAL));
			expect(form.get('leads[status][0][pipeline_id]')).toBe(String(SALES));
			expect(form.get('leads[status][0][old_pipeline_id]')).toBe(String(SALES));
			expect(form.get('leads[status][0][account_id]')).toBe('31000001');
			expect(form.get('leads[status][0][custom_fields][0][name]')).toBe('Intercom tags');
			expect(form.get('leads[status][0][custom_fields][0][values][0][value]')).toBe('VIP');
			expect(form.get('leads[status][0][custom_fields][0][values][0][enum]')).toBe('720002');
			expect(form.get('account[id]')).toBe('31000001');
			expect(form.get('account[subdomain]')).toBe('demo');

			// the trigger's own parser reads it as one status event
			const events = extractLeadEvents(parseNestedForm(raw), new Set(['status_lead']));
			expect(events).toEqual([
				expect.objectContaining({
					event: 'status_lead',
					leadId: OPEN_LEAD,
					statusId: 142,
					oldStatusId: PROPOSAL,
					pipelineId: SALES,
					oldPipelineId: SALES,
				}),
			]);
		});

		it('sends nothing to a status_lead subscriber when the stage did not change', async () => {
			await subscribe(['status_lead']);
			await kommoCall(sandbox, 'PATCH', `/api/v4/leads/${OPEN_LEAD}`, { name: 'Renamed' });
			await sandbox.flushWebhooks();
			expect(listener.received).toHaveLength(0);
		});

		it('batches several leads of one PATCH into leads[status][0..n] and adds subscribed update events', async () => {
			await subscribe(['status_lead', 'update_lead']);
			await kommoCall(sandbox, 'PATCH', '/api/v4/leads', [
				{ id: OPEN_LEAD, status_id: 143, pipeline_id: SALES },
				{ id: 30000002, status_id: PROPOSAL, pipeline_id: SALES },
			]);
			await sandbox.flushWebhooks();
			expect(listener.received).toHaveLength(1);
			const form = new URLSearchParams(listener.received[0].rawBody.toString('utf8'));
			expect(form.get('leads[status][0][id]')).toBe(String(OPEN_LEAD));
			expect(form.get('leads[status][1][id]')).toBe('30000002');
			expect(form.get('leads[status][1][old_status_id]')).toBe('142');
			expect(form.get('leads[update][1][id]')).toBe('30000002');
		});

		it('fires one status webhook explicitly with sendKommoStatusWebhook', async () => {
			const result = await sandbox.sendKommoStatusWebhook({
				url: listener.url,
				leadId: OPEN_LEAD,
				oldStatusId: 81000011,
			});
			expect(result.status).toBe(200);
			const form = new URLSearchParams(listener.received[0].rawBody.toString('utf8'));
			expect(form.get('leads[status][0][status_id]')).toBe(String(PROPOSAL));
			expect(form.get('leads[status][0][old_status_id]')).toBe('81000011');
			expect(form.get('account[subdomain]')).toBe('demo');
			expect(result.rawBody).toBe(listener.received[0].rawBody.toString('utf8'));
		});
	});
});
