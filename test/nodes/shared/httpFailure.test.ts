/**
 * The one reader of a failed request, over the shapes n8n's request helpers leave behind: n8n 2.x's
 * NodeApiError around the axios error (sometimes twice), a bare axios error, a request-library error.
 */
import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { headerValue, jsonBody, readHttpFailure } from '../../../nodes/shared/httpFailure';

const node: INode = {
	id: '1',
	name: 'Kommo',
	type: 'n8n-nodes-intercom-kommo.kommo',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** What axios throws for an answered request. */
function axiosError(status: number, data: unknown, headers: Record<string, unknown> = {}) {
	return Object.assign(new Error(`Request failed with status code ${status}`), {
		isAxiosError: true,
		code: 'ERR_BAD_REQUEST',
		response: { status, headers, data },
	});
}

describe('readHttpFailure', () => {
	test('a bare axios error: status, headers, body and code', () => {
		const failure = readHttpFailure(
			axiosError(429, { title: 'Too Many Requests' }, { 'Retry-After': '2' }),
		);
		expect(failure).toEqual({
			status: 429,
			headers: { 'Retry-After': '2' },
			body: { title: 'Too Many Requests' },
			codes: ['ERR_BAD_REQUEST'],
		});
	});

	test('n8n wraps the axios error in a NodeApiError, sometimes twice: the response inside wins', () => {
		const inner = axiosError(
			400,
			{ 'validation-errors': [{ code: 'TooFew' }] },
			{ 'content-type': 'application/json' },
		);
		const once = new NodeApiError(node, inner as never, { httpCode: '502' });
		const twice = new NodeApiError(node, once as never);
		for (const wrapped of [once, twice]) {
			const failure = readHttpFailure(wrapped);
			expect(failure.status).toBe(400);
			expect(failure.headers).toEqual({ 'content-type': 'application/json' });
			expect(failure.body).toEqual({ 'validation-errors': [{ code: 'TooFew' }] });
			expect(failure.codes).toContain('ERR_BAD_REQUEST');
		}
	});

	test('without a response, the status comes from the error itself; codes outermost first', () => {
		const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		const wrapper = Object.assign(new Error('request failed'), {
			code: 'EAI_AGAIN',
			cause: reset,
		});
		expect(readHttpFailure(wrapper)).toEqual({
			status: undefined,
			headers: {},
			body: undefined,
			codes: ['EAI_AGAIN', 'ECONNRESET'],
		});
		expect(readHttpFailure({ httpCode: '503' }).status).toBe(503);
		expect(readHttpFailure({ statusCode: 401 }).status).toBe(401);
		expect(readHttpFailure({ status: '404' }).status).toBe(404);
	});

	test('a status outside 100-599 or not a whole number is no status', () => {
		expect(readHttpFailure({ httpCode: '0' }).status).toBeUndefined();
		expect(readHttpFailure({ statusCode: 600 }).status).toBeUndefined();
		expect(readHttpFailure({ status: 'error' }).status).toBeUndefined();
		expect(readHttpFailure({ response: { status: 99.5 }, httpCode: 500 }).status).toBe(500);
	});

	test('a request-library error: statusCode on the response, the JSON body as text', () => {
		const failure = readHttpFailure({
			name: 'StatusCodeError',
			statusCode: 500,
			response: {
				statusCode: 401,
				headers: { 'www-authenticate': 'Bearer' },
				body: '{"title":"Unauthorized"}',
			},
		});
		expect(failure.status).toBe(401);
		expect(failure.headers).toEqual({ 'www-authenticate': 'Bearer' });
		expect(failure.body).toEqual({ title: 'Unauthorized' });
	});

	test('a JSON object anywhere beats an HTML page; the page is kept when it is all there is', () => {
		expect(
			readHttpFailure({
				response: { status: 502, data: '<html>Bad Gateway</html>' },
				context: { data: { message: 'upstream' } },
			}).body,
		).toEqual({ message: 'upstream' });
		expect(
			readHttpFailure({ response: { status: 502, data: '<html>Bad Gateway</html>' } }).body,
		).toBe('<html>Bad Gateway</html>');
		// a request-library error keeps the body in `error`
		expect(readHttpFailure({ statusCode: 400, error: { code: 'bad' } }).body).toEqual({
			code: 'bad',
		});
	});

	test('a request-library error without a response: the Error it keeps in `error` is not a body', () => {
		const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		const failure = readHttpFailure(
			Object.assign(new Error('Error: socket hang up'), {
				name: 'RequestError',
				error: reset,
				cause: reset,
			}),
		);
		expect(failure.body).toBeUndefined();
		expect(failure.status).toBeUndefined();
		expect(failure.codes).toEqual(['ECONNRESET']);
	});

	test('reads at most five levels and never loops on a cycle', () => {
		const a: Record<string, unknown> = { code: 'A' };
		a.cause = a;
		expect(readHttpFailure(a).codes).toEqual(['A', 'A', 'A', 'A', 'A']);
		expect(readHttpFailure(null)).toEqual({
			status: undefined,
			headers: {},
			body: undefined,
			codes: [],
		});
		expect(readHttpFailure('text')).toEqual({
			status: undefined,
			headers: {},
			body: undefined,
			codes: [],
		});
	});
});

describe('jsonBody', () => {
	test('an object, or JSON text of one; anything else is undefined', () => {
		expect(jsonBody({ a: 1 })).toEqual({ a: 1 });
		expect(jsonBody('  {"a":1}')).toEqual({ a: 1 });
		expect(jsonBody('{not json')).toBeUndefined();
		expect(jsonBody('[1,2]')).toBeUndefined();
		expect(jsonBody([{ a: 1 }])).toBeUndefined();
		expect(jsonBody(null)).toBeUndefined();
		expect(jsonBody(undefined)).toBeUndefined();
	});
});

describe('headerValue', () => {
	test('by name, whatever its case', () => {
		const headers = { 'Retry-After': '3', 'x-rate-limit': ['a', 'b'] };
		expect(headerValue(headers, 'retry-after')).toBe('3');
		expect(headerValue(headers, 'X-Rate-Limit')).toEqual(['a', 'b']);
		expect(headerValue(headers, 'content-type')).toBeUndefined();
	});
});
