import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { createHash } from 'node:crypto';
import { now as clockNow, sleep } from '../clock';

import { headerValue, jsonBody, readHttpFailure } from '../httpFailure';
import { credentialOfRun } from '../credentialOfRun';
import { oncePer } from '../memo';
import type { RetryDecision, RetryPolicy } from '../retry';
import { parseRetryAfter, withRetry } from '../retry';

export const INTERCOM_CREDENTIAL = 'intercomKommoIntercomApi';

export type IntercomContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions
	| IPollFunctions;

const REGION_BASE_URLS: Record<string, string> = {
	us: 'https://api.intercom.io',
	eu: 'https://api.eu.intercom.io',
	au: 'https://api.au.intercom.io',
};

/**
 * Intercom spreads its per-minute quota over 10-second windows, so a rate-limited call usually clears
 * within seconds; five attempts with waits capped at 20 s keep one item from blocking a run for long.
 */
export const INTERCOM_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	baseDelayMs: 1000,
	maxDelayMs: 20_000,
};

const retryWait = async (ms: number) => await sleep(ms, 'intercom-retry');

const RETRYABLE_NETWORK_CODES = ['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN'];

const NETWORK_PROBLEMS: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ETIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the request timed out',
	EPIPE: 'the connection broke',
	EAI_AGAIN: 'the host name could not be looked up',
};

interface IntercomErrorEntry {
	code?: string;
	message?: string;
	field?: string;
}

/** Status, headers, Intercom's error body and a network code that is worth a retry. */
export function intercomFailure(error: unknown) {
	const failure = readHttpFailure(error);
	return {
		status: failure.status,
		headers: failure.headers,
		body: jsonBody(failure.body),
		networkCode: failure.codes.find((code) => RETRYABLE_NETWORK_CODES.includes(code)),
	};
}

/** `X-RateLimit-Reset` is a UNIX timestamp in seconds: the window reopens then. */
export function parseRateLimitReset(value: unknown, now = clockNow()): number | undefined {
	const seconds = typeof value === 'number' ? value : Number(String(value ?? '').trim());
	if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
	return Math.max(0, Math.ceil(seconds * 1000 - now));
}

function classify(method: IHttpRequestMethods, error: unknown, idempotent: boolean): RetryDecision {
	const failure = intercomFailure(error);
	if (failure.status === 429) {
		const waitMs =
			parseRetryAfter(headerValue(failure.headers, 'retry-after')) ??
			parseRateLimitReset(headerValue(failure.headers, 'x-ratelimit-reset'));
		return { retry: true, waitMs };
	}
	// a write that is not idempotent may have been stored before a 5xx: only a 429 is surely untouched
	if (!idempotent) return { retry: false };
	if (failure.status !== undefined && failure.status >= 500) {
		return { retry: true, waitMs: parseRetryAfter(headerValue(failure.headers, 'retry-after')) };
	}
	// a reset connection may have delivered a write already; only reads are safe to repeat blindly
	if (failure.status === undefined && failure.networkCode && method === 'GET') {
		return { retry: true };
	}
	return { retry: false };
}

function notFoundSubject(path: string, code: string | undefined): string {
	if (code === 'tag_not_found' || /^\/tags\b/.test(path)) return 'Tag';
	if (/^\/contacts\b/.test(path)) return 'Contact';
	if (/^\/conversations\b/.test(path)) return 'Conversation';
	if (/^\/admins\b/.test(path)) return 'Admin';
	return 'Intercom object';
}

