'use strict';
// Local sandbox of the Intercom and Kommo APIs for tests and demos. Not part of the published
// package. One HTTP server, in-memory state:
//   /intercom/...        Intercom REST (credential region "Custom", base URL <url>/intercom)
//   /kommo/api/v4/...    Kommo REST    (credential domain "Custom", base URL <url>/kommo)
//   /_sandbox/...        control endpoints (JSON): reset, seed, state, log, faults, webhooks
// See sandbox/README.md.

const http = require('node:http');

const { readBody, parseJson, send, clone } = require('./http');
const {
	FaultInjector,
	LOST_RESPONSE_KINDS,
	SlidingWindowLimiter,
	FixedWindowCounter,
} = require('./faults');
const intercom = require('./intercom');
const kommo = require('./kommo');
const webhooks = require('./webhooks');
const notifier = require('./intercomNotifier');
const { PRESETS, historySeed } = require('./seed');

const DEFAULTS = {
	host: '127.0.0.1',
	port: 0,
	seed: 'default',
	intercomToken: 'sbx-intercom-token',
	kommoToken: 'sbx-kommo-token',
	clientSecret: 'sbx-intercom-client-secret',
	/** Kommo: "not more than 7 requests per second" per account; `false` disables */
	kommoRateLimit: { perSecond: 7, windowMs: 1000 },
	/** Intercom: 10,000 per minute, enforced in 10-second slices; `false` disables (no headers) */
	intercomRateLimit: { limit: 1666, windowMs: 10000 },
	kommoDuplicateControl: false,
	faults: { rate: 0 },
	webhookTimeoutMs: 5000,
	/** Intercom retries a failed notification once, about a minute later (then drops it) */
	intercomWebhookRetryDelayMs: 60000,
	logLimit: 5000,
};

const FAULT_BODIES = {
	502: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
	503: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
};

function resolveSeed(seed) {
	if (seed === undefined || seed === null) return PRESETS.default();
	if (typeof seed === 'string') {
		const preset = PRESETS[seed];
		if (!preset)
			throw new Error(`Unknown seed preset "${seed}" (known: ${Object.keys(PRESETS).join(', ')})`);
		return preset();
	}
	return seed;
}

function emptyCounters() {
	return {
		total: 0,
		byApi: {},
		byStatus: {},
		faults: {},
		rateLimited: { intercom: 0, kommo: 0 },
		// attempts made, attempts that failed (no answer or non-2xx), notifications given up on
		webhooks: { intercom: 0, kommo: 0, failed: 0, dropped: 0 },
	};
}

/**
 * Starts a sandbox. Resolves to
 * `{ server, url, intercomUrl, kommoUrl, tokens, state, close(), reset(), seed(), setFaults(),
 *    configure(), sendIntercomWebhook(), sendKommoStatusWebhook(), appendIntercomPart(),
 *    createIntercomConversation(), subscribeIntercom(), clearIntercomSubscriptions(), log,
 *    counters, deliveries, flushWebhooks() }`; `state` is live (a getter).
 */
