import { NodeApiError } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';

import { headerValue, jsonBody, readHttpFailure } from '../httpFailure';
export { isUncertainFailure } from '../httpFailure';
import type { HttpFailure } from '../httpFailure';
import { kommoAccountOf } from './account';
import { credentialOfRun } from '../credentialOfRun';
import { oncePer } from '../memo';
import { parseRetryAfter, withRetry } from '../retry';
import type { RetryPolicy } from '../retry';
import { sleep } from '../clock';
import { effectiveRate, withSendSlot } from './throttle';

export { KOMMO_MAX_REQUESTS_PER_SECOND } from './throttle';

export type KommoContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions;

export type KommoAuthentication = 'longLivedToken' | 'oAuth2';

/** Credential type names the `authentication` parameter maps to (the app one is OAuth2). */
export const KOMMO_TOKEN_CREDENTIAL = 'intercomKommoKommoApi';
export const KOMMO_APP_CREDENTIAL = 'intercomKommoKommoOAuth2Api';

export function kommoCredentialType(authentication: KommoAuthentication): string {
	return authentication === 'oAuth2' ? KOMMO_APP_CREDENTIAL : KOMMO_TOKEN_CREDENTIAL;
}

/** Kommo's maximum page size on list endpoints. */
export const KOMMO_PAGE_LIMIT = 250;

export interface KommoRequestOptions {
	/** item the request belongs to, for error reporting */
	itemIndex?: number;
	headers?: IDataObject;
	/**
	 * Whether sending the request twice does no harm, so a 5xx or a broken connection may be retried.
	 * Defaults to true for every method but POST: a POST that failed that way may still have been
	 * stored (only the answer was lost), and a blind retry would create it twice. A 429 is always
	 * retried: Kommo turned the request away before doing anything.
	 */
	idempotent?: boolean;
}

/** Attempts per request (the first included) and the backoff used on 429, 5xx and GET network errors. */
export const kommoRetryPolicy: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 1000,
	maxDelayMs: 30000,
};

export function getKommoAuthentication(this: KommoContext): KommoAuthentication {
	try {
		// execute contexts read item 0; the others take the 0 as a fallback value
		const value = (this.getNodeParameter as (name: string, indexOrFallback: number) => unknown)(
			'authentication',
			0,
		);
		return value === 'oAuth2' ? 'oAuth2' : 'longLivedToken';
	} catch {
		return 'longLivedToken';
	}
}

interface KommoAccount {
	credentialType: string;
	authentication: KommoAuthentication;
	baseUrl: string;
	requestsPerSecond: number;
	/** the credential as read, for n8n to sign each request with */
	credential: IAdditionalCredentialOptions;
}

/**
 * The account of each node run, read once: n8n reads the credential from its database and
 * decrypts it on every `getCredentials`, and a node run makes several requests with the same one.
 */
const accountOfRun = new WeakMap<KommoContext, Promise<KommoAccount>>();

async function getKommoAccount(this: KommoContext): Promise<KommoAccount> {
	return await oncePer(accountOfRun, this, async () => await readKommoAccount.call(this));
}

async function readKommoAccount(this: KommoContext): Promise<KommoAccount> {
	const authentication = getKommoAuthentication.call(this);
	const credentialType = kommoCredentialType(authentication);
	const credentials = await this.getCredentials(credentialType);
	return {
		credentialType,
		authentication,
		baseUrl: kommoAccountOf(credentials).baseUrl,
		requestsPerSecond: effectiveRate(credentials.maxRequestsPerSecond),
		credential: credentialOfRun(this.getNode(), credentialType, credentials),
	};
}

/** The account URL a context's credential points at: the key of per-account caches. */
export async function kommoAccountUrl(this: KommoContext): Promise<string> {
	return (await getKommoAccount.call(this)).baseUrl;
}

function looksLikeHtml(failure: HttpFailure): boolean {
	const contentType = String(headerValue(failure.headers, 'content-type') ?? '');
	if (contentType.includes('text/html')) return true;
	return typeof failure.body === 'string' && /^\s*<(!doctype|html|head|body)/i.test(failure.body);
}

/** `custom_fields_values.0.field_id: The value you selected is not a valid choice.` per error. */
export function describeValidationErrors(body: IDataObject | undefined): string[] {
	const groups = body?.['validation-errors'];
	if (!Array.isArray(groups)) return [];
	const lines: string[] = [];
	for (const group of groups as IDataObject[]) {
		const errors = Array.isArray(group?.errors) ? (group.errors as IDataObject[]) : [];
		for (const entry of errors) {
			const path = entry.path ? String(entry.path) : '(request)';
			const detail = entry.detail ?? entry.code ?? 'invalid value';
			lines.push(`${path}: ${String(detail)}`);
		}
	}
	return lines;
}

