/**
 * Runs our nodes through n8n's own execution machinery (n8n-core's WorkflowExecute, WebhookContext,
 * HookContext, LoadOptionsContext) so HTTP calls go through n8n's real request helpers and nock sees
 * real HTTP. Mirrors what n8n's NodeTestHarness does inside its monorepo, which is not published.
 */
import {
	ExecutionLifecycleHooks,
	HookContext,
	LoadOptionsContext,
	PollContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import { createRunExecutionData, ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IConnections,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IRequestOptionsSimplified,
} from 'n8n-workflow';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

export const PACKAGE = 'n8n-nodes-intercom-kommo';

export type NodeClass = new () => INodeType | IVersionedNodeType;
export type CredentialClass = new () => ICredentialType;

const registry = {
	nodes: new Map<string, INodeType | IVersionedNodeType>(),
	credentials: new Map<string, ICredentialType>(),
};

/** A plain node downstream of a trigger (type `passthrough`): hands its input on unchanged. */
export class Passthrough implements INodeType {
	description = {
		displayName: 'Passthrough',
		name: 'passthrough',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Passthrough' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions) {
		return [
			this.getInputData().map((item, index) => ({ json: item.json, pairedItem: { item: index } })),
		];
	}
}

export function registerNodes(...classes: NodeClass[]) {
	for (const NodeClass of classes) {
		const instance = new NodeClass();
		registry.nodes.set(`${PACKAGE}.${instance.description.name}`, instance);
	}
}

export function registerCredentials(...classes: CredentialClass[]) {
	for (const CredentialClass of classes) {
		const instance = new CredentialClass();
		registry.credentials.set(instance.name, instance);
	}
}

/**
 * Registers a node class under a full type name, e.g. a test double for `n8n-nodes-base.if` when a
 * test runs a workflow that uses n8n's own nodes.
 */
export function registerNodeTypeAs(type: string, NodeClass: NodeClass) {
	registry.nodes.set(type, new NodeClass());
}

const nodeTypes: INodeTypes = {
	getByName: (type) => {
		const nodeType = registry.nodes.get(type);
		if (!nodeType) throw new Error(`Unknown node type ${type}`);
		return nodeType;
	},
	getByNameAndVersion: (type, version) =>
		NodeHelpers.getVersionedNodeType(nodeTypes.getByName(type), version),
	getKnownTypes: () => ({}),
};

function resolveCredentialExpression(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value
		.slice(1)
		.replace(
			/\{\{\s*\$credentials(?:\.(\w+)|\[["'](\w+)["']\])\s*\}\}/g,
			(_m, a: string, b: string) => String(credentials[a ?? b] ?? ''),
		);
}

/** How often each credential type was read (n8n reads and decrypts it on every `getCredentials`). */
export const credentialReads = new Map<string, number>();

/** Applies a credential type's `authenticate` the way n8n's CredentialsHelper does for generic auth. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(name: string): string[] {
		const type = registry.credentials.get(name);
		return type?.extends ?? [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const type = registry.credentials.get(typeName);
		const options = requestOptions as IHttpRequestOptions;
		if (!type?.authenticate) return options;
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, options);
		}
		const { properties } = type.authenticate;
		for (const [target, values] of Object.entries(properties) as Array<[string, IDataObject]>) {
			const bucket = ((options as unknown as IDataObject)[target] ?? {}) as IDataObject;
			for (const [key, value] of Object.entries(values)) {
				bucket[key] = resolveCredentialExpression(value, credentials) as string;
			}
			(options as unknown as IDataObject)[target] = bucket;
		}
		return options;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used in tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		credentialReads.set(type, (credentialReads.get(type) ?? 0) + 1);
		const data = this.data[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return { ...data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(): INodeProperties[] {
		return [];
	}
}

/**
 * Workflows by id, so an Execute Workflow step can start one (the chat template calls itself for
 * each chat the catch-up hands over).
 */
const workflowsById = new Map<string, Workflow>();

function remember(workflow: Workflow): Workflow {
	workflowsById.set(String(workflow.id), workflow);
	return workflow;
}

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
	const workflow = workflowsById.get(String(workflowInfo.id));
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

export interface TestNode {
	name: string;
	/** node name without the package prefix, e.g. `intercom` */
	type: string;
	parameters?: IDataObject;
	typeVersion?: number;
	credentials?: Record<string, string>;
	continueOnFail?: boolean;
	disabled?: boolean;
}

export function toINode(node: TestNode, index: number): INode {
	return {
		id: `node-${index}`,
		name: node.name,
		type: node.type.includes('.') ? node.type : `${PACKAGE}.${node.type}`,
		typeVersion: node.typeVersion ?? 1,
		position: [index * 200, 0],
		parameters: (node.parameters ?? {}) as INode['parameters'],
		credentials: node.credentials
			? Object.fromEntries(
					Object.entries(node.credentials).map(([type, name]) => [type, { id: name, name }]),
				)
			: undefined,
		...(node.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
}

/** A chain `a -> b -> c` on the main output, or explicit connections. */
export function chain(...names: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

export function createWorkflow(options: {
	nodes: TestNode[];
	connections?: IConnections;
	staticData?: IDataObject;
	id?: string;
	timezone?: string;
}): Workflow {
	const nodes = options.nodes.map(toINode);
	return remember(
		new Workflow({
			id: options.id ?? 'wf-test',
			name: 'test',
			nodes,
			connections: options.connections ?? chain(...nodes.map((n) => n.name)),
			nodeTypes,
			staticData: options.staticData ?? {},
			active: true,
			settings: options.timezone ? { timezone: options.timezone } : {},
		}),
	);
}

/** A workflow from nodes as n8n stores them (e.g. the nodes of an exported workflow file). */
export function createWorkflowFromNodes(options: {
	nodes: INode[];
	connections: IConnections;
	staticData?: IDataObject;
	id?: string;
}): Workflow {
	return remember(
		new Workflow({
			id: options.id ?? 'wf-test',
			name: 'test',
			nodes: options.nodes,
			connections: options.connections,
			nodeTypes,
			staticData: options.staticData ?? {},
			active: true,
			settings: {},
		}),
	);
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

/**
 * The Continue On Fail shape every node of the package shares for an item that fails before its
 * operation runs (a bad expression in "resource" or "operation", say): `run(true)` and `run(false)`
 * execute the same two input items through the node named `nodeName`.
 */
export function itFailsItemByItem(
	nodeName: string,
	run: (continueOnFail: boolean) => Promise<RunResult>,
): void {
	test('Continue On Fail gives one error item per input item, { error, description }', async () => {
		const result = await run(true);
		expect(result.error(nodeName)).toBeUndefined();
		const items = result.output(nodeName)[0];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of items) {
			expect(Object.keys(item.json).sort()).toEqual(['description', 'error']);
			expect(typeof item.json.error).toBe('string');
			expect(String(item.json.error)).not.toBe('');
		}
	});

	test('without it the node fails, naming the item', async () => {
		const result = await run(false);
		const error = result.error(nodeName) as
			| (Error & { context?: { itemIndex?: number } })
			| undefined;
		expect(error).toBeDefined();
		expect(error?.context?.itemIndex).toBe(0);
	});
}

/**
 * Whether anything wrote the workflow's static data since the workflow was built: n8n-workflow's
 * observable object marks it, and n8n saves the static data after a webhook when it is marked.
 */
export function staticDataChanged(workflow: Workflow): boolean {
	return (workflow.staticData as IDataObject & { __dataChanged?: boolean }).__dataChanged === true;
}

export function nodeTypeOf(workflow: Workflow, nodeName: string): INodeType {
	const node = workflow.getNode(nodeName)!;
	return nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
}

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

export interface WebhookResponse {
	status: number;
	body: string;
	headers: Record<string, unknown>;
}

/**
 * Delivers an HTTP request to a trigger's `webhook()` through n8n-core's WebhookContext, with the body
 * handled like n8n's body parser does (raw bytes kept in `rawBody`; JSON and form bodies parsed).
 * Returns what the node answered (or n8n's default answer) and the workflow data it emitted.
 */
export async function deliverWebhook(options: {
	workflow: Workflow;
	nodeName: string;
	method?: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	webhookName?: string;
}): Promise<{ response: WebhookResponse; result: IWebhookResponseData }> {
	const node = options.workflow.getNode(options.nodeName)!;
	const nodeType = nodeTypeOf(options.workflow, options.nodeName);
	const method = options.method ?? 'POST';
	const raw = Buffer.isBuffer(options.body)
		? options.body
		: Buffer.from(options.body ?? '', 'utf8');

	const req = new IncomingMessage(new Socket()) as IncomingMessage & IDataObject;
	req.method = method;
	req.url = '/webhook/path';
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {}))
		headers[key.toLowerCase()] = value;
	req.headers = headers;
	req.rawBody = raw;
	(req as unknown as { readRawBody: () => Promise<void> }).readRawBody = async () => {};
	req.query = {};
	req.params = {};
	const contentType = (headers['content-type'] ?? '').split(';')[0].trim();
	req.body = {};
	try {
		if (contentType === 'application/json' && raw.length)
			req.body = JSON.parse(raw.toString('utf8'));
		if (contentType === 'application/x-www-form-urlencoded') {
			// n8n's body parser uses querystring.parse with maxKeys 1000: flat keys, capped
			req.body = Object.fromEntries(
				Array.from(new URLSearchParams(raw.toString('utf8')).entries()).slice(0, 1000),
			);
		}
	} catch {
		// n8n answers 400-ish on unparsable JSON before the node sees it; tests that care send raw bodies
		req.body = {};
	}
	req.header = (name: string) => headers[name.toLowerCase()];
	req.get = req.header;

	const response: WebhookResponse = { status: 200, body: '', headers: {} };
	let ended = false;
	const res = new ServerResponse(req) as unknown as ServerResponse & IDataObject;
	res.status = (code: number) => {
		response.status = code;
		return res;
	};
	res.send = (payload?: unknown) => {
		if (payload !== undefined) {
			response.body += typeof payload === 'string' ? payload : JSON.stringify(payload);
		}
		ended = true;
		return res;
	};
	res.json = res.send;
	res.end = ((payload?: unknown) => {
		if (typeof payload === 'string') response.body += payload;
		ended = true;
		return res;
	}) as never;
	res.setHeader = ((name: string, value: unknown) => {
		response.headers[name.toLowerCase()] = value;
		return res;
	}) as never;
	res.header = res.setHeader;
	res.set = res.setHeader;

	const additionalData = createAdditionalData(options.credentials ?? {});
	additionalData.httpRequest = req as never;
	additionalData.httpResponse = res as never;
	const webhookName = options.webhookName ?? 'default';
	const description =
		nodeType.description.webhooks!.find(
			(w) => w.name === webhookName && String(w.httpMethod) === method,
		) ?? nodeType.description.webhooks!.find((w) => w.name === webhookName)!;
	const webhookData = {
		httpMethod: method,
		node: node.name,
		path: 'path',
		webhookDescription: description,
		workflowId: options.workflow.id,
		workflowExecuteAdditionalData: additionalData,
	} as unknown as IWebhookData;
	const context = new WebhookContext(
		options.workflow,
		node,
		additionalData,
		'webhook',
		webhookData,
		[],
		null,
	);
	const result = await nodeType.webhook!.call(context);
	if (!ended && !result.noWebhookResponse) {
		// what n8n answers for responseMode onReceived
		response.status = 200;
		response.body =
			result.webhookResponse !== undefined
				? typeof result.webhookResponse === 'string'
					? result.webhookResponse
					: JSON.stringify(result.webhookResponse)
				: JSON.stringify({
						message: result.workflowData ? 'Workflow was started' : 'Webhook call received',
					});
	}
	return { response, result };
}
