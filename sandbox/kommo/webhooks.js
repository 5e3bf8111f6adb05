'use strict';
// Kommo webhooks: the `GET/POST/DELETE /api/v4/webhooks` registrations, and the deliveries of lead
// events to them (a form-encoded POST per destination, after the API answer, like Kommo's own).
// The wire format is built in sandbox/webhooks.js.

const { send, clone, nowSeconds } = require('../http');
const { err, BLANK, BAD_CHOICE, validationFailed, self, sendHal } = require('./responses');
const { takeId } = require('./model');
const { buildKommoLeadForm, deliverKommoForm } = require('../webhooks');
const { trackPending } = require('../context');

/** @typedef {import('./responses').KommoRequest} KommoRequest */
/** @typedef {import('./responses').ValidationError} ValidationError */
/** @typedef {import('../context').SandboxContext} SandboxContext */
/** @typedef {import('../index').KommoState} KommoState */
/** @typedef {import('../index').KommoWebhook} KommoWebhook */
/** @typedef {import('../index').KommoLeadEvent} KommoLeadEvent */
/** @typedef {import('../index').SendKommoStatusWebhookOptions} SendKommoStatusWebhookOptions */
/** @typedef {import('../index').WebhookResult} WebhookResult */
/** @typedef {import('../index').Delivery} Delivery */

const WEBHOOK_SETTINGS = [
	'add_lead',
	'update_lead',
	'delete_lead',
	'restore_lead',
	'status_lead',
	'responsible_lead',
	'note_lead',
	'add_contact',
	'update_contact',
	'delete_contact',
	'restore_contact',
	'responsible_contact',
	'note_contact',
	'add_company',
	'update_company',
	'delete_company',
	'restore_company',
	'responsible_company',
	'note_company',
	'add_task',
	'update_task',
	'delete_task',
	'responsible_task',
	'add_message',
	'add_chat_template_review',
	'add_talk',
	'update_talk',
	'add_unsorted',
	'delete_unsorted',
];

/**
 * @param {KommoState} state
 * @param {{ destination: string, settings: string[], sort?: number, disabled?: boolean }} input
 * @returns {KommoWebhook}
 */
function buildWebhook(state, input) {
	const now = nowSeconds();
	return {
		id: takeId(state, 'webhook'),
		destination: input.destination,
		created_at: now,
		updated_at: now,
		account_id: state.account?.id ?? 0,
		created_by: state.account?.current_user_id ?? 0,
		sort: input.sort ?? 1,
		disabled: Boolean(input.disabled),
		settings: [...input.settings],
	};
}

// ---------------------------------------------------------------- registrations

/** @param {KommoRequest} request */
function listWebhooks({ state, req, res, path, searchParams }) {
	const destination = searchParams.get('filter[destination]');
	const hooks = state.webhooks.filter(
		(hook) => destination === null || hook.destination === destination,
	);
	if (!hooks.length) return send(res, 204);
	return sendHal(res, {
		_total_items: hooks.length,
		_links: self(req, path),
		_embedded: { webhooks: clone(hooks) },
	});
}

/**
 * A second POST for the same destination replaces its settings and re-enables it.
 * @param {KommoRequest} request
 */
function registerWebhook({ state, res, body }) {
	const input = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
	/** @type {ValidationError[]} */
	const errors = [];
	if (typeof input.destination !== 'string' || !/^https?:\/\/\S+$/i.test(input.destination))
		errors.push(err('InvalidUrl', 'destination', 'This value is not a valid URL.'));
	if (!Array.isArray(input.settings) || !input.settings.length)
		errors.push(err('NotBlank', 'settings', BLANK));
	else
		input.settings.forEach((/** @type {string} */ setting, /** @type {number} */ i) => {
			if (!WEBHOOK_SETTINGS.includes(setting))
				errors.push(err('NotSupportedChoice', `settings.${i}`, BAD_CHOICE));
		});
	if (errors.length) return validationFailed(res, [{ request_id: '0', errors }]);
	let hook = state.webhooks.find((entry) => entry.destination === input.destination);
	if (hook) {
		hook.settings = [...input.settings];
		hook.sort = input.sort ?? hook.sort;
		hook.disabled = false;
		hook.updated_at = nowSeconds();
	} else {
		hook = buildWebhook(state, input);
		state.webhooks.push(hook);
	}
	return sendHal(res, clone(hook), 201);
}

