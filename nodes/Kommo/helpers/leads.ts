import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { rememberFor } from '../../shared/memo';
import type { TimedEntries } from '../../shared/memo';
import { now } from '../../shared/clock';
import { inProcessMemory } from '../../shared/processMemory';
import {
	kommoAccountUrl,
	kommoApiRequest,
	kommoApiRequestAllItems,
} from '../../shared/kommo/transport';
import { isClosedStatus } from '../../shared/kommo/stages';

interface StageNames {
	pipelines: Map<number, string>;
	stages: Map<number, string>;
}

/** Names change rarely; ten minutes keeps every chat of a busy day from re-reading them. */
export const PIPELINE_NAMES_TTL_MS = 10 * 60 * 1000;

/** Per account URL, shared by every Kommo node of this process. */
const namesByAccount: TimedEntries<string, StageNames> = inProcessMemory(new Map());

/**
 * Pipeline and stage names, only for labelling leads in the output: read when a lead needs them and
 * kept per account for {@link PIPELINE_NAMES_TTL_MS}, so a chat costs no pipelines request. A name
 * a few minutes stale is harmless; whether a lead is open never depends on it (142/143 are fixed).
 */
export class PipelineDirectory {
	constructor(private readonly context: IExecuteFunctions) {}

	async lookup(itemIndex: number): Promise<StageNames> {
		return await rememberFor(
			namesByAccount,
			await kommoAccountUrl.call(this.context),
			PIPELINE_NAMES_TTL_MS,
			now(),
			async () => await this.fetch(itemIndex),
		);
	}

	private async fetch(itemIndex: number): Promise<StageNames> {
		const response = (await kommoApiRequest.call(
			this.context,
			'GET',
			'/api/v4/leads/pipelines',
			undefined,
			undefined,
			{ itemIndex },
		)) as IDataObject | undefined;
		const pipelines = ((response?._embedded as IDataObject | undefined)?.pipelines ??
			[]) as IDataObject[];
		const names: StageNames = { pipelines: new Map(), stages: new Map() };
		for (const pipeline of pipelines) {
			names.pipelines.set(Number(pipeline.id), String(pipeline.name));
			const statuses = ((pipeline._embedded as IDataObject | undefined)?.statuses ??
				[]) as IDataObject[];
			for (const status of statuses) names.stages.set(Number(status.id), String(status.name));
		}
		return names;
	}
}

/** Most recently updated first; the higher id (the newer record) settles a tie. */
export function newestFirst(a: IDataObject, b: IDataObject): number {
	return (
		Number(b.updated_at ?? 0) - Number(a.updated_at ?? 0) || Number(b.id ?? 0) - Number(a.id ?? 0)
	);
}

/** Open means neither won (142) nor lost (143) and not deleted. */
export function isLeadOpen(lead: IDataObject): boolean {
	return !isClosedStatus(lead.status_id) && lead.is_deleted !== true;
}

export function describeLead(lead: IDataObject, names?: StageNames): IDataObject {
	const statusId = Number(lead.status_id);
	const pipelineId = Number(lead.pipeline_id);
	const stageName =
		statusId === 142
			? 'Closed - Won'
			: statusId === 143
				? 'Closed - Lost'
				: names?.stages.get(statusId);
	return {
		id: lead.id,
		name: lead.name,
		price: lead.price,
		status_id: lead.status_id,
		statusName: stageName ?? null,
		pipeline_id: lead.pipeline_id,
		pipelineName: names?.pipelines.get(pipelineId) ?? null,
		responsible_user_id: lead.responsible_user_id,
		created_at: lead.created_at,
		updated_at: lead.updated_at,
		closed_at: lead.closed_at ?? null,
		isOpen: isLeadOpen(lead),
	};
}

/** How many ids go into one `filter[id][]` request, keeping the URL short. */
const IDS_PER_REQUEST = 100;

/** Leads by id with as few calls as possible: `GET /api/v4/leads?filter[id][]=…`. */
export async function fetchLeadsByIds(
	context: IExecuteFunctions,
	ids: number[],
	itemIndex: number,
): Promise<IDataObject[]> {
	const unique = [...new Set(ids)];
	const leads: IDataObject[] = [];
	for (let start = 0; start < unique.length; start += IDS_PER_REQUEST) {
		const chunk = unique.slice(start, start + IDS_PER_REQUEST);
		leads.push(
			...(await kommoApiRequestAllItems.call(
				context,
				'/api/v4/leads',
				'leads',
				{ 'filter[id]': chunk },
				{ itemIndex },
			)),
		);
	}
	return leads;
}
