import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { now } from '../../shared/clock';
import { readKommoId } from '../../shared/kommo/ids';
import { readRawBody } from '../../shared/webhookBody';
import {
	compareAccount,
	isPipelineCacheUsable,
	readCachedAccount,
	readCachedPipelines,
	resolveNames,
	storeAccount,
	storePipelines,
} from './accountCache';
import type { CachedPipelines } from './accountCache';
import { fetchAccount, fetchLead, fetchPipelines, getAccountIdentity } from './api';
import type { AccountIdentity } from './api';
import { readPayloadAccount, tryExtractLeadEvents } from './events';
import type { LeadEvent, PayloadAccount } from './events';
import { buildLeadFilter, checkFilter, FilterConfigError } from './filters';
import type { FilterVerdict, LeadFilter } from './filters';
import { tryParseNestedForm } from './formParser';
import { buildStageTagMap, checkStageTags, combineVerdicts, tagForStage } from './stageTags';
import type { StageTagRow } from './stageTags';

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

interface TriggerOptions {
	fetchFullLead?: boolean;
	stageTags?: IDataObject;
}

/** What decides whether an event starts the workflow: the filters, and the stage → tag rows. */
interface Selection {
	filter: LeadFilter;
	stageTags: StageTagRow[];
}

interface Candidate {
	event: LeadEvent;
	/** the webhook did not say where the lead is; decide once the full lead is fetched */
	pendingFilter: boolean;
	fullLead?: IDataObject | null;
	fullLeadError?: string;
}

function reply(this: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	this.getResponseObject().status(status).json({ message });
	return { noWebhookResponse: true };
}

function readFilter(this: IWebhookFunctions): LeadFilter {
	try {
		return buildLeadFilter(
			this.getNodeParameter('pipelineId', []),
			this.getNodeParameter('stageIds', []),
		);
	} catch (error) {
		const reason = error instanceof FilterConfigError ? error.message : (error as Error).message;
		throw new NodeOperationError(this.getNode(), `The trigger's filter is invalid: ${reason}`);
	}
}

function readStageTags(this: IWebhookFunctions, options: TriggerOptions): StageTagRow[] {
	try {
		return buildStageTagMap(options.stageTags);
	} catch (error) {
		const reason = error instanceof FilterConfigError ? error.message : (error as Error).message;
		throw new NodeOperationError(
			this.getNode(),
			`The trigger's Stage → Intercom Tag option is invalid: ${reason}`,
		);
	}
}

function checkSelection(
	selection: Selection,
	pipelineId: number | null,
	statusId: number | null,
): FilterVerdict {
	return combineVerdicts(
		checkFilter(selection.filter, pipelineId, statusId),
		checkStageTags(selection.stageTags, pipelineId, statusId),
	);
}

/**
 * Is the payload from the credential's account? The subdomain comes free with the credential; the
 * account id needs `GET /api/v4/account`, which automatic registration already cached on activation
 * (static data, only read here). Otherwise it is fetched on the first delivery that names an id and
 * kept in this process.
 */
async function isOwnAccount(
	this: IWebhookFunctions,
	identity: AccountIdentity,
	payloadAccount: PayloadAccount,
	staticData: IDataObject,
): Promise<{ ok: boolean; id: number | null; subdomain: string | null }> {
	let known = readCachedAccount(staticData, identity.baseUrl);
	const expected = () => ({
		id: known?.id ?? null,
		subdomain: identity.subdomain ?? known?.subdomain ?? null,
	});
	let verdict = compareAccount(payloadAccount, expected());
	if (verdict === 'needAccount') {
		known = storeAccount(identity.baseUrl, await fetchAccount.call(this));
		verdict = compareAccount(payloadAccount, expected());
	}
	return { ok: verdict === 'match', ...expected() };
}

async function loadPipelineNames(
	this: IWebhookFunctions,
	identity: AccountIdentity,
	cached: CachedPipelines | undefined,
): Promise<CachedPipelines | undefined> {
	try {
		return storePipelines(identity.baseUrl, await fetchPipelines.call(this), now());
	} catch (error) {
		// Names are a convenience: the event still goes out, with the ids and null (or older) names
		this.logger.warn(
			`Kommo Trigger: could not load pipeline and stage names: ${(error as Error).message}`,
		);
		return cached;
	}
}

/**
 * Fetching the full lead takes one API call per lead, longer than Kommo should wait for its answer
 * (about 2 s). So when the option is on, Kommo gets its 200 first (`acknowledge`) and the
 * leads are fetched before the execution starts, one at a time to stay within Kommo's 7 requests/s.
 * A lead that cannot be fetched is still emitted, with `fullLead: null` and the reason, since Kommo
 * will not resend an event it saw acknowledged.
 */
async function attachFullLeads(this: IWebhookFunctions, candidates: Candidate[]): Promise<void> {
	const byId = new Map<number, { lead: IDataObject | null; error?: string }>();
	for (const candidate of candidates) {
		const leadId = candidate.event.leadId;
		if (!byId.has(leadId)) {
			try {
				byId.set(leadId, { lead: await fetchLead.call(this, leadId) });
			} catch (error) {
				byId.set(leadId, { lead: null, error: (error as Error).message });
			}
		}
		const fetched = byId.get(leadId)!;
		candidate.fullLead = fetched.lead;
		if (fetched.error !== undefined) candidate.fullLeadError = fetched.error;
	}
}

/** Events without a position (notes) take it from the fetched lead, then meet the filter. */
function settlePendingFilters(candidates: Candidate[], selection: Selection): Candidate[] {
	return candidates.filter((candidate) => {
		if (!candidate.pendingFilter) return true;
		const lead = candidate.fullLead;
		if (!lead) return false;
		candidate.event = {
			...candidate.event,
			pipelineId: candidate.event.pipelineId ?? readKommoId(lead.pipeline_id),
			statusId: candidate.event.statusId ?? readKommoId(lead.status_id),
		};
		return (
			checkSelection(selection, candidate.event.pipelineId, candidate.event.statusId) === 'match'
		);
	});
}

