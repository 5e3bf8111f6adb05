import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { isTranscriptKey, MARKER_PREFIX, parseMarker } from '../../../shared/transcriptMarker';
import { parseEntityId } from '../../helpers/values';
import { withRetry } from '../../../shared/retry';
import {
	isUncertainFailure,
	kommoApiPages,
	kommoApiRequest,
	kommoRetryPolicy,
} from '../../../shared/kommo/transport';
import { sleep } from '../../../shared/clock';

const ENTITY_PATHS: Record<string, string> = { lead: 'leads', contact: 'contacts' };

const properties: INodeProperties[] = [
	{
		displayName: 'Add To',
		name: 'entityType',
		type: 'options',
		default: 'lead',
		options: [
			{ name: 'Lead', value: 'lead' },
			{ name: 'Contact', value: 'contact' },
		],
	},
	{
		displayName: 'Lead or Contact ID',
		name: 'entityId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 19619',
		description: 'ID of the lead (or contact) the note goes on',
	},
	{
		displayName: 'Text Source',
		name: 'textSource',
		type: 'options',
		default: 'text',
		options: [
			{
				name: 'Text',
				value: 'text',
				description: 'One note per input item, from the Text field',
			},
			{
				name: 'Notes List',
				value: 'notesList',
				description:
					'Several notes per input item, written in order to the same lead, e.g. a whole conversation from the Transcript node\'s "One Item per Conversation" mode',
			},
		],
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		description: "The note, shown in the lead's feed as a plain text note",
		displayOptions: { show: { textSource: ['text'] } },
	},
	{
		displayName: 'Notes',
		name: 'notes',
		type: 'json',
		default: '={{ $json.notes }}',
		required: true,
		description:
			'A list of notes, each { "text": "…", "idempotencyKey": "…" } (the key may be left out). One output item per input item sums them up.',
		displayOptions: { show: { textSource: ['notesList'] } },
	},
	{
		displayName: 'Skip If Already Written',
		name: 'skipIfAlreadyWritten',
		type: 'boolean',
		default: true,
		description:
			"Whether to read the lead's notes first and write nothing when one already carries the note's idempotency key, so a retried or duplicated run never writes the same note twice. With a notes list each note is checked on its own; the lead's notes are read once. Off saves that read when an earlier step already knows what is on the lead (the Transcript with \"Newest Transcript Note in Kommo\"); a write whose answer was lost is still checked by its key before it is retried, and a re-run from the executions list always reads first.",
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '={{ $json.idempotencyKey }}',
		description: `Identifies this note. When empty, the key in the text's "${MARKER_PREFIX}…" line (written by the Transcript node) is used.`,
		displayOptions: { show: { skipIfAlreadyWritten: [true], textSource: ['text'] } },
	},
	{
		displayName: 'Search Notes Since',
		name: 'notesSince',
		type: 'string',
		default: '',
		placeholder: "e.g. {{ $('Get conversation').item.json.created_at }}",
		description:
			"When the conversation started (a Unix timestamp or a date). A note older than that cannot be its transcript, so the check reads the lead's notes newest first only back to it. Empty: back until the key is found, or to the lead's first note.",
		displayOptions: { show: { skipIfAlreadyWritten: [true] } },
	},
];

