import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { isLeadOpen, newestFirst } from './leads';

/**
 * Anyone can open the Intercom Messenger, type an existing customer's email and write. Intercom
 * keeps such a writer as a contact with role `lead` (a visitor) until they sign in, when the
 * contact becomes a `user`; the email of a lead is only what was typed. These are the choices for a
 * visitor's chat whose email matches a Kommo contact.
 */
export type VisitorMatch = 'mark' | 'newDeal' | 'skip';

export const intercomContactRoleOption: INodeProperties = {
	displayName: 'Intercom Contact Role',
	name: 'intercomContactRole',
	type: 'string',
	default: '',
	placeholder: "e.g. {{ $('Get conversation').item.json.customer.role }}",
	description:
		'The role Intercom gives the customer of the chat: "user" (signed in to your product) or "lead" (a visitor whose email is only what they typed)',
	hint: 'With "lead", a matching contact is handled as "When a Visitor\'s Email Matches a Contact" says. Empty: no check.',
};

export const visitorMatchOption: INodeProperties = {
	displayName: "When a Visitor's Email Matches a Contact",
	name: 'visitorMatch',
	type: 'options',
	default: 'mark',
	description:
		'What to do when the Intercom Contact Role is "lead" (a visitor who is not signed in) and the email they typed is that of a Kommo contact. Anyone can type any email, so the writer may not be that customer.',
	options: [
		{
			name: "Write It to the Contact's Deal and Mark It",
			value: 'mark',
			description:
				'The deal is chosen as for anyone else; "warning" says in plain words that the email was typed by a visitor and is not verified, for the note header (Intercom Transcript › Warning Line)',
		},
		{
			name: 'Start a New Deal for It',
			value: 'newDeal',
			description:
				'The chat goes to a deal of its own, linked to no contact: "leadId" is the open deal whose name holds #&lt;Intercom Conversation ID&gt; (found again by that name, so keep the ID in the deal name), else empty and "contactId" empty so a deal without a contact is created',
		},
		{
			name: 'Skip It',
			value: 'skip',
			description:
				'Nothing is chosen ("leadId" and "contactId" empty, "skipped" true) and "reason" says why, so the workflow can stop',
		},
	],
};

/** The values a visitor check adds to the output; absent when the role option is not set. */
export interface VisitorOutcome extends IDataObject {
	/** whether the chat is a visitor's (role `lead`) whose email matches a contact */
	visitorEmailMatch: boolean;
	/** the choice that applied, null when it did not apply */
	visitorMatch: VisitorMatch | null;
	skipped: boolean;
	/** one line for the note header, empty when nothing needs saying */
	warning: string;
}

export function readVisitorMatch(value: unknown): VisitorMatch {
	return value === 'newDeal' || value === 'skip' ? value : 'mark';
}

/** Intercom's `lead` role: a visitor, whose email is what they typed. Anything else is no visitor. */
export function isVisitorRole(role: unknown): boolean {
	return (
		String(role ?? '')
			.trim()
			.toLowerCase() === 'lead'
	);
}

/** The header line that tells a sales rep the writer's identity is unverified. */
export function visitorWarning(email: string, choice: VisitorMatch, contactIds: number[]): string {
	const contacts =
		contactIds.length === 1
			? `Kommo contact ${contactIds[0]}`
			: `Kommo contacts ${contactIds.join(', ')}`;
	const where =
		choice === 'newDeal'
			? `It matches ${contacts}; this deal is kept apart from it.`
			: `It matches ${contacts}, but the writer may be someone else.`;
	return `Warning: not verified. This chat was written in Intercom by a visitor who typed the email ${email} and is not signed in. ${where} Check who it is before acting on it.`;
}

/** `#215468` in a deal name, not followed by another digit (`#2154680` is another chat). */
export function nameHoldsConversation(name: unknown, conversationId: string): boolean {
	const text = String(name ?? '');
	const marker = `#${conversationId}`;
	let from = 0;
	for (;;) {
		const at = text.indexOf(marker, from);
		if (at === -1) return false;
		if (!/\d/.test(text.charAt(at + marker.length))) return true;
		from = at + 1;
	}
}

/**
 * The deals of a visitor's own chat among Kommo's lead search hits (fuzzy, so re-checked here):
 * those named for the conversation, open ones first, each group most recently updated first.
 */
export function visitorDeals(hits: IDataObject[], conversationId: string): IDataObject[] {
	const named = hits.filter((lead) => nameHoldsConversation(lead.name, conversationId));
	return [
		...named.filter(isLeadOpen).sort(newestFirst),
		...named.filter((lead) => !isLeadOpen(lead)).sort(newestFirst),
	];
}
