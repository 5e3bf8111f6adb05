import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

/**
 * What both token credentials' `authenticate` does: the request with `Authorization: Bearer <access
 * token>` and any `extra` headers added to its own. A function rather than n8n's generic form, whose
 * header expressions are evaluated on every request: 1–3 ms each on n8n 2.x's default (isolated)
 * expression engine (docs/benchmark-runs/run-E.md), for headers that need no expression.
 */
export function withBearerToken(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	extra: Record<string, string> = {},
): IHttpRequestOptions {
	return {
		...requestOptions,
		headers: {
			...(requestOptions.headers ?? {}),
			Authorization: `Bearer ${String(credentials.accessToken ?? '')}`,
			...extra,
		},
	};
}
