'use strict';
// Intercom webhook deliveries: single signed attempts (sendIntercomWebhook) and subscriptions that
// fire by themselves when a part is appended or a conversation is started, delivered like Intercom
// does: asynchronously, and a failed attempt (no answer, timeout, non-2xx) is retried ONCE after a
// delay with `delivery_attempts: 2` and the same notification id, then dropped. A catch-up sweep
// is what recovers a dropped notification - which is what these subscriptions let tests prove.
// The wire format is built in sandbox/webhooks.js.

const webhooks = require('../webhooks');
const { trackPending } = require('../context');
const { renderConversation } = require('./render');

/** @typedef {import('../context').SandboxContext} SandboxContext */
/** @typedef {import('../index').Delivery} Delivery */
/** @typedef {import('../index').IntercomPart} IntercomPart */
/** @typedef {import('../index').IntercomPartKind} IntercomPartKind */
/** @typedef {import('../index').IntercomSubscriptionOptions} IntercomSubscriptionOptions */
/** @typedef {import('../index').IntercomWebhookResult} IntercomWebhookResult */
/** @typedef {import('../index').SendIntercomWebhookOptions} SendIntercomWebhookOptions */
/** @typedef {ReturnType<typeof webhooks.buildIntercomNotification>} Notification */

/**
 * A subscription as the sandbox keeps it (the control API shows it without the secret).
 * @typedef {{ id: string, url: string, topics: string[], clientSecret: string }} StoredSubscription
 */

/**
 * A retry waiting for its delay: `fired` settles when it ran (or was cancelled).
 * @typedef {{ timer?: NodeJS.Timeout, cancel: (value?: unknown) => void, fired: Promise<unknown> }} PendingRetry
 */

/**
 * Where and how one notification is sent.
 * @typedef {object} DeliveryTarget
 * @property {string} url
 * @property {string} [clientSecret]
 * @property {boolean} [sign]
 * @property {string} [signature] sent instead of the computed X-Hub-Signature
 * @property {string} [subscriptionId] set when a subscription caused the attempt
 */

/**
 * Subscriptions and retries. Replaced whole on reset, so a retry can tell that it belongs to an
 * earlier run (see scheduleRetry).
 * @typedef {{ subscriptions: StoredSubscription[], retries: Set<PendingRetry>, nextSubscription: number }} NotifierState
 */

/** The topic Intercom sends for a part appended by each kind of author. */
const TOPIC_OF_PART_KIND = {
	customer: 'conversation.user.replied',
	admin: 'conversation.admin.replied',
	bot: 'conversation.operator.replied',
	note: 'conversation.admin.noted',
	close: 'conversation.admin.closed',
};

/**
 * @param {IntercomPartKind} kind
 * @param {IntercomPart} part
 */
function topicOfPart(kind, part) {
	if (kind === 'admin' && part.part_type === 'assignment') return 'conversation.admin.assigned';
	return TOPIC_OF_PART_KIND[kind];
}

/** @returns {NotifierState} */
function emptyNotifierState() {
	return { subscriptions: [], retries: new Set(), nextSubscription: 1 };
}

// ---------------------------------------------------------------- subscriptions

/**
 * @param {SandboxContext} ctx
 * @param {Partial<IntercomSubscriptionOptions>} [options]
 * @returns {StoredSubscription}
 */
function subscribe(ctx, { url, topics, clientSecret } = {}) {
	if (!url) throw new Error('An Intercom subscription needs a url');
	if (!Array.isArray(topics) || !topics.length)
		throw new Error('An Intercom subscription needs a non-empty topics array');
	const subscription = {
		id: `sub_${ctx.notifier.nextSubscription++}`,
		url,
		topics: [...topics],
		clientSecret: clientSecret ?? ctx.config.clientSecret,
	};
	ctx.notifier.subscriptions.push(subscription);
	return subscription;
}

/** @param {SandboxContext} ctx */
function clearSubscriptions(ctx) {
	ctx.notifier.subscriptions = [];
}

/**
 * Subscriptions without their secrets, for the control API.
 * @param {SandboxContext} ctx
 */
function describeSubscriptions(ctx) {
	return ctx.notifier.subscriptions.map(({ id, url, topics }) => ({ id, url, topics }));
}

// ---------------------------------------------------------------- one attempt

/**
 * POSTs one notification and records the attempt in `deliveries`. Resolves the HTTP answer
 * (whatever its status), rejects on network errors and timeouts (the error carries `delivery`).
 * @param {SandboxContext} ctx
 * @param {DeliveryTarget} target
 * @param {Notification} notification
 */
async function attemptDelivery(ctx, target, notification) {
	/** @type {Delivery} */
	const delivery = {
		time: new Date().toISOString(),
		kind: 'intercom',
		url: target.url,
		topic: notification.topic,
		notificationId: notification.id,
		attempt: notification.delivery_attempts,
		dropped: false,
		status: null,
		error: null,
		...(target.subscriptionId ? { subscriptionId: target.subscriptionId } : {}),
	};
	ctx.deliveries.push(delivery);
	ctx.counters.webhooks.intercom++;
	try {
		const result = await webhooks.deliverIntercomNotification({
			url: target.url,
			notification,
			clientSecret: target.clientSecret,
			sign: target.sign,
			signature: target.signature,
			timeoutMs: ctx.config.webhookTimeoutMs,
		});
		delivery.status = result.status;
		if (!isSuccess(result.status)) ctx.counters.webhooks.failed++;
		return { ...result, delivery };
	} catch (error) {
		delivery.error = error.code ?? error.message;
		ctx.counters.webhooks.failed++;
		throw Object.assign(error, { delivery });
	}
}

