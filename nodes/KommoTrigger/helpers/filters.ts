/**
 * Kommo has no server-side filter by pipeline or stage: `status_lead` fires for every move in every
 * pipeline, moves between pipelines included, so the trigger filters what it receives.
 */
import { readKommoId } from '../../shared/kommo/ids';
import { readCommaList } from '../../shared/values';

export interface StageRef {
	/** null: the stage id alone, in whatever pipeline (142 won / 143 lost exist in every pipeline) */
	pipelineId: number | null;
	statusId: number;
}

export interface LeadFilter {
	pipelineIds: ReadonlySet<number>;
	stages: readonly StageRef[];
}

export type FilterVerdict = 'match' | 'miss' | 'unknown';

export class FilterConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FilterConfigError';
	}
}

function parseId(text: string, what: string): number {
	const id = readKommoId(text);
	if (id === null) throw new FilterConfigError(`${what} "${text.trim()}" is not a Kommo id`);
	return id;
}

export function buildLeadFilter(pipelineValues: unknown, stageValues: unknown): LeadFilter {
	const pipelineIds = new Set(
		readCommaList(pipelineValues).map((value) => parseId(value, 'Pipeline')),
	);
	const stages = readCommaList(stageValues).map((value): StageRef => {
		const [first, second, ...rest] = value.split(':');
		if (rest.length > 0) throw new FilterConfigError(`Stage "${value}" is not a Kommo stage`);
		return second === undefined
			? { pipelineId: null, statusId: parseId(first, 'Stage') }
			: { pipelineId: parseId(first, 'Pipeline'), statusId: parseId(second, 'Stage') };
	});
	return { pipelineIds, stages };
}

/**
 * `unknown` when a filter is set but the event does not say where the lead is (note events carry
 * no pipeline or stage): the caller either drops the event or looks the lead up first.
 */
export function checkFilter(
	filter: LeadFilter,
	pipelineId: number | null,
	statusId: number | null,
): FilterVerdict {
	if (filter.pipelineIds.size > 0) {
		if (pipelineId === null) return 'unknown';
		if (!filter.pipelineIds.has(pipelineId)) return 'miss';
	}
	if (filter.stages.length > 0) {
		if (statusId === null) return 'unknown';
		const stageMatches = filter.stages.some(
			(stage) =>
				stage.statusId === statusId &&
				(stage.pipelineId === null || pipelineId === null || stage.pipelineId === pipelineId),
		);
		if (!stageMatches) return 'miss';
		// a pipeline-qualified stage needs the pipeline to be known
		const needsPipeline = filter.stages.every(
			(stage) => stage.statusId !== statusId || stage.pipelineId !== null,
		);
		if (needsPipeline && pipelineId === null) return 'unknown';
	}
	return 'match';
}
