import type { IDataObject } from 'n8n-workflow';

import { isLeadOpen, newestFirst } from './leads';

/** How many open leads are searched for the conversation's transcript notes. */
export const MAX_LEADS_INSPECTED = 10;

/** `visitor-deal`: the own deal of a visitor's chat (see visitorMatch.ts), chosen by find.ts. */
export type LeadChoice = 'linked-to-conversation' | 'latest-open' | 'visitor-deal' | null;

/** A matching contact and its leads (as Kommo returns them), most recently updated contact first. */
export interface LeadCandidate {
	contactId: number;
	leads: IDataObject[];
}

export interface LeadDecision {
	leadId: number | null;
	/** the contact a new lead goes to when `leadId` is null; else a contact of the chosen lead */
	contactId: number | null;
	leadChoice: LeadChoice;
	/** the decision in words, for the canvas */
	reason: string;
}

/** The leads of every candidate that `keep` accepts, each once, most recently updated first. */
export function distinctLeads(
	candidates: LeadCandidate[],
	keep: (lead: IDataObject) => boolean,
): IDataObject[] {
	return [
		...new Map(
			candidates
				.flatMap((candidate) => candidate.leads.filter(keep))
				.map((lead) => [Number(lead.id), lead]),
		).values(),
	].sort(newestFirst);
}

/**
 * The one rule for the lead a chat is written to, across every matching contact (real accounts hold
 * duplicate contacts, and one chat must give one deal): the open lead already holding the chat's
 * notes (`isLinked`, asked only when there is more than one open lead, newest first, at most
 * {@link MAX_LEADS_INSPECTED}), else the most recently updated open lead. Without one, no lead, and
 * the most recently updated contact is the one a new lead should be linked to.
 */
export async function chooseLead(
	candidates: LeadCandidate[],
	isLinked: (leadId: number) => Promise<boolean>,
): Promise<LeadDecision> {
	const contactCount = candidates.length;
	const ofContacts =
		contactCount === 1 ? 'the matching contact' : `the ${contactCount} matching contacts`;
	if (contactCount === 0) {
		return { leadId: null, contactId: null, leadChoice: null, reason: 'No contact matches' };
	}
	const openLeads = distinctLeads(candidates, isLeadOpen);
	const contactOf = (leadId: number) =>
		candidates.find((candidate) => candidate.leads.some((lead) => Number(lead.id) === leadId))!
			.contactId;

	if (openLeads.length > 1) {
		for (const lead of openLeads.slice(0, MAX_LEADS_INSPECTED)) {
			const leadId = Number(lead.id);
			if (await isLinked(leadId)) {
				return {
					leadId,
					contactId: contactOf(leadId),
					leadChoice: 'linked-to-conversation',
					reason: `Lead ${leadId} already holds this conversation's notes (of ${openLeads.length} open leads of ${ofContacts})`,
				};
			}
		}
	}
	if (openLeads.length > 0) {
		const leadId = Number(openLeads[0].id);
		return {
			leadId,
			contactId: contactOf(leadId),
			leadChoice: 'latest-open',
			reason:
				openLeads.length === 1
					? `Lead ${leadId} is the only open lead of ${ofContacts}`
					: `Lead ${leadId} is the most recently updated of ${openLeads.length} open leads of ${ofContacts}`,
		};
	}
	const contactId = candidates[0].contactId;
	return {
		leadId: null,
		contactId,
		leadChoice: null,
		reason:
			contactCount === 1
				? `No open lead; a new lead goes to contact ${contactId}`
				: `No open lead among ${ofContacts}; a new lead goes to contact ${contactId}, the most recently updated`,
	};
}
