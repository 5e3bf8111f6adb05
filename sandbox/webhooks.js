'use strict';
// Outgoing webhooks on the wire: how the sandbox drives n8n.
//  - Intercom: a `notification_event` envelope (JSON), HMAC-SHA1 of the exact raw body with the
//    app's client secret in `X-Hub-Signature: sha1=<hex>`, as Intercom's webhook docs describe.
//  - Kommo: `application/x-www-form-urlencoded`, PHP bracket keys, legacy v2 field names, every
//    value a string, `account[...]` at the end, as in a payload captured from a real account.
// Who gets them, and when, is decided in sandbox/intercom/notifier.js and sandbox/kommo/webhooks.js.

const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');

const INTERCOM_USER_AGENT = 'intercom-parrot-service-client/1.0';
const KOMMO_USER_AGENT = 'amoCRM-WebHook-client/1.0';

/** @typedef {import('./index').KommoState} KommoState */
/** @typedef {import('./index').KommoLeadEvent} KommoLeadEvent */

/**
 * @typedef {object} RawResponse
 * @property {number} status
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string} body
 */

/**
 * POSTs raw bytes; resolves `{ status, headers, body }`, rejects on network errors/timeouts.
 * @param {string} url
 * @param {string} body
 * @param {Record<string, string>} headers
 * @param {number} [timeoutMs]
 * @returns {Promise<RawResponse>}
 */
