import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { now } from '../../shared/clock';
import { kommoApiRequest } from '../../shared/kommo/transport';

/**
 * Creating a lead in a pipeline's "Incoming leads" (Unsorted) stage: `POST
 * /api/v4/leads/unsorted/forms`, Kommo's "form" category of incoming leads. The lead waits there
 * until a manager accepts or declines it; its contact is created with it (the form body has no
 * way to link an existing contact).
 */

/** Source name when the parameter is left empty. */
export const DEFAULT_UNSORTED_SOURCE_NAME = 'n8n';

/** `metadata.form_id` of every incoming lead this node sends. */
export const UNSORTED_FORM_ID = 'n8n';

export interface UnsortedLeadInput {
	/** the lead as `POST /api/v4/leads` would take it, without pipeline and stage */
	lead: IDataObject;
	/** the new contact, or undefined for none */
	contact?: IDataObject;
	pipelineId?: number;
	sourceName: string;
	/** empty: one is made from the execution id and the item index */
	sourceUid: string;
	formName: string;
	formPage: string;
}

export interface UnsortedLeadResult {
	uid: string | null;
	leadId: number | null;
	contactId: number | null;
	sourceUid: string;
}

/**
 * The source UID used when the parameter is empty: unique per execution and item, so two items
 * (or two runs) never pass for the same incoming lead.
 */
export function defaultSourceUid(context: IExecuteFunctions, itemIndex: number): string {
	return `n8n-${context.getExecutionId()}-${itemIndex}`;
}

/** The one-entry body of `POST /api/v4/leads/unsorted/forms`. */
export function unsortedFormBody(
	input: UnsortedLeadInput,
	sourceUid: string,
	sentAt: number,
): IDataObject[] {
	const embedded: IDataObject = { leads: [input.lead] };
	if (input.contact) embedded.contacts = [input.contact];
	const entry: IDataObject = {
		source_uid: sourceUid,
		source_name: input.sourceName,
	};
	if (input.pipelineId !== undefined) entry.pipeline_id = input.pipelineId;
	entry.metadata = {
		form_id: UNSORTED_FORM_ID,
		form_name: input.formName || input.sourceName,
		form_page: input.formPage || input.sourceName,
		form_sent_at: sentAt,
	};
	entry._embedded = embedded;
	return [entry];
}

/** Why Kommo may turn an incoming lead away, added to its 400 so the fix is at hand. */
export const UNSORTED_REJECTED_HINT =
	'Kommo refused the incoming lead. Incoming leads need a pipeline whose "Incoming leads" stage is turned on (is_unsorted_on), and the account user behind the token needs the right to add leads. A Source UID that is already in Incoming leads is tagged as a duplicate by Kommo, not refused.';

/** A 400 gets {@link UNSORTED_REJECTED_HINT} in front of its description; others pass unchanged. */
function withRejectedHint(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError) {
		if (String(error.httpCode) === '400') {
			error.description = error.description
				? `${UNSORTED_REJECTED_HINT}\n${error.description}`
				: UNSORTED_REJECTED_HINT;
		}
		return error;
	}
	if (error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error instanceof Error ? error : String(error), {
		itemIndex,
	});
}

/** Sends one incoming lead and reads the ids Kommo gave it. */
export async function createUnsortedLead(
	context: IExecuteFunctions,
	input: UnsortedLeadInput,
	itemIndex: number,
): Promise<UnsortedLeadResult> {
	const sourceUid = input.sourceUid || defaultSourceUid(context, itemIndex);
	const body = unsortedFormBody(input, sourceUid, Math.floor(now() / 1000));
	let response: IDataObject | undefined;
	try {
		response = (await kommoApiRequest.call(
			context,
			'POST',
			'/api/v4/leads/unsorted/forms',
			body,
			undefined,
			{ itemIndex },
		)) as IDataObject | undefined;
	} catch (error) {
		throw withRejectedHint(context, error, itemIndex);
	}
	const unsorted = (
		(response?._embedded as IDataObject | undefined)?.unsorted as IDataObject[] | undefined
	)?.[0];
	if (!unsorted) {
		throw new NodeOperationError(
			context.getNode(),
			'Kommo accepted the incoming lead but named no incoming lead in its answer',
			{
				itemIndex,
				description: `Look for source UID "${sourceUid}" in the pipeline's Incoming leads before running the item again. Kommo's answer: ${JSON.stringify(response ?? null)}`,
			},
		);
	}
	const embedded = (unsorted._embedded ?? {}) as IDataObject;
	const firstId = (key: string): number | null => {
		const id = (embedded[key] as IDataObject[] | undefined)?.[0]?.id;
		return typeof id === 'number' ? id : id !== undefined && id !== null ? Number(id) : null;
	};
	return {
		uid: typeof unsorted.uid === 'string' ? unsorted.uid : null,
		leadId: firstId('leads'),
		contactId: firstId('contacts'),
		sourceUid,
	};
}
