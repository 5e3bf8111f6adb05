/**
 * Shared set-up for the Kommo tests: the node behind a passthrough trigger (so items reach it the way
 * a webhook-started execution delivers them), test credentials, and a virtual clock for the
 * throttle and retry waits so no test sleeps for real unless it means to.
 */
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
} from 'n8n-workflow';

import { IntercomKommoKommoApi } from '../../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { Kommo } from '../../../nodes/Kommo/Kommo.node';
import { formatMarker } from '../../../nodes/shared/transcriptMarker';
import { KommoTrigger } from '../../../nodes/KommoTrigger/KommoTrigger.node';
import { createWorkflow, registerCredentials, registerNodes, runWorkflow } from '../../helpers/n8n';
import type { RunResult } from '../../helpers/n8n';
import { kommoAccountApi, setUpKommoNock } from '../../helpers/kommoNock';
import type { VirtualClock } from '../../helpers/kommoNock';

export class Passthrough implements INodeType {
	description = {
		displayName: 'Passthrough',
		name: 'passthrough',
		group: ['trigger'],
		version: 1,
		defaults: { name: 'Passthrough' },
		inputs: [],
		outputs: ['main'],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'in' }],
		properties: [],
	} as unknown as INodeTypeDescription;

	async webhook(this: IWebhookFunctions) {
		return { workflowData: [[{ json: this.getBodyData() }]] };
	}
}

registerNodes(Passthrough, Kommo, KommoTrigger);
registerCredentials(IntercomKommoKommoApi, IntercomKommoKommoOAuth2Api);

/** Evaluates a credential expression the way n8n does: `$credentials` as a key, `$self` as self data. */
export function evaluateCredentialExpression(
	expression: string,
	data: IDataObject,
	as: '$credentials' | '$self',
): unknown {
	const workflow = createWorkflow({ nodes: [{ name: 'Passthrough', type: 'passthrough' }] });
	return workflow.expression.getParameterValue(
		expression,
		null,
		0,
		0,
		'Passthrough',
		[],
		'manual',
		as === '$credentials' ? ({ $credentials: data } as never) : {},
		undefined,
		false,
		as === '$self' ? data : undefined,
	);
}

/** A workflow holding only a Kommo Trigger for stage changes, on the long-lived-token credential. */
export function kommoTriggerWorkflow() {
	return createWorkflow({
		nodes: [
			{
				name: 'Kommo Trigger',
				type: 'kommoTrigger',
				parameters: { events: ['status_lead'] },
				credentials: { intercomKommoKommoApi: 'kommo' },
			},
		],
	});
}

export const BASE = 'https://acme.kommo.com';
export const TOKEN = 'dummy-kommo-token-123';

export const credentials = {
	intercomKommoKommoApi: {
		subdomain: 'acme',
		domain: 'kommo.com',
		baseUrl: '',
		accessToken: TOKEN,
		maxRequestsPerSecond: 7,
	},
};

/** nock scope for the test account that insists on the bearer token. */
export function kommo() {
	return kommoAccountApi(BASE, TOKEN);
}

export { useVirtualClock, virtualClock } from '../../helpers/kommoNock';
export type { VirtualClock } from '../../helpers/kommoNock';

export async function runKommo(
	parameters: IDataObject,
	input: INodeExecutionData[] = [{ json: {} }],
	options: {
		continueOnFail?: boolean;
		credentials?: Record<string, IDataObject>;
		mode?: 'webhook' | 'retry';
	} = {},
): Promise<RunResult> {
	return await runWorkflow({
		mode: options.mode,
		nodes: [
			{ name: 'Passthrough', type: 'passthrough' },
			{
				name: 'Kommo',
				type: 'kommo',
				parameters,
				credentials: { intercomKommoKommoApi: 'Kommo account' },
				continueOnFail: options.continueOnFail,
			},
		],
		credentials: (options.credentials ?? credentials) as never,
		input,
	});
}

/** Lines every Kommo test file needs (the shared Kommo nock kit). */
export function setUpKommoTests(): { clock: () => VirtualClock } {
	return setUpKommoNock();
}

export function contactFixture(
	id: number,
	emails: string[],
	leadIds: number[] = [],
	phones: string[] = [],
) {
	const customFields: IDataObject[] = [];
	if (phones.length) {
		customFields.push({
			field_id: 1001,
			field_name: 'Phone',
			field_code: 'PHONE',
			field_type: 'multitext',
			values: phones.map((value) => ({ value, enum_id: 2001, enum_code: 'WORK' })),
		});
	}
	if (emails.length) {
		customFields.push({
			field_id: 1002,
			field_name: 'Email',
			field_code: 'EMAIL',
			field_type: 'multitext',
			values: emails.map((value) => ({ value, enum_id: 2002, enum_code: 'WORK' })),
		});
	}
	return {
		id,
		name: `Contact ${id}`,
		first_name: 'Ann',
		last_name: '',
		responsible_user_id: 8375357,
		group_id: 0,
		created_at: 1700000000,
		updated_at: 1700000100,
		custom_fields_values: customFields.length ? customFields : null,
		account_id: 31361463,
		_links: { self: { href: `${BASE}/api/v4/contacts/${id}` } },
		_embedded: {
			tags: [],
			companies: [],
			leads: leadIds.map((leadId) => ({
				id: leadId,
				_links: { self: { href: `${BASE}/api/v4/leads/${leadId}` } },
			})),
		},
	};
}

