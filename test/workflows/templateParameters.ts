/** What the structure checks read in a template's node parameters. */
import { NodeHelpers } from 'n8n-workflow';
import type {
	IDataObject,
	INode,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';

import { descriptionOf, ourNodeName, UUID } from './templateFiles';

/** Closed - Won (142) and Closed - Lost (143) have these IDs in every Kommo pipeline of every account. */
const isUniversalStage = (key: string, value: unknown) =>
	key === 'stageId' && (value === 142 || value === 143);

const isExpression = (value: unknown) => typeof value === 'string' && value.startsWith('=');

/**
 * Every key set in the template must be a parameter n8n shows for these values (a hidden or unknown
 * key is dropped by n8n on import and silently does nothing), with a value of the right kind: a
 * listed option, never a hard-coded ID where the editor loads the choices from an account.
 */
export function checkParameters(
	properties: INodeProperties[],
	values: IDataObject,
	context: { node: INode; description: INodeTypeDescription; root: IDataObject; path: string },
	problems: string[],
	emptyLoaded: EmptyLoadedChoice[] = [],
) {
	for (const [key, value] of Object.entries(values)) {
		const where = `${context.node.name}: ${context.path}${key}`;
		const candidates = properties.filter((property) => property.name === key);
		if (!candidates.length) {
			problems.push(`${where} is not a parameter of ${context.node.type}`);
			continue;
		}
		const shown = candidates.filter((property) =>
			NodeHelpers.displayParameter(
				values as never,
				property,
				context.node,
				context.description,
				context.root as never,
			),
		);
		if (!shown.length) {
			problems.push(`${where} is hidden for these settings, so n8n would drop it`);
			continue;
		}
		const property = shown[0];
		const loaded = property.typeOptions?.loadOptionsMethod !== undefined;
		const allowed = (property.options ?? []) as INodePropertyOptions[];
		const allowedValues = allowed.map((option) => option.value);
		if (property.type === 'options') {
			if (loaded) {
				if (value === '') {
					emptyLoaded.push({
						node: context.node,
						path: `${context.path}${key}`,
						method: String(property.typeOptions?.loadOptionsMethod),
					});
				} else if (!isExpression(value) && !isUniversalStage(key, value)) {
					problems.push(`${where} hard-codes "${String(value)}", an ID of one account`);
				}
			} else if (!isExpression(value) && !allowedValues.includes(value as string)) {
				problems.push(`${where} = "${String(value)}" is not one of ${allowedValues.join(', ')}`);
			}
		} else if (property.type === 'multiOptions') {
			if (!Array.isArray(value)) {
				if (!isExpression(value)) problems.push(`${where} must be a list`);
			} else if (loaded) {
				if (value.length) problems.push(`${where} hard-codes IDs of one account`);
			} else {
				for (const entry of value) {
					if (!allowedValues.includes(entry as string)) {
						problems.push(`${where} holds "${String(entry)}", not one of its options`);
					}
				}
			}
		} else if (property.type === 'boolean' || property.type === 'number') {
			if (typeof value !== property.type && !isExpression(value)) {
				problems.push(`${where} must be a ${property.type}`);
			}
		} else if (property.type === 'string' || property.type === 'json') {
			if (typeof value !== 'string') problems.push(`${where} must be text`);
		} else if (property.type === 'resourceLocator') {
			const locator = value as IDataObject;
			const modes = (property.modes ?? []).map((mode) => mode.name);
			if (locator?.__rl !== true || !modes.includes(String(locator.mode))) {
				problems.push(
					`${where} is not a resource locator with one of the modes ${modes.join(', ')}`,
				);
			}
		} else if (property.type === 'collection') {
			checkParameters(
				allowed as unknown as INodeProperties[],
				value as IDataObject,
				{ ...context, path: `${context.path}${key}.` },
				problems,
				emptyLoaded,
			);
		} else if (property.type === 'fixedCollection') {
			const groups = allowed as unknown as INodePropertyCollection[];
			for (const [groupName, rows] of Object.entries(value as IDataObject)) {
				const group = groups.find((candidate) => candidate.name === groupName);
				if (!group) {
					problems.push(`${where}.${groupName} is not a group of this collection`);
					continue;
				}
				const list = property.typeOptions?.multipleValues ? (rows as IDataObject[]) : [rows];
				list.forEach((row, index) =>
					checkParameters(
						group.values,
						row as IDataObject,
						{ ...context, path: `${context.path}${key}.${groupName}[${index}].` },
						problems,
						emptyLoaded,
					),
				);
			}
		} else if (property.type !== 'notice') {
			problems.push(`${where} has a type (${property.type}) this check does not know`);
		}
	}
}

/** A list loaded from the account (`loadOptionsMethod`) that the template leaves at its empty default. */
export interface EmptyLoadedChoice {
	node: INode;
	path: string;
	method: string;
}

/** Every text in the parameters that is not an expression. */
export function literalStrings(value: unknown, found: string[] = []): string[] {
	if (typeof value === 'string') {
		if (!value.startsWith('=') && !UUID.test(value)) found.push(value);
	} else if (Array.isArray(value)) {
		for (const entry of value) literalStrings(entry, found);
	} else if (value && typeof value === 'object') {
		for (const entry of Object.values(value)) literalStrings(entry, found);
	}
	return found;
}

export function outputCount(node: INode): number {
	if (node.type === 'n8n-nodes-base.if') return 2;
	// Switch v3 in Rules mode: one output per rule, and the fallback's when it has its own
	if (node.type === 'n8n-nodes-base.switch') {
		const rules = (node.parameters.rules as IDataObject | undefined)?.values;
		const fallback = (node.parameters.options as IDataObject | undefined)?.fallbackOutput;
		return (Array.isArray(rules) ? rules.length : 0) + (fallback === 'extra' ? 1 : 0);
	}
	if (node.type === 'n8n-nodes-base.stickyNote') return 0;
	const outputs = ourNodeName(node) ? descriptionOf(node).outputs : ['main'];
	// "On Error: Continue (using error output)" adds an output after the node's own
	const errorOutput = node.onError === 'continueErrorOutput' ? 1 : 0;
	return (Array.isArray(outputs) ? outputs.length : 1) + errorOutput;
}
