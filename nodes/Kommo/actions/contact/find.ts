import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseConversationId } from '../../../shared/intercomConversation';
import { findTranscriptNote } from '../../helpers/transcriptNotes';
import type { LinkedNote } from '../../helpers/transcriptNotes';
import { chooseLead, distinctLeads, MAX_LEADS_INSPECTED } from '../../helpers/leadChoice';
import type { LeadCandidate, LeadDecision } from '../../helpers/leadChoice';
import { describeLead, fetchLeadsByIds, isLeadOpen, newestFirst } from '../../helpers/leads';
import {
	intercomContactRoleOption,
	isVisitorRole,
	readVisitorMatch,
	visitorDeals,
	visitorMatchOption,
	visitorWarning,
} from '../../helpers/visitorMatch';
import type { VisitorOutcome } from '../../helpers/visitorMatch';
import { normalizeEmail, phoneDigits } from '../../helpers/values';
import { requireKommoId } from '../../../shared/kommo/ids';
import { kommoApiRequestAllItems } from '../../../shared/kommo/transport';
import { readCommaList } from '../../../shared/values';
import type { ExecutionShared, OperationExecute } from '../common';
import { updateDisplayOptions } from '../../../shared/descriptions';

export type Channel = 'email' | 'phone';

const findOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Intercom Conversation ID',
			name: 'intercomConversationId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 215468',
			description:
				'When the contacts have several open leads, "leadId" is the one that already holds this conversation\'s notes',
			hint: 'Map the "id" of the conversation, e.g. from an Intercom › Get Conversation step',
		},
		{
			displayName: 'Read Newest Transcript Note',
			name: 'readTranscriptNote',
			type: 'boolean',
			default: false,
			description:
				'Whether to output "transcriptKey": the key of the newest note of this conversation on the chosen lead (null when it has none)',
			hint: 'Needs the Intercom Conversation ID. Give "transcriptKey" to the Transcript\'s Start After Transcript Key, so only new messages are written.',
		},
		{
			displayName: 'Only Open Leads',
			name: 'onlyOpenLeads',
			type: 'boolean',
			default: false,
			description:
				'Whether to list only leads that are not Closed - Won (142) or Closed - Lost (143)',
		},
		{
			displayName: 'Pipeline Names or IDs',
			name: 'pipelineIds',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getPipelines' },
			default: [],
			description:
				'List only leads in these pipelines (all when empty). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
	],
};

/** An email is what a visitor typed; the visitor check applies to Find by Email only. */
export function findOptionsFor(channel: Channel): INodeProperties {
	if (channel === 'phone') return findOptions;
	const options = [...(findOptions.options as INodeProperties[])];
	options.splice(1, 0, intercomContactRoleOption);
	options.push(visitorMatchOption);
	return { ...findOptions, options };
}

/** The values of a contact's predefined EMAIL or PHONE field. */
export function channelValues(contact: IDataObject, channel: Channel): string[] {
	const code = channel === 'email' ? 'EMAIL' : 'PHONE';
	const fields = Array.isArray(contact.custom_fields_values)
		? (contact.custom_fields_values as IDataObject[])
		: [];
	return fields
		.filter((field) => String(field.field_code ?? '').toUpperCase() === code)
		.flatMap((field) => (Array.isArray(field.values) ? (field.values as IDataObject[]) : []))
		.map((entry) => String(entry.value ?? ''))
		.filter((value) => value !== '');
}

function sameValue(channel: Channel, stored: string, wanted: string): boolean {
	return channel === 'email'
		? normalizeEmail(stored) === normalizeEmail(wanted)
		: phoneDigits(stored) !== '' && phoneDigits(stored) === phoneDigits(wanted);
}

function linkedLeadIds(contact: IDataObject): number[] {
	const leads = (contact._embedded as IDataObject | undefined)?.leads;
	return Array.isArray(leads) ? (leads as IDataObject[]).map((lead) => Number(lead.id)) : [];
}

/**
 * Kommo's `query` search is fuzzy (it matches any filled field, partially), so every hit is checked
 * against the contact's real EMAIL/PHONE values before it counts. Real accounts hold duplicate
 * contacts, so the answer is one item per search: every matching contact in `contacts`, and the one
 * decision a workflow acts on (`leadId`, `contactId`, `leadChoice`, `reason`; see chooseLead).
 * Finding nothing is a normal outcome (`found: false`), so a workflow can branch on `found`.
 */
