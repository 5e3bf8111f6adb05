import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { readRecordId, recordLocatorProperty } from '../../helpers/recordLocator';
import { MARKER_PREFIX, parseMarker } from '../../../shared/transcriptMarker';
import { explainPartialWrite, writeNoteOnce } from '../../helpers/noteWrite';
import { parseNotesList } from '../../helpers/notesList';
import { findNotesWithKeys, parseNotesSince } from '../../helpers/transcriptNotes';
import type { NoteOwner } from '../../helpers/transcriptNotes';

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
	recordLocatorProperty({
		displayName: 'Lead or Contact ID',
		name: 'entityId',
		kinds: ['lead', 'contact'],
		searchListMethod: 'searchNoteOwners',
		description: 'The lead (or contact, as Add To says) the note goes on',
		dependsOn: ['entityType'],
	}),
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
			"Whether to read the lead's notes first and skip a note already there (same idempotency key), so a retried run never writes it twice",
		hint: 'Turn off only when an earlier step already read the lead, as Find by Email does in the templates',
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

type EntityRef = NoteOwner & { entityType: string };

function readEntity(context: IExecuteFunctions, itemIndex: number): EntityRef {
	const node = context.getNode();
	const entityType = context.getNodeParameter('entityType', itemIndex, 'lead') as string;
	const entityPath = ENTITY_PATHS[entityType];
	if (!entityPath) {
		throw new NodeOperationError(node, `Notes can go on a lead or a contact, not "${entityType}"`, {
			itemIndex,
		});
	}
	const kind = entityType === 'contact' ? 'contact' : 'lead';
	const entityId = readRecordId(
		context,
		'entityId',
		itemIndex,
		kind === 'lead' ? 'Lead ID' : 'Contact ID',
		kind,
	);
	return { entityType, entityPath, entityId };
}

function readNotesSince(context: IExecuteFunctions, itemIndex: number): number | null {
	return parseNotesSince(
		context.getNode(),
		context.getNodeParameter('notesSince', itemIndex, ''),
		itemIndex,
	);
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

	let idempotencyKey: string | null = null;
	if (checksWhatIsWritten(this, itemIndex)) {
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
					entityId: existing.entity_id ?? entityId,
					entityType,
					noteType: existing.note_type ?? 'common',
					createdAt: existing.created_at ?? null,
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
			entityId: created?.entity_id ?? entityId,
			entityType,
			noteType: 'common',
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
			throw explainPartialWrite(node, error, itemIndex, {
				entityType: entity.entityType,
				failedIndex: index,
				total: notes.length,
				writtenByThisRun: results.filter((result) => result.skipped === false).length,
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

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const source = this.getNodeParameter('textSource', itemIndex, 'text') as string;
	return source === 'notesList'
		? await addNotesList.call(this, itemIndex)
		: await addOneNote.call(this, itemIndex);
}
