import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { asNodeError } from '../../../shared/errors';
import { parseConversationId } from '../../../shared/intercomConversation';
import { isUncertainFailure } from '../../../shared/httpFailure';
import { intercomApiRequest } from '../../../shared/intercom/transport';
import { parseAttachmentLinks, replyBodyHtml } from '../../helpers/replyBody';
import type { ExecutionShared } from '../common';
import { actAsFields, conversationLocator } from '../common';

const properties: INodeProperties[] = [
	conversationLocator,
	// who the reply is sent as: the token's admin, or a teammate picked from the list
	...actAsFields,
	{
		displayName: 'Reply As',
		name: 'messageType',
		type: 'options',
		default: 'comment',
		options: [
			{
				name: 'Reply to Customer',
				value: 'comment',
				description: 'A message the customer sees in the chat',
			},
			{
				name: 'Internal Note',
				value: 'note',
				description: 'A note only your teammates see in the Intercom inbox',
			},
		],
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: 'e.g. Thanks for waiting! Your invoice is corrected.',
		description:
			'Plain text, sent exactly as written (characters like < and & are not read as HTML). A blank line starts a new paragraph.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Attachment Links',
				name: 'attachmentLinks',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://example.com/files/invoice.pdf',
				description:
					'Links to files, separated by commas, spaces or new lines, added below the text as one link each (named after the file)',
			},
		],
	},
];

const displayOptions = { show: { resource: ['conversation'], operation: ['reply'] } };

export const description = updateDisplayOptions(displayOptions, properties);

type MessageType = 'comment' | 'note';

interface ConversationPart {
	id?: unknown;
	part_type?: unknown;
	created_at?: unknown;
	app_package_code?: unknown;
	author?: { type?: unknown; id?: unknown } | null;
}

/**
 * The part this reply created. Intercom answers with the whole conversation, not the part; the
 * newest part of this admin and this kind is it (an assignment the reply triggered is skipped by
 * its kind). Among parts of the same second the later one in the list is the newer.
 */
function newestPartBy(
	conversation: IDataObject,
	adminId: string,
	messageType: MessageType,
): ConversationPart | undefined {
	const list = (conversation.conversation_parts as IDataObject | undefined)?.conversation_parts;
	const parts = (Array.isArray(list) ? list : []) as ConversationPart[];
	let newest: ConversationPart | undefined;
	for (const part of parts) {
		if (part?.author?.type !== 'admin' || String(part.author.id) !== adminId) continue;
		if (part.part_type !== messageType) continue;
		if (!newest || Number(part.created_at) >= Number(newest.created_at)) newest = part;
	}
	return newest;
}

/** Intercom's failure, in words about this reply. */
function replyFailure(
	node: INode,
	error: unknown,
	conversationId: string,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const failure = asNodeError(node, error, itemIndex);
	if (!(failure instanceof NodeApiError)) return failure;
	if (String(failure.httpCode) === '404') {
		failure.message = `Intercom has no conversation ${conversationId} — check the ID (and the region: an EU workspace needs the EU region)`;
	} else if (isUncertainFailure(failure)) {
		// not retried on purpose (idempotent: false): a second attempt could post it twice
		failure.message = `${failure.message.replace(/ — try again later$/, '')} — the reply may have been posted anyway`;
		failure.description = [
			`It was not sent again automatically, so the customer does not get it twice. Open conversation ${conversationId} in Intercom and check before running this item again.`,
			failure.description,
		]
			.filter(Boolean)
			.join(' ');
	}
	return failure;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
): Promise<IDataObject[]> {
	const node = this.getNode();
	const conversationId = parseConversationId(
		node,
		this.getNodeParameter('conversationId', itemIndex, undefined, { extractValue: false }),
		itemIndex,
	);
	const messageType: MessageType =
		this.getNodeParameter('messageType', itemIndex, 'comment') === 'note' ? 'note' : 'comment';
	const text = String(this.getNodeParameter('text', itemIndex, '') ?? '');
	const options = this.getNodeParameter('options', itemIndex, {}) as { attachmentLinks?: unknown };
	const links = parseAttachmentLinks(node, options.attachmentLinks, itemIndex);
	if (!text.trim() && links.length === 0) {
		throw new NodeOperationError(
			node,
			`The reply has no text: "Text" is empty and there are no attachment links`,
			{
				itemIndex,
				description:
					'Write the message in "Text" (or map it from an earlier node), or add a link under Options → Attachment Links',
			},
		);
	}

	// after the checks above, so a reply without text never looks up the token's admin
	const adminId = await shared.admins.adminIdFor(itemIndex);
	let conversation: IDataObject;
	try {
		// idempotent: false — a reply sent again after a 5xx could reach the customer twice
		conversation = await intercomApiRequest.call(
			this,
			'POST',
			`/conversations/${conversationId}/reply`,
			{
				type: 'admin',
				admin_id: adminId,
				message_type: messageType,
				body: replyBodyHtml(text, links),
			},
			undefined,
			{ idempotent: false },
		);
	} catch (error) {
		throw replyFailure(node, error, conversationId, itemIndex);
	}

	const part = newestPartBy(conversation, adminId, messageType);
	return [
		{
			conversationId,
			partId: part?.id === undefined || part.id === null ? null : String(part.id),
			messageType,
			adminId,
			createdAt: typeof part?.created_at === 'number' ? part.created_at : null,
			appPackageCode: typeof part?.app_package_code === 'string' ? part.app_package_code : null,
		},
	];
}
