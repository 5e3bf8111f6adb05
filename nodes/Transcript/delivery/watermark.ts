import type { IDataObject } from 'n8n-workflow';

import { now as clockNow, sleep } from '../../shared/clock';
import { inProcessMemory } from '../../shared/processMemory';

import { comparePositions, isPosition, laterOf } from '../render/position';
import type { Position } from '../render/position';

/**
 * "Which messages of a conversation are already in Kommo", per workflow.
 *
 * Two layers, because n8n's workflow static data alone is not safe here (measured on n8n 2.41.1):
 * concurrent executions overwrite each other's static data (each saves its whole copy, last writer
 * wins), and static data is saved even when the execution fails. So:
 * - rendering never advances anything; only a confirmed delivery (the "Mark as Delivered" operation,
 *   placed after the step that writes the note) does, and only contiguously and forwards;
 * - a module-level map per workflow is max-merged with static data on every render and confirm, and
 *   written back whole on every confirm, so an execution saving an older copy loses nothing in-process;
 * - a claim per conversation serialises renders inside the process: a second execution waits until
 *   the first one's notes are confirmed, or its claim expires because it failed.
 */

/** Last delivered message of a conversation, and when that was recorded (ms) for eviction. */
export interface Watermark extends Position {
	at: number;
}

export interface DeliveryReceipt {
	workflowKey: string;
	conversationId: string;
	/** what was delivered before this note; null when nothing was */
	after: Position | null;
	/** last message this note completes (null: a note holding only the start of a long message) */
	upTo: Position | null;
}

interface Claim {
	owner: string;
	upTo: Position;
	expiresAt: number;
}

interface WorkflowMemory {
	watermarks: Map<string, Watermark>;
	claims: Map<string, Claim>;
}

export const STATIC_DATA_KEY = 'intercomTranscript';
const STATIC_DATA_VERSION = 1;

/** How often a waiting run looks again. */
const POLL_INTERVAL_MS = 250;
/** How many conversations a workflow remembers (the least recently delivered are forgotten). */
export const MAX_CONVERSATIONS = 5000;

/** The in-process layer; forgotten as a restart of n8n forgets it. */
const memory = inProcessMemory(new Map<string, WorkflowMemory>());

function memoryOf(workflowKey: string): WorkflowMemory {
	let entry = memory.get(workflowKey);
	if (!entry) {
		entry = { watermarks: new Map(), claims: new Map() };
		memory.set(workflowKey, entry);
	}
	return entry;
}

function isWatermark(value: unknown): value is Watermark {
	return isPosition(value) && typeof (value as unknown as Watermark).at === 'number';
}

function storedWatermarks(staticData: IDataObject): Record<string, unknown> {
	const stored = staticData[STATIC_DATA_KEY] as IDataObject | undefined;
	const conversations = stored?.conversations;
	return typeof conversations === 'object' && conversations !== null
		? (conversations as Record<string, unknown>)
		: {};
}

function mergeWatermark(target: Map<string, Watermark>, conversationId: string, value: Watermark) {
	const known = target.get(conversationId);
	if (!known || comparePositions(value, known) > 0) {
		target.set(conversationId, { t: value.t, id: value.id, at: value.at });
	}
}

function evictOldest(watermarks: Map<string, Watermark>, limit: number) {
	while (watermarks.size > limit) {
		let oldestKey: string | undefined;
		let oldestAt = Infinity;
		for (const [key, value] of watermarks) {
			if (value.at < oldestAt) {
				oldestAt = value.at;
				oldestKey = key;
			}
		}
		if (oldestKey === undefined) break;
		watermarks.delete(oldestKey);
	}
}

/** Max-merges what this execution loaded from static data into the in-process layer. */
export function syncFromStaticData(workflowKey: string, staticData: IDataObject): WorkflowMemory {
	const state = memoryOf(workflowKey);
	for (const [conversationId, value] of Object.entries(storedWatermarks(staticData))) {
		if (isWatermark(value)) mergeWatermark(state.watermarks, conversationId, value);
	}
	evictOldest(state.watermarks, MAX_CONVERSATIONS);
	return state;
}

/** Writes the whole merged map, so whichever execution saves last carries every confirmation. */
function writeStaticData(state: WorkflowMemory, staticData: IDataObject) {
	const conversations: IDataObject = {};
	for (const [conversationId, value] of state.watermarks) {
		conversations[conversationId] = { t: value.t, id: value.id, at: value.at };
	}
	staticData[STATIC_DATA_KEY] = { version: STATIC_DATA_VERSION, conversations };
}

export interface Turn {
	/** what to render after: the delivered watermark, or this run's own earlier claim */
	after: Position | null;
}

