/**
 * The nock kit of every test file that talks to a mocked Kommo account (the Kommo node, the Kommo
 * Trigger, the shared transport): a scope that insists on the bearer token, a virtual clock for the
 * throttle and retry waits, and the per-file and per-test lines around them.
 */
import nock from 'nock';

import { useClock } from '../../nodes/shared/clock';
import { forgetProcessMemory } from '../../nodes/shared/processMemory';

/** A nock scope for one Kommo account that only answers requests carrying `Bearer <token>`. */
export function kommoAccountApi(baseUrl: string, token: string): nock.Scope {
	return nock(baseUrl, { reqheaders: { authorization: `Bearer ${token}` } });
}

export interface VirtualClock {
	now(): number;
	sleep(ms: number): Promise<void>;
	/** every wait asked for, in order */
	waits: number[];
}

/** A clock whose sleeps return at once and move its time on by what they asked for. */
export function virtualClock(start = 1_000_000): VirtualClock {
	let time = start;
	const waits: number[] = [];
	return {
		now: () => time,
		sleep: async (ms: number) => {
			waits.push(ms);
			time += ms;
		},
		waits,
	};
}

/** A fresh virtual clock as the package's one clock, with nothing left in process memory. */
export function useVirtualClock(): VirtualClock {
	const clock = virtualClock();
	forgetProcessMemory();
	useClock(clock);
	return clock;
}

export interface KommoNockKit {
	/** the virtual clock of the running test */
	clock(): VirtualClock;
	/** `METHOD path` of each request of the running test that no interceptor matched */
	unmatched(): string[];
}

/**
 * The lines around a Kommo test file: no real network for the file; for each test a fresh virtual
 * clock and empty process memory, and afterwards nock cleaned and the real clock back. With
 * `failOnUnmatched`, a test fails when one of its requests matched no interceptor (even one whose
 * error the node caught and turned into an item).
 */
export function setUpKommoNock(options: { failOnUnmatched?: boolean } = {}): KommoNockKit {
	let clock = virtualClock();
	const unmatched: string[] = [];
	const recordUnmatched = (request: { method?: string; path?: string }) =>
		unmatched.push(`${request.method} ${request.path}`);

	beforeAll(() => {
		nock.disableNetConnect();
		nock.emitter.on('no match', recordUnmatched);
	});
	afterAll(() => {
		nock.emitter.removeListener('no match', recordUnmatched);
		nock.enableNetConnect();
	});
	beforeEach(() => {
		unmatched.length = 0;
		clock = useVirtualClock();
	});
	afterEach(() => {
		forgetProcessMemory();
		useClock();
		nock.cleanAll();
		if (options.failOnUnmatched) expect(unmatched).toEqual([]);
	});
	return { clock: () => clock, unmatched: () => [...unmatched] };
}
