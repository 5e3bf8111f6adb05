import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { sleep } from '../../shared/clock';
import { withRetry } from '../../shared/retry';
import {
	isUncertainFailure,
	kommoApiRequest,
	kommoRetryPolicy,
} from '../../shared/kommo/transport';
import { findNotesWithKeys } from './transcriptNotes';
import type { NoteOwner } from './transcriptNotes';

async function writeNote(
	context: IExecuteFunctions,
	owner: NoteOwner,
	text: string,
	itemIndex: number,
): Promise<IDataObject | undefined> {
	const response = (await kommoApiRequest.call(
		context,
		'POST',
		`/api/v4/${owner.entityPath}/notes`,
		[{ entity_id: owner.entityId, note_type: 'common', params: { text } }],
		undefined,
		{ itemIndex },
	)) as IDataObject | undefined;
	return (
		(response?._embedded as IDataObject | undefined)?.notes as IDataObject[] | undefined
	)?.[0];
}

/**
 * Writes one text note, answering the note Kommo stored. A POST that failed with a 5xx or a broken
 * connection may still have been stored (only the answer was lost), so before writing a note that
 * has an idempotency key again, the owner's notes are read: a note carrying the key means the
 * earlier attempt went through. A note without a key cannot be checked, and such a failure is not
 * retried.
 */
export async function writeNoteOnce(
	context: IExecuteFunctions,
	owner: NoteOwner,
	text: string,
	key: string | null,
	since: number | null,
	itemIndex: number,
): Promise<IDataObject | undefined> {
	if (key === null) return await writeNote(context, owner, text, itemIndex);
	const { value } = await withRetry(
		kommoRetryPolicy,
		async (attemptIndex) => {
			if (attemptIndex > 0) {
				const stored = (await findNotesWithKeys(context, owner, [key], since, itemIndex)).get(key);
				if (stored) return stored;
			}
			return await writeNote(context, owner, text, itemIndex);
		},
		(error) => ({ retry: isUncertainFailure(error) }),
		async (ms) => await sleep(ms, 'kommo-retry'),
	);
	return value;
}

/** Where a list of notes stood when writing one of them failed. */
export interface ListProgress {
	/** `lead` or `contact`, the word the message uses */
	entityType: string;
	failedIndex: number;
	total: number;
	writtenByThisRun: number;
}

/**
 * The error of a failed write, saying which notes of the list were already on the lead or contact,
 * so that the user knows running again is safe.
 */
export function explainPartialWrite(
	node: INode,
	error: unknown,
	itemIndex: number,
	progress: ListProgress,
): Error {
	const { entityType, failedIndex, total, writtenByThisRun } = progress;
	const before = failedIndex === 1 ? 'note 1 is' : `notes 1–${failedIndex} are`;
	const summary =
		failedIndex === 0
			? `Writing note 1 of ${total} failed; nothing was written.`
			: `Writing note ${failedIndex + 1} of ${total} failed; ${before} on the ${entityType} (${writtenByThisRun} written by this run). Running again skips the notes already written, by their idempotency keys.`;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = error.description ? `${summary}\n${error.description}` : summary;
		return error;
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), {
		itemIndex,
		description: summary,
	});
}