function claimSettled(state: WorkflowMemory, conversationId: string, claim: Claim, now: number) {
	const delivered = state.watermarks.get(conversationId);
	if (delivered && comparePositions(delivered, claim.upTo) >= 0) return 'confirmed';
	if (now >= claim.expiresAt) return 'expired';
	return undefined;
}

function positionOf(watermark: Watermark | undefined): Position | null {
	return watermark ? { t: watermark.t, id: watermark.id } : null;
}

/**
 * Renders a conversation in turn with the other runs of this workflow in the process: while another
 * run holds a claim on the conversation, polls (at most `maxWaitMs`); then renders after what is
 * delivered and claims the conversation up to the rendered end for `maxWaitMs`. The last check, the
 * render (synchronous) and the claim happen without yielding, so no other run can slip in between.
 * `owner` identifies one run of the node: its own claims never make it wait.
 */
export async function renderInTurn<T>(
	options: {
		workflowKey: string;
		staticData: IDataObject;
		conversationId: string;
		owner: string;
		maxWaitMs: number;
	},
	render: (turn: Turn) => { result: T; upTo: Position | null },
): Promise<T> {
	const { conversationId, owner, maxWaitMs } = options;
	const state = syncFromStaticData(options.workflowKey, options.staticData);
	const startedAt = clockNow();
	for (;;) {
		const now = clockNow();
		const claim = state.claims.get(conversationId);
		const delivered = positionOf(state.watermarks.get(conversationId));
		let after: Position | null | undefined;
		if (!claim) {
			after = delivered;
		} else if (claim.owner === owner) {
			after = laterOf(delivered, claim.upTo);
		} else {
			const settled = claimSettled(state, conversationId, claim, now);
			if (settled) {
				state.claims.delete(conversationId);
				after = delivered;
			} else if (now - startedAt >= maxWaitMs) {
				after = delivered;
			}
		}

		if (after !== undefined) {
			const { result, upTo } = render({ after });
			if (upTo && maxWaitMs > 0) {
				state.claims.set(conversationId, {
					owner,
					upTo: { t: upTo.t, id: upTo.id },
					expiresAt: now + maxWaitMs,
				});
			}
			return result;
		}
		await sleep(
			Math.max(1, Math.min(POLL_INTERVAL_MS, maxWaitMs - (now - startedAt))),
			'delivery-claim',
		);
	}
}

export interface Confirmation {
	applied: boolean;
	reason: string;
	watermark: Position | null;
}

export function isDeliveryReceipt(value: unknown): value is DeliveryReceipt {
	if (typeof value !== 'object' || value === null) return false;
	const receipt = value as Record<string, unknown>;
	return (
		typeof receipt.workflowKey === 'string' &&
		typeof receipt.conversationId === 'string' &&
		receipt.conversationId !== '' &&
		(receipt.after === null || isPosition(receipt.after)) &&
		(receipt.upTo === null || isPosition(receipt.upTo))
	);
}

/**
 * Records that a note was written: advances the watermark to `receipt.upTo` when the note follows on
 * from what is already delivered (contiguous) and lies ahead of it (never backwards), releases a claim
 * the watermark now covers, and writes the whole merged map into static data.
 */
export function confirmDelivery(receipt: DeliveryReceipt, staticData: IDataObject): Confirmation {
	const state = syncFromStaticData(receipt.workflowKey, staticData);
	const conversationId = receipt.conversationId;
	const delivered = state.watermarks.get(conversationId) ?? null;
	let result: Confirmation;
	if (receipt.after && (!delivered || comparePositions(delivered, receipt.after) < 0)) {
		result = {
			applied: false,
			reason:
				'An earlier note of this conversation has not been marked as delivered, so this one is not either; its messages will be sent again with the earlier ones.',
			watermark: delivered,
		};
	} else if (!receipt.upTo) {
		result = {
			applied: true,
			reason:
				'Delivered the first part of a long message; it counts as delivered once its last part is.',
			watermark: delivered,
		};
	} else if (delivered && comparePositions(receipt.upTo, delivered) <= 0) {
		result = {
			applied: true,
			reason: 'Already marked as delivered.',
			watermark: delivered,
		};
	} else {
		const advanced: Watermark = {
			t: receipt.upTo.t,
			id: receipt.upTo.id,
			at: clockNow(),
		};
		state.watermarks.set(conversationId, advanced);
		result = { applied: true, reason: 'Marked as delivered.', watermark: advanced };
	}

	const claim = state.claims.get(conversationId);
	if (claim && claimSettled(state, conversationId, claim, clockNow())) {
		state.claims.delete(conversationId);
	}
	evictOldest(state.watermarks, MAX_CONVERSATIONS);
	writeStaticData(state, staticData);
	return result;
}
