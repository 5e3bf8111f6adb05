import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../shared/descriptions';
import {
	conversationInput,
	conversationSource,
	NOT_A_CONVERSATION,
	startAfterKey,
} from '../helpers/input';
import { perConversationItem, perNoteItems } from '../helpers/output';
import type { OutputMode } from '../helpers/output';
import { isValidTimeZone } from '../render/time';
import { conversationUrl, renderTranscript } from '../render/transcript';
import type { IntercomRegion, Transcript } from '../render/transcript';

export const DEFAULT_MAX_NOTE_LENGTH = 8000;
const MIN_NOTE_LENGTH = 1000;

const properties: INodeProperties[] = [
	{
		displayName: 'Start After Transcript Key',
		name: 'startAfterKey',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.transcriptKey }}',
		hint: 'Empty: the whole conversation. The key comes from Kommo › Find by Email with "Read Newest Transcript Note" on.',
		description:
			'Render only the messages after the ones this key names (the newest note of this conversation on the deal)',
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
				description: 'Each note is its own item. A long transcript gives several items.',
			},
			{
				name: 'One Item per Conversation',
				value: 'perConversation',
				description:
					'One item per conversation with all its notes in "notes". Use it when the next steps must run once per conversation, e.g. add every note to the deal in one step.',
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
				displayName: 'Warning Line',
				name: 'warning',
				type: 'string',
				default: '',
				placeholder: "e.g. {{ $('Find contact by email').item.json.warning }}",
				description:
					'A line printed under the link of every note, for what a reader must know first: Kommo › Find by Email gives one when the chat is from a visitor who typed the email of an existing contact. Empty: no line.',
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
	conversation?: unknown;
	warning?: unknown;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<{ transcript: IDataObject[]; noNewMessages: IDataObject[] }> {
	const options = this.getNodeParameter('options', itemIndex, {}) as RenderOptions;
	const input = conversationInput(conversationSource(this, itemIndex, options.conversation));
	if (!input) throw new NodeOperationError(this.getNode(), NOT_A_CONVERSATION, { itemIndex });
	const { conversation, customer } = input;
	const conversationId = String(conversation.id);

	const start = startAfterKey(this, itemIndex, conversationId);
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

	let transcript: Transcript;
	try {
		transcript = renderTranscript(
			conversation,
			{
				timeZone,
				maxLength,
				conversationUrl: conversationUrl(conversationId, appId, options.region),
				customerName: customer?.name ?? undefined,
				warning: typeof options.warning === 'string' ? options.warning : undefined,
				includeBotMessages: options.includeBotMessages ?? true,
				includeInternalNotes: options.includeInternalNotes ?? false,
				includeSystemEvents: options.includeSystemEvents ?? false,
			},
			start,
		);
	} catch (error) {
		// RangeError: a note length too small for the header; anything else is unexpected
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}

	if (transcript.notes.length === 0) {
		const reason = start
			? 'No messages newer than the ones already on the deal.'
			: 'The conversation has no messages to show with the chosen options.';
		return { transcript: [], noNewMessages: [{ conversationId, reason }] };
	}
	const outputMode = this.getNodeParameter('outputMode', itemIndex, 'perNote') as OutputMode;
	return {
		transcript:
			outputMode === 'perConversation'
				? [perConversationItem(transcript, conversationId, customer)]
				: perNoteItems(transcript, conversationId, customer),
		noNewMessages: [],
	};
}
