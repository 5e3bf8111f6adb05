import { KommoTrigger } from '../../../../nodes/KommoTrigger/KommoTrigger.node';
import { loadOptions } from '../../../helpers/n8n';
import { loadJson } from '../../KommoTrigger/kommoForm';
import { CREDENTIALS, kommoApi, setUpTriggerTests } from '../../KommoTrigger/setup';

const PIPELINES = loadJson('pipelines.json');

setUpTriggerTests();

function triggerNode(parameters: Record<string, unknown>) {
	return {
		name: 'Kommo Trigger',
		type: 'kommoTrigger',
		parameters: { events: ['status_lead'], ...parameters },
		credentials: { intercomKommoKommoApi: 'kommo' },
	};
}

test('the pipeline dropdown lists the account pipelines', async () => {
	const api = kommoApi().get('/api/v4/leads/pipelines').reply(200, PIPELINES);
	const options = await loadOptions({
		node: triggerNode({}),
		method: 'getPipelines',
		credentials: CREDENTIALS,
	});
	api.done();
	expect(options).toEqual([
		{ name: 'Pipeline', value: 6950551 },
		{ name: 'Partners', value: 7012345 },
	]);
});

test('the stage dropdown follows the multi-select pipeline filter, and its values filter the webhook', async () => {
	kommoApi().get('/api/v4/leads/pipelines').reply(200, PIPELINES);
	const options = (await loadOptions({
		node: triggerNode({ pipelineId: [7012345] }),
		method: 'getStages',
		credentials: CREDENTIALS,
	})) as Array<{ name: string; value: number }>;
	expect(options.map((option) => option.value)).toEqual([59000001, 59000002, 142, 143]);
	expect(options.find((option) => option.value === 142)?.name).toBe('Partner signed');
});

test('the Stage → Intercom Tag rows offer the same stages as the stage filter', async () => {
	const options = new KommoTrigger().description.properties.find((p) => p.name === 'options');
	const stageTags = (options?.options as Array<{ name: string; options?: unknown[] }>).find(
		(option) => option.name === 'stageTags',
	) as { options: Array<{ name: string; values: Array<{ name: string; typeOptions?: object }> }> };
	const stageField = stageTags.options[0].values.find((value) => value.name === 'stageId');
	expect(stageTags.options[0].name).toBe('mapping');
	expect(stageField?.typeOptions).toEqual({
		loadOptionsMethod: 'getStages',
		loadOptionsDependsOn: ['pipelineId'],
	});

	kommoApi().get('/api/v4/leads/pipelines').reply(200, PIPELINES);
	const stages = (await loadOptions({
		node: triggerNode({
			pipelineId: [6950551],
			options: { stageTags: { mapping: [{ stageId: 142, tag: 'deal_won' }] } },
		}),
		method: 'getStages',
		credentials: CREDENTIALS,
	})) as Array<{ name: string; value: number }>;
	expect(stages.map((stage) => stage.value)).toEqual([58141803, 58141807, 58141811, 142, 143]);
});
