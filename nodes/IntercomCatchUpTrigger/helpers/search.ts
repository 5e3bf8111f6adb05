import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { intercomApiRequest } from '../../shared/intercom/transport';
import { isObject } from '../../shared/values';
import type { ChatListing } from './plan';
import { readChatListing } from './plan';

/** Intercom's largest page ("the max amount for any API is 150"). */
export const SEARCH_PAGE_SIZE = 150;

export interface ChangedChats {
	listings: ChatListing[];
	/** how many chats Intercom says match the whole window */
	totalCount: number;
	/** false when paging stopped before the last page */
	complete: boolean;
}

/**
 * One page of `POST /conversations/search` for chats changed at or after `from`. The cursor of the
 * next page travels in the body. `sort` is not in Intercom's 2.x schema but is sent in production
 * by Airbyte and Estuary; the plan sorts again, and a check only moves past chats it has seen.
 */
export async function searchPage(
	this: IPollFunctions,
	from: number,
	startingAfter?: string,
): Promise<{ conversations: IDataObject[]; totalCount: number; next?: string }> {
	const response = await intercomApiRequest.call(this, 'POST', '/conversations/search', {
		query: { field: 'updated_at', operator: '>', value: from },
		pagination: {
			per_page: SEARCH_PAGE_SIZE,
			...(startingAfter ? { starting_after: startingAfter } : {}),
		},
		sort: { field: 'updated_at', order: 'ascending' },
	});
	const conversations = Array.isArray(response.conversations)
		? (response.conversations as unknown[]).filter(isObject)
		: [];
	const pages = isObject(response.pages) ? response.pages : {};
	const next = isObject(pages.next) ? pages.next.starting_after : undefined;
	return {
		conversations,
		totalCount:
			typeof response.total_count === 'number' ? response.total_count : conversations.length,
		next: typeof next === 'string' && next !== '' ? next : undefined,
	};
}

/**
 * Pages through the chats changed since `from` until `enough(listings)` says a check has what it can
 * hand over, the pages end, or the time given to this check runs out.
 */
export async function searchChangedChats(
	this: IPollFunctions,
	from: number,
	enough: (listings: ChatListing[]) => boolean,
	deadline: number,
	now: () => number,
): Promise<ChangedChats> {
	const listings: ChatListing[] = [];
	let startingAfter: string | undefined;
	let totalCount = 0;
	do {
		const page = await searchPage.call(this, from, startingAfter);
		totalCount = page.totalCount;
		for (const conversation of page.conversations) {
			const listing = readChatListing(conversation);
			if (listing) listings.push(listing);
		}
		startingAfter = page.next;
	} while (startingAfter && !enough(listings) && now() < deadline);
	return { listings, totalCount, complete: startingAfter === undefined };
}