async function createSandbox(options = {}) {
	const config = { ...DEFAULTS, ...options };
	const ctx = {
		config,
		state: undefined,
		faults: new FaultInjector(config.faults),
		kommoLimiter: undefined,
		intercomCounter: undefined,
		log: [],
		counters: emptyCounters(),
		deliveries: [],
		pending: new Set(),
		timers: new Set(),
		notifier: notifier.emptyNotifierState(),
		closed: false,
		seq: 0,
	};

	function applyLimits() {
		ctx.kommoLimiter = config.kommoRateLimit
			? new SlidingWindowLimiter({
					limit: config.kommoRateLimit.perSecond ?? 7,
					windowMs: config.kommoRateLimit.windowMs ?? 1000,
				})
			: undefined;
		ctx.intercomCounter = config.intercomRateLimit
			? new FixedWindowCounter({
					limit: config.intercomRateLimit.limit ?? 1666,
					windowMs: config.intercomRateLimit.windowMs ?? 10000,
				})
			: undefined;
	}

	/** Applies seeds in order to a copy of the state (or a fresh one), so a bad seed changes nothing. */
	function loadSeeds(seeds, { merge = false } = {}) {
		const next =
			merge && ctx.state
				? clone(ctx.state)
				: { intercom: intercom.emptyIntercomState(), kommo: kommo.emptyKommoState() };
		for (const seed of seeds) {
			intercom.seedIntercom(next.intercom, seed.intercom ?? {});
			kommo.seedKommo(next.kommo, seed.kommo ?? {});
		}
		ctx.state = next;
	}

	function seed(data, { merge = false, preset = 'empty' } = {}) {
		if (merge) loadSeeds([data], { merge: true });
		else loadSeeds([resolveSeed(preset), data]);
	}

	function reset(preset = config.seed) {
		loadSeeds([resolveSeed(preset)]);
		applyLimits();
		ctx.faults.configure({ rate: 0 });
		ctx.log = [];
		ctx.counters = emptyCounters();
		ctx.deliveries = [];
		notifier.cancelRetries(ctx);
		ctx.notifier = notifier.emptyNotifierState();
	}

	function record(entry) {
		ctx.log.push(entry);
		if (ctx.log.length > config.logLimit) ctx.log.shift();
	}

	function count(entry) {
		const c = ctx.counters;
		c.total++;
		c.byApi[entry.api] = (c.byApi[entry.api] ?? 0) + 1;
		const status = entry.status === null ? 'none' : String(entry.status);
		c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
		if (entry.fault) c.faults[entry.fault] = (c.faults[entry.fault] ?? 0) + 1;
		else if (entry.status === 429 && c.rateLimited[entry.api] !== undefined)
			c.rateLimited[entry.api]++;
	}

	function track(promise) {
		return notifier.trackPending(ctx, promise);
	}

	/** The handler runs and stores as usual; what it answers is swapped for the plain fault. */
	function loseResponse(kind, api, req, res) {
		const writeHead = res.writeHead;
		const end = res.end;
		res.writeHead = () => res;
		res.end = () => {
			res.writeHead = writeHead;
			res.end = end;
			injectFault(LOST_RESPONSE_KINDS[kind], api, req, res);
			return res;
		};
	}

	function injectFault(kind, api, req, res) {
		if (kind === 'reset') {
			req.socket.destroy();
			return;
		}
		if (kind === 'timeout') {
			const timer = setTimeout(() => {
				ctx.timers.delete(timer);
				req.socket.destroy();
			}, ctx.faults.config.timeoutMs);
			ctx.timers.add(timer);
			return;
		}
		if (kind === '429') {
			if (api === 'intercom') {
				const reset = Math.ceil(Date.now() / 1000) + 10;
				return send(
					res,
					429,
					intercom.errorList([{ code: 'rate_limit_exceeded', message: 'Rate Limit Exceeded' }]),
					{
						'X-RateLimit-Limit': String(config.intercomRateLimit?.limit ?? 1666),
						'X-RateLimit-Remaining': '0',
						'X-RateLimit-Reset': String(reset),
					},
				);
			}
			return send(
				res,
				429,
				'<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>',
				{},
				'text/html',
			);
		}
		if (kind === '500') {
			if (api === 'intercom')
				return send(
					res,
					500,
					intercom.errorList([{ code: 'server_error', message: 'Server Error' }]),
				);
			return send(
				res,
				500,
				{
					title: 'Internal Server Error',
					type: 'https://httpstatus.es/500',
					status: 500,
					detail: 'Internal Server Error',
				},
				{},
				'application/problem+json',
			);
		}
		return send(res, Number(kind), FAULT_BODIES[kind], {}, 'text/html');
	}

	// ------------------------------------------------------------ outgoing webhooks

	async function sendIntercomWebhook({
		url,
		topic = 'conversation.user.replied',
		conversationId,
		clientSecret = config.clientSecret,
		notificationId,
		deliveryAttempts,
		item,
		plaintext = false,
		sign,
		signature,
	}) {
		if (!url) throw new Error('sendIntercomWebhook needs a url');
		let payloadItem = item;
		if (payloadItem === undefined) {
			if (topic === 'ping') {
				payloadItem = { type: 'ping', message: 'something something interzen' };
			} else {
				const conversation = ctx.state.intercom.conversations.find(
					(entry) => entry.id === String(conversationId),
				);
				if (!conversation) throw new Error(`Unknown Intercom conversation ${conversationId}`);
				payloadItem = intercom.renderConversation(ctx.state.intercom, conversation, { plaintext });
			}
		}
		const notification = webhooks.buildIntercomNotification({
			appId: ctx.state.intercom.app?.id_code ?? null,
			topic,
			item: payloadItem,
			notificationId,
			deliveryAttempts,
		});
		const target = { url, clientSecret, sign, signature };
		const { delivery: _recorded, ...result } = await notifier.attemptDelivery(
			ctx,
			target,
			notification,
		);
		return result;
	}

	async function postKommoForm(url, events, settings, host) {
		const rawBody = webhooks.buildKommoLeadForm(events, ctx.state.kommo, host);
		const delivery = {
			time: new Date().toISOString(),
			kind: 'kommo',
			url,
			settings,
			leadIds: events.map((event) => event.lead.id),
			status: null,
			error: null,
			body: rawBody,
		};
		ctx.deliveries.push(delivery);
		ctx.counters.webhooks.kommo++;
		try {
			const result = await webhooks.deliverKommoForm({
				url,
				rawBody,
				timeoutMs: config.webhookTimeoutMs,
			});
			delivery.status = result.status;
			if (result.status < 200 || result.status > 299) ctx.counters.webhooks.failed++;
			return result;
		} catch (error) {
			delivery.error = error.code ?? error.message;
			ctx.counters.webhooks.failed++;
			throw error;
		}
	}

	/**
	 * Sends one `status_lead` webhook for a lead of the state. Defaults: the lead's current
	 * status/pipeline as new, and the same pipeline's first stage as the old status.
	 */
	async function sendKommoStatusWebhook({
		url,
		leadId,
		lead,
		statusId,
		pipelineId,
		oldStatusId,
		oldPipelineId,
		host,
	}) {
		if (!url) throw new Error('sendKommoStatusWebhook needs a url');
		const stored = lead ?? ctx.state.kommo.leads.find((entry) => entry.id === Number(leadId));
		if (!stored) throw new Error(`Unknown Kommo lead ${leadId}`);
		const snapshot = {
			...clone(stored),
			...(statusId !== undefined ? { status_id: Number(statusId) } : {}),
			...(pipelineId !== undefined ? { pipeline_id: Number(pipelineId) } : {}),
		};
		const event = {
			action: 'status',
			lead: snapshot,
			old_status_id: oldStatusId ?? snapshot.status_id,
			old_pipeline_id: oldPipelineId ?? snapshot.pipeline_id,
		};
		return await postKommoForm(url, [event], ['status_lead'], host ?? hostOf());
	}

	/** Lead events of one API request → one POST per subscribed destination, after the response. */
	function dispatchKommoEvents(events, host) {
		for (const hook of ctx.state.kommo.webhooks) {
			if (hook.disabled) continue;
			const wanted = events.filter((event) => hook.settings.includes(`${event.action}_lead`));
			if (!wanted.length) continue;
			const settings = [...new Set(wanted.map((event) => `${event.action}_lead`))];
			track(postKommoForm(hook.destination, wanted, settings, host).catch(() => undefined));
		}
	}

	function duplicateKommoContact(contactId, options = {}) {
		return kommo.duplicateContact(ctx.state.kommo, contactId, options);
	}

	/** The conversation as a notification carries it, rendered at the moment of the event. */
	function notifyConversation(topic, conversation) {
		const item = intercom.renderConversation(ctx.state.intercom, conversation);
		return notifier.notifySubscribers(ctx, topic, item);
	}

	function findIntercomConversation(conversationId) {
		return ctx.state.intercom.conversations.find((entry) => entry.id === String(conversationId));
	}

	/** Appends a part; unless `notify: false`, subscriptions get the matching topic. */
	function appendAndNotify(conversationId, { notify = true, ...fields } = {}) {
		const stored = intercom.appendPart(ctx.state.intercom, conversationId, fields);
		if (!stored) throw new Error(`Unknown Intercom conversation ${conversationId}`);
		const topic = notifier.topicOfPart(fields.kind ?? 'customer', stored);
		const notified = notify
			? notifyConversation(topic, findIntercomConversation(conversationId))
			: [];
		return { part: clone(stored), topic, notified };
	}

	function appendIntercomPart(conversationId, part) {
		return appendAndNotify(conversationId, part).part;
	}

	/** A new customer conversation; unless `notify: false`, fires `conversation.user.created`. */
	function startIntercomConversation({ notify = true, ...fields } = {}) {
		const stored = intercom.createConversation(ctx.state.intercom, fields);
		const topic = 'conversation.user.created';
		const notified = notify ? notifyConversation(topic, stored) : [];
		return {
			conversation: intercom.renderConversation(ctx.state.intercom, stored),
			topic,
			notified,
		};
	}

	function createIntercomConversation(options) {
		return startIntercomConversation(options).conversation;
	}

	/** An explicit `webhook: {url, …}` of a control call: sent at once, answer awaited. */
	async function sendExplicitWebhook(webhook, topic, conversationId) {
		const result = await sendIntercomWebhook({ topic, ...webhook, conversationId });
		return {
			status: result.status,
			body: result.body,
			topic: result.notification.topic,
			notificationId: result.notification.id,
		};
	}

	// ------------------------------------------------------------ control endpoints

	async function handleControl(req, res, path, searchParams, rawBody) {
		const parsed = parseJson(rawBody);
		if (parsed.error) return send(res, 400, { error: parsed.error });
		const body = parsed.value ?? {};
		const method = req.method;
		let match;
		try {
			if (method === 'GET' && (path === '' || path === '/')) return send(res, 200, describe());
			if (method === 'POST' && path === '/reset') {
				reset(body.preset ?? config.seed);
				return send(res, 200, { ok: true });
			}
			if (method === 'POST' && path === '/seed') {
				const { preset = 'empty', merge = false, ...data } = body;
				seed(data, { merge, preset });
				return send(res, 200, { ok: true, summary: summary() });
			}
			if (method === 'GET' && path === '/state') {
				return send(res, 200, {
					...clone(ctx.state),
					deliveries: clone(ctx.deliveries),
					summary: summary(),
				});
			}
			if (method === 'GET' && path === '/log') {
				const since = Number(searchParams.get('since') ?? 0);
				return send(res, 200, {
					entries: ctx.log.filter((entry) => entry.seq > since),
					counters: ctx.counters,
				});
			}
			if (method === 'GET' && path === '/faults') return send(res, 200, ctx.faults.describe());
			if (method === 'POST' && path === '/faults') {
				ctx.faults.configure(body);
				return send(res, 200, ctx.faults.describe());
			}
			if (method === 'POST' && path === '/config') {
				configure(body);
				return send(res, 200, publicConfig());
			}
			if (method === 'POST' && (match = /^\/intercom\/conversations\/([^/]+)\/reply$/.exec(path))) {
				const conversationId = decodeURIComponent(match[1]);
				const explicit = Boolean(body.webhook?.url);
				const { part, topic, notified } = appendAndNotify(conversationId, {
					kind: body.kind ?? body.type ?? 'customer',
					body: body.body,
					adminId: body.adminId ?? body.admin_id,
					createdAt: body.createdAt,
					partType: body.partType,
					notify: !explicit,
				});
				const webhook = explicit
					? await sendExplicitWebhook(body.webhook, topic, conversationId)
					: undefined;
				return send(res, 200, { part, webhook, notified });
			}
			if (method === 'POST' && path === '/intercom/conversations') {
				const explicit = Boolean(body.webhook?.url);
				const { webhook: _webhook, ...fields } = body;
				const { conversation, topic, notified } = startIntercomConversation({
					...fields,
					notify: !explicit,
				});
				const webhook = explicit
					? await sendExplicitWebhook(body.webhook, topic, conversation.id)
					: undefined;
				return send(res, 200, { conversation, webhook, notified });
			}
			if (path === '/intercom/subscriptions') {
				if (method === 'POST') return send(res, 200, publicSubscription(subscribeIntercom(body)));
				if (method === 'DELETE') clearIntercomSubscriptions();
				if (method === 'GET' || method === 'DELETE')
					return send(res, 200, { subscriptions: notifier.describeSubscriptions(ctx) });
			}
			if (method === 'POST' && path === '/intercom/webhook') {
				const result = await sendIntercomWebhook(body);
				return send(res, 200, {
					status: result.status,
					body: result.body,
					notificationId: result.notification.id,
					signature: result.signature,
				});
			}
			if (method === 'POST' && (match = /^\/kommo\/contacts\/(\d+)\/duplicate$/.exec(path))) {
				const contact = duplicateKommoContact(Number(match[1]), body);
				return send(res, 200, { contact: { id: contact.id, name: contact.name } });
			}
			if (method === 'POST' && path === '/kommo/webhook') {
				const result = await sendKommoStatusWebhook(body);
				return send(res, 200, { status: result.status, body: result.body, form: result.rawBody });
			}
			return send(res, 404, { error: `Unknown control endpoint ${method} /_sandbox${path}` });
		} catch (error) {
			return send(res, 400, { error: error.message });
		}
	}

	function subscribeIntercom(options) {
		return notifier.subscribe(ctx, options);
	}

	function clearIntercomSubscriptions() {
		notifier.clearSubscriptions(ctx);
	}

	function publicSubscription({ id, url, topics }) {
		return { id, url, topics };
	}

	const CONFIG_KEYS = [
		'kommoRateLimit',
		'intercomRateLimit',
		'kommoDuplicateControl',
		'webhookTimeoutMs',
		'intercomWebhookRetryDelayMs',
	];

	/** `intercomSubscriptions` replaces the subscriptions (`[]` clears them); other keys are kept. */
	function configure(changes = {}) {
		for (const key of CONFIG_KEYS) {
			if (changes[key] !== undefined) config[key] = changes[key];
		}
		if (changes.kommoRateLimit !== undefined || changes.intercomRateLimit !== undefined)
			applyLimits();
		if (changes.faults !== undefined) ctx.faults.configure(changes.faults);
		if (changes.intercomSubscriptions !== undefined) {
			clearIntercomSubscriptions();
			for (const subscription of changes.intercomSubscriptions) subscribeIntercom(subscription);
		}
	}

	function publicConfig() {
		const settings = Object.fromEntries(CONFIG_KEYS.map((key) => [key, config[key]]));
		return {
			...settings,
			intercomSubscriptions: notifier.describeSubscriptions(ctx),
			faults: ctx.faults.describe(),
		};
	}

	function summary() {
		const i = ctx.state.intercom;
		const k = ctx.state.kommo;
		return {
			intercom: {
				admins: i.admins.length,
				contacts: i.contacts.length,
				tags: i.tags.length,
				conversations: i.conversations.length,
			},
			kommo: {
				contacts: k.contacts.length,
				leads: k.leads.length,
				notes: k.notes.length,
				pipelines: k.pipelines.length,
				webhooks: k.webhooks.length,
			},
		};
	}

	function describe() {
		return {
			intercom: {
				baseUrl: `${sandbox.url}/intercom`,
				accessToken: config.intercomToken,
				clientSecret: config.clientSecret,
			},
			kommo: {
				baseUrl: `${sandbox.url}/kommo`,
				accessToken: config.kommoToken,
				account: ctx.state.kommo.account && {
					id: ctx.state.kommo.account.id,
					subdomain: ctx.state.kommo.account.subdomain,
				},
			},
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
			],
			summary: summary(),
		};
	}

	// ------------------------------------------------------------ dispatcher

	let boundHost;
	function hostOf() {
		return boundHost;
	}

	const server = http.createServer(async (req, res) => {
		const started = Date.now();
		const url = new URL(req.url, 'http://sandbox.local');
		const pathname = url.pathname;
		const api = /^\/intercom(\/|$)/.test(pathname)
			? 'intercom'
			: /^\/kommo(\/|$)/.test(pathname)
				? 'kommo'
				: /^\/_sandbox(\/|$)/.test(pathname)
					? 'control'
					: 'other';
		// control reads (state, log, faults) stay out of the log they report on
		const quiet = api === 'control' && req.method === 'GET';
		const entry = {
			seq: ++ctx.seq,
			time: new Date(started).toISOString(),
			api,
			method: req.method,
			path: pathname + url.search,
			status: null,
			fault: null,
			durationMs: null,
		};
		if (!quiet) record(entry);
		res.on('close', () => {
			entry.status = res.headersSent ? res.statusCode : null;
			entry.durationMs = Date.now() - started;
			if (!quiet) count(entry);
		});

		try {
			if (api === 'intercom' || api === 'kommo') {
				const fault = ctx.faults.pick(api);
				if (fault && LOST_RESPONSE_KINDS[fault] && req.method !== 'GET') {
					// handled below as usual; only its answer never reaches the client
					entry.fault = fault;
					loseResponse(fault, api, req, res);
				} else if (fault) {
					entry.fault = LOST_RESPONSE_KINDS[fault] ?? fault;
					return injectFault(entry.fault, api, req, res);
				}
			}
			const rawBody = await readBody(req);
			if (api === 'intercom') {
				const path = pathname.replace(/^\/intercom/, '') || '/';
				if (req.headers['intercom-version'])
					entry.intercomVersion = String(req.headers['intercom-version']);
				return await intercom.handleIntercom(ctx, req, res, path, url.searchParams, rawBody);
			}
			if (api === 'kommo') {
				const path = pathname.replace(/^\/kommo/, '') || '/';
				const events = [];
				await kommo.handleKommo(ctx, req, res, path, url.searchParams, rawBody, events);
				if (events.length && ctx.state.kommo.webhooks.length) {
					const host = req.headers.host;
					setImmediate(() => dispatchKommoEvents(events, host));
				}
				return undefined;
			}
			if (api === 'control')
				return await handleControl(
					req,
					res,
					pathname.replace(/^\/_sandbox/, ''),
					url.searchParams,
					rawBody,
				);
			return send(res, 404, {
				error:
					'Not found. Intercom lives under /intercom, Kommo under /kommo, controls under /_sandbox',
			});
		} catch (error) {
			return send(res, 500, { error: `Sandbox bug: ${error.message}` });
		}
	});

	reset(config.seed);

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	boundHost = `${config.host}:${address.port}`;

	const sandbox = {
		server,
		port: address.port,
		url: `http://${boundHost}`,
		intercomUrl: `http://${boundHost}/intercom`,
		kommoUrl: `http://${boundHost}/kommo`,
		tokens: {
			intercom: config.intercomToken,
			kommo: config.kommoToken,
			intercomClientSecret: config.clientSecret,
		},
		get state() {
			return ctx.state;
		},
		get log() {
			return ctx.log;
		},
		get counters() {
			return ctx.counters;
		},
		get deliveries() {
			return ctx.deliveries;
		},
		reset,
		seed,
		setFaults: (faults) => ctx.faults.configure(faults),
		configure,
		sendIntercomWebhook,
		sendKommoStatusWebhook,
		appendIntercomPart,
		createIntercomConversation,
		subscribeIntercom,
		clearIntercomSubscriptions,
		duplicateKommoContact,
		/**
		 * Waits for outgoing webhooks fired so far (Kommo events, Intercom subscription attempts);
		 * with `includeRetries`, also for Intercom retries still waiting for their delay.
		 */
		flushWebhooks: (options) => notifier.flush(ctx, options),
		close: async () => {
			ctx.closed = true;
			notifier.cancelRetries(ctx);
			for (const timer of ctx.timers) clearTimeout(timer);
			ctx.timers.clear();
			await new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections?.();
			});
		},
	};
	return sandbox;
}

module.exports = {
	createSandbox,
	DEFAULTS,
	signIntercomBody: webhooks.signIntercomBody,
	buildIntercomNotification: webhooks.buildIntercomNotification,
	buildKommoLeadForm: webhooks.buildKommoLeadForm,
	historySeed,
};
