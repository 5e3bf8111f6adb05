/**
 * The template files of `workflows/`, and our nodes' descriptions as n8n reads them. Registers our
 * nodes and credentials for the template tests, and test doubles of n8n's own nodes (which are not
 * installed here; test/workflows/chatTemplate.webhook.test.ts says how the IF double evaluates).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
	IConnections,
	IDataObject,
	INode,
	INodeProperties,
	INodeTypeDescription,
} from 'n8n-workflow';

import { IntercomKommoIntercomApi } from '../../credentials/IntercomKommoIntercomApi.credentials';
import { IntercomKommoKommoApi } from '../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoChatApi } from '../../credentials/IntercomKommoKommoChatApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { CustomerLock } from '../../nodes/CustomerLock/CustomerLock.node';
import { Intercom } from '../../nodes/Intercom/Intercom.node';
import { IntercomCatchUpTrigger } from '../../nodes/IntercomCatchUpTrigger/IntercomCatchUpTrigger.node';
import { IntercomTrigger } from '../../nodes/IntercomTrigger/IntercomTrigger.node';
import { Kommo } from '../../nodes/Kommo/Kommo.node';
import { KommoChatTrigger } from '../../nodes/KommoChatTrigger/KommoChatTrigger.node';
import { KommoTrigger } from '../../nodes/KommoTrigger/KommoTrigger.node';
import { IntercomTranscript } from '../../nodes/Transcript/IntercomTranscript.node';
import { registerBaseNodeDoubles } from '../helpers/baseNodeDoubles';
import { PACKAGE, registerCredentials, registerNodes } from '../helpers/n8n';
import type { NodeClass } from '../helpers/n8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { commonPollingParameters } = require('n8n-core/dist/nodes-loader/constants') as {
	commonPollingParameters: INodeProperties[];
};

const OUR_NODES: Record<string, NodeClass> = {
	intercomTrigger: IntercomTrigger,
	intercom: Intercom,
	intercomTranscript: IntercomTranscript,
	kommo: Kommo,
	kommoTrigger: KommoTrigger,
	kommoChatTrigger: KommoChatTrigger,
	customerLock: CustomerLock,
	intercomCatchUpTrigger: IntercomCatchUpTrigger,
};

registerNodes(...Object.values(OUR_NODES));
registerCredentials(
	IntercomKommoIntercomApi,
	IntercomKommoKommoApi,
	IntercomKommoKommoOAuth2Api,
	IntercomKommoKommoChatApi,
);
registerBaseNodeDoubles();

export interface ExportedWorkflow {
	id: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings: IDataObject;
	pinData: IDataObject;
	[key: string]: unknown;
}

export const TEMPLATE_DIR = join(__dirname, '..', '..', 'workflows');
export const FORWARD = 'intercom-chat-to-kommo-deal.json';
export const REVERSE = 'kommo-stage-to-intercom-tag.json';
export const QUEUE_FORWARD = 'intercom-chat-to-kommo-deal.queue-mode.json';
export const ERROR_REPORT = 'error-report.json';
export const CHAT_TO_CHAT = 'intercom-chat-to-kommo-chat.json';

export function loadTemplate(file: string): ExportedWorkflow {
	return JSON.parse(readFileSync(join(TEMPLATE_DIR, file), 'utf8')) as ExportedWorkflow;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const BASE_TYPES = [
	'n8n-nodes-base.if',
	'n8n-nodes-base.noOp',
	'n8n-nodes-base.stickyNote',
	// a visitor's chat whose email matches a customer: new deal, skip, or on as usual
	'n8n-nodes-base.switch',
	// the catch-up hands each chat to this workflow itself
	'n8n-nodes-base.executeWorkflow',
	'n8n-nodes-base.executeWorkflowTrigger',
];
/** n8n's own nodes only the queue-mode template uses (its per-customer lock), run by the cluster e2e. */
export const QUEUE_BASE_TYPES = ['n8n-nodes-base.redis', 'n8n-nodes-base.wait'];

export function ourNodeName(node: INode): string | undefined {
	return node.type.startsWith(`${PACKAGE}.`) ? node.type.slice(PACKAGE.length + 1) : undefined;
}

export function descriptionOf(node: INode): INodeTypeDescription {
	const NodeClass = OUR_NODES[ourNodeName(node) ?? ''];
	if (!NodeClass) throw new Error(`${node.name}: ${node.type} is not a node of this package`);
	const description = new NodeClass().description as INodeTypeDescription;
	// n8n's loader adds Poll Times to every polling node (n8n-core nodes-loader)
	if (description.polling) {
		return { ...description, properties: [...commonPollingParameters, ...description.properties] };
	}
	return description;
}