/** Turns whatever the request helper threw into a NodeApiError a non-developer can act on. */
export function toIntercomError(
	context: IntercomContext,
	error: unknown,
	path: string,
	attempts: number,
): NodeApiError {
	const failure = intercomFailure(error);
	const errors = (
		Array.isArray(failure.body?.errors) ? failure.body?.errors : []
	) as IntercomErrorEntry[];
	const first = errors[0];
	const requestId =
		typeof failure.body?.request_id === 'string' ? failure.body.request_id : undefined;
	const intercomSays = errors
		.map(
			(entry) =>
				[entry.code, entry.message].filter(Boolean).join(': ') +
				(entry.field ? ` (field ${entry.field})` : ''),
		)
		.filter(Boolean)
		.join('; ');
	const details = [
		intercomSays ? `Intercom said: ${intercomSays}` : undefined,
		failure.status ? `HTTP ${failure.status}` : undefined,
		requestId ? `request id ${requestId}` : undefined,
	]
		.filter(Boolean)
		.join(' · ');
	const tries = attempts > 1 ? ` (tried ${attempts} times)` : '';

	let message: string;
	let description: string | undefined = details || undefined;
	switch (failure.status) {
		case 401:
			message =
				'The Intercom access token was rejected — check the credential (expired, revoked, or for another workspace)';
			break;
		case 403:
			message =
				'Intercom refused this action: the app behind the access token lacks a permission it needs, or your Intercom plan does not include this API';
			description = [
				'In the Developer Hub open your app → Configure → Authentication and enable "Read conversations", "Write conversations" (tags) and "Read and list users and companies" (customer email), then reinstall the app to get a token with the new permissions.',
				details,
			]
				.filter(Boolean)
				.join(' ');
			break;
		case 404:
			message = `${notFoundSubject(path, first?.code)} not found — check the id (and the region: an EU workspace needs the EU region)`;
			break;
		case 429:
			message = `Intercom's rate limit was still exceeded after waiting${tries}`;
			description = [
				'Intercom allows about 10,000 API calls per minute per app and 25,000 per workspace (all private apps of a workspace share it). Wait a minute and run again, or slow the workflow down, e.g. Loop Over Items with a Wait node.',
				details,
			]
				.filter(Boolean)
				.join(' ');
			break;
		default:
			if (first) {
				message = `Intercom error ${first.code ?? 'unknown'}: ${first.message ?? 'no message'}${
					first.field ? ` (field ${first.field})` : ''
				}`;
				description =
					[
						errors.length > 1 ? details : undefined,
						requestId ? `Request id ${requestId}` : undefined,
					]
						.filter(Boolean)
						.join(' · ') || undefined;
			} else if (failure.status !== undefined && failure.status >= 500) {
				message = `Intercom had a server problem (HTTP ${failure.status})${tries} — try again later`;
			} else if (failure.networkCode) {
				message = `Could not reach Intercom: ${NETWORK_PROBLEMS[failure.networkCode] ?? 'the connection failed'}${tries} — check the network and the region or base URL in the credential`;
				description = `Network error ${failure.networkCode}`;
			} else if (failure.status !== undefined) {
				message = `Intercom answered HTTP ${failure.status}`;
			} else {
				message = `The request to Intercom failed: ${
					error instanceof Error && error.message ? error.message : 'unknown error'
				}`;
			}
	}
	if (failure.status && failure.status >= 500 && first) {
		message = `${message}${tries}`;
	}

	// A fresh, plain error object: the helper's own error carries the request config, token included.
	const errorResponse: JsonObject = {
		message,
		...(failure.status ? { httpCode: String(failure.status) } : {}),
		...(failure.body ? { intercom: failure.body as JsonObject } : {}),
	};
	const apiError = new NodeApiError(context.getNode(), errorResponse, {
		message,
		description,
		...(failure.status ? { httpCode: String(failure.status) } : {}),
	});
	// NodeApiError swaps messages that mention a network code for a generic sentence; ours is specific
	apiError.message = message;
	return apiError;
}

/** Intercom's error codes (e.g. `tag_not_found`) carried by an error from `intercomApiRequest`. */
export function intercomErrorCodes(error: unknown): string[] {
	const response = (error as { errorResponse?: { intercom?: { errors?: unknown } } } | undefined)
		?.errorResponse;
	const errors = response?.intercom?.errors;
	return Array.isArray(errors)
		? errors
				.map((entry) => (entry as IntercomErrorEntry | undefined)?.code)
				.filter((code): code is string => typeof code === 'string')
		: [];
}

