import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';

import { now, sleep } from '../../clock';
import { jsonBody, readHttpFailure } from '../../httpFailure';
import type { HttpFailure } from '../../httpFailure';
import { oncePer } from '../../memo';
import { withRetry } from '../../retry';
import type { RetryPolicy } from '../../retry';
import { KOMMO_CHAT_CREDENTIAL, kommoChatChannelOf } from './channel';
import type { KommoChatChannel } from './channel';
import { signAmojoRequest } from './signing';
import type { AmojoMethod } from './signing';

/**
 * The one call to Kommo's Chat API (amojo). Unlike the CRM transport it cannot hand the request to
 * n8n's credential helpers: every attempt is signed over its own body, `Date` and path
 * (./signing.ts), so the body is serialised once here and sent as that very string.
 */

/** amojo documents no rate limit; 5xx and broken connections are retried with backoff. */
export const AMOJO_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 1000,
	maxDelayMs: 15_000,
};

/** The PHP client most used with amojo waits 20 s; amojo answers in well under a second. */
export const AMOJO_REQUEST_TIMEOUT_MS = 20_000;

export interface AmojoRequestOptions {
	itemIndex?: number;
	/**
	 * Whether sending twice does no harm. True for a message (its msgid makes amojo refuse the
	 * repeat), a chat (idempotent on conversation_id), a connect and a status; 429 is retried anyway.
	 */
	idempotent?: boolean;
}

const channelOfRun = new WeakMap<IExecuteFunctions, Promise<KommoChatChannel>>();

/** The run's Kommo Chat Channel credential, read and checked once. */
export async function getKommoChatChannel(this: IExecuteFunctions): Promise<KommoChatChannel> {
	return await oncePer(channelOfRun, this, async () => {
		const credentials = await this.getCredentials(KOMMO_CHAT_CREDENTIAL);
		return kommoChatChannelOf(credentials);
	});
}

function describeFailure(
	failure: HttpFailure,
	where: string,
	attempts: number,
	channel: KommoChatChannel,
): { message: string; description: string } {
	const body = jsonBody(failure.body);
	const detail =
		typeof body?.error_description === 'string'
			? body.error_description
			: typeof body?.detail === 'string'
				? body.detail
				: undefined;
	const { status } = failure;
	if (status === undefined) {
		return {
			message: `Could not reach Kommo's chat service at ${channel.amojoUrl}`,
			description: `Network error${failure.codes.length ? ` ${failure.codes[0]}` : ''}, ${attempts} attempt(s). Check the Host in the Kommo Chat Channel credential and the network of your n8n instance.`,
		};
	}
	if (status === 403) {
		return {
			message: "Kommo's chat service refused the request's signature (HTTP 403)",
			description:
				"Check the Channel Secret in the Kommo Chat Channel credential (the 40-character key Kommo support sent), and that this machine's clock is right: a signature is valid for 15 minutes around its Date.",
		};
	}
	if (status === 404) {
		return {
			message: `Kommo's chat service does not know this channel or chat (HTTP 404)${detail ? `: ${detail}` : ''}`,
			description: `${where}: check the Channel ID in the Kommo Chat Channel credential. A channel is switched off when its integration is reinstalled; Kommo › Chat › Connect Channel connects it again.`,
		};
	}
	if (status === 400) {
		return {
			message: `Kommo's chat service rejected the data (HTTP 400)${detail ? `: ${detail}` : ''}`,
			description: `${where} failed.${body ? ` Kommo's answer: ${JSON.stringify(body)}` : ''}`,
		};
	}
	if (status >= 500) {
		return {
			message: `Kommo's chat service had a server error (HTTP ${status}) ${attempts} time(s) in a row`,
			description: `${where}. Kommo may be down; the run can be repeated safely, nothing is sent twice.`,
		};
	}
	return {
		message: `Kommo's chat service answered HTTP ${status}${detail ? `: ${detail}` : ''}`,
		description: `${where} failed.`,
	};
}

/**
 * A signed amojo request to `path` (`/v2/origin/custom/…`, a query string allowed). Returns the
 * parsed answer, or undefined for 204 / an empty body (history of an unknown or empty chat).
 */
export async function amojoRequest(
	this: IExecuteFunctions,
	method: AmojoMethod,
	path: string,
	body?: object,
	options: AmojoRequestOptions = {},
): Promise<IDataObject | undefined> {
	const channel = await getKommoChatChannel.call(this);
	const idempotent = options.idempotent ?? true;
	let attempts = 0;
	try {
		const { value } = await withRetry(
			AMOJO_RETRY_POLICY,
			async () => {
				attempts++;
				// signed per attempt: the Date of a retry after a long wait must be fresh
				const signed = signAmojoRequest({ method, path, body, secret: channel.secret, now: now() });
				return (await this.helpers.httpRequest({
					method,
					url: `${channel.amojoUrl}${path}`,
					headers: { ...signed.headers, Accept: 'application/json' },
					...(method === 'GET' ? {} : { body: signed.body }),
					timeout: AMOJO_REQUEST_TIMEOUT_MS,
					returnFullResponse: true,
				})) as { statusCode?: number; body?: unknown };
			},
			(error) => {
				const { status } = readHttpFailure(error);
				if (status === 429) return { retry: true };
				if (status === undefined || status >= 500) return { retry: idempotent };
				return { retry: false };
			},
			async (ms) => await sleep(ms, 'amojo-retry'),
		);
		if (value.statusCode === 204 || value.body === undefined || value.body === '') return undefined;
		if (typeof value.body === 'string') return jsonBody(value.body);
		return value.body as IDataObject;
	} catch (error) {
		const failure = readHttpFailure(error);
		const where = `${method} ${path.split('?')[0]}`;
		const { message, description } = describeFailure(failure, where, attempts, channel);
		const httpCode = failure.status === undefined ? undefined : String(failure.status);
		throw new NodeApiError(
			this.getNode(),
			{ message, description, httpCode: httpCode ?? null } as JsonObject,
			{ message, description, httpCode, itemIndex: options.itemIndex },
		);
	}
}

/** Whether a failed amojo call was refused as bad data (HTTP 400), e.g. a msgid amojo already has. */
export function isAmojoRefusal(error: unknown): boolean {
	return error instanceof NodeApiError && String(error.httpCode) === '400';
}
