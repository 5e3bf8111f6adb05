import type { IDataObject } from 'n8n-workflow';

/**
 * Kommo posts its webhooks as `application/x-www-form-urlencoded` with PHP-style bracket keys
 * (`leads[status][0][custom_fields][0][values][0][value]=…`). n8n's body parser leaves those keys flat
 * and keeps only the first 1000 of them, so the trigger re-parses the raw body with this parser.
 */

export class FormParseError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FormParseError';
	}
}

export interface FormParseLimits {
	/** most bracket segments one field name may have (`a[b][c]` has 2) */
	maxDepth: number;
}

/**
 * Kommo's deepest documented key is `leads[status][0][custom_fields][0][values][0][value]` (6
 * segments). Twice that leaves room for fields we have not seen while refusing absurd nesting.
 */
export const DEFAULT_FORM_LIMITS: FormParseLimits = { maxDepth: 12 };

/** Names that would reach Object.prototype (or a constructor) if used as object keys. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,8})$/;
const BRACKET_SEGMENTS = /^(?:\[[^[\]]*\])*$/;

interface Group {
	children: Map<string, Group | string>;
	/** where `a[]` appends: one past the highest array index seen so far */
	nextIndex: number;
}

function newGroup(): Group {
	return { children: new Map(), nextIndex: 0 };
}

function decodeComponent(text: string, fieldNumber: number, part: 'name' | 'value'): string {
	let decoded: string | undefined;
	try {
		decoded = decodeURIComponent(text.replace(/\+/g, ' '));
	} catch {
		decoded = undefined;
	}
	if (decoded === undefined) {
		// Never echo the raw text back: it may carry customer data
		throw new FormParseError(
			`Field ${fieldNumber} has a broken percent-encoding in its ${part} (e.g. "%E0%A4%A" or a non-UTF-8 byte)`,
		);
	}
	return decoded;
}

function splitName(name: string, fieldNumber: number, limits: FormParseLimits): string[] {
	const open = name.indexOf('[');
	const base = open === -1 ? name : name.slice(0, open);
	if (base === '') {
		throw new FormParseError(`Field ${fieldNumber} has no name before its brackets`);
	}
	const segments = [base];
	if (open !== -1) {
		const rest = name.slice(open);
		if (!BRACKET_SEGMENTS.test(rest)) {
			throw new FormParseError(`Field ${fieldNumber} has unbalanced brackets in its name`);
		}
		for (const match of rest.matchAll(/\[([^[\]]*)\]/g)) segments.push(match[1]);
	}
	if (segments.length - 1 > limits.maxDepth) {
		throw new FormParseError(
			`Field ${fieldNumber} is nested ${segments.length - 1} levels deep; at most ${limits.maxDepth} are accepted`,
		);
	}
	for (const segment of segments) {
		if (FORBIDDEN_SEGMENTS.has(segment)) {
			throw new FormParseError(`Field ${fieldNumber} uses the reserved name "${segment}"`);
		}
	}
	return segments;
}

function insert(root: Group, segments: string[], value: string): void {
	let group = root;
	for (let i = 0; i < segments.length; i++) {
		// `a[]=x` appends, as PHP does
		const key = segments[i] === '' ? String(group.nextIndex) : segments[i];
		if (ARRAY_INDEX.test(key)) group.nextIndex = Math.max(group.nextIndex, Number(key) + 1);
		if (i === segments.length - 1) {
			group.children.set(key, value);
			return;
		}
		const existing = group.children.get(key);
		if (existing !== undefined && typeof existing !== 'string') {
			group = existing;
			continue;
		}
		// a later `a[b]` replaces an earlier scalar `a`, like PHP's parse_str (last one wins)
		const created = newGroup();
		group.children.set(key, created);
		group = created;
	}
}

/**
 * Keys 0..n-1 become an array. Anything else (gaps, ids used as keys like Kommo's
 * `linked_leads_id[40326593]`) stays an object, so a huge index never allocates a huge array.
 */
function toPlain(group: Group, isRoot = false): IDataObject | Array<IDataObject | string> {
	const keys = Array.from(group.children.keys());
	const isList =
		!isRoot &&
		keys.length > 0 &&
		// Map keys are unique, so n keys all below n are exactly 0..n-1
		keys.every((key) => ARRAY_INDEX.test(key) && Number(key) < keys.length);
	const convert = (child: Group | string) => (typeof child === 'string' ? child : toPlain(child));
	if (isList) {
		const list: Array<IDataObject | string> = new Array(keys.length);
		for (const [key, child] of group.children) list[Number(key)] = convert(child) as IDataObject;
		return list;
	}
	const object: IDataObject = {};
	for (const [key, child] of group.children) object[key] = convert(child);
	return object;
}

/**
 * Parses an `application/x-www-form-urlencoded` body into nested objects: `+` is a space,
 * `%XX` is UTF-8 percent-encoding, `a[b][0]=x` becomes `{ a: { b: ['x'] } }`. No limit on the number
 * of fields (n8n already caps the body size). Throws {@link FormParseError} on broken encoding,
 * malformed names, reserved names and nesting deeper than `limits.maxDepth`.
 */
export function parseNestedForm(
	body: string,
	limits: FormParseLimits = DEFAULT_FORM_LIMITS,
): IDataObject {
	const root = newGroup();
	let fieldNumber = 0;
	for (const pair of body.split('&')) {
		if (pair === '') continue;
		fieldNumber++;
		const equals = pair.indexOf('=');
		const rawName = equals === -1 ? pair : pair.slice(0, equals);
		const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
		const name = decodeComponent(rawName, fieldNumber, 'name');
		const value = decodeComponent(rawValue, fieldNumber, 'value');
		insert(root, splitName(name, fieldNumber, limits), value);
	}
	return toPlain(root, true) as IDataObject;
}

export type FormParseResult =
	| { payload: IDataObject; error?: undefined }
	| { payload?: undefined; error: string };

/** {@link parseNestedForm} for callers that answer a malformed body instead of failing. */
export function tryParseNestedForm(
	body: string,
	limits: FormParseLimits = DEFAULT_FORM_LIMITS,
): FormParseResult {
	try {
		return { payload: parseNestedForm(body, limits) };
	} catch (error) {
		if (error instanceof FormParseError) return { error: error.message };
		return { error: 'The body could not be read as a form' };
	}
}
