/**
 * A node's methods outside an execution: a poll, a list loaded for the editor, the registration of
 * a trigger's webhook.
 */
import { HookContext, LoadOptionsContext, PollContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	INodeExecutionData,
	IWebhookData,
	Workflow,
} from 'n8n-workflow';

import { createAdditionalData } from './execution';
import { nodeTypeOf } from './registry';
import { createWorkflow } from './workflow';
import type { TestNode } from './workflow';

/**
 * One check of a polling trigger through n8n-core's PollContext, as n8n's poll executor runs it:
 * `context` may be passed back in to stand for the same activation (n8n builds one context per
 * activation and reuses it for every check). The node's static data lives in `workflow`.
 */
export async function runPoll(options: {
	workflow: Workflow;
	nodeName: string;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	mode?: 'trigger' | 'manual';
	context?: PollContext;
	budgetMs?: number;
}): Promise<{ output: INodeExecutionData[][] | null; context: PollContext }> {
	const node = options.workflow.getNode(options.nodeName)!;
	const mode = options.mode ?? 'trigger';
	const context =
		options.context ??
		new PollContext(
			options.workflow,
			node,
			createAdditionalData(options.credentials),
			mode,
			mode === 'manual' ? 'manual' : 'activate',
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
			options.budgetMs !== undefined ? () => options.budgetMs! : undefined,
		);
	const nodeType = nodeTypeOf(options.workflow, options.nodeName);
	const output = await nodeType.poll!.call(context);
	return { output, context };
}

/** Runs a node's `methods.loadOptions[name]` through n8n's LoadOptionsContext. */
export async function loadOptions(options: {
	node: TestNode;
	method: string;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	kind?: 'loadOptions' | 'listSearch';
	args?: unknown[];
}) {
	const workflow = createWorkflow({ nodes: [options.node] });
	const node = workflow.getNode(options.node.name)!;
	const context = new LoadOptionsContext(
		workflow,
		node,
		createAdditionalData(options.credentials),
		'parameters',
	);
	const nodeType = nodeTypeOf(workflow, options.node.name);
	const method = (nodeType.methods?.[options.kind ?? 'loadOptions'] as Record<string, Function>)[
		options.method
	];
	return await method.call(context, ...(options.args ?? []));
}

/** Runs a trigger's `webhookMethods.default[name]` through n8n's HookContext. */
export async function runWebhookMethod(options: {
	workflow: Workflow;
	nodeName: string;
	method: 'checkExists' | 'create' | 'delete';
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	webhookUrl?: string;
}): Promise<boolean> {
	const node = options.workflow.getNode(options.nodeName)!;
	const nodeType = nodeTypeOf(options.workflow, options.nodeName);
	const additionalData = createAdditionalData(options.credentials ?? {});
	const description = nodeType.description.webhooks![0];
	const webhookData = {
		httpMethod: description.httpMethod,
		node: node.name,
		path: 'path',
		webhookDescription: description,
		workflowId: options.workflow.id,
		workflowExecuteAdditionalData: additionalData,
	} as unknown as IWebhookData;
	const context = new HookContext(
		options.workflow,
		node,
		additionalData,
		'webhook',
		'activate',
		webhookData,
	);
	if (options.webhookUrl) {
		context.getNodeWebhookUrl = () => options.webhookUrl;
	}
	return await nodeType.webhookMethods!.default![options.method].call(context);
}
