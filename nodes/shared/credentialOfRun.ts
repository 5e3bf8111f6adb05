import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	INode,
} from 'n8n-workflow';

/**
 * The credential a node run has already read, handed back to n8n with each request
 * (`httpRequestWithAuthentication`'s `credentialsDecrypted`). Without it n8n reads the credential
 * from its database and decrypts it again for every request, ~1 ms each under n8n's `legacy`
 * expression engine and ~2 ms under the default `vm` one (docs/benchmark-runs/run-E.md: 5 of the 9
 * credential reads of a chat). n8n still signs each request with the credential's own
 * `authenticate`; OAuth2 credentials ignore it and keep n8n's token refresh.
 */
export function credentialOfRun(
	node: INode,
	type: string,
	data: ICredentialDataDecryptedObject,
): IAdditionalCredentialOptions {
	const reference = node.credentials?.[type];
	return {
		credentialsDecrypted: { id: reference?.id ?? '', name: reference?.name ?? '', type, data },
	};
}