export async function findContacts(
	this: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
	channel: Channel,
): Promise<IDataObject[]> {
	const wanted = String(this.getNodeParameter(channel, itemIndex, '') ?? '').trim();
	const usable = channel === 'email' ? wanted.includes('@') : phoneDigits(wanted).length >= 5;
	if (!usable) {
		throw new NodeOperationError(
			this.getNode(),
			channel === 'email'
				? `"${wanted}" is not an email address`
				: `"${wanted}" is not a phone number (it needs at least 5 digits)`,
			{ itemIndex },
		);
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const onlyOpen = options.onlyOpenLeads === true;
	const pipelineIds = readCommaList(options.pipelineIds).map((value) =>
		requireKommoId(this.getNode(), value, 'Pipeline', itemIndex),
	);
	const rawConversationId = options.intercomConversationId;
	const conversationId =
		rawConversationId === undefined ||
		rawConversationId === null ||
		String(rawConversationId).trim() === ''
			? undefined
			: parseConversationId(this.getNode(), rawConversationId, itemIndex, { links: false });

	const hits = await kommoApiRequestAllItems.call(
		this,
		'/api/v4/contacts',
		'contacts',
		{ query: wanted, with: 'leads' },
		{ itemIndex },
	);
	const matches = hits
		.filter((contact) =>
			channelValues(contact, channel).some((value) => sameValue(channel, value, wanted)),
		)
		.sort(newestFirst);

	const leadIds = matches.flatMap(linkedLeadIds);
	const leads = leadIds.length ? await fetchLeadsByIds(this, leadIds, itemIndex) : [];
	const names = leads.length ? await shared.pipelines.lookup(itemIndex) : undefined;
	const leadsById = new Map(leads.map((lead) => [Number(lead.id), lead]));
	const inPipelines = (lead: IDataObject) =>
		!pipelineIds.length || pipelineIds.includes(Number(lead.pipeline_id));

	const candidates: LeadCandidate[] = matches.map((contact) => ({
		contactId: Number(contact.id),
		leads: linkedLeadIds(contact)
			.map((id) => leadsById.get(id))
			// leads Kommo did not return are deleted or out of the token's reach
			.filter((lead): lead is IDataObject => lead !== undefined)
			.filter(inPipelines),
	}));
	// each lead's notes are read at most once: the lead choice and `transcriptKey` share the answer
	const transcriptNotes = new Map<number, Promise<LinkedNote | null>>();
	const transcriptNoteOf = async (leadId: number) => {
		let note = transcriptNotes.get(leadId);
		if (!note) {
			note = findTranscriptNote(this, leadId, itemIndex, conversationId);
			transcriptNotes.set(leadId, note);
		}
		return await note;
	};
	const contactIds = matches.map((contact) => Number(contact.id));
	const checksVisitor = channel === 'email' && options.intercomContactRole !== undefined;
	const visitorEmailMatch =
		checksVisitor && isVisitorRole(options.intercomContactRole) && matches.length > 0;
	const visitorMatch = visitorEmailMatch ? readVisitorMatch(options.visitorMatch) : null;
	if (visitorMatch === 'newDeal' && conversationId === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			'"Start a New Deal for It" needs the Intercom Conversation ID option',
			{
				itemIndex,
				description:
					"The visitor's own deal is found again by the conversation ID in its name. Add the option Intercom Conversation ID (the template uses {{ $('Get conversation').item.json.id }}).",
			},
		);
	}

	// the chat's own deals when a visitor's chat is kept apart (named #<id>; Kommo's search is fuzzy)
	let ownDeals: Promise<IDataObject[]> | undefined;
	const visitorDealsOfChat = async () => {
		ownDeals ??= kommoApiRequestAllItems
			.call(this, '/api/v4/leads', 'leads', { query: conversationId as string }, { itemIndex })
			.then((hits) => visitorDeals(hits, conversationId as string));
		return await ownDeals;
	};
	const ids = (leads: IDataObject[]) =>
		leads.slice(0, MAX_LEADS_INSPECTED).map((lead) => Number(lead.id));

	// Where the chat's delivery stands: the newest transcript note of the chat on these leads. A
	// visitor's chat may have notes on both sides (written before the setting was changed): all of
	// them are delivered, so the newest of both counts (Kommo's note ids grow), and nothing is written
	// twice. Anyone else's chat: the first lead of the list that holds one.
	let decision: LeadDecision;
	let keyLeads: Array<() => Promise<number[]>>;
	if (visitorMatch === 'skip') {
		decision = {
			leadId: null,
			contactId: null,
			leadChoice: null,
			reason: `Skipped: the chat's customer is an Intercom visitor (not signed in) who typed ${wanted}, the email of Kommo contact ${contactIds.join(', ')}. Nothing is written to that contact's deals.`,
		};
		keyLeads = [];
	} else if (visitorMatch === 'newDeal') {
		const own = await visitorDealsOfChat();
		const open = own.filter(isLeadOpen);
		// chooseLead asks for notes only when the chat has several open deals of its own
		decision = await chooseLead(
			[{ contactId: 0, leads: open }],
			async (leadId) => (await transcriptNoteOf(leadId)) !== null,
		);
		decision = {
			leadId: decision.leadId,
			contactId: null,
			leadChoice: decision.leadId === null ? null : 'visitor-deal',
			reason:
				decision.leadId === null
					? `A visitor (not signed in) typed ${wanted}, the email of Kommo contact ${contactIds.join(', ')}: a new deal without a contact is started for this chat`
					: `Lead ${decision.leadId} is this visitor's own deal (named #${conversationId}); the deals of contact ${contactIds.join(', ')} are left alone`,
		};
		const chosen = decision.leadId;
		keyLeads = [
			async () => (chosen !== null ? [chosen] : ids(own.filter((lead) => !isLeadOpen(lead)))),
			async () => ids(distinctLeads(candidates, () => true)),
		];
	} else {
		decision = await chooseLead(candidates, async (leadId) =>
			conversationId === undefined ? false : (await transcriptNoteOf(leadId)) !== null,
		);
		// no open lead: the chat may have gone on while its deal was closed (won, say); its notes
		// there are delivered, so a new deal gets only what came after them
		const chosen = decision.leadId;
		keyLeads = [
			async () =>
				chosen !== null ? [chosen] : ids(distinctLeads(candidates, (lead) => !isLeadOpen(lead))),
		];
		if (visitorMatch === 'mark') keyLeads.push(async () => ids(await visitorDealsOfChat()));
	}
	const readTranscriptNote = options.readTranscriptNote === true;
	let transcriptKey: string | null = null;
	if (readTranscriptNote && conversationId !== undefined) {
		let newest: LinkedNote | null = null;
		search: for (const group of keyLeads) {
			for (const leadId of await group()) {
				const note = await transcriptNoteOf(leadId);
				if (note === null) continue;
				if (newest === null || (note.noteId ?? 0) > (newest.noteId ?? 0)) newest = note;
				if (visitorMatch === null) break search;
			}
		}
		transcriptKey = newest?.key ?? null;
	}
	const visitor: VisitorOutcome | undefined = checksVisitor
		? {
				visitorEmailMatch,
				visitorMatch,
				skipped: visitorMatch === 'skip',
				warning: visitorMatch === null ? '' : visitorWarning(wanted, visitorMatch, contactIds),
			}
		: undefined;

	const contacts = matches.map((contact, index) => {
		const contactLeads = candidates[index].leads
			.map((lead) => describeLead(lead, names))
			.filter((lead) => !onlyOpen || lead.isOpen === true)
			.sort(newestFirst);
		const openLeads = contactLeads.filter((lead) => lead.isOpen === true);
		const fields = { ...contact };
		delete fields._embedded;
		delete fields._links;
		return {
			...fields,
			emails: channelValues(contact, 'email'),
			phones: channelValues(contact, 'phone'),
			leads: contactLeads,
			hasOpenLead: openLeads.length > 0,
			latestOpenLeadId: openLeads.length ? openLeads[0].id : null,
		};
	});
	return [
		{
			found: matches.length > 0,
			[channel]: wanted,
			leadId: decision.leadId,
			contactId: decision.contactId,
			leadChoice: decision.leadChoice,
			reason: decision.reason,
			...(readTranscriptNote ? { transcriptKey } : {}),
			...visitor,
			contactCount: contacts.length,
			contacts,
		},
	];
}

/** Find by Email and Find by Phone: the same operation on another channel, with its own field. */
export function findOperation(
	channel: Channel,
	field: INodeProperties,
): { description: INodeProperties[]; execute: OperationExecute } {
	const operation = channel === 'email' ? 'findByEmail' : 'findByPhone';
	return {
		description: updateDisplayOptions({ show: { resource: ['contact'], operation: [operation] } }, [
			{ ...field, required: true },
			findOptionsFor(channel),
		]),
		execute: async function (this: IExecuteFunctions, itemIndex: number, shared: ExecutionShared) {
			return await findContacts.call(this, itemIndex, shared, channel);
		},
	};
}
