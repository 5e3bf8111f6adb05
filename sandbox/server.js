#!/usr/bin/env node
'use strict';
// CLI: node sandbox/server.js [--port N] [--seed default|empty] [--no-rate-limit]
// Port: --port, else SANDBOX_PORT, else 5680; 0 picks a free port.

const { createSandbox } = require('./index');

/**
 * @typedef {object} CliArgs
 * @property {number} port
 * @property {string} seed
 * @property {boolean} rateLimit
 * @property {string} host
 * @property {boolean} [help]
 */

/**
 * @param {string[]} argv the arguments after the script
 * @returns {CliArgs}
 */
function parseArgs(argv) {
	let portText = process.env.SANDBOX_PORT ?? '5680';
	/** @type {Omit<CliArgs, 'port'>} */
	const args = {
		seed: 'default',
		rateLimit: true,
		host: '127.0.0.1',
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [name, inline] = arg.split('=', 2);
		const value = () => (inline !== undefined ? inline : argv[++i]);
		if (name === '--port') portText = value();
		else if (name === '--seed') args.seed = value();
		else if (name === '--host') args.host = value();
		else if (name === '--no-rate-limit') args.rateLimit = false;
		else if (name === '--help' || name === '-h') args.help = true;
		else throw new Error(`Unknown argument ${arg}`);
	}
	const port = Number(portText);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new Error(`Invalid port "${portText}"`);
	return { ...args, port };
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(error.message);
		process.exit(2);
	}
	if (args.help) {
		console.log(
			'Usage: node sandbox/server.js [--port N] [--seed default|empty] [--no-rate-limit] [--host 127.0.0.1]',
		);
		return;
	}
	const sandbox = await createSandbox({
		port: args.port,
		host: args.host,
		seed: args.seed,
		...(args.rateLimit ? {} : { kommoRateLimit: false }),
	});
	const account = sandbox.state.kommo.account;
	console.log(`Intercom/Kommo sandbox listening on ${sandbox.url} (seed: ${args.seed})`);
	console.log('');
	console.log('Intercom credential (region "Custom Base URL"):');
	console.log(`  Base URL:      ${sandbox.intercomUrl}`);
	console.log(`  Access Token:  ${sandbox.tokens.intercom}`);
	console.log(`  Client Secret: ${sandbox.tokens.intercomClientSecret}`);
	console.log('');
	console.log('Kommo credential (domain "Custom Base URL"):');
	console.log(`  Base URL:         ${sandbox.kommoUrl}`);
	console.log(`  Long-Lived Token: ${sandbox.tokens.kommo}`);
	if (account) console.log(`  Account:          ${account.subdomain} (id ${account.id})`);
	console.log(`  Rate limit:       ${args.rateLimit ? '7 requests/s' : 'off'}`);
	console.log('');
	console.log(`Controls: ${sandbox.url}/_sandbox (GET for the list)`);

	const stop = async () => {
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(`Sandbox failed to start: ${error.message}`);
	process.exit(1);
});
