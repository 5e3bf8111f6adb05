import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { KOMMO_CHAT_CREDENTIAL } from '../nodes/shared/kommo/chat/channel';

/**
 * A Kommo Chat API channel, as Kommo technical support registers it (docs/kommo-chat.md). It signs
 * requests to amojo (Kommo's chat service) and checks the hooks amojo sends; the CRM calls (account,
 * contacts, leads) keep using the Kommo credential. No credential test: every amojo request needs
 * the account's amojo id from the CRM side, so Kommo › Chat › Connect Channel is the test.
 */
export class IntercomKommoKommoChatApi implements ICredentialType {
	name = KOMMO_CHAT_CREDENTIAL;

	displayName = 'Kommo Chat Channel (Intercom-Kommo Sync) API';

	icon: Icon = { light: 'file:../icons/kommo.svg', dark: 'file:../icons/kommo.dark.svg' };

	documentationUrl = 'https://developers.kommo.com/reference/register-channel';

	properties: INodeProperties[] = [
		{
			displayName: 'Channel ID',
			name: 'channelId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'a4490ccc-5d7f-11e7-907b-a6006ad3dba0',
			description:
				'The channel ID in the message Kommo support sent when it registered your channel',
		},
		{
			displayName: 'Channel Secret',
			name: 'channelSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The secret key from the same message (40 letters and digits). It signs every request and every message Kommo sends back.',
		},
		{
			displayName: 'Bot ID',
			name: 'botId',
			type: 'string',
			default: '',
			required: true,
			description:
				"The channel bot's ID from the same message. Messages your team wrote in Intercom show in Kommo as sent by this bot.",
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'options',
			options: [
				{ name: 'Kommo (amojo.kommo.com)', value: 'kommo.com' },
				{ name: 'amoCRM Russia (amojo.amocrm.ru)', value: 'amocrm.ru' },
				{ name: 'amoCRM Legacy (amojo.amocrm.com)', value: 'amocrm.com' },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: 'kommo.com',
			description:
				"Kommo's chat service for your account: pick the same domain as in your Kommo credential",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:3300/amojo',
			description:
				'For a proxy or the local sandbox: the address that stands in for https://amojo.kommo.com',
			displayOptions: { show: { host: ['custom'] } },
		},
	];
}