/**
 * Answers 204 even for a destination that has no webhook.
 * @param {KommoRequest} request
 */
function deleteWebhook({ state, res, body }) {
	const destination = body && typeof body.destination === 'string' ? body.destination : undefined;
	if (!destination)
		return validationFailed(res, [
			{ request_id: '0', errors: [err('NotBlank', 'destination', BLANK)] },
		]);
	state.webhooks = state.webhooks.filter((hook) => hook.destination !== destination);
	return send(res, 204);
}

// ---------------------------------------------------------------- deliveries

/**
 * POSTs lead events to one destination and records the attempt in `ctx.deliveries`.
 * @param {SandboxContext} ctx
 * @param {string} url
 * @param {KommoLeadEvent[]} events
 * @param {string[]} settings the settings the events answer (recorded with the delivery)
 * @param {string | undefined} host the sandbox's host:port, for `account[_links][self]`
 * @returns {Promise<WebhookResult>}
 */
async function postKommoForm(ctx, url, events, settings, host) {
	const rawBody = buildKommoLeadForm(events, ctx.state.kommo, host);
	/** @type {Delivery} */
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
		const result = await deliverKommoForm({
			url,
			rawBody,
			timeoutMs: ctx.config.webhookTimeoutMs,
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
 * status/pipeline as new, and its current status and pipeline as the old ones too.
 * @param {SandboxContext} ctx
 * @param {SendKommoStatusWebhookOptions} options
 */
async function sendKommoStatusWebhook(
	ctx,
	{ url, leadId, lead, statusId, pipelineId, oldStatusId, oldPipelineId, host },
) {
	if (!url) throw new Error('sendKommoStatusWebhook needs a url');
	const stored = lead ?? ctx.state.kommo.leads.find((entry) => entry.id === Number(leadId));
	if (!stored) throw new Error(`Unknown Kommo lead ${leadId}`);
	const snapshot = {
		...clone(stored),
		...(statusId !== undefined ? { status_id: Number(statusId) } : {}),
		...(pipelineId !== undefined ? { pipeline_id: Number(pipelineId) } : {}),
	};
	/** @type {KommoLeadEvent} */
	const event = {
		action: 'status',
		lead: snapshot,
		old_status_id: oldStatusId ?? snapshot.status_id,
		old_pipeline_id: oldPipelineId ?? snapshot.pipeline_id,
	};
	return await postKommoForm(ctx, url, [event], ['status_lead'], host ?? ctx.host);
}

/**
 * The lead events of one API request: one POST per enabled destination whose settings include
 * `<action>_lead`, in the background (`flushWebhooks` waits for them).
 * @param {SandboxContext} ctx
 * @param {KommoLeadEvent[]} events
 * @param {string | undefined} host
 */
function dispatchKommoEvents(ctx, events, host) {
	for (const hook of ctx.state.kommo.webhooks) {
		if (hook.disabled) continue;
		const wanted = events.filter((event) => hook.settings.includes(`${event.action}_lead`));
		if (!wanted.length) continue;
		const settings = [...new Set(wanted.map((event) => `${event.action}_lead`))];
		trackPending(
			ctx,
			postKommoForm(ctx, hook.destination, wanted, settings, host).catch(() => undefined),
		);
	}
}

module.exports = {
	buildWebhook,
	listWebhooks,
	registerWebhook,
	deleteWebhook,
	sendKommoStatusWebhook,
	dispatchKommoEvents,
};
