/** The pipeline and stage pickers of the Kommo node and the Kommo Trigger (the same lists in both). */
import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { LOST_STATUS_ID, WON_STATUS_ID } from './stages';
import { kommoApiRequest } from './transport';
import { readKommoId } from './ids';

interface KommoStatus {
	id: number;
	name: string;
	sort?: number;
	pipeline_id?: number;
}

interface KommoPipeline {
	id: number;
	name: string;
	sort?: number;
	is_archive?: boolean;
	_embedded?: { statuses?: KommoStatus[] };
}

async function fetchPipelines(this: ILoadOptionsFunctions): Promise<KommoPipeline[]> {
	// at most 50 pipelines per account, all in one answer with their stages embedded
	const response = (await kommoApiRequest.call(this, 'GET', '/api/v4/leads/pipelines')) as
		| IDataObject
		| undefined;
	const pipelines = (response?._embedded as IDataObject | undefined)?.pipelines;
	return Array.isArray(pipelines) ? (pipelines as KommoPipeline[]) : [];
}

function bySort<T extends { sort?: number }>(a: T, b: T): number {
	return (a.sort ?? 0) - (b.sort ?? 0);
}

/** Where a pipeline choice may sit: the Lead Create parameter, the Lead Update collection, a multi-select. */
const PIPELINE_PARAMETER_PATHS = ['pipelineId', 'updateFields.pipelineId', 'pipelineIds'];

/** Reads the chosen pipeline(s), also when the parameter sits in a collection or is a multi-select. */
function selectedPipelineIds(context: ILoadOptionsFunctions): number[] {
	// the editor sends the parameters as currently edited; without them, read the saved node
	const editing = context.getCurrentNodeParameters() !== undefined;
	for (const path of PIPELINE_PARAMETER_PATHS) {
		let value: unknown;
		try {
			value = editing ? context.getCurrentNodeParameter(path) : context.getNodeParameter(path, '');
		} catch {
			value = undefined;
		}
		const values = (Array.isArray(value) ? value : [value])
			.map(readKommoId)
			.filter((id): id is number => id !== null);
		if (values.length) return values;
	}
	return [];
}

function closingStages(pipelineId?: number): KommoStatus[] {
	return [
		{ id: WON_STATUS_ID, name: 'Closed - Won', sort: 10000, pipeline_id: pipelineId },
		{ id: LOST_STATUS_ID, name: 'Closed - Lost', sort: 10001, pipeline_id: pipelineId },
	];
}

/** Stages of a pipeline in board order, with 142/143 present even if Kommo left them out. */
function stagesOf(pipeline: KommoPipeline): KommoStatus[] {
	const stages = [...(pipeline._embedded?.statuses ?? [])];
	for (const closing of closingStages(pipeline.id)) {
		if (!stages.some((stage) => stage.id === closing.id)) stages.push(closing);
	}
	return stages.sort(bySort);
}

export async function getPipelines(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const pipelines = await fetchPipelines.call(this);
	return pipelines.sort(bySort).map((pipeline) => ({
		name: pipeline.is_archive ? `${pipeline.name} (archived)` : pipeline.name,
		value: pipeline.id,
	}));
}

/**
 * The value of "Main Pipeline" and "First Stage of the Pipeline" in Lead › Create: empty, as the node
 * has always read it (no pipeline_id / status_id sent, so Kommo uses its main pipeline and the first
 * stage). Listed as a choice so that n8n's editor, which flags a value missing from the loaded list,
 * accepts the empty default (it checks `options.map(o => o.value).includes(value)`, and '' is kept).
 */
export const KOMMO_DEFAULT_CHOICE = '';

/** The default choice of Lead › Create, listed first. */
function defaultChoiceFirst(
	name: string,
	description: string,
	options: INodePropertyOptions[],
): INodePropertyOptions[] {
	return [{ name, value: KOMMO_DEFAULT_CHOICE, description }, ...options];
}

/** Pipelines, after "Main Pipeline" (empty: Kommo's main pipeline), for Lead › Create. */
export async function getPipelinesOrMain(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return defaultChoiceFirst(
		'Main Pipeline',
		"The account's main pipeline, whichever it is when the lead is created",
		await getPipelines.call(this),
	);
}

/** Stages, after "First Stage of the Pipeline" (empty: the pipeline's first stage), for Lead › Create. */
export async function getStagesOrFirst(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return defaultChoiceFirst(
		'First Stage of the Pipeline',
		'The first stage of the chosen pipeline (of the main pipeline, if none)',
		await getStages.call(this),
	);
}

/**
 * Stages of the chosen pipeline(s); with none chosen, every stage as "Pipeline › Stage". The value is
 * always the status id: ordinary ids are unique across pipelines, and Won (142) / Lost (143) mean the
 * same in each, so with no pipeline chosen they are listed once.
 */
export async function getStages(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const pipelines = (await fetchPipelines.call(this)).sort(bySort);
	const chosen = selectedPipelineIds(this);
	const shown = chosen.length
		? pipelines.filter((pipeline) => chosen.includes(pipeline.id))
		: pipelines;
	const prefixWithPipeline = shown.length > 1 || chosen.length === 0;
	const options: INodePropertyOptions[] = [];
	for (const pipeline of shown) {
		for (const stage of stagesOf(pipeline)) {
			const isClosing = stage.id === WON_STATUS_ID || stage.id === LOST_STATUS_ID;
			if (isClosing && prefixWithPipeline) continue;
			options.push({
				name: prefixWithPipeline ? `${pipeline.name} › ${stage.name}` : stage.name,
				value: stage.id,
			});
		}
	}
	if (prefixWithPipeline) {
		options.push(
			{ name: 'Any Pipeline › Closed - Won', value: WON_STATUS_ID },
			{ name: 'Any Pipeline › Closed - Lost', value: LOST_STATUS_ID },
		);
	}
	return options;
}
