import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const HTML_ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

/**
 * Text made safe for HTML, inside an element and inside a quoted attribute alike. Intercom renders
 * a reply body as HTML, so a customer-supplied "<b>" or a stray "&" must reach the chat as typed.
 */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/**
 * Plain text as Intercom's reply HTML: paragraphs (separated by a blank line) become `<p>…</p>`,
 * the single line breaks inside one become `<br>`. Empty for text that is only whitespace.
 */
export function textToHtml(text: string): string {
	return text
		.replace(/\r\n?/g, '\n')
		.split(/\n[ \t]*\n/)
		.map((paragraph) => paragraph.trim())
		.filter(Boolean)
		.map(
			(paragraph) =>
				`<p>${paragraph
					.split('\n')
					.map((line) => escapeHtml(line.trim()))
					.join('<br>')}</p>`,
		)
		.join('');
}

/**
 * The links of the "Attachment Links" option: separated by commas, spaces or new lines, each an
 * http(s) URL. Anything else fails the item and names the bad value, so a typo is not sent to the
 * customer as a dead link.
 */
export function parseAttachmentLinks(node: INode, raw: unknown, itemIndex: number): URL[] {
	const values = (Array.isArray(raw) ? raw.map(String) : [String(raw ?? '')])
		.flatMap((value) => value.split(/[\s,]+/))
		.filter(Boolean);
	return values.map((value) => {
		let url: URL | undefined;
		try {
			url = new URL(value);
		} catch {
			url = undefined;
		}
		if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
			const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
			throw new NodeOperationError(node, `"${shown}" in "Attachment Links" is not a web link`, {
				itemIndex,
				description:
					'Each attachment link must be a full address starting with http:// or https://, e.g. https://example.com/files/invoice.pdf. Separate several links with commas, spaces or new lines.',
			});
		}
		return url;
	});
}

/** The file name at the end of the link's path (decoded), or the whole link when it has none. */
function linkText(url: URL): string {
	const last = url.pathname.split('/').filter(Boolean).pop();
	if (!last) return url.href;
	try {
		return decodeURIComponent(last);
	} catch {
		// a malformed %-sequence: the name as it stands still tells the customer which file it is
		return last;
	}
}

/**
 * The body Intercom receives: the text's paragraphs, then one paragraph per link. Intercom's own
 * `attachment_urls` takes images only, so links carry any kind of file (a PDF invoice, say).
 */
export function replyBodyHtml(text: string, links: URL[]): string {
	const paragraphs = links.map(
		(url) => `<p><a href="${escapeHtml(url.href)}">${escapeHtml(linkText(url))}</a></p>`,
	);
	return textToHtml(text) + paragraphs.join('');
}
