/** The Kommo Trigger's description against the code behind it. */
import type { INodeProperties } from 'n8n-workflow';

import { KommoTrigger } from '../../../nodes/KommoTrigger/KommoTrigger.node';
import { LEAD_EVENTS } from '../../../nodes/KommoTrigger/helpers/events';
import { buildStageTagMap } from '../../../nodes/KommoTrigger/helpers/stageTags';
import { kommoCredentials } from '../../../nodes/shared/kommo/descriptions';
import { getPipelines, getStages } from '../../../nodes/shared/kommo/pipelineOptions';
import { loadOptionsMethodsIn } from '../../helpers/descriptions';
import { deliver, kommoApi, setUpTriggerTests, triggerWorkflow } from './setup';
import { kommoForm, loadPairs } from './kommoForm';

setUpTriggerTests();

const trigger = new KommoTrigger();
const { description } = trigger;
const property = (name: string) => description.properties.find((entry) => entry.name === name)!;

test('a trigger with one POST webhook answering on receipt, one output, the shared Kommo sign-in', () => {
	expect(description.group).toEqual(['trigger']);
	expect(description.inputs).toEqual([]);
	expect(description.outputs).toEqual(['main']);
	expect(description.webhooks).toEqual([
		{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
	]);
	expect(description.credentials).toBe(kommoCredentials);
	expect(property('authentication').noDataExpression).toBe(true);
});

test('the events offered are the lead events the payload reader knows, under their Kommo names', () => {
	const events = property('events');
	expect(
		(events.options as Array<{ name: string; value: string }>).map((option) => [
			option.name,
			option.value,
		]),
	).toEqual(LEAD_EVENTS.map((event) => [event.name, event.setting]));
	for (const value of events.default as string[]) {
		expect(LEAD_EVENTS.map((event) => event.setting)).toContain(value);
	}
});

test('every loadOptionsMethod named is one of the node methods: the shared pipeline options', () => {
	const named = loadOptionsMethodsIn(description.properties);
	expect([...named].sort()).toEqual(Object.keys(trigger.methods.loadOptions).sort());
	expect(trigger.methods.loadOptions).toEqual({ getPipelines, getStages });
});

test('the Stage → Intercom Tag fields are named as the mapping reader reads them', () => {
	const options = property('options').options as INodeProperties[];
	const stageTags = options.find((option) => option.name === 'stageTags') as unknown as {
		options: Array<{ name: string; values: INodeProperties[] }>;
	};
	const [group] = stageTags.options;
	const [stageField, tagField] = group.values;
	const value = { [group.name]: [{ [stageField.name]: 142, [tagField.name]: 'deal_won' }] };
	expect(buildStageTagMap(value)).toEqual([{ pipelineId: null, statusId: 142, tag: 'deal_won' }]);
});

test('webhook() hands the request to the webhook handler: a delivery starts the workflow', async () => {
	kommoApi()
		.get('/api/v4/account')
		.reply(200, { id: 31361463, subdomain: 'devteam' })
		.get('/api/v4/leads/pipelines')
		.reply(200, { _embedded: { pipelines: [] } });
	const { response, result } = await deliver(
		triggerWorkflow(),
		kommoForm(loadPairs('batch-status-update-note.pairs.json')),
	);
	expect(response.status).toBe(200);
	expect(result.workflowData?.[0].length).toBeGreaterThan(0);
});
