'use strict';
// What an injected fault looks like on the wire (sandbox/faults.js decides which request gets
// one): the answer each API gives for 429 and 500, a proxy's 502/503 page, a connection dropped
// at once or after a hold, and "lost" answers of writes that were stored.

const { send } = require('./http');
const { LOST_RESPONSE_KINDS } = require('./faults');
const { errorList } = require('./intercom/responses');
const { TOO_MANY_REQUESTS_PAGE } = require('./kommo/responses');

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./context').SandboxContext} SandboxContext */
/** @typedef {import('./index').FaultKind} FaultKind */
/** @typedef {'intercom' | 'kommo' | 'amojo'} Api */

/** nginx's pages, as a proxy in front of either API answers. */
const PROXY_PAGES = {
	502: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
	503: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
};

/**
 * Answers (or drops) the request as the fault `kind` would.
 * @param {SandboxContext} ctx
 * @param {Exclude<FaultKind, 'lost-reset' | 'lost-502'>} kind
 * @param {Api} api
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
function injectFault(ctx, kind, api, req, res) {
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
			const limit = ctx.config.intercomRateLimit ? ctx.config.intercomRateLimit.limit : undefined;
			return send(
				res,
				429,
				errorList([{ code: 'rate_limit_exceeded', message: 'Rate Limit Exceeded' }]),
				{
					'X-RateLimit-Limit': String(limit ?? 1666),
					'X-RateLimit-Remaining': '0',
					'X-RateLimit-Reset': String(reset),
				},
			);
		}
		return send(res, 429, TOO_MANY_REQUESTS_PAGE, {}, 'text/html');
	}
	if (kind === '500') {
		if (api === 'intercom')
			return send(res, 500, errorList([{ code: 'server_error', message: 'Server Error' }]));
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
	return send(res, Number(kind), PROXY_PAGES[kind], {}, 'text/html');
}

/**
 * A "lost" fault: the handler runs and stores as usual; what it answers is swapped for the plain
 * fault (the connection dropped, or a proxy's 502).
 * @param {SandboxContext} ctx
 * @param {'lost-reset' | 'lost-502'} kind
 * @param {Api} api
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
function loseResponse(ctx, kind, api, req, res) {
	const writeHead = res.writeHead;
	const end = res.end;
	res.writeHead = () => res;
	res.end = () => {
		res.writeHead = writeHead;
		res.end = end;
		injectFault(ctx, LOST_RESPONSE_KINDS[kind], api, req, res);
		return res;
	};
}

module.exports = { injectFault, loseResponse };