const displayOptions = { show: { resource: ['note'], operation: ['add'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Does this note carry the key? A transcript key counts only as the note's own marker, its last
 * marker line: an older marker quoted above it, or a key mentioned in prose, names another note.
 * Any other key must appear as a whole word, so `…:1-9` does not match a note holding `…:1-99`.
 */
export function noteCarriesKey(text: unknown, key: string): boolean {
	if (typeof text !== 'string' || !key) return false;
	if (isTranscriptKey(key)) return parseMarker(text) === key;
	return new RegExp(`(^|[\\s=])${escapeRegExp(key)}($|\\s)`).test(text);
}

/** One note of a "Notes List", checked for shape. */
export interface NoteToWrite {
	text: string;
	/** from the entry, else from the text's marker line; null when neither has one */
	idempotencyKey: string | null;
}

function describeValue(value: unknown): string {
	if (value === undefined) return 'missing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'string') return value.trim() === '' ? 'empty text' : 'text';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const LIST_SHAPE = 'a list like [{ "text": "…", "idempotencyKey": "…" }]';

/**
 * The "Notes" parameter: a list (or its JSON text) of `{ text, idempotencyKey? }` entries, such as
 * the Transcript node's `notes`. Anything else fails with the position and what was wrong.
 */
export function parseNotesList(node: INode, value: unknown, itemIndex: number): NoteToWrite[] {
	let list = value;
	if (typeof list === 'string' && list.trim().startsWith('[')) {
		try {
			list = JSON.parse(list) as unknown;
		} catch {
			throw new NodeOperationError(node, `"Notes" is not valid JSON; it must be ${LIST_SHAPE}`, {
				itemIndex,
			});
		}
	}
	if (!Array.isArray(list)) {
		throw new NodeOperationError(
			node,
			`"Notes" must be ${LIST_SHAPE}, but it is ${describeValue(list)}`,
			{
				itemIndex,
				description:
					'With Text Source "Notes List" the node expects the Transcript node\'s "One Item per Conversation" output, whose items carry "notes". For a single note, set Text Source to "Text".',
			},
		);
	}
	return list.map((entry: unknown, index) => {
		const position = `Note ${index + 1} of ${list.length}`;
		if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new NodeOperationError(
				node,
				`${position} in "Notes" must be an object with "text", but it is ${describeValue(entry)}`,
				{ itemIndex },
			);
		}
		const { text, idempotencyKey } = entry as IDataObject;
		if (typeof text !== 'string' || text.trim() === '') {
			throw new NodeOperationError(node, `${position} in "Notes" has no text`, { itemIndex });
		}
		if (
			idempotencyKey !== undefined &&
			idempotencyKey !== null &&
			typeof idempotencyKey !== 'string'
		) {
			throw new NodeOperationError(
				node,
				`${position} in "Notes" has an idempotencyKey that is not text`,
				{ itemIndex },
			);
		}
		const typed = typeof idempotencyKey === 'string' ? idempotencyKey.trim() : '';
		return { text, idempotencyKey: typed || parseMarker(text) };
	});
}

interface EntityRef {
	entityType: string;
	entityPath: string;
	entityId: number;
}

function readEntity(context: IExecuteFunctions, itemIndex: number): EntityRef {
	const node = context.getNode();
	const entityType = context.getNodeParameter('entityType', itemIndex, 'lead') as string;
	const entityPath = ENTITY_PATHS[entityType];
	if (!entityPath) {
		throw new NodeOperationError(node, `Notes can go on a lead or a contact, not "${entityType}"`, {
			itemIndex,
		});
	}
	const entityId = parseEntityId(
		node,
		context.getNodeParameter('entityId', itemIndex),
		entityType === 'lead' ? 'Lead ID' : 'Contact ID',
		itemIndex,
	);
	return { entityType, entityPath, entityId };
}

/** "Search Notes Since" as Unix seconds: a timestamp in seconds or milliseconds, or a date. */
function readNotesSince(context: IExecuteFunctions, itemIndex: number): number | null {
	const value = context.getNodeParameter('notesSince', itemIndex, '') as unknown;
	if (value === undefined || value === null || String(value).trim() === '') return null;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) {
		const number = Number(text);
		// milliseconds since 1970 pass 10^11 in 1973; seconds will not for thousands of years
		return Math.floor(number > 1e11 ? number / 1000 : number);
	}
	const parsed = Date.parse(text);
	if (Number.isNaN(parsed)) {
		throw new NodeOperationError(
			context.getNode(),
			`"Search Notes Since" must be a date or a Unix timestamp, not "${text}"`,
			{ itemIndex },
		);
	}
	return Math.floor(parsed / 1000);
}

/**
 * Kommo cannot search note text, so the entity's text notes are read here, newest first, one page at
 * a time, until every key is found or the notes are older than `since` (a transcript note cannot
 * predate its conversation). A lead with years of notes then costs one page per check, not all.
 */
async function findNotesWithKeys(
	context: IExecuteFunctions,
	entity: EntityRef,
	keys: string[],
	since: number | null,
	itemIndex: number,
): Promise<Map<string, IDataObject>> {
	const found = new Map<string, IDataObject>();
	const wanted = new Set(keys);
	if (!wanted.size) return found;
	const pages = kommoApiPages.call(
		context,
		`/api/v4/${entity.entityPath}/${entity.entityId}/notes`,
		'notes',
		{ 'filter[note_type]': ['common'], 'order[id]': 'desc' },
		{ itemIndex },
	);
	for await (const notes of pages) {
		for (const note of notes) {
			const text = (note.params as IDataObject | undefined)?.text;
			for (const key of wanted) {
				if (!found.has(key) && noteCarriesKey(text, key)) found.set(key, note);
			}
		}
		if (found.size === wanted.size) break;
		const reachedStart =
			since !== null && notes.some((note) => Number(note.created_at ?? Infinity) < since);
		if (reachedStart) break;
	}
	return found;
}

async function writeNote(
	context: IExecuteFunctions,
	entity: EntityRef,
	text: string,
	itemIndex: number,
): Promise<IDataObject | undefined> {
	const response = (await kommoApiRequest.call(
		context,
		'POST',
		`/api/v4/${entity.entityPath}/notes`,
		[{ entity_id: entity.entityId, note_type: 'common', params: { text } }],
		undefined,
		{ itemIndex },
	)) as IDataObject | undefined;
	return (
		(response?._embedded as IDataObject | undefined)?.notes as IDataObject[] | undefined
	)?.[0];
}

/**
 * Writes a note that has an idempotency key. A POST that failed with a 5xx or a broken connection
 * may still have been stored (only the answer was lost), so before writing again the entity's notes
 * are read: a note carrying the key means the earlier attempt went through. Notes without a key
 * cannot be checked, and such a failure is not retried.
 */
async function writeNoteOnce(
	context: IExecuteFunctions,
	entity: EntityRef,
	text: string,
	key: string | null,
	since: number | null,
	itemIndex: number,
): Promise<IDataObject | undefined> {
	if (key === null) return await writeNote(context, entity, text, itemIndex);
	const { value } = await withRetry(
		kommoRetryPolicy,
		async (attemptIndex) => {
			if (attemptIndex > 0) {
				const stored = (await findNotesWithKeys(context, entity, [key], since, itemIndex)).get(key);
				if (stored) return stored;
			}
			return await writeNote(context, entity, text, itemIndex);
		},
		(error) => ({ retry: isUncertainFailure(error) }),
		async (ms) => await sleep(ms, 'kommo-retry'),
	);
	return value;
}

/**
 * "Skip If Already Written", and always in a re-run from the executions list (mode `retry`): a
 * retried execution replays the notes its first run computed, and some of them may be on the lead
 * by now, whatever an earlier step knew when the first run started.
 */
function checksWhatIsWritten(context: IExecuteFunctions, itemIndex: number): boolean {
	return (
		context.getNodeParameter('skipIfAlreadyWritten', itemIndex, true) === true ||
		context.getMode() === 'retry'
	);
}

async function addOneNote(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const node = this.getNode();
	const entity = readEntity(this, itemIndex);
	const { entityType, entityId } = entity;
	const text = String(this.getNodeParameter('text', itemIndex, '') ?? '');
	if (!text.trim()) throw new NodeOperationError(node, 'The note has no text', { itemIndex });

	const skipIfWritten = checksWhatIsWritten(this, itemIndex);
	let idempotencyKey: string | null = null;
	if (skipIfWritten) {
		const typed = String(this.getNodeParameter('idempotencyKey', itemIndex, '') ?? '').trim();
		idempotencyKey = typed || parseMarker(text);
	}

	const since = idempotencyKey ? readNotesSince(this, itemIndex) : null;
	if (idempotencyKey) {
		const existing = (
			await findNotesWithKeys(this, entity, [idempotencyKey], since, itemIndex)
		).get(idempotencyKey);
		if (existing) {
			return [
				{
					id: existing.id,
					entity_id: existing.entity_id ?? entityId,
					entityType,
					note_type: existing.note_type ?? 'common',
					created_at: existing.created_at ?? null,
					idempotencyKey,
					skipped: true,
				},
			];
		}
	}

	const created = await writeNoteOnce(this, entity, text, idempotencyKey, since, itemIndex);
	return [
		{
			id: created?.id ?? null,
			entity_id: created?.entity_id ?? entityId,
			entityType,
			note_type: 'common',
			idempotencyKey,
			skipped: false,
		},
	];
}

/**
 * Writes a list of notes in order, one request each, so a failure part-way leaves a clean prefix
 * written: the item fails, and a retry skips that prefix by its keys. The entity's notes are read
 * once per item; keys written earlier in the same list count as written too.
 */
async function addNotesList(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const node = this.getNode();
	const entity = readEntity(this, itemIndex);
	const notes = parseNotesList(node, this.getNodeParameter('notes', itemIndex), itemIndex);
	const skipIfWritten = checksWhatIsWritten(this, itemIndex);

	const keys = skipIfWritten
		? notes.map((note) => note.idempotencyKey).filter((key): key is string => key !== null)
		: [];
	const since = keys.length ? readNotesSince(this, itemIndex) : null;
	const existing = await findNotesWithKeys(this, entity, keys, since, itemIndex);
	const writtenNow = new Map<string, unknown>();
	const results: IDataObject[] = [];

	for (const [index, note] of notes.entries()) {
		const key = note.idempotencyKey;
		if (skipIfWritten && key !== null) {
			const earlier = writtenNow.has(key) ? { id: writtenNow.get(key) } : existing.get(key);
			if (earlier) {
				results.push({ id: earlier.id ?? null, skipped: true, idempotencyKey: key });
				continue;
			}
		}
		let created: IDataObject | undefined;
		try {
			// with a key, a write whose answer was lost is checked before it is retried, even when
			// the up-front read is off (the caller already knows the note is not there yet)
			created = await writeNoteOnce(this, entity, note.text, key, since, itemIndex);
		} catch (error) {
			const writtenByThisRun = results.filter((result) => result.skipped === false).length;
			throw explainPartialWrite(node, error, itemIndex, {
				entityType: entity.entityType,
				failedIndex: index,
				total: notes.length,
				writtenByThisRun,
			});
		}
		const id = created?.id ?? null;
		if (key !== null) writtenNow.set(key, id);
		results.push({ id, skipped: false, idempotencyKey: key });
	}

	const skipped = results.filter((result) => result.skipped === true).length;
	return [
		{
			entityId: entity.entityId,
			entityType: entity.entityType,
			notes: results,
			written: results.length - skipped,
			skipped,
		},
	];
}

/** Says which notes of the list were already on the entity when writing one of them failed. */
function explainPartialWrite(
	node: INode,
	error: unknown,
	itemIndex: number,
	progress: { entityType: string; failedIndex: number; total: number; writtenByThisRun: number },
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

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const source = this.getNodeParameter('textSource', itemIndex, 'text') as string;
	return source === 'notesList'
		? await addNotesList.call(this, itemIndex)
		: await addOneNote.call(this, itemIndex);
}
