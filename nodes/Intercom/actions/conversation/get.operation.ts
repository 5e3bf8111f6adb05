import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import {
	customerAuthors,
	firstContactId,
	parseConversationId,
} from '../../../shared/intercomConversation';
import type { Customer } from '../../../shared/intercomConversation';
import { asNodeError } from '../../../shared/errors';
import { intercomApiRequest } from '../../transport';
import { conversationLocator } from '../common';

const properties: INodeProperties[] = [
	conversationLocator,
	{
		displayName: 'Resolve Customer',
		name: 'resolveCustomer',
		type: 'boolean',
		default: true,
		description:
			'Whether to add a top-level "customer" field with the customer\'s ID, email and name. Intercom lists conversation contacts by ID only, so the contact is fetched when the conversation itself does not show the email and name.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Message Format',
				name: 'displayAs',
				type: 'options',
				default: 'html',
				description: 'How Intercom returns message bodies',
				options: [
					{
						name: 'HTML',
						value: 'html',
						description: 'As written, with links and formatting (what the Transcript node expects)',
					},
					{ name: 'Plain Text', value: 'plaintext', description: 'Markup removed by Intercom' },
				],
			},
		],
	},
];

const displayOptions = { show: { resource: ['conversation'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function nonEmpty(value: unknown): string | null {
	return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** What the conversation itself shows about the contact: the opening message or a reply may carry it. */
function customerFromConversation(conversation: IDataObject, contactId: string): Customer {
	const customer: Customer = { id: contactId, email: null, name: null };
	for (const author of customerAuthors(conversation)) {
		if (String(author.id) !== contactId) continue;
		customer.email ??= nonEmpty(author.email);
		customer.name ??= nonEmpty(author.name);
	}
	return customer;
}

async function resolveCustomer(
	this: IExecuteFunctions,
	conversation: IDataObject,
	itemIndex: number,
): Promise<Customer | null> {
	const contactId = firstContactId(conversation);
	if (contactId === null || contactId === '') return null;
	const customer = customerFromConversation(conversation, contactId);
	if (customer.email && customer.name) return customer;
	try {
		const contact = await intercomApiRequest.call(
			this,
			'GET',
			`/contacts/${encodeURIComponent(contactId)}`,
		);
		return {
			id: contactId,
			email: nonEmpty(contact.email) ?? customer.email,
			name: nonEmpty(contact.name) ?? customer.name,
		};
	} catch (error) {
		// a contact deleted or merged after the chat: the conversation is still worth returning
		if (error instanceof NodeApiError && String(error.httpCode) === '404') return customer;
		throw asNodeError(this.getNode(), error, itemIndex);
	}
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const conversationId = parseConversationId(
		this.getNode(),
		this.getNodeParameter('conversationId', itemIndex, undefined, { extractValue: false }),
		itemIndex,
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as { displayAs?: string };
	const qs: IDataObject = options.displayAs === 'plaintext' ? { display_as: 'plaintext' } : {};

	const conversation = await intercomApiRequest.call(
		this,
		'GET',
		`/conversations/${conversationId}`,
		undefined,
		qs,
	);
	if (!this.getNodeParameter('resolveCustomer', itemIndex, true)) return [conversation];
	return [{ ...conversation, customer: await resolveCustomer.call(this, conversation, itemIndex) }];
}
