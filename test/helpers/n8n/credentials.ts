/** Test credentials as n8n's CredentialsHelper hands them to the nodes, counted per type. */
import { ICredentialsHelper } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { credentialType } from './registry';

function resolveCredentialExpression(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value
		.slice(1)
		.replace(
			/\{\{\s*\$credentials(?:\.(\w+)|\[["'](\w+)["']\])\s*\}\}/g,
			(_m, a: string, b: string) => String(credentials[a ?? b] ?? ''),
		);
}

/** How often each credential type was read (n8n reads and decrypts it on every `getCredentials`). */
export const credentialReads = new Map<string, number>();

/** Applies a credential type's `authenticate` the way n8n's CredentialsHelper does for generic auth. */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(name: string): string[] {
		const type = credentialType(name);
		return type?.extends ?? [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const type = credentialType(typeName);
		const options = requestOptions as IHttpRequestOptions;
		if (!type?.authenticate) return options;
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, options);
		}
		const { properties } = type.authenticate;
		for (const [target, values] of Object.entries(properties) as Array<[string, IDataObject]>) {
			const bucket = ((options as unknown as IDataObject)[target] ?? {}) as IDataObject;
			for (const [key, value] of Object.entries(values)) {
				bucket[key] = resolveCredentialExpression(value, credentials) as string;
			}
			(options as unknown as IDataObject)[target] = bucket;
		}
		return options;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used in tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		credentialReads.set(type, (credentialReads.get(type) ?? 0) + 1);
		const data = this.data[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return { ...data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(): INodeProperties[] {
		return [];
	}
}
