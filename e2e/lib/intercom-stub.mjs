// A stand-in for api.intercom.io on 127.0.0.1: serves the test fixtures and records every request, so
// checks can assert what the nodes really sent from inside n8n.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from './n8n.mjs';

export function fixture(...parts) {
	return JSON.parse(
		readFileSync(path.join(repoRoot, 'test', 'fixtures', 'intercom', ...parts), 'utf8'),
	);
}

export async function startIntercomStub() {
	const conversation = fixture('conversation.json');
	const contact = fixture('contact.json');
	const notFound = fixture('error-not-found.json');
	const requests = [];

	const server = createServer((req, res) => {
		const url = new URL(req.url, 'http://stub');
		requests.push({
			method: req.method,
			path: url.pathname,
			query: url.search,
			headers: req.headers,
		});
		const send = (status, body) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method === 'GET' && url.pathname === `/conversations/${conversation.id}`) {
			return send(200, conversation);
		}
		if (req.method === 'GET' && url.pathname === `/contacts/${contact.id}`) {
			return send(200, contact);
		}
		return send(404, notFound);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		conversation,
		requests,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}
