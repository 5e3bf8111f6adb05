/**
 * What this n8n process keeps in memory across executions (token owners, pipeline names, Kommo
 * accounts, the Kommo throttle's send log, the Customer Lock's holds). Each cache registers how
 * to forget itself, so a restart of n8n can be played in one call.
 */
const forgetters: Array<() => void> = [];

/** Registers a cache; returns it, so a module can write `const cache = inProcessMemory(new Map())`. */
export function inProcessMemory<T extends { clear(): void }>(cache: T): T {
	forgetters.push(() => cache.clear());
	return cache;
}

/** Forgets everything the package keeps in this process, as a restart of n8n does. */
export function forgetProcessMemory(): void {
	for (const forget of forgetters) forget();
}
