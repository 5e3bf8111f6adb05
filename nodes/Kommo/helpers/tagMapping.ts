import type { IDataObject } from 'n8n-workflow';

import type { CustomFieldDefinition, FieldOption } from './customFields';
import { CHOICE_TYPES, findOption } from './customFields';

/** Value of the "Field Option" column that drops a tag instead of mapping it. */
export const IGNORE_TAG = '__ignore__';

/** Value of the "Field Option" column that makes a tag tick a checkbox field. */
export const CHECKBOX_TICK = '__tick__';

export interface TagException {
	tag: string;
	option: string;
}

export interface TagMappingResult {
	/** `values` for the field, or null when nothing should be written */
	values: IDataObject[] | null;
	/** tags that produced a value */
	mappedTags: string[];
	/** tags that matched no option (choice fields) or were not listed (checkbox with a table) */
	unmatchedTags: string[];
	/**
	 * only when a text field could not hold every name: the mapped tags not written in full (the
	 * value ends in "…" then)
	 */
	leftOutTags?: string[];
}

/**
 * Kommo refuses a text field value longer than this many characters, failing the whole update; a
 * text area holds far more.
 */
export const TEXT_FIELD_MAX_LENGTH = 256;

/** Ends a text value that was cut, so a reader of the lead sees the list goes on. */
const CUT_MARK = '…';

/** Characters as Kommo counts them: an emoji is one, not the two UTF-16 units of `.length`. */
const characters = (text: string) => [...text];

const key = (text: string) => text.trim().toLowerCase();

/**
 * The option a row names, or null when the row maps the tag as itself: no option chosen, or
 * "(Tick the Checkbox)", which means something only for a checkbox.
 */
function rowOption(exception: TagException | undefined): string | null {
	if (!exception) return null;
	const option = exception.option.trim();
	return option === '' || option === CHECKBOX_TICK ? null : option;
}

function exceptionFor(exceptions: TagException[], tag: string): TagException | undefined {
	return exceptions.find((exception) => key(exception.tag) === key(tag));
}

/**
 * Intercom tags → one lead field, by the rules of the "Intercom tags → lead field" table in docs/kommo-node.md
 * (one row per field type, one column per kind of exception row). Choice fields: a tag picks the
 * option of the same name (case-insensitive) unless its row names another; a select takes the first
 * tag that maps, a multiselect all of them. Checkbox: ticked when a counted tag is present (the
 * tags with a row other than Ignore, or any tag when no row counts one). Text: the tag names,
 * comma-joined, with the rows' renames applied, cut to what a text field holds (see joinNames).
 * Ignore drops a tag everywhere; a row without an option maps the tag as itself.
 */
export function mapTagsToField(
	field: CustomFieldDefinition,
	tags: string[],
	exceptions: TagException[],
	clearWhenNothingMatches: boolean,
): TagMappingResult {
	const mappedTags: string[] = [];
	const unmatchedTags: string[] = [];
	const unique = [...new Map(tags.map((tag) => [key(tag), tag.trim()])).values()].filter(
		(tag) => tag !== '',
	);

	if (CHOICE_TYPES.has(field.type)) {
		const chosen: FieldOption[] = [];
		for (const tag of unique) {
			const exception = exceptionFor(exceptions, tag);
			if (exception?.option === IGNORE_TAG) continue;
			const named = rowOption(exception);
			// a row's option comes from the dropdown (a name) or an expression (a name or an ID)
			const option =
				named === null ? findOption(field, tag, { byId: false }) : findOption(field, named);
			if (!option) {
				unmatchedTags.push(tag);
				continue;
			}
			mappedTags.push(tag);
			if (!chosen.some((existing) => existing.id === option.id)) chosen.push(option);
		}
		const picked = field.type === 'multiselect' ? chosen : chosen.slice(0, 1);
		if (!picked.length)
			return { values: clearWhenNothingMatches ? [] : null, mappedTags, unmatchedTags };
		return { values: picked.map((option) => ({ enum_id: option.id })), mappedTags, unmatchedTags };
	}

	if (field.type === 'checkbox') {
		const listed = exceptions.filter((exception) => exception.option !== IGNORE_TAG);
		for (const tag of unique) {
			const exception = exceptionFor(exceptions, tag);
			const counts = exception ? exception.option !== IGNORE_TAG : listed.length === 0;
			(counts ? mappedTags : unmatchedTags).push(tag);
		}
		if (!mappedTags.length && !clearWhenNothingMatches) {
			return { values: null, mappedTags, unmatchedTags };
		}
		return { values: [{ value: mappedTags.length > 0 }], mappedTags, unmatchedTags };
	}

	const names: NamedTag[] = [];
	for (const tag of unique) {
		const exception = exceptionFor(exceptions, tag);
		if (exception?.option === IGNORE_TAG) continue;
		mappedTags.push(tag);
		names.push({ tag, name: rowOption(exception) ?? tag });
	}
	if (!names.length)
		return { values: clearWhenNothingMatches ? [] : null, mappedTags, unmatchedTags };
	const limit = field.type === 'text' ? TEXT_FIELD_MAX_LENGTH : Infinity;
	const { value, leftOutTags } = joinNames(names, limit);
	return {
		values: [{ value }],
		mappedTags,
		unmatchedTags,
		...(leftOutTags.length ? { leftOutTags } : {}),
	};
}

interface NamedTag {
	tag: string;
	/** what the field shows for it: the tag's name, or its row's text */
	name: string;
}

/**
 * The names comma-joined, cut to `limit` characters when they do not fit: whole names while there is
 * room for them and a closing ", …", so the item is written rather than failed by Kommo. When not
 * even the first name leaves that room, it is cut and ends in "…". Tags not written in full are
 * `leftOutTags`.
 */
function joinNames(names: NamedTag[], limit: number): { value: string; leftOutTags: string[] } {
	const joined = names.map((entry) => entry.name).join(', ');
	if (characters(joined).length <= limit) return { value: joined, leftOutTags: [] };
	let value = '';
	let kept = 0;
	for (const { name } of names) {
		const longer = kept === 0 ? name : `${value}, ${name}`;
		if (characters(`${longer}, ${CUT_MARK}`).length > limit) break;
		value = longer;
		kept += 1;
	}
	const tagsFrom = (index: number) => names.slice(index).map((entry) => entry.tag);
	if (kept > 0) return { value: `${value}, ${CUT_MARK}`, leftOutTags: tagsFrom(kept) };
	// not even the first name leaves room for ", …": as much of it as fits, then "…"
	const first = characters(names[0].name);
	const shown = first.slice(0, limit - 1);
	const firstWhole = shown.length === first.length;
	return { value: shown.join('') + CUT_MARK, leftOutTags: tagsFrom(firstWhole ? 1 : 0) };
}
