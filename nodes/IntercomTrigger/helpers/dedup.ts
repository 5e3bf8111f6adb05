import { inProcessMemory } from '../../shared/processMemory';

/**
 * Notification ids remembered per trigger. Intercom retries a notification once after a minute, so
 * a few hundred recent ids cover every retry of a busy workspace with room to spare.
 */
export const DEDUP_MEMORY_SIZE = 500;

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
 * Process-wide memory, one RecentIds per workflow + trigger node. It is deliberately not written to
 * workflow static data: in n8n's queue mode a static-data change in webhook() costs a database write
 * before Intercom gets its answer, and a worker's end-of-run save replaces the whole column anyway.
 * This set only spares the duplicate execution; what is already in Kommo is decided by the notes on
 * the deal (their idempotency markers), so a redelivery this process has not seen writes nothing twice.
 */
const processMemory = inProcessMemory(new Map<string, RecentIds>());

export function dedupMemoryKey(workflowId: string | undefined, nodeName: string): string {
	return `${workflowId ?? '__unsaved__'}\u0000${nodeName}`;
}

/**
 * Records a notification id and tells whether it is new to this process. Must stay synchronous: the
 * check and the insert in one step are what stop two concurrent deliveries of one id here.
 */
export function rememberNotification(
	memoryKey: string,
	notificationId: string,
	limit: number = DEDUP_MEMORY_SIZE,
): boolean {
	let memory = processMemory.get(memoryKey);
	if (!memory) {
		memory = new RecentIds(limit);
		processMemory.set(memoryKey, memory);
	}
	if (memory.has(notificationId)) return false;
	memory.add(notificationId);
	return true;
}
