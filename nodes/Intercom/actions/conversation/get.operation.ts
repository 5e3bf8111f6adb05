import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/descriptions';
import { conversationCustomer, parseConversationId } from '../../../shared/intercomConversation';
import type { Customer } from '../../../shared/intercomConversation';
import { asNodeError } from '../../../shared/errors';
import { intercomApiRequest } from '../../../shared/intercom/transport';
import { conversationLocator } from '../common';

const properties: INodeProperties[] = [
	conversationLocator,
	{
		displayName: 'Resolve Customer',
		name: 'resolveCustomer',
		type: 'boolean',
		default: true,
		description:
			'Whether to add a top-level "customer" field with the customer\'s ID, email, name and role (user or lead). Intercom lists conversation contacts by ID only, so the contact is fetched when the conversation itself does not show the email and name.',
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

/**
 * The conversation's customer (the shared rule); the contact is fetched when the conversation does
 * not show the email, the name and the role (an author `type` of `contact` shows no role, and the
 * role says whether the email is a signed-in user's or only typed by a visitor), and what it says
 * wins over what the messages show.
 */
async function resolveCustomer(
	this: IExecuteFunctions,
	conversation: IDataObject,
	itemIndex: number,
): Promise<Customer | null> {
	const shown = conversationCustomer(conversation);
	if (shown.id === null) return null;
	if (shown.email && shown.name && shown.role) return shown;
	try {
		const contact = await intercomApiRequest.call(
			this,
			'GET',
			`/contacts/${encodeURIComponent(shown.id)}`,
		);
		return conversationCustomer(conversation, { ...contact, id: shown.id });
	} catch (error) {
		// a contact deleted or merged after the chat: the conversation is still worth returning
		if (error instanceof NodeApiError && String(error.httpCode) === '404') return shown;
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
	const result = this.getNodeParameter('resolveCustomer', itemIndex, true)
		? { ...conversation, customer: await resolveCustomer.call(this, conversation, itemIndex) }
		: conversation;
	// the conversation does not name its workspace; the Intercom Trigger and the Catch-up Trigger
	// do, and the steps after Get link to the chat with it, whichever trigger started the run
	const startedBy = this.getInputData()[itemIndex]?.json.appId;
	return [typeof startedBy === 'string' && startedBy ? { ...result, appId: startedBy } : result];
}
