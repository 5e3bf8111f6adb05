import { WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IWebhookData,
	IWebhookResponseData,
	Workflow,
} from 'n8n-workflow';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

import { createAdditionalData } from './execution';
import { nodeTypeOf } from './registry';

export interface WebhookResponse {
	status: number;
	body: string;
	headers: Record<string, unknown>;
}

/**
 * Delivers an HTTP request to a trigger's `webhook()` through n8n-core's WebhookContext, with the body
 * handled like n8n's body parser does (raw bytes kept in `rawBody`; JSON and form bodies parsed).
 * Returns what the node answered (or n8n's default answer) and the workflow data it emitted.
 */
export async function deliverWebhook(options: {
	workflow: Workflow;
	nodeName: string;
	method?: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	webhookName?: string;
	/**
	 * Where n8n routed the request, for a webhook whose path has `:name` parts: the request's URL
	 * path, the path n8n stored for the webhook, and the route parameters it found.
	 */
	route?: { url: string; path: string; params: Record<string, string> };
}): Promise<{ response: WebhookResponse; result: IWebhookResponseData }> {
	const node = options.workflow.getNode(options.nodeName)!;
	const nodeType = nodeTypeOf(options.workflow, options.nodeName);
	const method = options.method ?? 'POST';
	const raw = Buffer.isBuffer(options.body)
		? options.body
		: Buffer.from(options.body ?? '', 'utf8');

	const req = new IncomingMessage(new Socket()) as IncomingMessage & IDataObject;
	req.method = method;
	req.url = options.route?.url ?? '/webhook/path';
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {}))
		headers[key.toLowerCase()] = value;
	req.headers = headers;
	req.rawBody = raw;
	(req as unknown as { readRawBody: () => Promise<void> }).readRawBody = async () => {};
	req.query = {};
	req.params = options.route?.params ?? {};
	const contentType = (headers['content-type'] ?? '').split(';')[0].trim();
	req.body = {};
	try {
		if (contentType === 'application/json' && raw.length)
			req.body = JSON.parse(raw.toString('utf8'));
		if (contentType === 'application/x-www-form-urlencoded') {
			// n8n's body parser uses querystring.parse with maxKeys 1000: flat keys, capped
			req.body = Object.fromEntries(
				Array.from(new URLSearchParams(raw.toString('utf8')).entries()).slice(0, 1000),
			);
		}
	} catch {
		// n8n answers 400-ish on unparsable JSON before the node sees it; tests that care send raw bodies
		req.body = {};
	}
	req.header = (name: string) => headers[name.toLowerCase()];
	req.get = req.header;

	const response: WebhookResponse = { status: 200, body: '', headers: {} };
	let ended = false;
	const res = new ServerResponse(req) as unknown as ServerResponse & IDataObject;
	res.status = (code: number) => {
		response.status = code;
		return res;
	};
	res.send = (payload?: unknown) => {
		if (payload !== undefined) {
			response.body += typeof payload === 'string' ? payload : JSON.stringify(payload);
		}
		ended = true;
		return res;
	};
	res.json = res.send;
	res.end = ((payload?: unknown) => {
		if (typeof payload === 'string') response.body += payload;
		ended = true;
		return res;
	}) as never;
	res.setHeader = ((name: string, value: unknown) => {
		response.headers[name.toLowerCase()] = value;
		return res;
	}) as never;
	res.header = res.setHeader;
	res.set = res.setHeader;

	const additionalData = createAdditionalData(options.credentials ?? {});
	additionalData.httpRequest = req as never;
	additionalData.httpResponse = res as never;
	const webhookName = options.webhookName ?? 'default';
	const description =
		nodeType.description.webhooks!.find(
			(w) => w.name === webhookName && String(w.httpMethod) === method,
		) ?? nodeType.description.webhooks!.find((w) => w.name === webhookName)!;
	const webhookData = {
		httpMethod: method,
		node: node.name,
		path: options.route?.path ?? 'path',
		webhookDescription: description,
		workflowId: options.workflow.id,
		workflowExecuteAdditionalData: additionalData,
		...(options.route ? { webhookId: node.webhookId } : {}),
	} as unknown as IWebhookData;
	const context = new WebhookContext(
		options.workflow,
		node,
		additionalData,
		'webhook',
		webhookData,
		[],
		null,
	);
	const result = await nodeType.webhook!.call(context);
	if (!ended && !result.noWebhookResponse) {
		// what n8n answers for responseMode onReceived
		response.status = 200;
		response.body =
			result.webhookResponse !== undefined
				? typeof result.webhookResponse === 'string'
					? result.webhookResponse
					: JSON.stringify(result.webhookResponse)
				: JSON.stringify({
						message: result.workflowData ? 'Workflow was started' : 'Webhook call received',
					});
	}
	return { response, result };
}
