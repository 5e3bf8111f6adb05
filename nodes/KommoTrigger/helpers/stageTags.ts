/**
 * "Stage → Intercom Tag": which Intercom tag a lead's new stage stands for (Qualified → `qualified`,
 * Won → `deal_won`, …). With rows set, the mapping also filters: a stage without a row starts nothing.
 */
import type { IDataObject } from 'n8n-workflow';

import { buildLeadFilter, checkFilter, FilterConfigError } from './filters';
import type { FilterVerdict, StageRef } from './filters';

export interface StageTagRow extends StageRef {
	tag: string;
}

/** Rows of the option as n8n stores them: `{ mapping: [{ stageId, tag }] }`. */
export function buildStageTagMap(value: unknown): StageTagRow[] {
	const rows = ((value as IDataObject | undefined)?.mapping ?? []) as IDataObject[];
	if (!Array.isArray(rows))
		throw new FilterConfigError('Stage → Intercom Tag is not a list of rows');
	return rows.map((row, index) => {
		const stageValue = row?.stageId;
		if (stageValue === undefined || stageValue === null || String(stageValue).trim() === '') {
			throw new FilterConfigError(`row ${index + 1} of Stage → Intercom Tag has no stage`);
		}
		const [stage] = buildLeadFilter([], [stageValue]).stages;
		if (stage === undefined) {
			throw new FilterConfigError(`row ${index + 1} of Stage → Intercom Tag has no stage`);
		}
		const tag = String(row.tag ?? '').trim();
		if (tag === '') {
			throw new FilterConfigError(
				`row ${index + 1} of Stage → Intercom Tag has no Intercom tag name`,
			);
		}
		return { ...stage, tag };
	});
}

/** Like the stage filter: `unknown` when the event does not say which stage (or pipeline) it is in. */
export function checkStageTags(
	rows: readonly StageTagRow[],
	pipelineId: number | null,
	statusId: number | null,
): FilterVerdict {
	if (rows.length === 0) return 'match';
	return checkFilter({ pipelineIds: new Set(), stages: rows }, pipelineId, statusId);
}

/**
 * The tag of the row for this stage: a row pinned to the lead's pipeline (`pipelineId:stageId`) wins
 * over a bare stage id, and among equals the first row wins. Null when no row fits.
 */
export function tagForStage(
	rows: readonly StageTagRow[],
	pipelineId: number | null,
	statusId: number | null,
): string | null {
	if (statusId === null) return null;
	const sameStage = rows.filter((row) => row.statusId === statusId);
	const pinned = sameStage.find((row) => row.pipelineId !== null && row.pipelineId === pipelineId);
	const bare = sameStage.find((row) => row.pipelineId === null);
	return (pinned ?? bare)?.tag ?? null;
}

/** Both must let the event through; an undecided one makes the whole verdict undecided. */
export function combineVerdicts(...verdicts: FilterVerdict[]): FilterVerdict {
	if (verdicts.includes('miss')) return 'miss';
	if (verdicts.includes('unknown')) return 'unknown';
	return 'match';
}
