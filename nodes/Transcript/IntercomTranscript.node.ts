import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as render from './actions/render.operation';
import { router } from './actions/router';

export class IntercomTranscript implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Intercom Transcript',
		name: 'intercomTranscript',
		icon: {
			light: 'file:../../icons/transcript.svg',
			dark: 'file:../../icons/transcript.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: 'Render transcript',
		description:
			'Turn an Intercom conversation into readable note text for Kommo, from where the deal ends',
		defaults: { name: 'Transcript' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Transcript', 'No New Messages'],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Render Transcript',
						value: 'render',
						action: 'Render a conversation transcript',
						description: 'Turn the conversation into note text, split into several notes if long',
					},
				],
				default: 'render',
			},
			...render.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
