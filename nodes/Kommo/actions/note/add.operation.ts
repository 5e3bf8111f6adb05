import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { MARKER_PREFIX, parseMarker } from '../../../Transcript/render/marker';
import { parseEntityId } from '../../helpers/values';
import { kommoApiRequest, kommoApiRequestAllItems } from '../../transport';

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
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		description: "The note, shown in the lead's feed as a plain text note",
	},
	{
		displayName: 'Skip If Already Written',
		name: 'skipIfAlreadyWritten',
		type: 'boolean',
		default: true,
		description:
			"Whether to read the lead's notes first and write nothing when one already carries this note's idempotency key, so a retried or duplicated run never writes the same note twice",
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '={{ $json.idempotencyKey }}',
		description: `Identifies this note. When empty, the key in the text's "${MARKER_PREFIX}…" line (written by the Transcript node) is used.`,
		displayOptions: { show: { skipIfAlreadyWritten: [true] } },
	},
];

const displayOptions = { show: { resource: ['note'], operation: ['add'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Does this note carry the key? Transcript markers compare exactly; any other key must appear as a
 * whole word, so `…:1-9` does not match a note holding `…:1-99`.
 */
export function noteCarriesKey(text: unknown, key: string): boolean {
	if (typeof text !== 'string' || !key) return false;
	if (parseMarker(text) === key) return true;
	return new RegExp(`(^|[\\s=])${escapeRegExp(key)}($|\\s)`).test(text);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const node = this.getNode();
	const entityType = this.getNodeParameter('entityType', itemIndex, 'lead') as string;
	const entityPath = ENTITY_PATHS[entityType];
	if (!entityPath) {
		throw new NodeOperationError(node, `Notes can go on a lead or a contact, not "${entityType}"`, {
			itemIndex,
		});
	}
	const entityId = parseEntityId(
		node,
		this.getNodeParameter('entityId', itemIndex),
		entityType === 'lead' ? 'Lead ID' : 'Contact ID',
		itemIndex,
	);
	const text = String(this.getNodeParameter('text', itemIndex, '') ?? '');
	if (!text.trim()) throw new NodeOperationError(node, 'The note has no text', { itemIndex });

	const skipIfWritten = this.getNodeParameter('skipIfAlreadyWritten', itemIndex, true) === true;
	let idempotencyKey: string | null = null;
	if (skipIfWritten) {
		const typed = String(this.getNodeParameter('idempotencyKey', itemIndex, '') ?? '').trim();
		idempotencyKey = typed || parseMarker(text);
	}

	if (idempotencyKey) {
		// Kommo cannot search note text, so read the entity's text notes (newest first) and compare here
		const notes = await kommoApiRequestAllItems.call(
			this,
			`/api/v4/${entityPath}/${entityId}/notes`,
			'notes',
			{ 'filter[note_type]': ['common'], 'order[id]': 'desc' },
			{ itemIndex },
		);
		const existing = notes.find((note) =>
			noteCarriesKey((note.params as IDataObject | undefined)?.text, idempotencyKey as string),
		);
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

	const response = (await kommoApiRequest.call(
		this,
		'POST',
		`/api/v4/${entityPath}/notes`,
		[{ entity_id: entityId, note_type: 'common', params: { text } }],
		undefined,
		{ itemIndex },
	)) as IDataObject | undefined;
	const created = (
		(response?._embedded as IDataObject | undefined)?.notes as IDataObject[] | undefined
	)?.[0];
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
