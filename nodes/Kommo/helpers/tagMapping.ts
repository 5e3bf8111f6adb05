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
}

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
 * comma-joined, with the rows' renames applied. Ignore drops a tag everywhere; a row without an
 * option maps the tag as itself.
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

	const names: string[] = [];
	for (const tag of unique) {
		const exception = exceptionFor(exceptions, tag);
		if (exception?.option === IGNORE_TAG) continue;
		mappedTags.push(tag);
		names.push(rowOption(exception) ?? tag);
	}
	if (!names.length)
		return { values: clearWhenNothingMatches ? [] : null, mappedTags, unmatchedTags };
	return { values: [{ value: names.join(', ') }], mappedTags, unmatchedTags };
}
