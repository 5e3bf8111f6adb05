// A stand-in for api.intercom.io on 127.0.0.1: serves the test fixtures and records every request, so
// checks can assert what the nodes really sent from inside n8n.
//
// It also stands in for Kommo as the record of what is delivered (the templates read the newest
// transcript note on the deal): GET /_e2e/delivered/<conversationId> → `{ transcriptKey }` (null
// until a key was recorded), POST /_e2e/delivered/<conversationId>?key=<transcript key> records one.
// `delivered` holds every recorded key, in order, by conversation.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../../n8n-driver/n8n.mjs';

/**
 * A recorded Intercom API body of test/fixtures/intercom, parsed.
 * @param {...string} parts the path under that folder
 * @returns {any}
 */
export function fixture(...parts) {
	return JSON.parse(
		readFileSync(path.join(repoRoot, 'test', 'fixtures', 'intercom', ...parts), 'utf8'),
	);
}

/**
 * Starts the stand-in on a free port. `requests`: every request, in order; `delivered`: the
 * recorded transcript keys by conversation id.
 */
export async function startIntercomStub() {
	const conversation = fixture('conversation.json');
	const contact = fixture('contact.json');
	const notFound = fixture('error-not-found.json');
	/** @type {Array<{ method?: string, path: string, query: string, headers: import('node:http').IncomingHttpHeaders }>} */
	const requests = [];
	/** @type {Map<string, string[]>} */
	const delivered = new Map();

	const server = createServer((req, res) => {
		// a request to a server always has a URL; the type allows none for client responses
		const url = new URL(req.url ?? '/', 'http://stub');
		requests.push({
			method: req.method,
			path: url.pathname,
			query: url.search,
			headers: req.headers,
		});
		/**
		 * @param {number} status
		 * @param {unknown} body
		 */
		const send = (status, body) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		const record = /^\/_e2e\/delivered\/([^/]+)$/.exec(url.pathname);
		if (record && req.method === 'GET') {
			return send(200, { transcriptKey: delivered.get(record[1])?.at(-1) ?? null });
		}
		if (record && req.method === 'POST') {
			const key = url.searchParams.get('key');
			if (!key) return send(400, { error: 'key is missing' });
			delivered.set(record[1], [...(delivered.get(record[1]) ?? []), key]);
			return send(200, { transcriptKey: key });
		}
		if (req.method === 'GET' && url.pathname === `/conversations/${conversation.id}`) {
			return send(200, conversation);
		}
		if (req.method === 'GET' && url.pathname === `/contacts/${contact.id}`) {
			return send(200, contact);
		}
		return send(404, notFound);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	// listening on a TCP port: address() is an AddressInfo
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		conversation,
		requests,
		delivered,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}
