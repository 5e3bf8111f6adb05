import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { kommoAccountExpression } from '../nodes/shared/kommo/account';
import { kommoAccountProperties } from './IntercomKommoKommoApi.credentials';

/**
 * Kommo's authorize page is global (the user picks the account there) but its token endpoint is per
 * account, so the hidden OAuth URLs are expressions over the visible account fields, like nodes-base's
 * Salesforce OAuth2 credential does with `$self`. UNVERIFIED against a live Kommo app: the
 * `mode=post_message` parameter (keeps the redirect in the browser window, where n8n's callback needs
 * the user's session) and Kommo accepting the client secret in a form-encoded token request body.
 */
export class IntercomKommoKommoOAuth2Api implements ICredentialType {
	name = 'intercomKommoKommoOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Kommo (Intercom-Kommo Sync) OAuth2 API';

	icon: Icon = { light: 'file:../icons/kommo.svg', dark: 'file:../icons/kommo.dark.svg' };

	documentationUrl = 'https://developers.kommo.com/docs/oauth-20';

	properties: INodeProperties[] = [
		...kommoAccountProperties,
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default:
				'={{ $self["domain"] === "amocrm.ru" ? "https://www.amocrm.ru/oauth" : "https://www.kommo.com/oauth" }}',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ ${kommoAccountExpression('$self')} + "/oauth2/access_token" }}`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			// Kommo ignores scopes: an integration's rights are set in the integration itself
			default: '',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'mode=post_message',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];
}
