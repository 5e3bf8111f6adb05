/**
 * The node and credential types the test engine knows: our nodes and credentials by their package
 * name, test doubles of n8n's own nodes under their full type names, and `Passthrough`.
 */
import { NodeHelpers } from 'n8n-workflow';
import type {
	ICredentialType,
	IExecuteFunctions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
	Workflow,
} from 'n8n-workflow';

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

/** A registered credential type by its name, as n8n's CredentialsHelper looks it up. */
export function credentialType(name: string): ICredentialType | undefined {
	return registry.credentials.get(name);
}

export const nodeTypes: INodeTypes = {
	getByName: (type) => {
		const nodeType = registry.nodes.get(type);
		if (!nodeType) throw new Error(`Unknown node type ${type}`);
		return nodeType;
	},
	getByNameAndVersion: (type, version) =>
		NodeHelpers.getVersionedNodeType(nodeTypes.getByName(type), version),
	getKnownTypes: () => ({}),
};

export function nodeTypeOf(workflow: Workflow, nodeName: string): INodeType {
	const node = workflow.getNode(nodeName)!;
	return nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
}
