/**
 * Kommo has no server-side filter by pipeline or stage: `status_lead` fires for every move in every
 * pipeline (reference §6.3), so the trigger filters what it receives.
 */

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

function parseId(value: unknown, what: string): number {
	const text = String(value).trim();
	if (!/^\d{1,15}$/.test(text) || Number(text) === 0) {
		throw new FilterConfigError(`${what} "${text}" is not a Kommo id`);
	}
	return Number(text);
}

function toList(value: unknown): unknown[] {
	if (value === undefined || value === null || value === '') return [];
	if (Array.isArray(value)) return value.filter((entry) => entry !== '' && entry !== null);
	// an expression may yield "1, 2"
	return String(value)
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
}

export function buildLeadFilter(pipelineValues: unknown, stageValues: unknown): LeadFilter {
	const pipelineIds = new Set(toList(pipelineValues).map((value) => parseId(value, 'Pipeline')));
	const stages = toList(stageValues).map((value): StageRef => {
		const [first, second, ...rest] = String(value).split(':');
		if (rest.length > 0)
			throw new FilterConfigError(`Stage "${String(value)}" is not a Kommo stage`);
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
