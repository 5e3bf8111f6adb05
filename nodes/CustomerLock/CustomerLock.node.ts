import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem } from '../shared/errors';
import { acquire, lockKey, release } from './helpers/locks';

export const DEFAULT_HOLD_SECONDS = 120;
const MIN_HOLD_SECONDS = 5;

/**
 * One run per customer at a time, on one n8n process: "Wait and Lock" before the steps that read
 * Kommo and write to it, "Release" after them. Items pass through unchanged, so the steps around it
 * read the same data as without it. On queue mode each worker is its own process: the queue-mode
 * template builds the same lock from n8n's Redis node instead.
 */
export class CustomerLock implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Customer Lock',
		name: 'customerLock',
		icon: { light: 'file:../../icons/lock.svg', dark: 'file:../../icons/lock.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "release" ? "Release" : "Wait and lock" }}',
		description:
			'Let one run per customer at a time through the steps between Wait and Lock and Release',
		defaults: { name: 'Customer Lock' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Wait and Lock',
						value: 'lock',
						action: 'Wait for the customer and lock',
						description:
							'Wait while another run holds this customer, then hold it until Release (or until the lock expires)',
					},
					{
						name: 'Release',
						value: 'release',
						action: 'Release the customer',
						description: 'Let the next run of this customer through',
					},
				],
				default: 'lock',
			},
			{
				displayName:
					'Locks runs of this n8n process. On queue mode (workers) use the Redis steps of the queue-mode template instead.',
				name: 'queueModeNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Customer',
				name: 'key',
				type: 'string',
				default: '',
				required: true,
				placeholder: "e.g. {{ $('Get conversation').item.json.customer.email }}",
				description:
					'Runs with the same value wait for each other; others go ahead at once. Letter case and surrounding spaces do not count. Use the same value in Wait and Lock and in Release.',
			},
			{
				displayName: 'Lock Expires After (Seconds)',
				name: 'holdSeconds',
				type: 'number',
				default: DEFAULT_HOLD_SECONDS,
				typeOptions: { minValue: MIN_HOLD_SECONDS },
				displayOptions: { show: { operation: ['lock'] } },
				description:
					'If a run stops before its Release step (it failed, or n8n stopped), the next run of this customer goes ahead after this long. Keep it longer than the steps between Wait and Lock and Release take.',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		// the execution is the owner: its Release step, a later node of the same run, must match it
		const owner = `execution:${this.getExecutionId()}`;
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const key = lockKey(this.getNodeParameter('key', itemIndex, ''));
				if (!key) {
					throw new NodeOperationError(this.getNode(), 'The Customer field is empty', {
						itemIndex,
						description:
							"Map something that names the customer, such as {{ $('Get conversation').item.json.customer.email }}.",
					});
				}
				if (operation === 'lock') {
					const holdSeconds = this.getNodeParameter('holdSeconds', itemIndex) as number;
					if (!Number.isFinite(holdSeconds) || holdSeconds < MIN_HOLD_SECONDS) {
						throw new NodeOperationError(
							this.getNode(),
							`Lock Expires After must be at least ${MIN_HOLD_SECONDS} seconds`,
							{ itemIndex },
						);
					}
					await acquire(key, owner, holdSeconds * 1000);
				} else if (operation === 'release') {
					release(key, owner);
				} else {
					throw new NodeOperationError(
						this.getNode(),
						`The operation "${operation}" is not supported`,
						{ itemIndex },
					);
				}
				output.push({
					json: items[itemIndex].json as IDataObject,
					pairedItem: { item: itemIndex },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					output.push(errorItem(this.getNode(), error, itemIndex));
					continue;
				}
				throw asNodeError(this.getNode(), error, itemIndex);
			}
		}
		return [output];
	}
}
