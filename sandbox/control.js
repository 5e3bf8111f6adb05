'use strict';
// The control endpoints under `/_sandbox` (JSON, no auth): reset, seed, state, log, faults,
// config, Intercom activity and subscriptions, webhooks sent on demand, and what a Kommo manager
// does in a chat (a reply, "Write first": Kommo's hook to the channel). A bad request answers 400
// `{ error }` with the reason.

const { parseJson, send, clone } = require('./http');
const setup = require('./setup');
const notifier = require('./intercom/notifier');
const activity = require('./intercom/activity');
const kommo = require('./kommo');
const amojo = require('./amojo');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./context').SandboxContext} SandboxContext */

/**
 * One control request, as a handler gets it; a handler returns the JSON to answer with.
 * @typedef {object} ControlRequest
 * @property {SandboxContext} ctx
 * @property {string[]} params the groups the route's pattern captured
 * @property {URLSearchParams} searchParams
 * @property {any} body the parsed JSON body (`{}` when empty), unchecked
 */

/**
 * An explicit `webhook: {url, …}` of a control call: sent at once, answer awaited.
 * @param {SandboxContext} ctx
 * @param {any} webhook
 * @param {string} topic
 * @param {string} conversationId
 */
async function sendExplicitWebhook(ctx, webhook, topic, conversationId) {
	const result = await notifier.sendIntercomWebhook(ctx, { topic, ...webhook, conversationId });
	return {
		status: result.status,
		body: result.body,
		topic: result.notification.topic,
		notificationId: result.notification.id,
	};
}

/**
 * What `GET /_sandbox` answers: where the APIs are, their tokens, and the control endpoints.
 * @param {SandboxContext} ctx
 */
function describe(ctx) {
	const url = `http://${ctx.host}`;
	const account = ctx.state.kommo.account;
	return {
		intercom: {
			baseUrl: `${url}/intercom`,
			accessToken: ctx.config.intercomToken,
			clientSecret: ctx.config.clientSecret,
		},
		kommo: {
			baseUrl: `${url}/kommo`,
			accessToken: ctx.config.kommoToken,
			account: account && { id: account.id, subdomain: account.subdomain },
		},
		amojo: amojo.describeAmojo(ctx, `${url}/amojo`),
		control: [
			'POST /_sandbox/reset {preset?}',
			'POST /_sandbox/seed {preset?, merge?, intercom?, kommo?}',
			'GET  /_sandbox/state',
			'GET  /_sandbox/log?since=<seq>',
			'GET|POST /_sandbox/faults {rate, kinds, apis, seed, timeoutMs, sequence}',
			'POST /_sandbox/config {kommoRateLimit, intercomRateLimit, kommoDuplicateControl, webhookTimeoutMs, intercomWebhookRetryDelayMs, intercomSubscriptions}',
			'POST /_sandbox/intercom/conversations/:id/reply {kind: customer|admin|bot|note|close, body, adminId?, webhook?: {url, clientSecret?, topic?}} (no webhook: subscriptions are notified)',
			'POST /_sandbox/intercom/conversations {contact: {name, email, role}|contactId, body, createdAt?, webhook?} (conversation.user.created)',
			'GET|POST|DELETE /_sandbox/intercom/subscriptions {url, topics, clientSecret?}',
			'POST /_sandbox/intercom/webhook {url, topic, conversationId, clientSecret?, notificationId?, deliveryAttempts?}',
			'POST /_sandbox/kommo/webhook {url, leadId, oldStatusId?, oldPipelineId?}',
			'POST /_sandbox/amojo/manager-reply {conversationId|chatId, text, manager?, scopeId?, type?, media?, fileName?, fileSize?, messageId?} (Kommo hook to the channel, once)',
			'POST /_sandbox/amojo/write-first {phone, text, name?, manager?, scopeId?} (a chat opened in Kommo: hook without conversation.client_id)',
			'GET  /_sandbox/amojo/chats?lead_id=|contact_id= (visible chats there) and /_sandbox/amojo/chats/:chatOrConversationId',
		],
		summary: setup.summary(ctx),
	};
}

/** @param {ControlRequest} request */
async function replyToConversation({ ctx, params, body }) {
	const conversationId = params[0];
	// with an explicit webhook the subscriptions stay quiet: the caller decides where it goes
	const explicit = Boolean(body.webhook?.url);
	const { part, topic, notified } = activity.appendAndNotify(ctx, conversationId, {
		kind: body.kind ?? body.type ?? 'customer',
		body: body.body,
		adminId: body.adminId ?? body.admin_id,
		createdAt: body.createdAt,
		partType: body.partType,
		notify: !explicit,
	});
	const webhook = explicit
		? await sendExplicitWebhook(ctx, body.webhook, topic, conversationId)
		: undefined;
	return { part, webhook, notified };
}

/** @param {ControlRequest} request */
async function startConversation({ ctx, body }) {
	const explicit = Boolean(body.webhook?.url);
	const { webhook: _webhook, ...fields } = body;
	const { conversation, topic, notified } = activity.startConversation(ctx, {
		...fields,
		notify: !explicit,
	});
	const webhook = explicit
		? await sendExplicitWebhook(ctx, body.webhook, topic, conversation.id)
		: undefined;
	return { conversation, webhook, notified };
}

/**
 * A manager-reply or write-first body, snake_case names accepted too.
 * @param {any} body
 */
