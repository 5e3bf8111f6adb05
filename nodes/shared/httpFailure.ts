import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isObject } from './values';

/** What a failed HTTP request left behind, wherever the request helper kept it. */
export interface HttpFailure {
	status?: number;
	headers: Record<string, unknown>;
	/** the response body as received (an object, or text such as an HTML error page) */
	body?: unknown;
	/** error codes found on the way down (`ECONNRESET`, …), outermost first */
	codes: string[];
}

function toStatus(value: unknown): number | undefined {
	const status = typeof value === 'string' ? Number(value) : value;
	return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status < 600
		? status
		: undefined;
}

/**
 * The one reader of a failed request. n8n 2.x wraps the axios error in a NodeApiError (status in
 * `httpCode`, the axios error in `cause`, the parsed body in `context.data`), sometimes twice; older
 * helpers threw the axios or request error itself. A response found at any level wins; without one
 * the status comes from the error's own fields.
 */
export function readHttpFailure(error: unknown): HttpFailure {
	const levels: IDataObject[] = [];
	let level: unknown = error;
	for (let depth = 0; depth < 5 && isObjectLike(level); depth++) {
		levels.push(level as IDataObject);
		level = (level as IDataObject).cause ?? (level as IDataObject).reason;
	}
	const codes = levels
		.map((candidate) => candidate.code)
		.filter((code): code is string => typeof code === 'string');
	let status: number | undefined;
	let headers: Record<string, unknown> = {};
	for (const candidate of levels) {
		const response = candidate.response;
		if (!isObject(response)) continue;
		status = toStatus(response.status) ?? toStatus(response.statusCode);
		if (status === undefined) continue;
		if (isObject(response.headers)) headers = response.headers;
		break;
	}
	for (const candidate of levels) {
		status ??=
			toStatus(candidate.httpCode) ?? toStatus(candidate.statusCode) ?? toStatus(candidate.status);
	}
	return { status, headers, body: bodyOf(levels), codes };
}

function isObjectLike(value: unknown): boolean {
	return typeof value === 'object' && value !== null;
}

/**
 * The body: the first place holding a JSON object (the response's data or body, a wrapper's
 * `context.data`, a request-library error's `error`), else the response's body as it came (an
 * HTML error page, say).
 */
function bodyOf(levels: IDataObject[]): unknown {
	const places: unknown[] = [];
	for (const candidate of levels) {
		const response = isObject(candidate.response) ? candidate.response : undefined;
		places.push(
			response?.data,
			response?.body,
			isObject(candidate.context) ? candidate.context.data : undefined,
			candidate.error,
		);
	}
	// an Error is never a body: a request-library failure without a response keeps the underlying
	// Error where its body would be (`error`)
	const bodies = places.filter((place) => place !== undefined && !(place instanceof Error));
	return bodies.map(jsonBody).find((body) => body !== undefined) ?? bodies[0];
}

/** The body as a JSON object: already one, or JSON text; anything else is undefined. */
export function jsonBody(body: unknown): IDataObject | undefined {
	if (isObject(body)) return body;
	if (typeof body === 'string' && body.trim().startsWith('{')) {
		try {
			const parsed = JSON.parse(body) as unknown;
			return isObject(parsed) ? parsed : undefined;
		} catch {
			return undefined;
		}
	}
	return undefined;
}

/** A header by name, whatever its case. */
export function headerValue(headers: Record<string, unknown>, name: string): unknown {
	const wanted = name.toLowerCase();
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === wanted);
	return key === undefined ? undefined : headers[key];
}

/**
 * True for a failed write whose fate is unknown: a 5xx or no answer at all. The server may have
 * stored it before failing; a caller that can check (a note's idempotency key) looks before writing
 * again, one that cannot (an Intercom reply) says so instead of sending it twice.
 */
export function isUncertainFailure(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status =
		error.httpCode === null || error.httpCode === undefined ? NaN : Number(error.httpCode);
	return Number.isNaN(status) || status >= 500;
}
