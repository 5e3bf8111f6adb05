import { now, sleep } from '../../shared/clock';
import { inProcessMemory } from '../../shared/processMemory';

/**
 * Locks held by runs of this n8n process, by key. One process runs every execution in regular mode,
 * so a module-level map is shared by all of them; a restart forgets it, as it forgets the runs.
 */
interface Hold {
	/** the execution holding the lock: its own Lock and Release steps match it */
	owner: string;
	/** a run that stops before its Release step (failed, n8n stopped) blocks nobody past this */
	expiresAt: number;
}

const holds = inProcessMemory(new Map<string, Hold>());

/** How often a waiting run looks again: short next to a chat's run, cheap for a map lookup. */
export const POLL_INTERVAL_MS = 50;

/** Customers are matched as Kommo matches emails: letter case and surrounding spaces do not count. */
export function lockKey(raw: unknown): string {
	return String(raw ?? '')
		.trim()
		.toLowerCase();
}

export interface Acquired {
	/** how long this run waited for another one (ms) */
	waitedMs: number;
	/** the lock was held by a run that never released it, and its time ran out */
	tookOverExpired: boolean;
}

/**
 * Waits until no other run holds `key`, then holds it for `holdMs`. The check and the hold happen
 * without yielding, so two runs can never both see the key free. A run that holds it already (a
 * second item of the same execution) passes at once and renews its hold.
 */
export async function acquire(key: string, owner: string, holdMs: number): Promise<Acquired> {
	const startedAt = now();
	for (;;) {
		const time = now();
		const hold = holds.get(key);
		if (!hold || hold.owner === owner || hold.expiresAt <= time) {
			holds.set(key, { owner, expiresAt: time + holdMs });
			return {
				waitedMs: time - startedAt,
				tookOverExpired: hold !== undefined && hold.owner !== owner,
			};
		}
		await sleep(Math.min(POLL_INTERVAL_MS, hold.expiresAt - time), 'customer-lock');
	}
}

export type Released = 'released' | 'not-held' | 'held-by-another-run';

/** Frees `key` if this run holds it; a lock another run took over after expiry stays with it. */
export function release(key: string, owner: string): Released {
	const hold = holds.get(key);
	if (!hold || hold.expiresAt <= now()) {
		if (hold) holds.delete(key);
		return 'not-held';
	}
	if (hold.owner !== owner) return 'held-by-another-run';
	holds.delete(key);
	return 'released';
}