function kommoMessageOptions(body) {
	return {
		conversationId: body.conversationId ?? body.conversation_id,
		chatId: body.chatId ?? body.chat_id,
		scopeId: body.scopeId ?? body.scope_id,
		text: body.text,
		type: body.type,
		media: body.media,
		fileName: body.fileName ?? body.file_name,
		fileSize: body.fileSize ?? body.file_size,
		manager: body.manager,
		messageId: body.messageId ?? body.message_id,
		phone: body.phone,
		name: body.name,
		sourceExternalId: body.sourceExternalId,
	};
}

/**
 * Method, path pattern (its groups become `params`), handler. The first match wins.
 * @type {Array<[string, RegExp, (request: ControlRequest) => unknown]>}
 */
const ROUTES = [
	['GET', /^\/?$/, ({ ctx }) => describe(ctx)],
	[
		'POST',
		/^\/reset$/,
		({ ctx, body }) => {
			setup.reset(ctx, body.preset ?? ctx.config.seed);
			return { ok: true };
		},
	],
	[
		'POST',
		/^\/seed$/,
		({ ctx, body }) => {
			const { preset = 'empty', merge = false, ...data } = body;
			setup.seed(ctx, data, { merge, preset });
			return { ok: true, summary: setup.summary(ctx) };
		},
	],
	[
		'GET',
		/^\/state$/,
		({ ctx }) => ({
			...clone(ctx.state),
			deliveries: clone(ctx.deliveries),
			summary: setup.summary(ctx),
		}),
	],
	[
		'GET',
		/^\/log$/,
		({ ctx, searchParams }) => {
			const since = Number(searchParams.get('since') ?? 0);
			return { entries: ctx.log.filter((entry) => entry.seq > since), counters: ctx.counters };
		},
	],
	['GET', /^\/faults$/, ({ ctx }) => ctx.faults.describe()],
	[
		'POST',
		/^\/faults$/,
		({ ctx, body }) => {
			ctx.faults.configure(body);
			return ctx.faults.describe();
		},
	],
	[
		'POST',
		/^\/config$/,
		({ ctx, body }) => {
			setup.configure(ctx, body);
			return setup.publicConfig(ctx);
		},
	],
	['POST', /^\/intercom\/conversations\/([^/]+)\/reply$/, replyToConversation],
	['POST', /^\/intercom\/conversations$/, startConversation],
	[
		'GET',
		/^\/intercom\/subscriptions$/,
		({ ctx }) => ({ subscriptions: notifier.describeSubscriptions(ctx) }),
	],
	[
		'POST',
		/^\/intercom\/subscriptions$/,
		({ ctx, body }) => {
			const { id, url, topics } = notifier.subscribe(ctx, body);
			return { id, url, topics };
		},
	],
	[
		'DELETE',
		/^\/intercom\/subscriptions$/,
		({ ctx }) => {
			notifier.clearSubscriptions(ctx);
			return { subscriptions: notifier.describeSubscriptions(ctx) };
		},
	],
	[
		'POST',
		/^\/intercom\/webhook$/,
		async ({ ctx, body }) => {
			const result = await notifier.sendIntercomWebhook(ctx, body);
			return {
				status: result.status,
				body: result.body,
				notificationId: result.notification.id,
				signature: result.signature,
			};
		},
	],
	[
		'POST',
		/^\/kommo\/contacts\/(\d+)\/duplicate$/,
		({ ctx, params, body }) => {
			const contact = kommo.duplicateContact(ctx.state.kommo, Number(params[0]), body);
			return { contact: { id: contact.id, name: contact.name } };
		},
	],
	[
		'POST',
		/^\/amojo\/manager-reply$/,
		async ({ ctx, body }) => await amojo.managerReply(ctx, kommoMessageOptions(body)),
	],
	[
		'POST',
		/^\/amojo\/write-first$/,
		async ({ ctx, body }) => await amojo.writeFirst(ctx, kommoMessageOptions(body)),
	],
	[
		'GET',
		/^\/amojo\/chats$/,
		({ ctx, searchParams }) => {
			const leadId = searchParams.get('lead_id');
			const contactId = searchParams.get('contact_id');
			return {
				chats: amojo.chatsOn(ctx, {
					leadId: leadId === null ? undefined : Number(leadId),
					contactId: contactId === null ? undefined : Number(contactId),
				}),
			};
		},
	],
	[
		'GET',
		/^\/amojo\/chats\/([^/]+)$/,
		({ ctx, params }) => {
			const view = amojo.chatView(ctx, params[0]);
			if (!view) throw new Error(`No amojo chat ${params[0]}`);
			return view;
		},
	],
	[
		'POST',
		/^\/kommo\/webhook$/,
		async ({ ctx, body }) => {
			const result = await kommo.sendKommoStatusWebhook(ctx, body);
			return { status: result.status, body: result.body, form: result.rawBody };
		},
	],
];

/**
 * Handles one request under `/_sandbox`.
 * @param {SandboxContext} ctx
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {string} path the path after `/_sandbox`
 * @param {URLSearchParams} searchParams
 * @param {Buffer} rawBody
 */
async function handleControl(ctx, req, res, path, searchParams, rawBody) {
	const parsed = parseJson(rawBody);
	if (parsed.error) return send(res, 400, { error: parsed.error });
	const body = parsed.value ?? {};
	const method = req.method;
	try {
		for (const [routeMethod, pattern, handler] of ROUTES) {
			if (routeMethod !== method) continue;
			const match = pattern.exec(path);
			if (!match) continue;
			const params = match.slice(1).map(decodeURIComponent);
			return send(res, 200, await handler({ ctx, params, searchParams, body }));
		}
		return send(res, 404, { error: `Unknown control endpoint ${method} /_sandbox${path}` });
	} catch (error) {
		return send(res, 400, { error: error.message });
	}
}

module.exports = { handleControl };