export function leadFixture(
	id: number,
	statusId: number,
	pipelineId: number,
	updatedAt = 1700000000,
) {
	return {
		id,
		name: `Deal ${id}`,
		price: 1000,
		responsible_user_id: 8375357,
		group_id: 0,
		status_id: statusId,
		pipeline_id: pipelineId,
		loss_reason_id: null,
		created_by: 0,
		updated_by: 0,
		created_at: 1690000000,
		updated_at: updatedAt,
		closed_at: statusId === 142 || statusId === 143 ? updatedAt : null,
		closest_task_at: null,
		is_deleted: false,
		custom_fields_values: null,
		score: null,
		account_id: 31361463,
		labor_cost: null,
		_links: { self: { href: `${BASE}/api/v4/leads/${id}` } },
		_embedded: { tags: [], companies: [] },
	};
}

/** A transcript note's key, and a note that carries it in its marker line, as the Transcript node writes. */
export const TRANSCRIPT_KEY = 'intercom:215468:403918334-9877';
export const transcriptText = `Intercom chat 215468\n\nAnn: Hello, I need help with billing\n\n${formatMarker(TRANSCRIPT_KEY)}`;

/** Note > Add on the item's `leadId`, with the item's `text`; `extra` sets or overrides parameters. */
export function addNoteParameters(extra: IDataObject = {}): IDataObject {
	return {
		resource: 'note',
		operation: 'add',
		entityType: 'lead',
		entityId: '={{ $json.leadId }}',
		text: '={{ $json.text }}',
		...extra,
	};
}

/** The query of the one notes read the node makes: a lead's text notes, newest first. */
export const NOTES_QUERY = { limit: '250', 'filter[note_type][]': 'common', 'order[id]': 'desc' };

/** A text note as `GET /api/v4/leads/{leadId}/notes` lists it, written at 1700000000 + id. */
export function noteFixture(id: number, text: string, leadId = 19619) {
	return {
		id,
		entity_id: leadId,
		created_by: 0,
		updated_by: 0,
		created_at: 1700000000 + id,
		updated_at: 1700000000 + id,
		responsible_user_id: 8375357,
		group_id: 0,
		note_type: 'common',
		params: { text },
		account_id: 31361463,
		_links: { self: { href: `${BASE}/api/v4/leads/${leadId}/notes/${id}` } },
	};
}

/** Kommo's answer to `POST /api/v4/leads/notes` for one note on lead 19619. */
export function createdNoteFixture(id: number) {
	return {
		_links: { self: { href: `${BASE}/api/v4/leads/notes` } },
		_embedded: {
			notes: [
				{
					id,
					entity_id: 19619,
					request_id: '0',
					_links: { self: { href: `${BASE}/api/v4/leads/19619/notes/${id}` } },
				},
			],
		},
	};
}

export const pipelinesFixture = {
	_total_items: 2,
	_links: { self: { href: `${BASE}/api/v4/leads/pipelines` } },
	_embedded: {
		pipelines: [
			{
				id: 6950551,
				name: 'Sales',
				sort: 1,
				is_main: true,
				is_unsorted_on: true,
				is_archive: false,
				account_id: 31361463,
				_embedded: {
					statuses: [
						{
							id: 58141803,
							name: 'Incoming leads',
							sort: 10,
							is_editable: false,
							pipeline_id: 6950551,
							color: '#c1c1c1',
							type: 1,
							account_id: 31361463,
						},
						{
							id: 58141807,
							name: 'Qualified',
							sort: 20,
							is_editable: true,
							pipeline_id: 6950551,
							color: '#99ccff',
							type: 0,
							account_id: 31361463,
						},
						{
							id: 142,
							name: 'Closed - won',
							sort: 10000,
							is_editable: false,
							pipeline_id: 6950551,
							color: '#CCFF66',
							type: 0,
							account_id: 31361463,
						},
						{
							id: 143,
							name: 'Closed - lost',
							sort: 11000,
							is_editable: false,
							pipeline_id: 6950551,
							color: '#D5D8DB',
							type: 0,
							account_id: 31361463,
						},
					],
				},
			},
			{
				id: 7000001,
				name: 'Support',
				sort: 2,
				is_main: false,
				is_unsorted_on: false,
				is_archive: false,
				account_id: 31361463,
				_embedded: {
					statuses: [
						{
							id: 60000001,
							name: 'New chat',
							sort: 10,
							is_editable: true,
							pipeline_id: 7000001,
							color: '#c1c1c1',
							type: 0,
							account_id: 31361463,
						},
						{
							id: 142,
							name: 'Closed - won',
							sort: 10000,
							is_editable: false,
							pipeline_id: 7000001,
							color: '#CCFF66',
							type: 0,
							account_id: 31361463,
						},
						{
							id: 143,
							name: 'Closed - lost',
							sort: 11000,
							is_editable: false,
							pipeline_id: 7000001,
							color: '#D5D8DB',
							type: 0,
							account_id: 31361463,
						},
					],
				},
			},
		],
	},
};
