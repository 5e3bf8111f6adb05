import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { kommoAuthentication, kommoCredentials } from '../shared/kommo/descriptions';
import { getPipelines, getStages } from '../shared/kommo/pipelineOptions';
import { LEAD_EVENTS } from './helpers/events';
import { checkExists, create, remove } from './helpers/registration';
import { handleKommoWebhook } from './helpers/webhook';

export class KommoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kommo Trigger',
		name: 'kommoTrigger',
		icon: { light: 'file:../../icons/kommo.svg', dark: 'file:../../icons/kommo.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly as 1. n8n evaluates an expression ($parameter.options.binaryData) for
		// every webhook a trigger of version 1 receives, to decide whether to parse the body; from
		// 1.1 on it parses JSON and form bodies without one, which under n8n 2.x's default
		// expression engine saves ~3 ms per notification (docs/benchmark-runs/run-E.md).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ $parameter["events"].join(", ") }}',
		description:
			'Starts the workflow when a Kommo lead changes stage, is added or updated, or gets a note',
		defaults: { name: 'Kommo Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: kommoCredentials,
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// Kommo waits about 2 s for the answer and retries otherwise: answer at once, work afterwards
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{ ...kommoAuthentication, noDataExpression: true },
			{
				displayName: 'Registration',
				name: 'registration',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Automatic (Kommo API)',
						value: 'automatic',
						description:
							'Register the webhook in Kommo on activation and remove it on deactivation. Needs an Advanced or Enterprise plan and an administrator token.',
					},
					{
						name: 'Manual',
						value: 'manual',
						description: 'You add the webhook in Kommo yourself. Works on every plan.',
					},
				],
				default: 'automatic',
			},
			{
				displayName:
					"Kommo allows registering webhooks through its API only on the Advanced and Enterprise plans, with an account administrator's token. If activation fails with a plan or permission error, switch Registration to Manual.",
				name: 'automaticNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { registration: ['automatic'] } },
			},
			{
				displayName:
					'In Kommo open Settings → Integrations → Webhooks and add a webhook: paste this node\'s Production URL (under "Webhook URLs" above) and tick the events chosen below — Lead stage (status) changed, Lead added, Lead edited, Note added to lead, and so on. Then activate this workflow. n8n will not contact Kommo to set anything up.',
				name: 'manualNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { registration: ['manual'] } },
			},
			{
				displayName: 'Require Account ID',
				name: 'requireAccountId',
				type: 'boolean',
				default: true,
				description:
					'Whether to refuse (401) a webhook that does not name the account ID. Kommo signs nothing: this check and the URL are what keep strangers out.',
				hint: 'Every current Kommo webhook sends the account ID. Turn off only for an account that still sends the old format (subdomain alone).',
			},
			{
				displayName:
					'Webhooks without an account ID are accepted when their subdomain matches the credential: anyone who knows this URL and your subdomain can start this workflow with made-up data. Turn Require Account ID back on unless your Kommo account still sends the old format.',
				name: 'accountIdNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { requireAccountId: [false] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: LEAD_EVENTS.map((event) => ({
					name: event.name,
					value: event.setting,
					description: `Kommo's "${event.kommoLabel}" (${event.setting})`,
				})),
				default: ['status_lead'],
				description:
					'The lead events that start the workflow. One POST from Kommo may carry several leads; each becomes one item.',
			},
			{
				displayName: 'Pipeline Names or IDs',
				name: 'pipelineId',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getPipelines' },
				default: [],
				description:
					'Only leads in these pipelines start the workflow; leave empty for all. Note events carry no pipeline: with a filter they need "Fetch Full Lead". Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Stage Names or IDs',
				name: 'stageIds',
				type: 'multiOptions',
				typeOptions: {
					loadOptionsMethod: 'getStages',
					loadOptionsDependsOn: ['pipelineId'],
				},
				default: [],
				description:
					'Only leads now in one of these stages start the workflow; leave empty for all. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				hint: 'Closed - Won and Closed - Lost count in the pipelines chosen above (in any, if none). In an expression, "pipelineId:stageId" pins a stage to one pipeline.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Fetch Full Lead',
						name: 'fetchFullLead',
						type: 'boolean',
						default: false,
						description:
							'Whether to load each lead with its contacts from the API (in "fullLead"). Kommo gets its answer first, so this adds no delay for Kommo but one API call per lead before the workflow starts. Also lets the pipeline/stage filter apply to note events.',
					},
					{
						displayName: 'Stage → Intercom Tag',
						name: 'stageTags',
						type: 'fixedCollection',
						placeholder: 'Add Stage',
						typeOptions: { multipleValues: true },
						default: {},
						description:
							'The Intercom tag each stage stands for, put on every item as "intercomTag". With at least one row, leads moving to a stage without a row start nothing (like the stage filter).',
						options: [
							{
								displayName: 'Mapping',
								name: 'mapping',
								values: [
									{
										displayName: 'Stage Name or ID',
										name: 'stageId',
										type: 'options',
										typeOptions: {
											loadOptionsMethod: 'getStages',
											loadOptionsDependsOn: ['pipelineId'],
										},
										default: '',
										description:
											'The stage the lead moved to. Closed - Won (142) and Closed - Lost (143) count in any pipeline; in an expression "pipelineId:stageId" pins a stage to one pipeline. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
									},
									{
										displayName: 'Intercom Tag',
										name: 'tag',
										type: 'string',
										default: '',
										placeholder: 'e.g. deal_won',
										description: 'Name of the Intercom tag for this stage',
									},
								],
							},
						],
					},
				],
			},
		],
	};

	methods = {
		loadOptions: {
			getPipelines,
			getStages,
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleKommoWebhook.call(this);
	}
}
