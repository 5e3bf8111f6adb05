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

import { NodeOperationError } from 'n8n-workflow';

import { registerNodeTypeAs } from './n8n';

/**
 * The "conditions" filter parameter IF v2 and Switch v3 declare, evaluated by n8n-workflow's own
 * filter code; `version` is each node's expression for the filter version its node versions use.
 */
function conditionsFilter(version: string) {
	return {
		displayName: 'Conditions',
		name: 'conditions',
		type: 'filter',
		default: {},
		typeOptions: {
			filter: {
				caseSensitive: '={{!$parameter.options.ignoreCase}}',
				typeValidation: 'strict',
				version,
			},
		},
	};
}

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
			conditionsFilter('={{ $nodeVersion >= 2.2 ? 2 : 1 }}'),
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

/**
 * Switch v3 in Rules mode, as the chat templates use it: each item leaves by the first rule whose
 * conditions (n8n-workflow's filter, asked for as Switch v3 asks) hold, else by the fallback output
 * ("extra"). Switch computes its outputs from the rules; the double declares three (two rules and
 * the fallback) and refuses a node set up otherwise, so a template change cannot pass unnoticed.
 */
export class SwitchDouble implements INodeType {
	description = {
		displayName: 'Switch',
		name: 'switch',
		group: ['transform'],
		version: [3, 3.1, 3.2],
		defaults: { name: 'Switch' },
		inputs: ['main'],
		outputs: ['main', 'main', 'main'],
		properties: [
			{
				displayName: 'Routing Rules',
				name: 'rules',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				default: { values: [] },
				options: [
					{
						displayName: 'Values',
						name: 'values',
						values: [
							conditionsFilter('={{ $nodeVersion >= 3.2 ? 2 : 1 }}'),
							{
								displayName: 'Rename Output',
								name: 'renameOutput',
								type: 'boolean',
								default: false,
							},
							{ displayName: 'Output Name', name: 'outputKey', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [
					{
						displayName: 'Fallback Output',
						name: 'fallbackOutput',
						type: 'string',
						default: 'none',
					},
					{
						displayName: 'Rename Fallback Output',
						name: 'renameFallbackOutput',
						type: 'string',
						default: '',
					},
					{ displayName: 'Ignore Case', name: 'ignoreCase', type: 'boolean', default: false },
				],
			},
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const rules = (this.getNodeParameter('rules.values', 0, []) as unknown[]).length;
		const fallback = this.getNodeParameter('options.fallbackOutput', 0, 'none');
		if (rules !== 2 || fallback !== 'extra') {
			throw new NodeOperationError(
				this.getNode(),
				`The Switch double knows two rules and an extra fallback output, not ${rules} rules and fallback "${String(fallback)}"`,
			);
		}
		const outputs: INodeExecutionData[][] = [[], [], []];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			let output = rules;
			for (let rule = 0; rule < rules; rule++) {
				const pass = this.getNodeParameter(`rules.values[${rule}].conditions`, i, false, {
					extractValue: true,
				});
				if (pass === true) {
					output = rule;
					break;
				}
			}
			outputs[output].push({ ...items[i], pairedItem: { item: i } });
		}
		return outputs;
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

/**
 * Execute Workflow (v1.3, "Run once for each item", waiting for each): hands each item to
 * n8n-core's executeWorkflow, which the test harness answers by running the named workflow from its
 * "When Executed by Another Workflow" node (test/helpers/n8n.ts). A failed sub-run fails the item,
 * or gives an error item under Continue On Fail, as n8n's node does.
 */
export class ExecuteWorkflowDouble implements INodeType {
	description = {
		displayName: 'Execute Workflow',
		name: 'executeWorkflow',
		group: ['transform'],
		version: [1.2, 1.3],
		defaults: { name: 'Execute Workflow' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{
				displayName: 'Workflow',
				name: 'workflowId',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				modes: [{ displayName: 'By ID', name: 'id', type: 'string' }],
			},
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: [
					{ name: 'Run Once for All Items', value: 'once' },
					{ name: 'Run Once for Each Item', value: 'each' },
				],
				default: 'once',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [
					{
						displayName: 'Wait For Sub-Workflow Completion',
						name: 'waitForSubWorkflow',
						type: 'boolean',
						default: true,
					},
				],
			},
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (this.getNodeParameter('mode', 0) !== 'each') {
			throw new NodeOperationError(this.getNode(), 'only "each" is doubled');
		}
		const output: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const id = this.getNodeParameter('workflowId', i, '', { extractValue: true }) as string;
				const result = await this.executeWorkflow({ id }, [items[i]]);
				for (const item of result.data?.[0] ?? [])
					output.push({ ...item, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) {
					throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
				}
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [output];
	}
}

/** When Executed by Another Workflow (v1.1, "Accept all data"): the items of the caller, as they are. */
export class ExecuteWorkflowTriggerDouble implements INodeType {
	description = {
		displayName: 'When Executed by Another Workflow',
		name: 'executeWorkflowTrigger',
		group: ['trigger'],
		version: [1, 1.1],
		defaults: { name: 'When Executed by Another Workflow' },
		inputs: [],
		outputs: ['main'],
		properties: [
			{
				displayName: 'Input data mode',
				name: 'inputSource',
				type: 'options',
				options: [{ name: 'Accept all data', value: 'passthrough' }],
				default: 'passthrough',
			},
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** Registers the doubles under n8n's type names. */
export function registerBaseNodeDoubles() {
	registerNodeTypeAs('n8n-nodes-base.if', IfDouble);
	registerNodeTypeAs('n8n-nodes-base.noOp', NoOpDouble);
	registerNodeTypeAs('n8n-nodes-base.switch', SwitchDouble);
	registerNodeTypeAs('n8n-nodes-base.stickyNote', StickyNoteDouble);
	registerNodeTypeAs('n8n-nodes-base.executeWorkflow', ExecuteWorkflowDouble);
	registerNodeTypeAs('n8n-nodes-base.executeWorkflowTrigger', ExecuteWorkflowTriggerDouble);
}
