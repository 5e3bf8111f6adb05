import type { IDataObject } from 'n8n-workflow';

/**
 * Notification ids remembered per trigger. Intercom retries a notification once after a minute, so
 * a few hundred recent ids cover every retry of a busy workspace with room to spare.
 */
export const DEDUP_MEMORY_SIZE = 500;

export const STATIC_DATA_KEY = 'recentNotificationIds';

/** Insertion-ordered set that forgets its oldest entries beyond `limit`. */
export class RecentIds {
	private readonly ids = new Set<string>();

	constructor(private readonly limit: number = DEDUP_MEMORY_SIZE) {}

	has(id: string): boolean {
		return this.ids.has(id);
	}

	add(id: string): void {
		this.ids.delete(id);
		this.ids.add(id);
		while (this.ids.size > this.limit) {
			const oldest = this.ids.values().next().value as string;
			this.ids.delete(oldest);
		}
	}

	get size(): number {
		return this.ids.size;
	}
}

/**
 * Process-wide memory, one RecentIds per workflow + trigger node. n8n saves workflow static data
 * only when an execution ends and concurrent executions overwrite each other's copy, so static data
 * alone lets racing redeliveries through; this in-process set catches them because the check and
 * the insert happen in one synchronous step.
 */
const processMemory = new Map<string, RecentIds>();

export function dedupMemoryKey(workflowId: string | undefined, nodeName: string): string {
	return `${workflowId ?? '__unsaved__'}\u0000${nodeName}`;
}

function storedIds(staticData: IDataObject): string[] {
	const stored = staticData[STATIC_DATA_KEY];
	return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
}

/**
 * Records a notification id and tells whether it is new. Must stay synchronous: it is the only
 * thing standing between two concurrent deliveries of the same id inside one process.
 */
export function rememberNotification(
	memoryKey: string,
	staticData: IDataObject,
	notificationId: string,
	limit: number = DEDUP_MEMORY_SIZE,
): boolean {
	let memory = processMemory.get(memoryKey);
	if (!memory) {
		memory = new RecentIds(limit);
		processMemory.set(memoryKey, memory);
	}
	const persisted = storedIds(staticData);
	if (memory.has(notificationId) || persisted.includes(notificationId)) return false;

	memory.add(notificationId);
	persisted.push(notificationId);
	staticData[STATIC_DATA_KEY] = persisted.slice(-limit);
	return true;
}