function kommoDetail(body: IDataObject | undefined): string | undefined {
	if (!body) return undefined;
	const parts = [body.title, body.detail, body.message, (body.response as IDataObject)?.error]
		.filter((part) => typeof part === 'string' && part !== '')
		.map(String);
	return parts.length ? [...new Set(parts)].join(': ') : undefined;
}

function isRetryableStatus(status: number | undefined): boolean {
	return status === 429 || (status !== undefined && status >= 500 && status <= 599);
}

function buildError(
	this: KommoContext,
	failure: HttpFailure,
	context: {
		method: string;
		endpoint: string;
		baseUrl: string;
		attempts: number;
		authentication: KommoAuthentication;
		idempotent: boolean;
	},
	itemIndex?: number,
): NodeApiError {
	const { status } = failure;
	const body = jsonBody(failure.body);
	const detail = kommoDetail(body);
	const where = `${context.method} ${context.endpoint.split('?')[0]}`;
	let message: string;
	let description: string;

	if (status === undefined) {
		// the raw code stays out of the message: n8n would swap such a message for a generic one
		message = `Could not reach Kommo at ${context.baseUrl}`;
		const cause = `Network error${failure.codes.length ? ` ${failure.codes[0]}` : ''}.`;
		description = context.idempotent
			? `${cause} Tried ${context.attempts} time(s). Check the subdomain/domain in the Kommo credential and the network of your n8n instance.`
			: `${cause} Not retried, because Kommo may have received and stored the change before the connection broke. Check Kommo before running it again.`;
	} else if (status === 400 && describeValidationErrors(body).length) {
		const fields = describeValidationErrors(body);
		message = `Kommo rejected the data: ${fields.join('; ')}`;
		description = `${where} failed validation (${detail ?? 'Bad Request'}). Fix the field(s) named above; a path like custom_fields_values.0.field_id points at the first custom field of the request.`;
	} else if (status === 401) {
		message = 'Kommo refused the token (HTTP 401): it has expired or was revoked';
		description =
			context.authentication === 'oAuth2'
				? 'n8n already tried to refresh the OAuth2 access token and Kommo still refused it. Open the Kommo OAuth2 credential and reconnect it.'
				: 'Long-lived tokens expire on the date chosen when they were made and stop working when revoked. In Kommo open the private integration → Keys and scopes, generate a new long-lived token and paste it into the credential.';
	} else if (status === 403 && (looksLikeHtml(failure) || !body)) {
		message = 'Kommo blocked requests from this IP address or account (HTTP 403)';
		description =
			'Kommo answers with an HTML "403 Forbidden" page when it restricts an IP for too many or suspicious requests, or when the account only allows whitelisted IPs. The request was not retried, because retrying extends the block. Wait before running again, lower "Max Requests per Second" in the credential if several workers share the account, and check the IP whitelist in Kommo\'s security settings.';
	} else if (status === 403) {
		message = `Kommo refused access (HTTP 403)${detail ? `: ${detail}` : ''}`;
		description = `${where}: the user behind the token lacks the rights for this, or the account's plan does not include it.`;
	} else if (status === 402) {
		message = `Kommo says the account's plan does not allow this (HTTP 402)${detail ? `: ${detail}` : ''}`;
		description = `${where}: check the account's plan and payment status in Kommo.`;
	} else if (status === 404) {
		message = `Not found in Kommo (HTTP 404)${detail ? `: ${detail}` : ''}`;
		description = `${where}: the record does not exist or was deleted.`;
	} else if (status === 429) {
		message = `Kommo's rate limit was still exceeded after ${context.attempts} attempts (HTTP 429)`;
		description =
			'Kommo allows 7 requests per second per account across all integrations. Lower "Max Requests per Second" in the credential if other workers or integrations use the same account.';
	} else if (status >= 500) {
		message = `Kommo had a server error (HTTP ${status}) ${context.attempts} time(s) in a row`;
		description = context.idempotent
			? `${where}${detail ? `: ${detail}` : ''}. Kommo may be down; try again later.`
			: `${where}${detail ? `: ${detail}` : ''}. Not retried, because Kommo may have stored the change before the error. Check Kommo before running it again.`;
	} else {
		message = `Kommo answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
		description = `${where} failed.`;
	}

	if (body && status !== undefined && status !== 401) {
		description += `\nKommo's answer: ${JSON.stringify(body)}`;
	}
	return new NodeApiError(
		this.getNode(),
		{ message, description, httpCode: status === undefined ? null : String(status) } as JsonObject,
		{
			message,
			description,
			httpCode: status === undefined ? undefined : String(status),
			itemIndex,
		},
	);
}

