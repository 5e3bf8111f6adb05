import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../shared/descriptions';
import { renderInTurn } from '../delivery/watermark';
import type { DeliveryReceipt } from '../delivery/watermark';
import type { IntercomConversation } from '../render/messages';
import { isValidTimeZone } from '../render/time';
import { conversationUrl, renderTranscript } from '../render/transcript';
import { parseIdempotencyKey } from '../../shared/transcriptMarker';
import type { IntercomRegion, Transcript, TranscriptStart } from '../render/transcript';
import { jsonParameterValue } from './common';
import type { RunContext } from './common';
import { sourceCustomer } from '../../shared/intercomConversation';
import type { Customer } from '../../shared/intercomConversation';
import { isObject } from '../../shared/values';

export const DEFAULT_MAX_NOTE_LENGTH = 8000;
const MIN_NOTE_LENGTH = 1000;

const properties: INodeProperties[] = [
	{
		displayName: 'Only New Messages',
		name: 'onlyNewMessages',
		type: 'boolean',
		default: false,
		description:
			'Whether to leave out the messages already written for this conversation, so each run adds only what is new. Needs a second Transcript node set to "Mark as Delivered" after the step that writes the note.',
	},
	{
		displayName:
			'Add a Transcript node with the operation "Mark as Delivered" after the step that writes the note. Messages count as written only once it has run; until then every run shows them again.',
		name: 'markDeliveredNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { onlyNewMessages: [true], deliveredFrom: ['workflow'] } },
	},
	{
		displayName: 'Already Written',
		name: 'deliveredFrom',
		type: 'options',
		default: 'workflow',
		displayOptions: { show: { onlyNewMessages: [true] } },
		options: [
			{
				name: 'Remembered by This Workflow',
				value: 'workflow',
				description:
					'A "Mark as Delivered" step records what was written. For one n8n process (regular mode).',
			},
			{
				name: 'Newest Transcript Note in Kommo',
				value: 'kommoNote',
				description:
					'Kommo › Find by Email with "Read Newest Transcript Note" says which note of this conversation is on the deal; messages after it are new. Nothing is remembered in n8n, so any process may run it (queue mode).',
			},
		],
		description: 'How the node knows which messages are already in Kommo',
	},
	{
		displayName: 'Newest Transcript Key in Kommo',
		name: 'kommoTranscriptKey',
		type: 'string',
		default: '={{ $json.transcriptKey }}',
		displayOptions: { show: { onlyNewMessages: [true], deliveredFrom: ['kommoNote'] } },
		description:
			'The "transcriptKey" of Kommo › Find by Email (e.g. intercom:215:403918334-9877). Empty: nothing of this conversation is on the deal yet, so every message is new.',
	},
	{
		displayName: 'Intercom App ID',
		name: 'appId',
		type: 'string',
		default: '',
		placeholder: 'e.g. a86dr8yl',
		description:
			'Your Intercom workspace ID (the code after /a/apps/ or /a/inbox/ in Intercom links), used for the link to the conversation. Empty: the ID that came with the Intercom Trigger item, or a link that opens the workspace you are signed in to.',
	},
	{
		displayName: 'Max Note Length',
		name: 'maxNoteLength',
		type: 'number',
		default: DEFAULT_MAX_NOTE_LENGTH,
		typeOptions: { minValue: MIN_NOTE_LENGTH },
		description:
			'Longer transcripts are split into several notes of at most this many characters, never inside a message line. Kommo does not publish a limit for note text; 8000 stays well below the sizes known to work and keeps a note readable in the deal feed.',
	},
	{
		displayName: 'Output',
		name: 'outputMode',
		type: 'options',
		default: 'perNote',
		options: [
			{
				name: 'One Item per Note',
				value: 'perNote',
				description:
					'Each note is its own item, with its own delivery receipt. A long transcript gives several items.',
			},
			{
				name: 'One Item per Conversation',
				value: 'perConversation',
				description:
					'One item per conversation with all its notes in "notes" and one delivery receipt for all of them. Use it when the next steps must run once per conversation, e.g. find or create the Kommo lead once and then add every note.',
			},
		],
		description: 'Whether to output one item per note or one item per conversation',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Conversation',
				name: 'conversation',
				type: 'json',
				default: '',
				placeholder: "e.g. {{ $('Get conversation').item.json }}",
				description:
					'The Intercom conversation to render, when the input item is not the conversation itself (for example after a Kommo step). Default: the input item.',
			},
			{
				displayName: 'Include Bot Messages',
				name: 'includeBotMessages',
				type: 'boolean',
				default: true,
				description: 'Whether to include replies by bots and Fin AI Agent, marked [Bot]',
			},
			{
				displayName: 'Include Internal Notes',
				name: 'includeInternalNotes',
				type: 'boolean',
				default: false,
				description:
					'Whether to include notes teammates left for each other in Intercom, marked [Internal note]. The customer never saw them.',
			},
			{
				displayName: 'Include System Events',
				name: 'includeSystemEvents',
				type: 'boolean',
				default: false,
				description:
					'Whether to include lines for assignments, closing, reopening, snoozing and attribute changes',
			},
			{
				displayName: 'Intercom Region',
				name: 'region',
				type: 'options',
				default: 'us',
				description: 'Where your workspace is hosted, for the link to the conversation',
				options: [
					{ name: 'United States', value: 'us' },
					{ name: 'Europe', value: 'eu' },
					{ name: 'Australia', value: 'au' },
				],
			},
			{
				displayName: 'Timezone',
				name: 'timezone',
				type: 'string',
				default: '',
				placeholder: 'e.g. Europe/Berlin',
				description:
					"Timezone for message times and dates (IANA name). Empty: the workflow's timezone.",
			},
			{
				displayName: 'Wait for Other Execution (Seconds)',
				name: 'waitSeconds',
				type: 'number',
				default: 60,
				typeOptions: { minValue: 0 },
				displayOptions: { show: { '/onlyNewMessages': [true], '/deliveredFrom': ['workflow'] } },
				description:
					'When another execution is still writing notes for the same conversation, wait up to this long for it to mark them as delivered, then show only what is newer. If it does not finish in time (for example because it failed), its messages are shown again here, so none is lost. 0 = do not wait.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['render'] } }, properties);

interface RenderOptions {
	includeBotMessages?: boolean;
	includeInternalNotes?: boolean;
	includeSystemEvents?: boolean;
	region?: IntercomRegion;
	timezone?: string;
	waitSeconds?: number;
	conversation?: unknown;
}

interface ConversationInput {
	conversation: IntercomConversation;
	customer: Customer | null;
	appId: string;
}

type OutputMode = 'perNote' | 'perConversation';

/**
 * All notes of a conversation as one item. Its single receipt spans the notes: from what was
 * delivered before the first note to the last message of the last note, so Mark as Delivered
 * advances the watermark only when every note of the conversation was written.
 */
function perConversationItem(
	transcript: Transcript,
	conversationId: string,
	customer: Customer | null,
	run: RunContext,
): IDataObject {
	const { notes } = transcript;
	const first = notes[0];
	const last = notes[notes.length - 1];
	// a message split across notes ends one note and starts the next: count it once
	let messageCount = 0;
	for (let i = 0; i < notes.length; i++) {
		messageCount += notes[i].messageCount;
		if (i > 0 && notes[i].firstPartId === notes[i - 1].lastPartId) messageCount--;
	}
	return {
		conversationId,
		notes: notes.map((note) => ({
			text: note.text,
			idempotencyKey: note.idempotencyKey,
			part: note.part,
			parts: note.parts,
			firstPartId: note.firstPartId,
			lastPartId: note.lastPartId,
			messageCount: note.messageCount,
		})),
		noteCount: notes.length,
		messageCount,
		truncated: transcript.truncated,
		customer,
		text: first.text,
		delivery: {
			workflowKey: run.workflowKey,
			conversationId,
			after: first.after,
			upTo: last.upTo,
		} as unknown as IDataObject,
	};
}

const NOT_A_CONVERSATION =
	'This item does not contain an Intercom conversation. Connect the Transcript node after the Intercom Trigger or the Intercom Conversations › Get node.';

function hasId(value: IDataObject): boolean {
	return (typeof value.id === 'string' && value.id !== '') || typeof value.id === 'number';
}

function asCustomer(value: unknown): Customer | null {
	if (!isObject(value)) return null;
	const text = (field: unknown) =>
		typeof field === 'string' && field.trim()
			? field.trim()
			: typeof field === 'number'
				? String(field)
				: null;
	const customer = { id: text(value.id), email: text(value.email), name: text(value.name) };
	return customer.id || customer.email || customer.name ? customer : null;
}

/**
 * Accepts the output of Intercom Conversations › Get (the conversation itself, maybe with a
 * `customer`) and of the Intercom Trigger (`conversation`, `conversationId`, `customer`, `appId`).
 */
export function conversationInput(json: IDataObject): ConversationInput | undefined {
	let conversation: IDataObject | undefined;
	if (json.type === 'conversation' && hasId(json)) conversation = json;
	else if (
		isObject(json.conversation) &&
		hasId(json.conversation) &&
		(json.conversation.type === undefined || json.conversation.type === 'conversation')
	) {
		conversation = json.conversation;
	}
	if (!conversation) return undefined;
	const typed = conversation as unknown as IntercomConversation;
	return {
		conversation: typed,
		customer: asCustomer(json.customer) ?? asCustomer(sourceCustomer(conversation)),
		appId: typeof json.appId === 'string' ? json.appId : '',
	};
}

function conversationSource(
	context: IExecuteFunctions,
	itemIndex: number,
	option: unknown,
): IDataObject {
	if (option === undefined || option === null || option === '') {
		return context.getInputData()[itemIndex].json;
	}
	const value = jsonParameterValue(option);
	if (!isObject(value)) {
		throw new NodeOperationError(context.getNode(), 'The "Conversation" option is not an object', {
			itemIndex,
			description: `${NOT_A_CONVERSATION} Point "Conversation" at that node's item, e.g. {{ $('Get conversation').item.json }}.`,
		});
	}
	return value as IDataObject;
}

/** Where to start: after the newest transcript note on the deal, from the key Find by Email read. */
function startAfterKommoNote(
	context: IExecuteFunctions,
	itemIndex: number,
	conversationId: string,
): TranscriptStart {
	const raw = context.getNodeParameter('kommoTranscriptKey', itemIndex, '') as unknown;
	if (raw === undefined || raw === null || String(raw).trim() === '') return null;
	const key = parseIdempotencyKey(String(raw));
	if (!key) {
		throw new NodeOperationError(
			context.getNode(),
			`"Newest Transcript Key in Kommo" is not a transcript key: "${String(raw).slice(0, 80)}"`,
			{
				itemIndex,
				description:
					'It should be the "transcriptKey" of Kommo › Find by Email (with "Read Newest Transcript Note" on), such as intercom:215:403918334-9877, or empty.',
			},
		);
	}
	if (key.conversationId !== conversationId) {
		throw new NodeOperationError(
			context.getNode(),
			`The transcript key is for Intercom conversation ${key.conversationId}, not ${conversationId}`,
			{
				itemIndex,
				description:
					'Set the Intercom Conversation ID option of Kommo › Find by Email to this conversation, so it reads the notes of this conversation.',
			},
		);
	}
	return { lastRef: key.lastRef };
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
): Promise<{ transcript: IDataObject[]; noNewMessages: IDataObject[] }> {
	const options = this.getNodeParameter('options', itemIndex, {}) as RenderOptions;
	const input = conversationInput(conversationSource(this, itemIndex, options.conversation));
	if (!input) throw new NodeOperationError(this.getNode(), NOT_A_CONVERSATION, { itemIndex });
	const { conversation, customer } = input;
	const conversationId = String(conversation.id);

	const onlyNew = this.getNodeParameter('onlyNewMessages', itemIndex, false) as boolean;
	const deliveredFrom = onlyNew
		? (this.getNodeParameter('deliveredFrom', itemIndex, 'workflow') as string)
		: 'workflow';
	const appId = (this.getNodeParameter('appId', itemIndex, '') as string).trim() || input.appId;
	const maxLength = this.getNodeParameter(
		'maxNoteLength',
		itemIndex,
		DEFAULT_MAX_NOTE_LENGTH,
	) as number;
	const timeZone = options.timezone?.trim() || this.getTimezone();
	if (!isValidTimeZone(timeZone)) {
		throw new NodeOperationError(this.getNode(), `"${timeZone}" is not a timezone name`, {
			itemIndex,
			description: 'Use an IANA timezone name such as Europe/Berlin or America/New_York.',
		});
	}
	if (!Number.isFinite(maxLength) || maxLength < MIN_NOTE_LENGTH) {
		throw new NodeOperationError(
			this.getNode(),
			`Max Note Length must be at least ${MIN_NOTE_LENGTH} characters`,
			{ itemIndex },
		);
	}

	const render = (from: TranscriptStart): Transcript =>
		renderTranscript(
			conversation,
			{
				timeZone,
				maxLength,
				conversationUrl: conversationUrl(conversationId, appId, options.region),
				customerName: customer?.name ?? undefined,
				includeBotMessages: options.includeBotMessages ?? true,
				includeInternalNotes: options.includeInternalNotes ?? false,
				includeSystemEvents: options.includeSystemEvents ?? false,
			},
			from,
		);

	let transcript: Transcript;
	let after: DeliveryReceipt['after'] = null;
	try {
		if (onlyNew && deliveredFrom === 'kommoNote') {
			transcript = render(startAfterKommoNote(this, itemIndex, conversationId));
			after = transcript.after;
		} else if (onlyNew) {
			const waitSeconds = options.waitSeconds ?? 60;
			({ transcript, after } = await renderInTurn(
				{
					workflowKey: run.workflowKey,
					staticData: run.staticData(),
					conversationId,
					owner: run.owner,
					maxWaitMs: Math.max(0, waitSeconds) * 1000,
				},
				(turn) => {
					const result = render(turn.after);
					const last = result.notes[result.notes.length - 1];
					return { result: { transcript: result, after: turn.after }, upTo: last?.upTo ?? null };
				},
			));
		} else {
			transcript = render(null);
		}
	} catch (error) {
		// RangeError: a note length too small for the header; anything else is unexpected
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}

	if (transcript.notes.length === 0) {
		return {
			transcript: [],
			noNewMessages: [
				{
					conversationId,
					reason: after
						? 'No messages newer than the ones already delivered.'
						: 'The conversation has no messages to show with the chosen options.',
				},
			],
		};
	}

	const outputMode = this.getNodeParameter('outputMode', itemIndex, 'perNote') as OutputMode;
	if (outputMode === 'perConversation') {
		return {
			transcript: [perConversationItem(transcript, conversationId, customer, run)],
			noNewMessages: [],
		};
	}

	return {
		transcript: transcript.notes.map((note) => ({
			conversationId,
			text: note.text,
			part: note.part,
			parts: note.parts,
			idempotencyKey: note.idempotencyKey,
			messageCount: note.messageCount,
			firstPartId: note.firstPartId,
			lastPartId: note.lastPartId,
			truncated: transcript.truncated,
			customer,
			delivery: {
				workflowKey: run.workflowKey,
				conversationId,
				after: note.after,
				upTo: note.upTo,
			} as unknown as IDataObject,
		})),
		noNewMessages: [],
	};
}
