/**
 * The scope in a hook's URL. Kommo's Chat API registers one webhook URL per channel, ending in
 * `/:scope_id`, and replaces `:scope_id` with the scope of the account the hook is about:
 * `<channel id>_<amojo account id>` (https://developers.kommo.com/reference/connect-channel).
 */

/** The route parameter of the trigger's webhook path; n8n fills it from the request URL. */
export const SCOPE_PARAMETER = 'scope_id';

export type ScopeCheck =
	| { valid: true; scopeId: string; accountId: string }
	| { valid: false; reason: string };

/**
 * Whether `scopeId` (from the URL) is a scope of channel `channelId`, and which amojo account it
 * names. Channel ids are UUIDs, which hold no `_`, so everything after `<channelId>_` is the
 * account part. UUIDs name the same id in either case, so the channel is compared case-insensitively
 * (the credential holds the id as support wrote it).
 */
export function checkScope(scopeId: unknown, channelId: string): ScopeCheck {
	if (typeof scopeId !== 'string' || scopeId === '') {
		return { valid: false, reason: 'The URL has no scope ID after the trigger path.' };
	}
	const prefix = `${channelId}_`;
	if (!scopeId.toLowerCase().startsWith(prefix.toLowerCase()) || scopeId.length === prefix.length) {
		return {
			valid: false,
			reason: "The scope ID in the URL is not one of this trigger's Kommo chat channel.",
		};
	}
	return { valid: true, scopeId, accountId: scopeId.slice(prefix.length) };
}

/**
 * Whether the hook's body names the account the URL's scope names. The signature covers the body
 * only, not the URL: a body Kommo signed for one account, replayed to the scope of another, must
 * not start a workflow as if it came from that account.
 */
export function isSameAccount(scopeAccountId: string, bodyAccountId: unknown): boolean {
	return (
		typeof bodyAccountId === 'string' &&
		bodyAccountId !== '' &&
		bodyAccountId.toLowerCase() === scopeAccountId.toLowerCase()
	);
}