/**
 * n8n's own default is 300 s; with 4 attempts a hung Kommo call would hold an execution for
 * 20 minutes. Kommo answers in well under a second, so 30 s means "not coming back".
 */
export const KOMMO_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The one authenticated call to Kommo: throttled per account, retried on 429/5xx (and network errors
 * of GETs), Kommo's errors turned into readable NodeApiErrors. Returns the parsed body, or undefined
 * for 204 No Content (Kommo's answer to an empty search or list).
 */
export async function kommoApiRequest(
	this: KommoContext,
	method: IHttpRequestMethods,
	endpoint: string,
	body?: IDataObject | IDataObject[],
	qs?: IDataObject,
	options: KommoRequestOptions = {},
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kommo answers HAL objects or bare arrays
): Promise<any> {
	const account = await getKommoAccount.call(this);
	const path = endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
	const request: IHttpRequestOptions = {
		method,
		url: `${account.baseUrl}${path}`,
		json: true,
		timeout: KOMMO_REQUEST_TIMEOUT_MS,
		returnFullResponse: true,
		arrayFormat: 'brackets',
		headers: { Accept: 'application/json', ...(options.headers ?? {}) },
	};
	if (body !== undefined) request.body = body;
	if (qs && Object.keys(qs).length) request.qs = qs;

	const idempotent = options.idempotent ?? method !== 'POST';
	let attempts = 0;
	try {
		const { value } = await withRetry(
			kommoRetryPolicy,
			async () => {
				attempts++;
				return await withSendSlot(
					account.baseUrl,
					account.requestsPerSecond,
					async () =>
						(await this.helpers.httpRequestWithAuthentication.call(
							this,
							account.credentialType,
							{ ...request, headers: { ...request.headers } },
							account.credential,
						)) as { statusCode?: number; body?: unknown },
				);
			},
			(error) => {
				const failure = readHttpFailure(error);
				if (failure.status === undefined) return { retry: idempotent };
				if (!isRetryableStatus(failure.status)) return { retry: false };
				if (failure.status !== 429 && !idempotent) return { retry: false };
				return {
					retry: true,
					waitMs: parseRetryAfter(headerValue(failure.headers, 'retry-after')),
				};
			},
			async (ms) => await sleep(ms, 'kommo-retry'),
		);
		if (value.statusCode === 204 || value.body === '' || value.body === undefined) return undefined;
		return value.body;
	} catch (error) {
		throw buildError.call(
			this,
			readHttpFailure(error),
			{
				method,
				endpoint: path,
				baseUrl: account.baseUrl,
				attempts,
				authentication: account.authentication,
				idempotent,
			},
			options.itemIndex,
		);
	}
}

/** `/api/v4/...` part (with query) of a `_links.next.href`, so pages keep going through our base URL. */
function nextEndpoint(href: string): string | undefined {
	const match = /\/api\/v4\/.*$/.exec(href);
	return match ? match[0] : undefined;
}

/**
 * The `_embedded[embeddedKey]` items of a list endpoint, one page (250 items) at a time, following
 * `_links.next` until it is gone or Kommo answers 204. A caller that stops iterating stops paging,
 * so a search that finds what it wants on page 1 costs one request.
 */
export async function* kommoApiPages(
	this: KommoContext,
	endpoint: string,
	embeddedKey: string,
	qs: IDataObject = {},
	options: KommoRequestOptions = {},
): AsyncGenerator<IDataObject[]> {
	const visited = new Set<string>();
	let nextPage: string | undefined = endpoint;
	let query: IDataObject | undefined = { limit: KOMMO_PAGE_LIMIT, ...qs };
	while (nextPage && !visited.has(nextPage)) {
		visited.add(nextPage);
		const response = (await kommoApiRequest.call(
			this,
			'GET',
			nextPage,
			undefined,
			query,
			options,
		)) as IDataObject | undefined;
		if (!response) return;
		const embedded = (response._embedded as IDataObject | undefined)?.[embeddedKey];
		yield Array.isArray(embedded) ? (embedded as IDataObject[]) : [];
		const href = ((response._links as IDataObject | undefined)?.next as IDataObject | undefined)
			?.href;
		nextPage = typeof href === 'string' ? nextEndpoint(href) : undefined;
		// the next link already carries every query parameter
		query = undefined;
	}
}

/** All `_embedded[embeddedKey]` items of a list endpoint, every page (see {@link kommoApiPages}). */
export async function kommoApiRequestAllItems(
	this: KommoContext,
	endpoint: string,
	embeddedKey: string,
	qs: IDataObject = {},
	options: KommoRequestOptions = {},
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	for await (const page of kommoApiPages.call(this, endpoint, embeddedKey, qs, options)) {
		items.push(...page);
	}
	return items;
}
