/**
 * Nock'd Intercom and Kommo for running the forward template
 * (`workflows/intercom-chat-to-kommo-deal.json`) on a webhook from Intercom: the credentials, the
 * scopes, the chat and the Kommo answers.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { createWorkflowFromNodes, deliverWebhook, runWorkflow } from '../helpers/n8n';
import type { RunResult } from '../helpers/n8n';
import { importedNodes } from '../helpers/forward/template';
import { generatedConversation } from '../nodes/Transcript/helpers';
import { FORWARD, loadTemplate } from './templateFiles';

const INTERCOM = 'https://api.intercom.io';
const KOMMO = 'https://acme.kommo.com';
const INTERCOM_TOKEN = ['intercom', 'template', 'token'].join('-');
const KOMMO_TOKEN = ['kommo', 'template', 'token'].join('-');
const CLIENT_SECRET = 'template-test-client-secret';

export const credentials = {
	intercomKommoIntercomApi: {
		accessToken: INTERCOM_TOKEN,
		region: 'us',
		baseUrl: '',
		clientSecret: CLIENT_SECRET,
		apiVersion: '2.14',
	},
	intercomKommoKommoApi: {
		subdomain: 'acme',
		domain: 'kommo.com',
		baseUrl: '',
		accessToken: KOMMO_TOKEN,
		maxRequestsPerSecond: 7,
	},
};

export const intercom = () =>
	nock(INTERCOM, {
		reqheaders: { authorization: `Bearer ${INTERCOM_TOKEN}`, 'intercom-version': '2.14' },
	});
export const kommo = () => nock(KOMMO, { reqheaders: { authorization: `Bearer ${KOMMO_TOKEN}` } });

export const CONVERSATION_ID = '215470';
export const EMAIL = 'jane@example.com';
export const CONTACT_ID = 406322;
export const LEAD_ID = 19619;
export const LEAD_NAME = `Intercom chat #${CONVERSATION_ID} – Jane Doe`;

/** GET /conversations/{id} as Intercom answers it: the generated chat plus its contact and tags. */
export function conversation(
	messages: number,
	options: { withContact?: boolean } = {},
): IDataObject {
	return {
		...generatedConversation(CONVERSATION_ID, messages),
		contacts: {
			type: 'contact.list',
			contacts:
				options.withContact === false ? [] : [{ type: 'contact', id: 'c1', external_id: null }],
		},
		tags: { type: 'tag.list', tags: [{ type: 'tag', id: '9001', name: 'VIP' }] },
	};
}

let notificationCounter = 0;

function notification(): string {
	const fixture = JSON.parse(
		readFileSync(
			join(__dirname, '..', 'fixtures', 'intercom', 'webhooks', 'conversation-user-replied.json'),
			'utf8',
		),
	) as IDataObject;
	return JSON.stringify({ ...fixture, id: `notif_template_${++notificationCounter}` });
}

function signed(body: string) {
	return {
		'content-type': 'application/json',
		'x-hub-signature': `sha1=${createHmac('sha1', CLIENT_SECRET).update(body).digest('hex')}`,
	};
}
/** One webhook from Intercom: the trigger checks it, then the template runs on its output. */
export async function deliverToForward(
	workflowId: string,
	staticData: IDataObject,
	configure: (nodes: INode[]) => void = () => {},
): Promise<RunResult> {
	const template = loadTemplate(FORWARD);
	const nodes = importedNodes(template);
	configure(nodes);
	const workflow = createWorkflowFromNodes({
		nodes,
		connections: template.connections,
		id: workflowId,
		staticData,
	});
	const body = notification();
	const { response, result: webhook } = await deliverWebhook({
		workflow,
		nodeName: 'Intercom Trigger',
		headers: signed(body),
		body,
		credentials,
	});
	expect(response.status).toBe(200);
	const input = webhook.workflowData![0];
	const result = await runWorkflow({
		nodes: [{ name: 'Intercom Trigger', type: 'intercomTrigger' }],
		workflow,
		input,
		credentials,
	});
	return result;
}

export function recordNotePosts(scope: nock.Scope, leadId: number, count: number, firstId = 70001) {
	const posts: IDataObject[][] = [];
	for (let i = 0; i < count; i++) {
		scope
			.post('/api/v4/leads/notes', (body: IDataObject[]) => {
				posts.push(body);
				return true;
			})
			.reply(200, { _embedded: { notes: [{ id: firstId + i, entity_id: leadId }] } });
	}
	return posts;
}

export function contactWithLeads(leadIds: number[]) {
	return {
		_embedded: {
			contacts: [
				{
					id: CONTACT_ID,
					name: 'Jane Doe',
					custom_fields_values: [
						{
							field_code: 'EMAIL',
							field_type: 'multitext',
							values: [{ value: EMAIL, enum_code: 'WORK' }],
						},
					],
					_embedded: { leads: leadIds.map((id) => ({ id })) },
				},
			],
		},
	};
}

export function lead(id: number, statusId: number, updatedAt = 1700000000) {
	return {
		id,
		name: `Deal ${id}`,
		status_id: statusId,
		pipeline_id: 6950551,
		updated_at: updatedAt,
	};
}

export const PIPELINES = {
	_embedded: {
		pipelines: [
			{
				id: 6950551,
				name: 'Sales',
				_embedded: {
					statuses: [
						{ id: 58141807, name: 'Qualified' },
						{ id: 142, name: 'Closed - won' },
						{ id: 143, name: 'Closed - lost' },
					],
				},
			},
		],
	},
};

export const NOTES_QUERY = { limit: '250', 'filter[note_type][]': 'common', 'order[id]': 'desc' };

/** Kommo's answers for Find by Email when the contact has these leads. */
/** `namesCached`: an earlier run of the same process already read the pipeline names */
export function findsContact(scope: nock.Scope, leads: IDataObject[], namesCached = false) {
	scope
		.get('/api/v4/contacts')
		.query({ limit: '250', query: EMAIL, with: 'leads' })
		.reply(200, contactWithLeads(leads.map((entry) => Number(entry.id))));
	if (leads.length) {
		const ids = leads.map((entry) => String(entry.id));
		scope
			.get('/api/v4/leads')
			.query({ limit: '250', 'filter[id][]': ids.length === 1 ? ids[0] : ids })
			.reply(200, { _embedded: { leads } });
		if (!namesCached) scope.get('/api/v4/leads/pipelines').reply(200, PIPELINES);
	}
}

export function notesOnLead(texts: string[]) {
	return texts.length
		? {
				_embedded: {
					notes: texts
						.map((text, index) => ({
							id: 70001 + index,
							note_type: 'common',
							params: { text },
						}))
						.reverse(),
				},
			}
		: undefined;
}

export const noteBody = (leadId: number, text: string) => [
	{ entity_id: leadId, note_type: 'common', params: { text } },
];

/** Counts the requests a scope answered: Kommo calls per chat. */
export function countRequests(scope: nock.Scope): () => number {
	let count = 0;
	scope.on('request', () => count++);
	return () => count;
}
