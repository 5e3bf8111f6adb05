import nock from 'nock';

import type { Sandbox, SandboxOptions } from '../../sandbox';
import { createSandbox } from '../../sandbox';

/**
 * The sandbox tests make real HTTP calls to 127.0.0.1; nock (loaded by the jest setup file)
 * must not intercept them.
 */
export function allowLocalhost(): void {
	nock.enableNetConnect('127.0.0.1');
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	allowLocalhost();
	return await createSandbox({ port: 0, ...options });
}

/** The Intercom and Kommo credentials of the package, pointed at the sandbox with its tokens. */
export function sandboxCredentials(sandbox: Sandbox) {
	return {
		intercomKommoIntercomApi: {
			accessToken: sandbox.tokens.intercom,
			region: 'custom',
			baseUrl: sandbox.intercomUrl,
			clientSecret: sandbox.tokens.intercomClientSecret,
			apiVersion: '2.14',
		},
		intercomKommoKommoApi: {
			subdomain: '',
			domain: 'custom',
			baseUrl: sandbox.kommoUrl,
			accessToken: sandbox.tokens.kommo,
			maxRequestsPerSecond: 7,
		},
	};
}

export interface Reply {
	status: number;
	headers: Headers;
	text: string;
	body: any;
}

async function toReply(response: Response): Promise<Reply> {
	const text = await response.text();
	let body: any;
	try {
		body = text === '' ? undefined : JSON.parse(text);
	} catch {
		body = undefined;
	}
	return { status: response.status, headers: response.headers, text, body };
}

export async function intercomCall(
	sandbox: Sandbox,
	method: string,
	path: string,
	body?: unknown,
	token: string | null = sandbox.tokens.intercom,
): Promise<Reply> {
	const headers: Record<string, string> = {
		Accept: 'application/json',
		'Intercom-Version': '2.14',
	};
	if (token !== null) headers.Authorization = `Bearer ${token}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(`${sandbox.intercomUrl}${path}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return await toReply(response);
}

export async function kommoCall(
	sandbox: Sandbox,
	method: string,
	path: string,
	body?: unknown,
	token: string | null = sandbox.tokens.kommo,
): Promise<Reply> {
	const url = /^https?:/.test(path) ? path : `${sandbox.kommoUrl}${path}`;
	const headers: Record<string, string> = { Accept: 'application/json' };
	if (token !== null) headers.Authorization = `Bearer ${token}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(url, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return await toReply(response);
}

export async function controlCall(
	sandbox: Sandbox,
	method: string,
	path: string,
	body?: unknown,
): Promise<Reply> {
	const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return await toReply(response);
}

export interface Captured {
	method: string;
	url: string;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
}

/** A local HTTP listener standing in for n8n's webhook endpoint; records what it receives. */
export async function startListener(status = 200): Promise<{
	url: string;
	received: Captured[];
	close: () => Promise<void>;
}> {
	const { createServer } = await import('node:http');
	const received: Captured[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				rawBody: Buffer.concat(chunks),
			});
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ received: true }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${address.port}/webhook/test`,
		received,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
