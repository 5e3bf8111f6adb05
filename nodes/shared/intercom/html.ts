/**
 * Intercom message bodies are small, well-formed HTML fragments (the Messenger and Inbox editors write
 * `<p>`, `<br>`, lists, links, images and code blocks). A single forward scan is enough to turn them
 * into text a salesperson can read in a CRM note; a full HTML parser would be a runtime dependency.
 */

const NAMED_ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
	copy: '©',
	reg: '®',
	trade: '™',
	hellip: '…',
	mdash: '—',
	ndash: '–',
	lsquo: '‘',
	rsquo: '’',
	sbquo: '‚',
	ldquo: '“',
	rdquo: '”',
	bdquo: '„',
	laquo: '«',
	raquo: '»',
	bull: '•',
	middot: '·',
	deg: '°',
	times: '×',
	divide: '÷',
	plusmn: '±',
	euro: '€',
	pound: '£',
	yen: '¥',
	cent: '¢',
	sect: '§',
	para: '¶',
	shy: '',
	zwj: '\u200d',
	zwnj: '\u200c',
	larr: '←',
	rarr: '→',
	uarr: '↑',
	darr: '↓',
};

const ENTITY = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g;

function decodeEntity(match: string, name: string): string {
	if (name.charCodeAt(0) === 35 /* # */) {
		const hex = name.charCodeAt(1) === 120 || name.charCodeAt(1) === 88;
		const code = parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10);
		if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
		return code === 0xa0 ? ' ' : String.fromCodePoint(code);
	}
	const named = NAMED_ENTITIES[name] ?? NAMED_ENTITIES[name.toLowerCase()];
	return named ?? match;
}

/** Decodes the common named entities and any numeric one; unknown names are left as written. */
export function decodeEntities(text: string): string {
	if (text.indexOf('&') === -1) return text;
	return text.replace(ENTITY, decodeEntity);
}

const TAG_LIKE = /<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?\/?>|<!--/;

/** Intercom API 2.15+ webhooks (and `display_as=plaintext`) deliver plain text: no tags at all. */
export function looksLikeHtml(body: string): boolean {
	return TAG_LIKE.test(body);
}

const BLOCK_TAGS = new Set([
	'address',
	'article',
	'aside',
	'blockquote',
	'dd',
	'details',
	'div',
	'dl',
	'dt',
	'figcaption',
	'figure',
	'footer',
	'form',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'header',
	'hr',
	'main',
	'nav',
	'ol',
	'p',
	'pre',
	'section',
	'summary',
	'table',
	'tbody',
	'thead',
	'tfoot',
	'tr',
	'ul',
]);

/** Their content is never text for a reader. */
const DROPPED_TAGS = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'svg']);

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTRIBUTE = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
const WHITESPACE = /[ \t\n\r\f]+/g;
/** A blank line is the most a reader needs between two blocks. */
const MAX_BREAKS = 2;

function attribute(raw: string, wanted: string): string | undefined {
	ATTRIBUTE.lastIndex = 0;
	let match: RegExpExecArray | null;
	while ((match = ATTRIBUTE.exec(raw)) !== null) {
		if (match[1].toLowerCase() === wanted) {
			return decodeEntities(match[2] ?? match[3] ?? match[4] ?? '').trim();
		}
	}
	return undefined;
}

