/**
 * Executions through n8n-core's WorkflowExecute: the additional data n8n hands every context (test
 * credentials, execution ids, sub-workflow calls) and a whole run from its trigger's output.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { createRunExecutionData } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	INodeExecutionData,
	IRun,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

import { TestCredentialsHelper } from './credentials';
import { createWorkflow, knownWorkflow } from './workflow';
import type { TestNode } from './workflow';

const SUB_WORKFLOW_TRIGGER = 'n8n-nodes-base.executeWorkflowTrigger';

/**
 * n8n's executeWorkflow as the engine sees it: the called workflow runs from its "When Executed by
 * Another Workflow" node with the caller's items, with the same credentials; a failed run throws.
 */
async function executeSubWorkflow(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	workflowInfo: { id?: string },
	inputData: INodeExecutionData[],
) {
	const workflow = knownWorkflow(String(workflowInfo.id));
	if (!workflow) throw new Error(`Workflow ${workflowInfo.id} is not known to the test harness`);
	const entry = Object.values(workflow.nodes).find((node) => node.type === SUB_WORKFLOW_TRIGGER);
	if (!entry) throw new Error(`Workflow ${workflowInfo.id} has no sub-workflow trigger`);
	const result = await runWorkflow({
		workflow,
		startNode: entry.name,
		credentials,
		input: inputData,
		mode: 'integrated',
	});
	const error = result.error();
	if (error) throw error;
	const last = result.run.data.resultData.lastNodeExecuted;
	return {
		executionId: result.executionId,
		data: last ? (result.run.data.resultData.runData[last]?.[0]?.data?.main ?? null) : null,
	};
}

/** Each run gets its own execution id, as in n8n (the Customer Lock tells runs apart by it). */
let executionCounter = 0;

export function createAdditionalData(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	return {
		executionId: String(++executionCounter),
		credentialsHelper: new TestCredentialsHelper(credentials),
		hooks,
		executeWorkflow: async (
			workflowInfo: { id?: string },
			_additionalData: unknown,
			options: { inputData?: INodeExecutionData[] },
		) => await executeSubWorkflow(credentials, workflowInfo, options.inputData ?? []),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface RunResult {
	run: IRun;
	executionId: string;
	workflow: Workflow;
	/** main outputs of a node's first run: output index -> items */
	output(nodeName: string): INodeExecutionData[][];
	/** json of the first output of a node */
	json(nodeName: string, outputIndex?: number): IDataObject[];
	error(nodeName?: string): Error | undefined;
	ran(nodeName: string): boolean;
}

/**
 * Executes the workflow with `input` as the output of its first node (the trigger), like n8n does
 * for a webhook-started execution.
 */
export async function runWorkflow(options: {
	/** the first is the node the run starts at, unless `startNode` names it */
	nodes?: TestNode[];
	startNode?: string;
	connections?: IConnections;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	input?: INodeExecutionData[];
	staticData?: IDataObject;
	workflow?: Workflow;
	mode?: 'trigger' | 'webhook' | 'manual' | 'retry' | 'integrated';
	timezone?: string;
}): Promise<RunResult> {
	const workflow = options.workflow ?? createWorkflow({ ...options, nodes: options.nodes ?? [] });
	const workflowData = {
		id: workflow.id,
		name: 'test',
		nodes: [],
		connections: {},
	} as unknown as IWorkflowBase;
	const mode = options.mode ?? 'webhook';
	const hooks = new ExecutionLifecycleHooks(mode, '1', workflowData);
	let resolveDone: (run: IRun) => void = () => {};
	const done = new Promise<IRun>((resolve) => (resolveDone = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveDone(run));
	const additionalData = createAdditionalData(options.credentials ?? {}, hooks);

	const startNode = workflow.getNode(options.startNode ?? options.nodes![0].name)!;
	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: startNode, data: { main: [options.input ?? [{ json: {} }]] }, source: null },
			],
		},
	});
	const execute = new WorkflowExecute(additionalData, mode, runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await done;

	const runData = run.data.resultData.runData;
	return {
		run,
		executionId: String(additionalData.executionId),
		workflow,
		output: (name) => (runData[name]?.[0]?.data?.main ?? []).map((items) => items ?? []),
		json: (name, outputIndex = 0) =>
			((runData[name]?.[0]?.data?.main ?? [])[outputIndex] ?? []).map((item) => item.json),
		error: (name) => (name ? runData[name]?.[0]?.error : run.data.resultData.error),
		ran: (name) => runData[name] !== undefined,
	};
}
