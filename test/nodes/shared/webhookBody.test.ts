import type { IWebhookFunctions } from 'n8n-workflow';

import { readRawBody } from '../../../nodes/shared/webhookBody';

/** Only the request object matters to readRawBody. */
function contextWith(request: { rawBody?: unknown; readRawBody?: () => Promise<void> }) {
	return { getRequestObject: () => request } as unknown as IWebhookFunctions;
}

describe('readRawBody', () => {
	test('the bytes n8n already read', async () => {
		const request = { rawBody: Buffer.from('a=1'), readRawBody: jest.fn() };
		await expect(readRawBody(contextWith(request))).resolves.toEqual(Buffer.from('a=1'));
		expect(request.readRawBody).not.toHaveBeenCalled();
	});

	test('asks the request to read them when n8n has not', async () => {
		const request: { rawBody?: unknown; readRawBody: () => Promise<void> } = {
			readRawBody: jest.fn(async () => {
				request.rawBody = Buffer.from('{"topic":"ping"}');
			}),
		};
		await expect(readRawBody(contextWith(request))).resolves.toEqual(
			Buffer.from('{"topic":"ping"}'),
		);
		expect(request.readRawBody).toHaveBeenCalledTimes(1);
	});

	test('an empty buffer when there are no bytes to be had', async () => {
		await expect(readRawBody(contextWith({}))).resolves.toEqual(Buffer.alloc(0));
		await expect(readRawBody(contextWith({ rawBody: 'text, not bytes' }))).resolves.toEqual(
			Buffer.alloc(0),
		);
		await expect(readRawBody(contextWith({ readRawBody: async () => undefined }))).resolves.toEqual(
			Buffer.alloc(0),
		);
	});
});
