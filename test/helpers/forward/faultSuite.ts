/** What a fault suite starts before its tests and stops after them. */
import type { Sandbox } from '../../../sandbox';
import { startSandbox } from '../../sandbox/helpers';
import { ForwardRunner } from './runner';
import { installVirtualTime } from './virtualTime';
import type { VirtualTime } from './virtualTime';

export async function startFaultSandbox(): Promise<Sandbox> {
	const sandbox = await startSandbox({
		seed: 'empty',
		// the throttle in the nodes spaces Kommo calls on a virtual clock; the sandbox's real-time
		// 7 req/s window would see them all at once. Rate-limit answers come from the fault mix.
		kommoRateLimit: false,
		logLimit: 200_000,
	});
	return sandbox;
}

export interface FaultSuite {
	sandbox: Sandbox;
	runner: ForwardRunner;
	time: VirtualTime;
}

/**
 * The preamble of a fault suite: before its tests a sandbox with no seed, virtual time, and a runner
 * for the forward template (listening as n8n's webhook endpoint unless `listen` is false); after
 * them, all of it stopped and the real clock back. The fields are set once `beforeAll` has run.
 */
export function setUpFaultSuite(options: { listen?: boolean } = {}): FaultSuite {
	const suite = {} as FaultSuite;
	beforeAll(async () => {
		suite.sandbox = await startFaultSandbox();
		suite.time = installVirtualTime();
		suite.runner = new ForwardRunner(suite.sandbox);
		if (options.listen !== false) await suite.runner.listen();
	});
	afterAll(async () => {
		suite.time?.restore();
		await suite.runner?.close();
		await suite.sandbox?.close();
	});
	return suite;
}
