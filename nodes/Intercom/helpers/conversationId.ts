import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Matches the conversation id in inbox links such as `…/inbox/conversation/215468?view=List`. */
export const CONVERSATION_URL_REGEX =
	'^https?://[^\\s/]*intercom\\.(?:com|io)/.*/conversations?/(\\d+)(?:[/?#].*)?$';

const conversationUrl = new RegExp(CONVERSATION_URL_REGEX, 'i');
const plainId = /^\d+$/;

/**
 * Accepts what users paste or map: a bare id (string or number), an inbox URL, or a resource locator
 * value in either mode.
 */
export function parseConversationId(node: INode, raw: unknown, itemIndex: number): string {
	const value =
		raw && typeof raw === 'object' && 'value' in raw ? (raw as { value: unknown }).value : raw;
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (plainId.test(text)) return text;
	const fromUrl = conversationUrl.exec(text);
	if (fromUrl) return fromUrl[1];
	const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
	throw new NodeOperationError(
		node,
		text
			? `"${shown}" is not an Intercom conversation ID or conversation link`
			: 'No conversation ID given',
		{
			itemIndex,
			description:
				'Use the numeric conversation ID (e.g. 215468) or a link copied from the Intercom inbox, e.g. https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468',
		},
	);
}
