'use strict';
// One HTTP request through the sandbox: a log entry (counted once answered), an injected fault if
// one is due (Intercom, Kommo, and amojo when named), then the Intercom, Kommo, amojo (Kommo's Chat API) or control
// handler by path prefix. Kommo lead events of the request go out as webhooks after the answer.

const { readBody, send } = require('./http');
const { LOST_RESPONSE_KINDS } = require('./faults');
const { injectFault, loseResponse } = require('./faultResponses');
const { handleIntercom } = require('./intercom');
const { handleKommo, dispatchKommoEvents } = require('./kommo');
const { handleAmojo } = require('./amojo');
const { handleControl } = require('./control');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./context').SandboxContext} SandboxContext */
/** @typedef {import('./index').LogEntry} LogEntry */
/** @typedef {import('./index').KommoLeadEvent} KommoLeadEvent */

/**
 * Which part of the sandbox a path belongs to.
 * @param {string} pathname
 * @returns {LogEntry['api']}
 */
function apiOf(pathname) {
	if (/^\/intercom(\/|$)/.test(pathname)) return 'intercom';
	if (/^\/kommo(\/|$)/.test(pathname)) return 'kommo';
	if (/^\/amojo(\/|$)/.test(pathname)) return 'amojo';
	if (/^\/_sandbox(\/|$)/.test(pathname)) return 'control';
	return 'other';
}

/**
 * Keeps the newest `logLimit` entries.
 * @param {SandboxContext} ctx
 * @param {LogEntry} entry
 */
function record(ctx, entry) {
	ctx.log.push(entry);
	if (ctx.log.length > ctx.config.logLimit) ctx.log.shift();
}

/**
 * @param {SandboxContext} ctx
 * @param {LogEntry} entry an answered (or dropped) request
 */
function count(ctx, entry) {
	const c = ctx.counters;
	c.total++;
	c.byApi[entry.api] = (c.byApi[entry.api] ?? 0) + 1;
	const status = entry.status === null ? 'none' : String(entry.status);
	c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
	if (entry.fault) c.faults[entry.fault] = (c.faults[entry.fault] ?? 0) + 1;
	else if (entry.status === 429 && (entry.api === 'intercom' || entry.api === 'kommo'))
		c.rateLimited[entry.api]++;
}

/**
 * Draws a fault for an API request. A "lost" fault on a write lets the handler run and only
 * swaps its answer (returns false); any other fault answers at once (returns true).
 * @param {SandboxContext} ctx
 * @param {'intercom' | 'kommo' | 'amojo'} api
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {LogEntry} entry gets the fault
 */
function applyFault(ctx, api, req, res, entry) {
	const fault = ctx.faults.pick(api);
	if (!fault) return false;
	if ((fault === 'lost-reset' || fault === 'lost-502') && req.method !== 'GET') {
		entry.fault = fault;
		loseResponse(ctx, fault, api, req, res);
		return false;
	}
	const plain = fault === 'lost-reset' || fault === 'lost-502' ? LOST_RESPONSE_KINDS[fault] : fault;
	entry.fault = plain;
	injectFault(ctx, plain, api, req, res);
	return true;
}

/**
 * The server's request listener.
 * @param {SandboxContext} ctx
 * @returns {(req: IncomingMessage, res: ServerResponse) => Promise<void>}
 */
function createRequestHandler(ctx) {
	return async (req, res) => {
		const started = Date.now();
		const url = new URL(req.url ?? '/', 'http://sandbox.local');
		const pathname = url.pathname;
		const api = apiOf(pathname);
		// control reads (state, log, faults) stay out of the log they report on
		const quiet = api === 'control' && req.method === 'GET';
		/** @type {LogEntry} */
		const entry = {
			seq: ++ctx.seq,
			time: new Date(started).toISOString(),
			api,
			method: req.method ?? 'GET',
			path: pathname + url.search,
			status: null,
			fault: null,
			durationMs: null,
		};
		if (!quiet) record(ctx, entry);
		res.on('close', () => {
			entry.status = res.headersSent ? res.statusCode : null;
			entry.durationMs = Date.now() - started;
			if (!quiet) count(ctx, entry);
		});

		try {
			if (
				(api === 'intercom' || api === 'kommo' || api === 'amojo') &&
				applyFault(ctx, api, req, res, entry)
			)
				return;
			const rawBody = await readBody(req);
			if (api === 'intercom') {
				const path = pathname.replace(/^\/intercom/, '') || '/';
				if (req.headers['intercom-version'])
					entry.intercomVersion = String(req.headers['intercom-version']);
				await handleIntercom(ctx, req, res, path, url.searchParams, rawBody);
				return;
			}
			if (api === 'kommo') {
				const path = pathname.replace(/^\/kommo/, '') || '/';
				/** @type {KommoLeadEvent[]} */
				const events = [];
				await handleKommo(ctx, req, res, path, url.searchParams, rawBody, events);
				if (events.length && ctx.state.kommo.webhooks.length) {
					const host = req.headers.host;
					setImmediate(() => dispatchKommoEvents(ctx, events, host));
				}
				return;
			}
			if (api === 'amojo') {
				const path = pathname.replace(/^\/amojo/, '') || '/';
				await handleAmojo(ctx, req, res, path, url.searchParams, rawBody);
				return;
			}
			if (api === 'control') {
				const path = pathname.replace(/^\/_sandbox/, '');
				await handleControl(ctx, req, res, path, url.searchParams, rawBody);
				return;
			}
			send(res, 404, {
				error:
					'Not found. Intercom lives under /intercom, Kommo under /kommo, Kommo Chat API (amojo) under /amojo, controls under /_sandbox',
			});
		} catch (error) {
			send(res, 500, { error: `Sandbox bug: ${error.message}` });
		}
	};
}

module.exports = { createRequestHandler };
