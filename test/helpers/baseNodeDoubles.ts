/**
 * Test doubles for the n8n-nodes-base nodes the template workflows use (n8n's own nodes are not
 * installed here). The IF double declares IF v2's "conditions" filter parameter and asks n8n-core
 * for its value with `extractValue: true`, as IF v2 does, so the template's conditions are evaluated
 * by n8n-workflow's own filter code.
 */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { registerNodeTypeAs } from './n8n';

export class IfDouble implements INodeType {
	description = {
		displayName: 'If',
		name: 'if',
		group: ['transform'],
		version: [2, 2.1, 2.2],
		defaults: { name: 'If' },
		inputs: ['main'],
		outputs: ['main', 'main'],
		outputNames: ['true', 'false'],
		properties: [
			{
				displayName: 'Conditions',
				name: 'conditions',
				type: 'filter',
				default: {},
				typeOptions: {
					filter: {
						caseSensitive: '={{!$parameter.options.ignoreCase}}',
						typeValidation: 'strict',
						version: '={{ $nodeVersion >= 2.2 ? 2 : 1 }}',
					},
				},
			},
			{
				displayName: 'Loose Type Validation',
				name: 'looseTypeValidation',
				type: 'boolean',
				default: false,
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [
					{ displayName: 'Ignore Case', name: 'ignoreCase', type: 'boolean', default: true },
				],
			},
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const passed: INodeExecutionData[] = [];
		const failed: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const pass = this.getNodeParameter('conditions', i, false, { extractValue: true });
			(pass === true ? passed : failed).push({ ...items[i], pairedItem: { item: i } });
		}
		return [passed, failed];
	}
}

export class NoOpDouble implements INodeType {
	description = {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		defaults: { name: 'No Operation, do nothing' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export class StickyNoteDouble implements INodeType {
	description = {
		displayName: 'Sticky Note',
		name: 'stickyNote',
		group: ['input'],
		version: [1],
		defaults: { name: 'Sticky Note' },
		inputs: [],
		outputs: [],
		properties: [
			{ displayName: 'Content', name: 'content', type: 'string', default: '' },
			{ displayName: 'Height', name: 'height', type: 'number', default: 160 },
			{ displayName: 'Width', name: 'width', type: 'number', default: 240 },
			{ displayName: 'Color', name: 'color', type: 'number', default: 1 },
		],
	} as unknown as INodeTypeDescription;
}

/** Registers the doubles under n8n's type names. */
export function registerBaseNodeDoubles() {
	registerNodeTypeAs('n8n-nodes-base.if', IfDouble);
	registerNodeTypeAs('n8n-nodes-base.noOp', NoOpDouble);
	registerNodeTypeAs('n8n-nodes-base.stickyNote', StickyNoteDouble);
}
