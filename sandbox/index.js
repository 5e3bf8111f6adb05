'use strict';
// Local sandbox of the Intercom and Kommo APIs for tests and demos. Not part of the published
// package. One HTTP server, in-memory state:
//   /intercom/...        Intercom REST (credential region "Custom", base URL <url>/intercom)
//   /kommo/api/v4/...    Kommo REST    (credential domain "Custom", base URL <url>/kommo)
//   /amojo/v2/...        Kommo Chat API (amojo), signed calls (base URL <url>/amojo)
//   /_sandbox/...        control endpoints (JSON): reset, seed, state, log, faults, webhooks
// This file is the JS API (createSandbox); sandbox/README.md maps the rest, sandbox/index.d.ts
// types it.

const http = require('node:http');

const { DEFAULTS } = require('./context');
const setup = require('./setup');
const { createRequestHandler } = require('./dispatcher');
const notifier = require('./intercom/notifier');
const activity = require('./intercom/activity');
const kommo = require('./kommo');
const amojo = require('./amojo');
const webhooks = require('./webhooks');
const { historySeed } = require('./seed');

/** @typedef {import('./index').SandboxOptions} SandboxOptions */
/** @typedef {import('./index').Sandbox} Sandbox */

/**
 * Starts a sandbox on `options.port` (0: a free one) and resolves once it listens.
 * @param {SandboxOptions} [options]
 * @returns {Promise<Sandbox>}
 */
async function createSandbox(options = {}) {
	const ctx = setup.createContext(options);
	const { config } = ctx;
	const server = http.createServer(createRequestHandler(ctx));

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});
	const address = server.address();
	// listening on a host and port, the address is always an AddressInfo (a string is a pipe's)
	if (address === null || typeof address === 'string')
		throw new Error(`The sandbox server has no TCP address (${address})`);
	const host = `${config.host}:${address.port}`;
	ctx.host = host;

	/** @type {Sandbox} */
	const sandbox = {
		server,
		port: address.port,
		url: `http://${host}`,
		intercomUrl: `http://${host}/intercom`,
		kommoUrl: `http://${host}/kommo`,
		amojoUrl: `http://${host}/amojo`,
		get amojo() {
			return amojo.describeAmojo(ctx, `http://${host}/amojo`);
		},
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
		reset: (preset) => setup.reset(ctx, preset),
		seed: (data, seedOptions) => setup.seed(ctx, data, seedOptions),
		setFaults: (faults) => ctx.faults.configure(faults),
		configure: (changes) => setup.configure(ctx, changes),
		sendIntercomWebhook: (webhook) => notifier.sendIntercomWebhook(ctx, webhook),
		sendKommoStatusWebhook: (webhook) => kommo.sendKommoStatusWebhook(ctx, webhook),
		appendIntercomPart: (conversationId, part) =>
			activity.appendAndNotify(ctx, conversationId, part).part,
		createIntercomConversation: (conversation) =>
			activity.startConversation(ctx, conversation).conversation,
		subscribeIntercom: (subscription) => notifier.subscribe(ctx, subscription),
		clearIntercomSubscriptions: () => notifier.clearSubscriptions(ctx),
		duplicateKommoContact: (contactId, duplicate) =>
			kommo.duplicateContact(ctx.state.kommo, contactId, duplicate),
		amojoManagerReply: (reply) => amojo.managerReply(ctx, reply),
		amojoWriteFirst: (message) => amojo.writeFirst(ctx, message),
		amojoChat: (id) => amojo.chatView(ctx, id),
		amojoChatsOn: (target) => amojo.chatsOn(ctx, target),
		flushWebhooks: (flushOptions) => notifier.flush(ctx, flushOptions),
		close: async () => {
			ctx.closed = true;
			notifier.cancelRetries(ctx);
			for (const timer of ctx.timers) clearTimeout(timer);
			ctx.timers.clear();
			await new Promise((resolve) => {
				server.close(() => resolve(undefined));
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
	signAmojoRequest: amojo.signAmojoRequest,
	signAmojoHookBody: amojo.signAmojoHookBody,
	verifyAmojoRequest: amojo.verifyAmojoRequest,
	historySeed,
};
