import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { findTranscriptNote } from '../../helpers/transcriptNotes';
import { leadIdProperty, readLeadId } from './common';

const properties: INodeProperties[] = [leadIdProperty];

const displayOptions = { show: { resource: ['lead'], operation: ['getIntercomConversation'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/**
 * The conversation of the newest transcript note on the lead. A lead without one is a normal
 * outcome (`found: false`), so a workflow can branch on it instead of failing.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const leadId = readLeadId(this, itemIndex);
	const note = await findTranscriptNote(this, leadId, itemIndex);
	if (!note) return [{ leadId, found: false, conversationId: null }];
	return [{ leadId, found: true, conversationId: note.conversationId, noteId: note.noteId }];
}
