import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { withBearerToken } from '../nodes/shared/bearerAuth';

/**
 * Named after the package: n8n's built-in Intercom node already owns `intercomApi`, and credential
 * type names are global across installed packages.
 */
export class IntercomKommoIntercomApi implements ICredentialType {
	name = 'intercomKommoIntercomApi';

	displayName = 'Intercom (Intercom-Kommo Sync) API';

	icon: Icon = { light: 'file:../icons/intercom.svg', dark: 'file:../icons/intercom.dark.svg' };

	documentationUrl =
		'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'From the Intercom Developer Hub: your app → Configure → Authentication. Needs the "Read conversations" and "Write conversations" permissions (tags) and "Read and list users and companies" (customer email).',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'United States (api.intercom.io)', value: 'us' },
				{ name: 'Europe (api.eu.intercom.io)', value: 'eu' },
				{ name: 'Australia (api.au.intercom.io)', value: 'au' },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: 'us',
			description: 'Where your Intercom workspace is hosted',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://intercom-proxy.example.com',
			description:
				'For a proxy or a local test server: the URL that stands in for https://api.intercom.io',
			displayOptions: { show: { region: ['custom'] } },
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'From the Developer Hub: your app → Configure → Basic information. The Intercom Trigger uses it to check that webhooks really come from Intercom (X-Hub-Signature).',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: '2.14',
			description:
				'Sent as the Intercom-Version header. 2.14 is the official SDK default and the version these nodes are tested against.',
		},
	];

	// a function, not the generic form: no header expression per request (nodes/shared/bearerAuth.ts)
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withBearerToken(credentials, requestOptions, {
			'Intercom-Version': String(credentials.apiVersion ?? ''),
			Accept: 'application/json',
		});
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.region === "custom" ? $credentials.baseUrl.replace(/\\/+$/, "") : ({ us: "https://api.intercom.io", eu: "https://api.eu.intercom.io", au: "https://api.au.intercom.io" })[$credentials.region] }}',
			url: '/me',
		},
	};
}