/** @param {number} status */
function isSuccess(status) {
	return status >= 200 && status < 300;
}

/**
 * One signed notification, sent at once (not through a subscription, never retried). Its
 * `data.item` is `item`, a ping for topic `ping`, else the conversation as of now.
 * @param {SandboxContext} ctx
 * @param {SendIntercomWebhookOptions} options
 * @returns {Promise<IntercomWebhookResult>}
 */
async function sendIntercomWebhook(
	ctx,
	{
		url,
		topic = 'conversation.user.replied',
		conversationId,
		clientSecret = ctx.config.clientSecret,
		notificationId,
		deliveryAttempts,
		item,
		plaintext = false,
		sign,
		signature,
	},
) {
	if (!url) throw new Error('sendIntercomWebhook needs a url');
	const state = ctx.state.intercom;
	let payloadItem = item;
	if (payloadItem === undefined) {
		if (topic === 'ping') {
			payloadItem = { type: 'ping', message: 'something something interzen' };
		} else {
			const conversation = state.conversations.find((entry) => entry.id === String(conversationId));
			if (!conversation) throw new Error(`Unknown Intercom conversation ${conversationId}`);
			payloadItem = renderConversation(state, conversation, { plaintext });
		}
	}
	const notification = webhooks.buildIntercomNotification({
		appId: state.app?.id_code ?? null,
		topic,
		item: payloadItem,
		notificationId,
		deliveryAttempts,
	});
	const target = { url, clientSecret, sign, signature };
	const { delivery: _recorded, ...result } = await attemptDelivery(ctx, target, notification);
	return result;
}

/**
 * Resolves `{ ok, delivery }`: subscription deliveries never reject.
 * @param {SandboxContext} ctx
 * @param {DeliveryTarget} target
 * @param {Notification} notification
 * @returns {Promise<{ ok: boolean, delivery: Delivery }>}
 */
async function attemptQuietly(ctx, target, notification) {
	try {
		const result = await attemptDelivery(ctx, target, notification);
		return { ok: isSuccess(result.status), delivery: result.delivery };
	} catch (error) {
		return { ok: false, delivery: error.delivery };
	}
}

// ---------------------------------------------------------------- retry once, then drop

/**
 * @param {SandboxContext} ctx
 * @param {NotifierState} notifier the notifier state of the first attempt
 * @param {() => Promise<void>} run the second attempt
 */
function scheduleRetry(ctx, notifier, run) {
	// a reset or close since the first attempt started: that notification belongs to the past
	if (ctx.closed || ctx.notifier !== notifier) return;
	/** @type {Partial<PendingRetry>} */
	const pending = {};
	pending.fired = new Promise((resolve) => {
		pending.cancel = resolve;
		pending.timer = setTimeout(() => {
			ctx.notifier.retries.delete(retry);
			resolve(trackPending(ctx, run()));
		}, ctx.config.intercomWebhookRetryDelayMs);
	});
	// the Promise executor ran synchronously, so every field is set
	const retry = /** @type {PendingRetry} */ (pending);
	ctx.notifier.retries.add(retry);
}

/**
 * @param {SandboxContext} ctx
 * @param {DeliveryTarget} target
 * @param {Notification} notification
 */
async function deliverWithRetry(ctx, target, notification) {
	const notifier = ctx.notifier;
	const first = await attemptQuietly(ctx, target, notification);
	if (first.ok) return;
	scheduleRetry(ctx, notifier, async () => {
		const second = await attemptQuietly(ctx, target, { ...notification, delivery_attempts: 2 });
		if (second.ok) return;
		second.delivery.dropped = true;
		ctx.counters.webhooks.dropped++;
	});
}

/**
 * Stops retries that have not fired yet (close/reset); their notifications are lost.
 * @param {SandboxContext} ctx
 */
function cancelRetries(ctx) {
	for (const retry of ctx.notifier.retries) {
		clearTimeout(retry.timer);
		retry.cancel();
	}
	ctx.notifier.retries.clear();
}

// ---------------------------------------------------------------- fan-out

/**
 * Sends `topic` with `item` to every subscription that has it, in the background. Returns the
 * ids of the subscriptions notified.
 * @param {SandboxContext} ctx
 * @param {string} topic
 * @param {unknown} item the notification's `data.item`
 * @returns {string[]}
 */
function notifySubscribers(ctx, topic, item) {
	const wanted = ctx.notifier.subscriptions.filter((entry) => entry.topics.includes(topic));
	for (const subscription of wanted) {
		const notification = webhooks.buildIntercomNotification({
			appId: ctx.state.intercom.app?.id_code ?? null,
			topic,
			item,
		});
		const target = {
			url: subscription.url,
			clientSecret: subscription.clientSecret,
			subscriptionId: subscription.id,
		};
		trackPending(ctx, deliverWithRetry(ctx, target, notification));
	}
	return wanted.map((entry) => entry.id);
}

/**
 * Waits for deliveries in flight; with `includeRetries`, also for retries still to fire.
 * @param {SandboxContext} ctx
 * @param {{ includeRetries?: boolean }} [options]
 */
async function flush(ctx, { includeRetries = false } = {}) {
	await new Promise((resolve) => setImmediate(resolve));
	const waiting = () =>
		includeRetries
			? [...ctx.pending, ...[...ctx.notifier.retries].map((r) => r.fired)]
			: [...ctx.pending];
	for (let open = waiting(); open.length; open = waiting()) await Promise.allSettled(open);
}

module.exports = {
	TOPIC_OF_PART_KIND,
	topicOfPart,
	emptyNotifierState,
	subscribe,
	clearSubscriptions,
	describeSubscriptions,
	sendIntercomWebhook,
	notifySubscribers,
	cancelRetries,
	flush,
};