/** `https://x.test/a/Screen%20Shot.png?w=2` → `Screen Shot.png` */
export function fileNameOf(url: string): string {
	const path = url.split(/[?#]/, 1)[0];
	const last = path.slice(path.lastIndexOf('/') + 1);
	try {
		return decodeURIComponent(last);
	} catch {
		return last;
	}
}

function isUsableUrl(url: string | undefined): url is string {
	return !!url && !/^\s*(javascript|data|vbscript):/i.test(url) && url !== '#';
}

function sameTarget(label: string, url: string): boolean {
	const strip = (value: string) =>
		value
			.replace(/^mailto:|^tel:/i, '')
			.replace(/^https?:\/\//i, '')
			.replace(/\/$/, '')
			.toLowerCase();
	return strip(label) === strip(url);
}

interface OpenLink {
	href: string | undefined;
	start: number;
}

interface OpenList {
	ordered: boolean;
	count: number;
}

class TextBuilder {
	readonly chunks: string[] = [];
	private breaks = 0;
	private atLineStart = true;

	requestBreaks(count: number) {
		if (this.chunks.length === 0) return;
		this.breaks = Math.min(MAX_BREAKS, Math.max(this.breaks, count));
	}

	addBreak() {
		if (this.chunks.length === 0) return;
		this.breaks = Math.min(MAX_BREAKS, this.breaks + 1);
	}

	/** Text whose whitespace has already been handled (collapsed, or preformatted). */
	write(text: string) {
		if (text === '') return;
		if (this.breaks > 0) {
			this.chunks.push('\n'.repeat(this.breaks));
			this.breaks = 0;
			this.atLineStart = true;
		}
		this.chunks.push(text);
		this.atLineStart = text.charCodeAt(text.length - 1) === 10;
	}

	/** Collapsed inline text: no leading space at the start of a line. */
	writeInline(text: string) {
		const startsLine = this.breaks > 0 || this.atLineStart;
		this.write(startsLine ? text.replace(/^ +/, '') : text);
	}

	get length() {
		return this.chunks.length;
	}

	takeFrom(start: number): string {
		const taken = this.chunks.splice(start).join('');
		this.atLineStart = this.chunks.length === 0 || /\n$/.test(this.chunks[this.chunks.length - 1]);
		return taken;
	}
}

/** Trailing spaces off every line, at most one blank line in a row, no blank lines at the ends. */
export function tidyLines(text: string): string {
	const lines = text.split('\n');
	const kept: string[] = [];
	let blank = 0;
	for (const line of lines) {
		const trimmed = line.replace(/[ \t]+$/, '');
		if (trimmed === '') {
			blank++;
			continue;
		}
		if (kept.length > 0 && blank > 0) kept.push('');
		blank = 0;
		kept.push(trimmed);
	}
	return kept.join('\n');
}

/**
 * Readable text from an Intercom HTML body: blocks and `<br>` become line breaks, list items get
 * "- " (or "1. "), links read `label (url)`, images `[Image: name (url)]`, scripts and styles vanish.
 */
export function htmlToText(html: string): string {
	const out = new TextBuilder();
	const links: OpenLink[] = [];
	const lists: OpenList[] = [];
	let preDepth = 0;
	let cellsInRow = 0;
	let lastIndex = 0;

	const writeText = (raw: string) => {
		if (raw === '') return;
		if (preDepth > 0) {
			out.write(decodeEntities(raw.replace(/\r\n?/g, '\n')));
			return;
		}
		// whitespace at the start of a line (e.g. between two blocks) is dropped by writeInline
		out.writeInline(decodeEntities(raw.replace(WHITESPACE, ' ')));
	};

	TOKEN.lastIndex = 0;
	let match: RegExpExecArray | null;
	while ((match = TOKEN.exec(html)) !== null) {
		writeText(html.slice(lastIndex, match.index));
		lastIndex = TOKEN.lastIndex;
		const name = match[2]?.toLowerCase();
		if (!name) continue; // comment
		const closing = match[1] === '/';
		const rawAttributes = match[3] ?? '';

		if (DROPPED_TAGS.has(name)) {
			if (closing || /\/\s*$/.test(rawAttributes)) continue;
			const end = new RegExp(`</${name}\\s*>`, 'ig');
			end.lastIndex = TOKEN.lastIndex;
			const found = end.exec(html);
			lastIndex = found ? end.lastIndex : html.length;
			TOKEN.lastIndex = lastIndex;
			continue;
		}

		switch (name) {
			case 'br':
				out.addBreak();
				continue;
			case 'img': {
				const src = attribute(rawAttributes, 'src');
				const alt = attribute(rawAttributes, 'alt');
				const label = alt || (isUsableUrl(src) ? fileNameOf(src) : '') || 'image';
				out.writeInline(isUsableUrl(src) ? `[Image: ${label} (${src})]` : `[Image: ${label}]`);
				continue;
			}
			case 'a':
				if (!closing) {
					links.push({ href: attribute(rawAttributes, 'href'), start: out.length });
					continue;
				}
				{
					const link = links.pop();
					if (!link) continue;
					const label = out.takeFrom(link.start).trim();
					const href = link.href;
					if (!isUsableUrl(href)) out.writeInline(label);
					else if (!label || sameTarget(label, href))
						out.writeInline(href.replace(/^mailto:/i, ''));
					else out.writeInline(`${label} (${href.replace(/^mailto:/i, '')})`);
				}
				continue;
			case 'li':
				out.requestBreaks(1);
				if (!closing) {
					const list = lists[lists.length - 1];
					const indent = '  '.repeat(Math.max(0, lists.length - 1));
					if (list?.ordered) out.write(`${indent}${++list.count}. `);
					else out.write(`${indent}- `);
				}
				continue;
			case 'td':
			case 'th':
				if (!closing) {
					if (cellsInRow > 0) out.write(' | ');
					cellsInRow++;
				}
				continue;
		}

		if (BLOCK_TAGS.has(name)) {
			out.requestBreaks(1);
			if (name === 'ul' || name === 'ol') {
				if (closing) lists.pop();
				else lists.push({ ordered: name === 'ol', count: 0 });
			} else if (name === 'pre') {
				preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
			} else if (name === 'tr') {
				cellsInRow = 0;
			} else if (name === 'hr' && !closing) {
				out.write('---');
				out.requestBreaks(1);
			}
		}
	}
	writeText(html.slice(lastIndex));
	// links never closed: keep their text
	return tidyLines(out.chunks.join(''));
}

/** Text of a message body, whether Intercom sent HTML or plain text. */
export function bodyToText(body: unknown): string {
	if (typeof body !== 'string' || body === '') return '';
	if (!looksLikeHtml(body)) return tidyLines(body.replace(/\r\n?/g, '\n'));
	return htmlToText(body);
}
