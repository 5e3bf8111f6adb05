import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readCommaList } from '../../shared/values';
import type { IntercomContext } from '../../shared/intercom/transport';
import { intercomApiRequest } from '../../shared/intercom/transport';

export interface IntercomTag {
	type?: string;
	id: string;
	name: string;
}

/**
 * A comma-separated list, a single name, or an array from an expression (of names or of tags, as
 * Intercom returns them); blanks and repeats dropped.
 */
export function parseTagNames(node: INode, raw: unknown, itemIndex: number): string[] {
	const names: string[] = [];
	const seen = new Set<string>();
	for (const name of readCommaList(raw)) {
		// Intercom compares tag names case-insensitively, so "VIP" and "vip" are one tag
		if (!seen.has(name.toLowerCase())) {
			seen.add(name.toLowerCase());
			names.push(name);
		}
	}
	if (!names.length) {
		throw new NodeOperationError(node, 'No tag name given', {
			itemIndex,
			description: 'Enter one tag name, or several separated by commas',
		});
	}
	return names;
}

/**
 * Per-execution lookups shared by all items, so a run over many conversations asks Intercom for the
 * same tag or admin once.
 */
export class TagDirectory {
	private readonly ensured = new Map<string, Promise<IntercomTag>>();

	private allTags?: Promise<IntercomTag[]>;

	constructor(private readonly context: IntercomContext) {}

	/** `POST /tags {name}` creates the tag, or returns the existing one (names are case-insensitive). */
	async findOrCreate(name: string): Promise<IntercomTag> {
		const key = name.toLowerCase();
		let pending = this.ensured.get(key);
		if (!pending) {
			pending = intercomApiRequest.call(this.context, 'POST', '/tags', { name }).then((tag) => ({
				id: String(tag.id),
				name: String(tag.name ?? name),
			}));
			this.ensured.set(key, pending);
			pending.catch(() => this.ensured.delete(key));
		}
		return await pending;
	}

	/** Looks a tag up without creating it. */
	async find(name: string): Promise<IntercomTag | undefined> {
		if (!this.allTags) {
			this.allTags = intercomApiRequest.call(this.context, 'GET', '/tags').then((response) =>
				(Array.isArray(response.data) ? (response.data as IntercomTag[]) : []).map((tag) => ({
					id: String(tag.id),
					name: String(tag.name),
				})),
			);
			this.allTags.catch(() => (this.allTags = undefined));
		}
		const wanted = name.toLowerCase();
		return (await this.allTags).find((tag) => tag.name.toLowerCase() === wanted);
	}
}
