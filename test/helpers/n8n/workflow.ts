/** Workflows built from test nodes, or from nodes as n8n stores them, and remembered by id. */
import { Workflow } from 'n8n-workflow';
import type { IConnections, IDataObject, INode } from 'n8n-workflow';

import { nodeTypes, PACKAGE } from './registry';

/**
 * Workflows by id, so an Execute Workflow step can start one (the chat template calls itself for
 * each chat the catch-up hands over).
 */
const workflowsById = new Map<string, Workflow>();

function remember(workflow: Workflow): Workflow {
	workflowsById.set(String(workflow.id), workflow);
	return workflow;
}

/** A workflow built here, by id (an Execute Workflow step starts it). */
export function knownWorkflow(id: string): Workflow | undefined {
	return workflowsById.get(id);
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

/**
 * Whether anything wrote the workflow's static data since the workflow was built: n8n-workflow's
 * observable object marks it, and n8n saves the static data after a webhook when it is marked.
 */
export function staticDataChanged(workflow: Workflow): boolean {
	return (workflow.staticData as IDataObject & { __dataChanged?: boolean }).__dataChanged === true;
}
