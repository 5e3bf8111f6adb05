import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { kommoAuthentication, kommoCredentials } from '../shared/kommo/descriptions';
import * as contact from './actions/contact/Contact.resource';
import * as lead from './actions/lead/Lead.resource';
import * as note from './actions/note/Note.resource';
import { router } from './actions/router';
import { listSearch, loadOptions } from './methods';

export class Kommo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kommo',
		name: 'kommo',
		icon: { light: 'file:../../icons/kommo.svg', dark: 'file:../../icons/kommo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Find contacts, create and update leads, and add notes in Kommo (amoCRM)',
		defaults: { name: 'Kommo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: kommoCredentials,
		properties: [
			kommoAuthentication,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Contact', value: 'contact' },
					{ name: 'Lead', value: 'lead' },
					{ name: 'Note', value: 'note' },
				],
				default: 'contact',
			},
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
