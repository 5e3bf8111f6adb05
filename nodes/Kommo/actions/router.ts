import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { LeadFieldDirectory } from '../helpers/customFields';
import { routeOperations } from '../../shared/router';
import type { OperationTable } from '../../shared/router';
import { PipelineDirectory } from '../helpers/leads';
import * as chat from './chat/Chat.resource';
import type { ExecutionShared } from './common';
import * as contact from './contact/Contact.resource';
import * as lead from './lead/Lead.resource';
import type { KommoType } from './node.type';
import * as note from './note/Note.resource';

const operations: OperationTable<KommoType, ExecutionShared> = {
	chat: {
		connectChannel: chat.connectChannel,
		sendConversation: chat.sendConversation,
		setDeliveryStatus: chat.setDeliveryStatus,
	},
	contact: {
		findByEmail: contact.findByEmail,
		findByPhone: contact.findByPhone,
		create: contact.create,
	},
	lead: {
		create: lead.create,
		get: lead.get,
		getIntercomConversation: lead.getIntercomConversation,
		update: lead.update,
	},
	note: { add: note.add },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const shared: ExecutionShared = {
		fields: new LeadFieldDirectory(this),
		pipelines: new PipelineDirectory(this),
	};

	return await routeOperations(this, operations, shared);
}
