import type { IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import type { AdminResolver } from '../helpers/admin';
import { CONVERSATION_URL_REGEX, parseConversationId } from '../../shared/intercomConversation';
import { parseTagNames } from '../helpers/tags';
import type { TagDirectory } from '../helpers/tags';

/** State shared by all items of one execution. */
export interface ExecutionShared {
	admins: AdminResolver;
	tags: TagDirectory;
}

export const conversationLocator: INodeProperties = {
	displayName: 'Conversation',
	name: 'conversationId',
	type: 'resourceLocator',
	default: { mode: 'id', value: '' },
	required: true,
	description: 'The Intercom conversation, by ID or by a link copied from the Intercom inbox',
	modes: [
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 215468',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\s*\\d+\\s*$',
						errorMessage: 'An Intercom conversation ID has digits only, e.g. 215468',
					},
				},
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://app.intercom.com/a/inbox/abc123/inbox/conversation/215468',
			extractValue: { type: 'regex', regex: CONVERSATION_URL_REGEX },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: CONVERSATION_URL_REGEX,
						errorMessage: 'Paste a conversation link from the Intercom inbox',
					},
				},
			],
		},
	],
};

export const tagNamesField: INodeProperties = {
	displayName: 'Tag Names',
	name: 'tagNames',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. Kommo: Won',
	description:
		'One tag name, or several separated by commas. Intercom compares tag names case-insensitively.',
};

export const actAsFields: INodeProperties[] = [
	{
		displayName: 'Act As',
		name: 'actAs',
		type: 'options',
		default: 'tokenOwner',
		description:
			'The teammate (admin) Intercom records the change as made by: a reply is sent in their name',
		options: [
			{
				name: 'Token Owner',
				value: 'tokenOwner',
				description: 'The admin the access token belongs to',
			},
			{
				name: 'Chosen Admin',
				value: 'chosenAdmin',
				description: 'A teammate picked from the list (or an admin ID from an expression)',
			},
		],
	},
	{
		displayName: 'Admin Name or ID',
		name: 'adminId',
		type: 'options',
		default: '',
		required: true,
		typeOptions: { loadOptionsMethod: 'getAdmins' },
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: { show: { actAs: ['chosenAdmin'] } },
	},
];

/** What Add Tag and Remove Tag read before they touch a tag: the conversation, the names, the admin. */
export async function readTagRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
): Promise<{ node: INode; conversationId: string; names: string[]; adminId: string }> {
	const node = context.getNode();
	const conversationId = parseConversationId(
		node,
		context.getNodeParameter('conversationId', itemIndex, undefined, { extractValue: false }),
		itemIndex,
	);
	const names = parseTagNames(node, context.getNodeParameter('tagNames', itemIndex), itemIndex);
	// before any tag is created, so a bad admin setting leaves the workspace untouched
	const adminId = await shared.admins.adminIdFor(itemIndex);
	return { node, conversationId, names, adminId };
}
