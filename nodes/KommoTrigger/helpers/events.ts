import type { IDataObject } from 'n8n-workflow';
import { readKommoId } from '../../shared/kommo/ids';
import { isObject } from '../../shared/values';

/**
 * Lead events the trigger understands. `setting` is the value Kommo expects in `settings[]` of
 * `POST /api/v4/webhooks`; `action` is the key the payload uses under `leads[…]`
 * (`status_lead` arrives as `leads[status][0][…]`); `kommoLabel` is the event's name in Kommo's
 * webhook settings (https://developers.kommo.com/docs/webhooks-general).
 */
export const LEAD_EVENTS = [
	{
		setting: 'status_lead',
		action: 'status',
		name: 'Lead Stage Changed',
		kommoLabel: 'Lead stage (status) changed',
	},
	{ setting: 'add_lead', action: 'add', name: 'Lead Added', kommoLabel: 'Lead added' },
	{ setting: 'update_lead', action: 'update', name: 'Lead Updated', kommoLabel: 'Lead edited' },
	{
		setting: 'note_lead',
		action: 'note',
		name: 'Note Added to Lead',
		kommoLabel: 'Note added to lead',
	},
	{
		setting: 'responsible_lead',
		action: 'responsible',
		name: 'Lead Responsible User Changed',
		kommoLabel: 'Lead resp. user changed',
	},
	{ setting: 'delete_lead', action: 'delete', name: 'Lead Deleted', kommoLabel: 'Lead deleted' },
	{
		setting: 'restore_lead',
		action: 'restore',
		name: 'Lead Restored',
		kommoLabel: 'Lead restored',
	},
] as const;

export type LeadEventSetting = (typeof LEAD_EVENTS)[number]['setting'];

const SETTING_BY_ACTION = new Map<string, LeadEventSetting>(
	LEAD_EVENTS.map((event) => [event.action, event.setting]),
);

export class PayloadError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PayloadError';
	}
}

export interface LeadEvent {
	event: LeadEventSetting;
	leadId: number;
	pipelineId: number | null;
	statusId: number | null;
	oldStatusId: number | null;
	/** pipeline the lead left on a move between pipelines; names of `oldStatusId` are looked up there */
	oldPipelineId: number | null;
	lead: IDataObject;
}

export interface PayloadAccount {
	id: number | null;
	subdomain: string | null;
}

/** `account[subdomain]` is the bare subdomain, but accept a host too (`acme.kommo.com`). */
export function normalizeSubdomain(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const host = value
		.trim()
		.toLowerCase()
		.replace(/^https?:\/\//, '');
	const subdomain = host.split(/[./]/)[0];
	return subdomain === '' ? null : subdomain;
}

export function readPayloadAccount(payload: IDataObject): PayloadAccount {
	const account = isObject(payload.account) ? payload.account : {};
	return { id: readKommoId(account.id), subdomain: normalizeSubdomain(account.subdomain) };
}

/**
 * Note events wrap the note: `leads[note][0][note][element_id]` is the lead (element_type 2).
 * Accept the flat `leads[note][0][element_id]` too, which some senders use.
 */
function noteLeadId(entity: IDataObject): number | null {
	const note = isObject(entity.note) ? entity.note : entity;
	return readKommoId(note.element_id);
}

function toLeadEvent(setting: LeadEventSetting, entity: IDataObject, position: string): LeadEvent {
	const leadId = setting === 'note_lead' ? noteLeadId(entity) : readKommoId(entity.id);
	if (leadId === null) {
		throw new PayloadError(`${position} has no valid lead id`);
	}
	return {
		event: setting,
		leadId,
		pipelineId: readKommoId(entity.pipeline_id),
		statusId: readKommoId(entity.status_id),
		oldStatusId: readKommoId(entity.old_status_id),
		oldPipelineId: readKommoId(entity.old_pipeline_id),
		lead: entity,
	};
}

/**
 * One event per lead per action, in the order the payload lists them: a single POST may carry
 * `leads[status][0]`, `leads[status][1]` and `leads[update][0]` at once. Actions not in
 * `wanted` (a manually set-up webhook may tick more boxes than the node listens to) are skipped;
 * a body without any `leads[…]` entity, or a lead without an id, is a {@link PayloadError}.
 */
export function extractLeadEvents(payload: IDataObject, wanted: ReadonlySet<string>): LeadEvent[] {
	const leads = payload.leads;
	if (!isObject(leads) || Object.keys(leads).length === 0) {
		throw new PayloadError(
			'The body has no leads[…] entity; it does not look like a Kommo lead webhook',
		);
	}
	const events: LeadEvent[] = [];
	for (const [action, entries] of Object.entries(leads)) {
		const setting = SETTING_BY_ACTION.get(action);
		if (setting === undefined || !wanted.has(setting)) continue;
		if (!Array.isArray(entries)) {
			throw new PayloadError(`leads[${action}] is not a numbered list of leads`);
		}
		entries.forEach((entity, index) => {
			const position = `leads[${action}][${index}]`;
			if (!isObject(entity)) throw new PayloadError(`${position} is not a lead`);
			events.push(toLeadEvent(setting, entity, position));
		});
	}
	return events;
}

export type LeadEventsResult =
	| { events: LeadEvent[]; error?: undefined }
	| { events?: undefined; error: string };

/** {@link extractLeadEvents} for callers that answer a malformed payload instead of failing. */
export function tryExtractLeadEvents(
	payload: IDataObject,
	wanted: ReadonlySet<string>,
): LeadEventsResult {
	try {
		return { events: extractLeadEvents(payload, wanted) };
	} catch (error) {
		if (error instanceof PayloadError) return { error: error.message };
		return { error: 'The body is not a Kommo lead webhook' };
	}
}