function toItem(
	candidate: Candidate,
	account: { id: number | null; subdomain: string | null },
	names: CachedPipelines | undefined,
	withFullLead: boolean,
	stageTags: StageTagRow[],
): INodeExecutionData {
	const { event } = candidate;
	const resolved = resolveNames(
		names,
		event.pipelineId,
		event.statusId,
		event.oldPipelineId,
		event.oldStatusId,
	);
	const json: IDataObject = {
		event: event.event,
		leadId: event.leadId,
		pipelineId: event.pipelineId,
		pipelineName: resolved.pipelineName,
		statusId: event.statusId,
		statusName: resolved.statusName,
		oldPipelineId: event.oldPipelineId,
		oldStatusId: event.oldStatusId,
		oldStatusName: resolved.oldStatusName,
		account: { id: account.id, subdomain: account.subdomain },
		lead: event.lead,
	};
	// only with rows: without them the item keeps its earlier shape
	if (stageTags.length > 0) {
		json.intercomTag = tagForStage(stageTags, event.pipelineId, event.statusId);
	}
	if (withFullLead) {
		json.fullLead = candidate.fullLead ?? null;
		if (candidate.fullLeadError !== undefined) json.fullLeadError = candidate.fullLeadError;
	}
	return { json };
}

/**
 * Order of checks: the body must be a Kommo form (else 400), name the credential's account by its
 * id (else 401; by its subdomain alone only with "Require Account ID" off), carry lead events with
 * ids (else 400); events outside the filter are dropped and, when none remain, Kommo gets its 200
 * without an execution. Everything before the answer is local except a
 * one-time account lookup; slower enrichment happens after an early 200 (see attachFullLeads).
 */
export async function handleKommoWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const contentType = String(request.headers['content-type'] ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	if (contentType !== '' && contentType !== FORM_CONTENT_TYPE) {
		return reply.call(this, 400, `Kommo webhooks are ${FORM_CONTENT_TYPE}, not ${contentType}`);
	}

	const raw = (await readRawBody(this)).toString('utf8');
	if (raw.trim() === '') return reply.call(this, 400, 'The body is empty');
	const parsed = tryParseNestedForm(raw);
	if (parsed.error !== undefined) return reply.call(this, 400, parsed.error);
	const payload = parsed.payload;

	const staticData = this.getWorkflowStaticData('node');
	const identity = await getAccountIdentity.call(this);
	const payloadAccount = readPayloadAccount(payload);
	if (payloadAccount.id === null && payloadAccount.subdomain === null) {
		return reply.call(
			this,
			401,
			'The body names no Kommo account (account[id] / account[subdomain])',
		);
	}
	if (payloadAccount.id === null && this.getNodeParameter('requireAccountId', true) !== false) {
		return reply.call(
			this,
			401,
			'The body has no account[id]; every current Kommo webhook sends one. For an account that still sends the old format, turn off "Require Account ID" in the Kommo Trigger.',
		);
	}
	const account = await isOwnAccount.call(this, identity, payloadAccount, staticData);
	if (!account.ok) {
		return reply.call(
			this,
			401,
			'This webhook is from a different Kommo account than the credential',
		);
	}

	const wanted = new Set(this.getNodeParameter('events', []) as string[]);
	const extracted = tryExtractLeadEvents(payload, wanted);
	if (extracted.error !== undefined) return reply.call(this, 400, extracted.error);
	const events = extracted.events;

	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const withFullLead = options.fetchFullLead === true;
	const selection: Selection = {
		filter: readFilter.call(this),
		stageTags: readStageTags.call(this, options),
	};
	let candidates: Candidate[] = [];
	for (const event of events) {
		const verdict = checkSelection(selection, event.pipelineId, event.statusId);
		if (verdict === 'match') candidates.push({ event, pendingFilter: false });
		// without the full lead there is no way to tell, and an unfiltered event would be a surprise
		else if (verdict === 'unknown' && withFullLead) candidates.push({ event, pendingFilter: true });
	}
	if (candidates.length === 0) {
		return { webhookResponse: { message: 'No event matched the trigger; nothing started' } };
	}

	const cachedNames = readCachedPipelines(identity.baseUrl);
	const namesUsable = isPipelineCacheUsable(
		cachedNames,
		candidates.flatMap(({ event }) => [
			{ pipelineId: event.pipelineId, statusId: event.statusId },
			{ pipelineId: event.oldPipelineId ?? event.pipelineId, statusId: event.oldStatusId },
		]),
		now(),
	);
	const acknowledged = withFullLead || !namesUsable;
	if (acknowledged) {
		this.getResponseObject().status(200).json({ message: 'Received' });
	}

	if (withFullLead) {
		await attachFullLeads.call(this, candidates);
		candidates = settlePendingFilters(candidates, selection);
	}
	const names = namesUsable
		? cachedNames
		: await loadPipelineNames.call(this, identity, cachedNames);

	if (candidates.length === 0) {
		return acknowledged
			? { noWebhookResponse: true }
			: { webhookResponse: { message: 'No event matched the trigger; nothing started' } };
	}
	const accountOut = {
		id: payloadAccount.id ?? account.id,
		subdomain: payloadAccount.subdomain ?? account.subdomain,
	};
	const items = candidates.map((candidate) =>
		toItem(candidate, accountOut, names, withFullLead, selection.stageTags),
	);
	return acknowledged
		? { workflowData: [items], noWebhookResponse: true }
		: { workflowData: [items] };
}
