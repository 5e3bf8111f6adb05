import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { amojoRequest } from '../../shared/kommo/chat/transport';

/**
 * What Kommo's chat already holds of one Intercom conversation: the msgids (ours, `intercom-…`)
 * in the chat's history. The chat is the record of what was delivered; n8n keeps nothing.
 */

/** amojo's page size limit for history */
export const HISTORY_PAGE_SIZE = 50;

/** A bound on pages read per run: 1,000 messages back is far beyond any gap a run closes. */
export const HISTORY_MAX_PAGES = 20;

function clientIdOf(entry: unknown): string | null {
	const message = (entry as IDataObject | null)?.message as IDataObject | undefined;
	const id = message?.client_id;
	return typeof id === 'string' && id !== '' ? id : null;
}

/**
 * The msgids starting with `msgidPrefix` found in the chat's history, newest page first, reading
 * on until a page holds one of them (the newest message delivered is then known) or the history
 * ends. amojo answers 204 for a chat with no messages (and for an unknown chat).
 */
export async function deliveredMessageIds(
	this: IExecuteFunctions,
	scopeId: string,
	chatId: string,
	msgidPrefix: string,
	itemIndex: number,
): Promise<Set<string>> {
	const found = new Set<string>();
	for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
		const path =
			`/v2/origin/custom/${encodeURIComponent(scopeId)}/chats/${encodeURIComponent(chatId)}` +
			`/history?offset=${page * HISTORY_PAGE_SIZE}&limit=${HISTORY_PAGE_SIZE}`;
		const answer = await amojoRequest.call(this, 'GET', path, undefined, { itemIndex });
		const entries = Array.isArray(answer?.messages) ? (answer.messages as unknown[]) : [];
		for (const entry of entries) {
			const id = clientIdOf(entry);
			if (id !== null && id.startsWith(msgidPrefix)) found.add(id);
		}
		if (found.size > 0 || entries.length < HISTORY_PAGE_SIZE) break;
	}
	return found;
}
