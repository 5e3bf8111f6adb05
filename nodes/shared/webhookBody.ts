import type { IWebhookFunctions } from 'n8n-workflow';

/**
 * The request body exactly as sent (signatures and form parsing need the bytes). n8n's body parser
 * normally fills `rawBody`; other paths fill it only when asked to.
 */
export async function readRawBody(context: IWebhookFunctions): Promise<Buffer> {
	const request = context.getRequestObject();
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function') {
		await request.readRawBody();
	}
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);
}
