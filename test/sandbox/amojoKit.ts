/**
 * What the amojo stand-in's tests share: a signed call (signed with the sandbox's signAmojoRequest,
 * itself checked against Kommo's published examples in amojoSigning.test.ts), the customer as an
 * amojo user, and an incoming message of that customer.
 */
import type { Sandbox } from '../../sandbox';
import { signAmojoRequest } from '../../sandbox';

/** amojo's path prefix for a custom channel. */
export const BASE = '/v2/origin/custom';

export interface AmojoCall {
	status: number;
	body: any;
}

/** A signed amojo request; `raw` sends that exact body instead of the serialised payload. */
export async function amojoCall(
	sandbox: Sandbox,
	method: string,
	path: string,
	payload?: unknown,
	raw?: string,
): Promise<AmojoCall> {
	const body = raw ?? (payload === undefined ? '' : JSON.stringify(payload));
	const headers = signAmojoRequest({ secret: sandbox.amojo.secret, method, path, body });
	const response = await fetch(`${sandbox.amojoUrl}${path}`, {
		method,
		headers: { ...headers },
		body: method === 'GET' ? undefined : body,
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * Connects the sandbox's channel to its account with v2 hooks, as every chat test needs first; the
 * scope id the connect answers.
 */
export async function connectChannel(sandbox: Sandbox): Promise<string> {
	const connected = await amojoCall(sandbox, 'POST', `${BASE}/${sandbox.amojo.channelId}/connect`, {
		account_id: sandbox.amojo.accountId,
		hook_api_version: 'v2',
	});
	return connected.body.scope_id;
}

/** The Intercom customer as amojo knows the chat's user. */
export const client = {
	id: 'intercom-contact:65f0c0de',
	name: 'Jane Doe',
	profile: { email: 'jane@example.com' },
};

/** A message of the customer into conversation 1001, imported silently. */
export const incoming = (msgid: string, text: string, extra: Record<string, unknown> = {}) => ({
	event_type: 'new_message',
	payload: {
		msgid,
		conversation_id: 'intercom:1001',
		sender: client,
		message: { type: 'text', text },
		silent: true,
		...extra,
	},
});
