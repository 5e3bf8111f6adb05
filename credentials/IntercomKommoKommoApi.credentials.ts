import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { withBearerToken } from '../nodes/shared/bearerAuth';
import { kommoAccountExpression } from '../nodes/shared/kommo/account';

/**
 * Fields shared by both Kommo credentials. Everything that needs the account URL reads them with
 * nodes/shared/kommo/account.ts (the transport, the trigger, and these credentials' expressions).
 */
export const kommoAccountProperties: INodeProperties[] = [
	{
		displayName: 'Subdomain',
		name: 'subdomain',
		type: 'string',
		default: '',
		placeholder: 'mycompany',
		description:
			'The first part of your account address: for https://mycompany.kommo.com enter "mycompany" (the whole address works too)',
		displayOptions: { hide: { domain: ['custom'] } },
	},
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'options',
		options: [
			{ name: 'Kommo (kommo.com)', value: 'kommo.com' },
			{ name: 'amoCRM Russia (amocrm.ru)', value: 'amocrm.ru' },
			{ name: 'amoCRM Legacy (amocrm.com)', value: 'amocrm.com' },
			{ name: 'Custom Base URL', value: 'custom' },
		],
		default: 'kommo.com',
		description: 'Where your account lives. Kommo and amoCRM share one API; only the host differs.',
	},
	{
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: 'https://kommo-proxy.example.com',
		description:
			'For a proxy or a local sandbox: the full URL that stands in for https://&lt;subdomain&gt;.kommo.com',
		displayOptions: { show: { domain: ['custom'] } },
	},
	{
		displayName: 'Max Requests per Second',
		name: 'maxRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 7 },
		default: 7,
		description:
			'How many requests per second this n8n process may send to the account. Kommo allows 7 and blocks IPs that go over.',
		hint: 'Queue mode: 7 divided by the number of workers, rounded down (3 for two). Lower it when other integrations use the same account.',
	},
];

export class IntercomKommoKommoApi implements ICredentialType {
	name = 'intercomKommoKommoApi';

	displayName = 'Kommo (Intercom-Kommo Sync) API';

	icon: Icon = { light: 'file:../icons/kommo.svg', dark: 'file:../icons/kommo.dark.svg' };

	documentationUrl = 'https://developers.kommo.com/docs/long-lived-token';

	properties: INodeProperties[] = [
		...kommoAccountProperties,
		{
			displayName: 'Long-Lived Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Kommo → Settings → Integrations → Create integration (private) → Keys and scopes → Generate long-lived token. It acts with the rights of the admin who made it and is shown only once.',
		},
	];

	// a function, not the generic form: no header expression per request (nodes/shared/bearerAuth.ts)
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withBearerToken(credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${kommoAccountExpression('$credentials')} }}`,
			url: '/api/v4/account',
		},
	};
}
