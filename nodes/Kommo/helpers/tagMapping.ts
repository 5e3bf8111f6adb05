import type { IDataObject } from 'n8n-workflow';

import type { CustomFieldDefinition, FieldOption } from './customFields';
import { CHOICE_TYPES } from './customFields';

/** Value of the "Field Option" column that drops a tag instead of mapping it. */
export const IGNORE_TAG = '__ignore__';

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

function exceptionFor(exceptions: TagException[], tag: string): TagException | undefined {
	return exceptions.find((exception) => key(exception.tag) === key(tag));
}

function optionNamed(field: CustomFieldDefinition, name: string): FieldOption | undefined {
	const wanted = key(name);
	return (
		field.enums?.find((option) => key(option.value) === wanted) ??
		(/^\d+$/.test(name.trim())
			? field.enums?.find((option) => option.id === Number(name))
			: undefined)
	);
}

/**
 * Intercom tags → one lead field. Choice fields: a tag picks the option of the same name
 * (case-insensitive) unless the exceptions table says otherwise; a select takes the first tag that
 * maps, a multiselect all of them. Checkbox: true when a counted tag is present (the tags listed in
 * the table, or any tag when the table is empty). Text: the tag names, comma-joined, with the
 * table's renames applied.
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
			const option = optionNamed(field, exception ? exception.option : tag);
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
		names.push(exception && exception.option.trim() !== '' ? exception.option.trim() : tag);
	}
	if (!names.length)
		return { values: clearWhenNothingMatches ? [] : null, mappedTags, unmatchedTags };
	return { values: [{ value: names.join(', ') }], mappedTags, unmatchedTags };
}
