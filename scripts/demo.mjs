// `npm start`: the whole product on this machine, with nothing to sign up for.
//
// A real n8n (2.41.1, installed once into a cache outside the repository) with this package installed
// as a community package and both template workflows published, talking to a local sandbox of the
// Intercom and Kommo APIs (sandbox/, demo seed). The demo then plays Intercom: it sends the sample chat
// as a signed `conversation.user.created` webhook, waits for the Kommo note and prints it, and keeps
// running (printing every note and tag the workflows write) until Ctrl-C.
//
// Everything listens on 127.0.0.1. State lives in `.cache/demo/` (git-ignored): the n8n user folder
// (database reset on every start, so n8n and the freshly seeded sandbox always agree) and logs.
//
// `npm start -- --check` does all of that, then sends the two requests the printed "Try it" lines
// show (a customer reply; the deal moved to Won), asserts the second note and the Intercom tag, stops
// everything and exits 0 or 1: the README's start command as CI runs it.
//
// Environment: DEMO_N8N_PORT (default 5678, or a free port if taken), DEMO_SANDBOX_PORT (default 5680,
// likewise), N8N_VERSION (default 2.41.1), N8N_CACHE_DIR (where n8n is installed).
//
// The steps are in scripts/demo/: settings, the demo's n8n, the package, starting everything and
// sending the sample chat (start.mjs), printing what the workflows write (watch.mjs), and the
// "Try it" requests with their --check (tryIt.mjs). This file runs them and stops on Ctrl-C.
import path from 'node:path';

import { repoRoot } from '../n8n-driver/n8n.mjs';
import { bold, dim, green, say } from './demo/console.mjs';
import { logDir } from './demo/settings.mjs';
import { startDemo } from './demo/start.mjs';
import { checkDemo, printInstructions } from './demo/tryIt.mjs';
import { printNote, printTags, watchSandbox } from './demo/watch.mjs';

async function main() {
	// --check: start, run the "Try it" steps, assert what they write, stop (exit 0 or 1). For CI.
	const checkOnly = process.argv.slice(2).includes('--check');
	say(bold('Intercom ↔ Kommo sync: local demo'));
	say(
		dim('A real n8n with this package and both template workflows, against a local sandbox of the'),
	);
	say(
		dim('Intercom and Kommo APIs. Nothing leaves this machine; everything listens on 127.0.0.1.'),
	);
	say();

	/** @type {import('./demo/start.mjs').Demo | undefined} */
	let demo;
	let stopping = false;
	/** @param {string} signal what ends the demo, for the message */
	const shutdown = async (signal) => {
		if (stopping) {
			// Second Ctrl-C: do not wait for n8n's graceful shutdown.
			if (demo?.n8n?.child?.pid) {
				try {
					process.kill(-demo.n8n.child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			process.exit(130);
		}
		stopping = true;
		say();
		say(`${signal}: stopping n8n and the sandbox…`);
		watcher?.stop();
		await (demo?.stop ?? stopEarly)();
		say('stopped.');
		process.exit(0);
	};
	let watcher;
	/** What stops the part of the demo that is up, until startDemo() resolved. */
	/** @type {() => Promise<void>} */
	let stopEarly = async () => undefined;
	process.on('SIGINT', () => void shutdown('Ctrl-C'));
	process.on('SIGTERM', () => void shutdown('SIGTERM'));

	try {
		demo = await startDemo({ onStop: (stop) => (stopEarly = stop) });
	} catch (error) {
		process.stderr.write(`\nThe demo could not start: ${error?.message ?? error}\n`);
		process.stderr.write(`Logs: ${path.relative(repoRoot, logDir)}/\n`);
		process.exit(1);
	}
	printInstructions(demo);
	if (checkOnly) {
		const failures = await checkDemo(demo);
		say();
		say(
			failures.length
				? `--check: ${failures.length} check(s) failed. Logs: ${path.relative(repoRoot, logDir)}/`
				: '--check: the demo works; stopping it.',
		);
		stopping = true;
		await demo.stop();
		process.exit(failures.length ? 1 : 0);
	}
	watcher = watchSandbox(demo.sandbox, {
		onNote: (note) => printNote(demo.sandbox, note),
		onTags: printTags,
		onStage: (lead, before, now) =>
			say(`${green('  Kommo deal')} "${lead.name}" (lead ${lead.id}) moved: ${before} → ${now}`),
	});
	// n8n exiting on its own ends the demo too.
	demo.n8n.exited?.then((code) => {
		if (stopping) return;
		process.stderr.write(`n8n exited (${code}); see ${demo.n8n.logFile}\n`);
		void shutdown('n8n exited');
	});
}

await main();