interface IntercomAccount {
	baseUrl: string;
	/** the credential as read, for n8n to sign each request with */
	credential: IAdditionalCredentialOptions;
}

/**
 * The account of each node run, read once: n8n reads the credential from its database and
 * decrypts it on every `getCredentials`, and a node run makes several requests with the same one.
 */
const accountOfRun = new WeakMap<IntercomContext, Promise<IntercomAccount>>();

async function getIntercomAccount(this: IntercomContext): Promise<IntercomAccount> {
	return await oncePer(accountOfRun, this, async () => await readIntercomAccount.call(this));
}

/**
 * A key for what belongs to this workspace and token (the token's owner, say): a hash of both, so
 * a cache keyed by it does not keep the token itself. Read from the node run's one credential read.
 */
export async function intercomTokenKey(this: IntercomContext): Promise<string> {
	const { baseUrl, credential } = await getIntercomAccount.call(this);
	const token = String(credential.credentialsDecrypted?.data?.accessToken);
	return createHash('sha256').update(`${baseUrl}\n${token}`).digest('hex');
}

async function readIntercomAccount(this: IntercomContext): Promise<IntercomAccount> {
	const credentials = await this.getCredentials(INTERCOM_CREDENTIAL);
	return {
		baseUrl: intercomBaseUrlOf.call(this, credentials),
		credential: credentialOfRun(this.getNode(), INTERCOM_CREDENTIAL, credentials),
	};
}

function intercomBaseUrlOf(
	this: IntercomContext,
	credentials: ICredentialDataDecryptedObject,
): string {
	const region = (credentials.region as string | undefined) ?? 'us';
	if (region === 'custom') {
		const baseUrl = String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
		if (!/^https?:\/\//i.test(baseUrl)) {
			throw new NodeOperationError(
				this.getNode(),
				'The Intercom credential uses a custom base URL, but none (or no http/https URL) is set',
			);
		}
		return baseUrl;
	}
	const baseUrl = REGION_BASE_URLS[region];
	if (!baseUrl) {
		throw new NodeOperationError(
			this.getNode(),
			`Unknown Intercom region "${region}" in the credential`,
		);
	}
	return baseUrl;
}

/**
 * n8n's own default is 300 s; with 5 attempts a hung Intercom call would hold an execution for
 * 25 minutes. Intercom answers in well under a second, so 30 s means "not coming back".
 */
export const INTERCOM_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The package's only authenticated call to Intercom: region-aware base URL, retries on rate limits and
 * server errors, Intercom's error.list turned into a readable NodeApiError.
 */

export async function intercomApiRequest(
	this: IntercomContext,
	method: IHttpRequestMethods,
	path: string,
	body?: IDataObject,
	qs?: IDataObject,
	options: { idempotent?: boolean } = {},
): Promise<IDataObject> {
	const account = await getIntercomAccount.call(this);
	// every write so far could be repeated harmlessly (tagging twice keeps one tag); a reply cannot
	const idempotent = options.idempotent ?? true;
	const request: IHttpRequestOptions = {
		method,
		baseURL: account.baseUrl,
		url: path,
		json: true,
		timeout: INTERCOM_REQUEST_TIMEOUT_MS,
		...(body !== undefined ? { body } : {}),
		...(qs !== undefined && Object.keys(qs).length ? { qs } : {}),
	};
	let attempts = 0;
	try {
		const { value } = await withRetry(
			INTERCOM_RETRY_POLICY,
			async () => {
				attempts++;
				// each attempt gets its own copy: the auth step writes headers into the options object
				return (await this.helpers.httpRequestWithAuthentication.call(
					this,
					INTERCOM_CREDENTIAL,
					{ ...request, headers: { ...request.headers } },
					account.credential,
				)) as IDataObject;
			},
			(error) => classify(method, error, idempotent),
			retryWait,
		);
		return value;
	} catch (error) {
		throw toIntercomError(this, error, path, attempts);
	}
}
