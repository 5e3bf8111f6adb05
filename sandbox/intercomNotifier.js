'use strict';
// Intercom webhook deliveries: single signed attempts (sendIntercomWebhook) and subscriptions that
// fire by themselves when a part is appended or a conversation is started, delivered like Intercom
// does: asynchronously, and a failed attempt (no answer, timeout, non-2xx) is retried ONCE after a
// delay with `delivery_attempts: 2` and the same notification id, then dropped. A catch-up sweep
// is what recovers a dropped notification - which is what these subscriptions let tests prove.

const webhooks = require('./webhooks');

/** The topic Intercom sends for a part appended by each kind of author. */
const TOPIC_OF_PART_KIND = {
	customer: 'conversation.user.replied',
	admin: 'conversation.admin.replied',
	bot: 'conversation.operator.replied',
	note: 'conversation.admin.noted',
	close: 'conversation.admin.closed',
};

function topicOfPart(kind, part) {
	if (kind === 'admin' && part.part_type === 'assignment') return 'conversation.admin.assigned';
	return TOPIC_OF_PART_KIND[kind];
}

function emptyNotifierState() {
	return { subscriptions: [], retries: new Set(), nextSubscription: 1 };
}

function trackPending(ctx, promise) {
	ctx.pending.add(promise);
	promise.finally(() => ctx.pending.delete(promise)).catch(() => undefined);
	return promise;
}

// ---------------------------------------------------------------- subscriptions

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

function clearSubscriptions(ctx) {
	ctx.notifier.subscriptions = [];
}

/** Subscriptions without their secrets, for the control API. */
function describeSubscriptions(ctx) {
	return ctx.notifier.subscriptions.map(({ id, url, topics }) => ({ id, url, topics }));
}

// ---------------------------------------------------------------- one attempt

/**
 * POSTs one notification and records the attempt in `deliveries`. Resolves the HTTP answer
 * (whatever its status), rejects on network errors and timeouts.
 */
async function attemptDelivery(ctx, target, notification) {
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

function isSuccess(status) {
	return status >= 200 && status < 300;
}

/** Resolves `{ ok, delivery }`: subscription deliveries never reject. */
async function attemptQuietly(ctx, target, notification) {
	try {
		const result = await attemptDelivery(ctx, target, notification);
		return { ok: isSuccess(result.status), delivery: result.delivery };
	} catch (error) {
		return { ok: false, delivery: error.delivery };
	}
}

// ---------------------------------------------------------------- retry once, then drop

function scheduleRetry(ctx, notifier, run) {
	// a reset or close since the first attempt started: that notification belongs to the past
	if (ctx.closed || ctx.notifier !== notifier) return;
	const retry = {};
	retry.fired = new Promise((resolve) => {
		retry.cancel = resolve;
		retry.timer = setTimeout(() => {
			ctx.notifier.retries.delete(retry);
			resolve(trackPending(ctx, run()));
		}, ctx.config.intercomWebhookRetryDelayMs);
	});
	ctx.notifier.retries.add(retry);
}

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

/** Stops retries that have not fired yet (close/reset); their notifications are lost. */
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

/** Waits for deliveries in flight; with `includeRetries`, also for retries still to fire. */
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
	trackPending,
	subscribe,
	clearSubscriptions,
	describeSubscriptions,
	attemptDelivery,
	notifySubscribers,
	cancelRetries,
	flush,
};
