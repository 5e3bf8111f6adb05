import type {
	IExecuteFunctions,
	INodeCredentialDescription,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { kommoAuthentication, kommoCredentials } from '../shared/kommo/descriptions';
import { KOMMO_CHAT_CREDENTIAL } from '../shared/kommo/chat/channel';
import * as chat from './actions/chat/Chat.resource';
import * as contact from './actions/contact/Contact.resource';
import * as lead from './actions/lead/Lead.resource';
import * as note from './actions/note/Note.resource';
import { router } from './actions/router';
import { listSearch, loadOptions } from './methods';

/** The Chat API signs with the channel's own secret; the CRM calls keep the Kommo credential. */
const kommoNodeCredentials: INodeCredentialDescription[] = [
	...kommoCredentials,
	{
		name: KOMMO_CHAT_CREDENTIAL,
		required: true,
		displayOptions: { show: { resource: ['chat'] } },
	},
];

export class Kommo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kommo',
		name: 'kommo',
		icon: { light: 'file:../../icons/kommo.svg', dark: 'file:../../icons/kommo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Find contacts, create and update leads, add notes and mirror Intercom chats in Kommo (amoCRM)',
		defaults: { name: 'Kommo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: kommoNodeCredentials,
		properties: [
			kommoAuthentication,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Chat', value: 'chat' },
					{ name: 'Contact', value: 'contact' },
					{ name: 'Lead', value: 'lead' },
					{ name: 'Note', value: 'note' },
				],
				default: 'contact',
			},
			...chat.description,
			...contact.description,
			...lead.description,
			...note.description,
		],
	};

	methods = { loadOptions, listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