function postRaw(url, body, headers, timeoutMs = 5000) {
	return new Promise((resolve, reject) => {
		const target = new URL(url);
		const client = target.protocol === 'https:' ? https : http;
		const request = client.request(
			target,
			{
				method: 'POST',
				headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
				timeout: timeoutMs,
			},
			(response) => {
				/** @type {Buffer[]} */
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						// always set on the response of a client request
						status: /** @type {number} */ (response.statusCode),
						headers: response.headers,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				response.on('error', reject);
			},
		);
		request.on('timeout', () =>
			request.destroy(
				Object.assign(new Error(`No answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
			),
		);
		request.on('error', reject);
		request.end(body);
	});
}

/**
 * The `X-Hub-Signature` value of a body.
 * @param {string | Buffer} rawBody
 * @param {string} clientSecret
 */
function signIntercomBody(rawBody, clientSecret) {
	return `sha1=${crypto.createHmac('sha1', clientSecret).update(rawBody).digest('hex')}`;
}

/**
 * The `notification_event` envelope Intercom posts. `item` is the object for `data.item` (for
 * `conversation.*` topics the full Conversation model).
 * @param {{ appId: string | null, topic: string, item: unknown, notificationId?: string, deliveryAttempts?: number, createdAt?: number }} options
 */
function buildIntercomNotification({
	appId,
	topic,
	item,
	notificationId,
	deliveryAttempts = 1,
	createdAt,
}) {
	const now = createdAt ?? Math.floor(Date.now() / 1000);
	return {
		type: 'notification_event',
		app_id: appId,
		data: { type: 'notification_event_data', item },
		links: {},
		id: notificationId ?? `notif_${crypto.randomUUID()}`,
		topic,
		delivery_status: 'pending',
		delivery_attempts: deliveryAttempts,
		delivered_at: 0,
		first_sent_at: now,
		created_at: now,
		self: null,
	};
}

/**
 * Signs and sends one notification. `sign: false` sends no signature header and `signature`
 * overrides it (to demo rejected deliveries).
 * @param {object} options
 * @param {string} options.url
 * @param {ReturnType<typeof buildIntercomNotification>} options.notification
 * @param {string} [options.clientSecret]
 * @param {boolean} [options.sign]
 * @param {string} [options.signature]
 * @param {number} [options.timeoutMs]
 */
async function deliverIntercomNotification({
	url,
	notification,
	clientSecret,
	sign = true,
	signature,
	timeoutMs,
}) {
	const rawBody = JSON.stringify(notification);
	/** @type {Record<string, string>} */
	const headers = {
		'User-Agent': INTERCOM_USER_AGENT,
		Accept: 'application/json',
		'Content-Type': 'application/json',
	};
	if (signature !== undefined) headers['X-Hub-Signature'] = signature;
	else if (sign) {
		if (!clientSecret) throw new Error('sendIntercomWebhook needs a clientSecret to sign the body');
		headers['X-Hub-Signature'] = signIntercomBody(rawBody, clientSecret);
	}
	const response = await postRaw(url, rawBody, headers, timeoutMs);
	return { ...response, rawBody, signature: headers['X-Hub-Signature'], notification };
}

/**
 * The form fields of one lead in Kommo's legacy webhook format, in the captured order.
 * @param {string} prefix e.g. `leads[status][0]`
 * @param {any} lead a stored lead or a caller's stand-in
 * @param {KommoState} state
 * @param {Partial<Pick<KommoLeadEvent, 'old_status_id' | 'old_pipeline_id' | 'old_responsible_user_id'>>} [extra]
 * @returns {Array<[string, unknown]>}
 */
function leadFormFields(prefix, lead, state, extra = {}) {
	/** @type {Array<[string, unknown]>} */
	const fields = [
		[`${prefix}[id]`, lead.id],
		[`${prefix}[name]`, lead.name],
		[`${prefix}[status_id]`, lead.status_id],
		[`${prefix}[price]`, lead.price ?? 0],
		[`${prefix}[responsible_user_id]`, lead.responsible_user_id],
		[`${prefix}[last_modified]`, lead.updated_at],
		[`${prefix}[modified_user_id]`, lead.updated_by],
		[`${prefix}[created_user_id]`, lead.created_by],
		[`${prefix}[date_create]`, lead.created_at],
		[`${prefix}[pipeline_id]`, lead.pipeline_id],
		[`${prefix}[account_id]`, lead.account_id ?? state.account?.id],
	];
	(lead.custom_fields_values ?? []).forEach((/** @type {any} */ field, /** @type {number} */ i) => {
		fields.push([`${prefix}[custom_fields][${i}][id]`, field.field_id]);
		fields.push([`${prefix}[custom_fields][${i}][name]`, field.field_name]);
		(field.values ?? []).forEach((/** @type {any} */ value, /** @type {number} */ j) => {
			fields.push([`${prefix}[custom_fields][${i}][values][${j}][value]`, value.value]);
			if (value.enum_id !== undefined && value.enum_id !== null)
				fields.push([`${prefix}[custom_fields][${i}][values][${j}][enum]`, value.enum_id]);
		});
	});
	if (extra.old_status_id !== undefined)
		fields.push([`${prefix}[old_status_id]`, extra.old_status_id]);
	if (extra.old_pipeline_id !== undefined)
		fields.push([`${prefix}[old_pipeline_id]`, extra.old_pipeline_id]);
	if (extra.old_responsible_user_id !== undefined)
		fields.push([`${prefix}[old_responsible_user_id]`, extra.old_responsible_user_id]);
	return fields;
}

/**
 * The form body for lead events: `events` = `[{ action: 'status'|'add'|'update'|'responsible',
 * lead, old_status_id?, old_pipeline_id?, old_responsible_user_id? }]`. Several events per action
 * become `leads[status][0]`, `leads[status][1]`, ... like Kommo's batched deliveries.
 * @param {Array<KommoLeadEvent | Record<string, any>>} events
 * @param {KommoState} kommoState
 * @param {string} [host] the sandbox's host:port for `account[_links][self]`; else the account's
 *   kommo.com address
 */
function buildKommoLeadForm(events, kommoState, host) {
	/** @type {Array<[string, unknown]>} */
	const fields = [];
	/** @type {Record<string, number>} */
	const counters = {};
	for (const event of events) {
		const index = counters[event.action] ?? 0;
		counters[event.action] = index + 1;
		fields.push(
			...leadFormFields(`leads[${event.action}][${index}]`, event.lead, kommoState, event),
		);
	}
	/** @type {Partial<NonNullable<KommoState['account']>>} */
	const account = kommoState.account ?? {};
	fields.push(['account[subdomain]', account.subdomain]);
	fields.push(['account[id]', account.id]);
	fields.push([
		'account[_links][self]',
		host ? `http://${host}/kommo` : `https://${account.subdomain}.kommo.com`,
	]);
	const form = new URLSearchParams();
	for (const [key, value] of fields)
		form.append(key, value === null || value === undefined ? '' : String(value));
	// URLSearchParams encodes [ ] as %5B %5D and spaces as "+", exactly like the captured body
	return form.toString();
}

/**
 * POSTs a form built by buildKommoLeadForm as Kommo does.
 * @param {{ url: string, rawBody: string, timeoutMs?: number }} options
 */
async function deliverKommoForm({ url, rawBody, timeoutMs }) {
	const response = await postRaw(
		url,
		rawBody,
		{
			'User-Agent': KOMMO_USER_AGENT,
			'Content-Type': 'application/x-www-form-urlencoded',
			Accept: '*/*',
			Connection: 'close',
		},
		timeoutMs,
	);
	return { ...response, rawBody };
}

module.exports = {
	postRaw,
	signIntercomBody,
	buildIntercomNotification,
	deliverIntercomNotification,
	buildKommoLeadForm,
	deliverKommoForm,
};
