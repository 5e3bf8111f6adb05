import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { KOMMO_APP_CREDENTIAL, KOMMO_TOKEN_CREDENTIAL } from './transport';

/** The Kommo node and the Kommo Trigger sign in the same two ways, chosen by `authentication`. */
export const kommoCredentials: INodeCredentialDescription[] = [
	{
		name: KOMMO_TOKEN_CREDENTIAL,
		required: true,
		displayOptions: { show: { authentication: ['longLivedToken'] } },
	},
	{
		name: KOMMO_APP_CREDENTIAL,
		required: true,
		displayOptions: { show: { authentication: ['oAuth2'] } },
	},
];

export const kommoAuthentication: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Long-Lived Token', value: 'longLivedToken' },
		{ name: 'OAuth2', value: 'oAuth2' },
	],
	default: 'longLivedToken',
};
