/**
 * Promise caches for lookups that many requests share. A load that fails is forgotten, so the next
 * caller tries again instead of inheriting the failure.
 */

/** Entries of {@link rememberFor}, keyed by whatever identifies the remote account. */
export type TimedEntries<K, V> = Map<K, { loadedAt: number; value: Promise<V> }>;

/** The value for `key`, loaded at most once per `ttlMs` (measured with `now`). */
export async function rememberFor<K, V>(
	entries: TimedEntries<K, V>,
	key: K,
	ttlMs: number,
	now: number,
	load: () => Promise<V>,
): Promise<V> {
	const cached = entries.get(key);
	if (cached && now - cached.loadedAt >= 0 && now - cached.loadedAt < ttlMs) {
		return await cached.value;
	}
	const value = load();
	entries.set(key, { loadedAt: now, value });
	value.catch(() => {
		if (entries.get(key)?.value === value) entries.delete(key);
	});
	return await value;
}

/** The value for `owner` (a node run's context, say), loaded once while the owner lives. */
export async function oncePer<K extends object, V>(
	entries: WeakMap<K, Promise<V>>,
	owner: K,
	load: () => Promise<V>,
): Promise<V> {
	let value = entries.get(owner);
	if (!value) {
		value = load();
		entries.set(owner, value);
		value.catch(() => entries.delete(owner));
	}
	return await value;
}
