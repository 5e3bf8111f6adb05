/** The forward template (`workflows/intercom-chat-to-kommo-deal.json`) as n8n imports it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IConnections, INode } from 'n8n-workflow';

export const TRIGGER = 'Intercom Trigger';
export const CATCH_UP = 'Catch up every minute';

export interface ExportedWorkflow {
	nodes: INode[];
	connections: IConnections;
}

export function loadForwardTemplate(): ExportedWorkflow {
	return JSON.parse(
		readFileSync(
			join(__dirname, '..', '..', '..', 'workflows', 'intercom-chat-to-kommo-deal.json'),
			'utf8',
		),
	) as ExportedWorkflow;
}

/** The template's nodes as n8n holds them after import: credentials resolved to an ID. */
export function importedNodes(template: ExportedWorkflow): INode[] {
	return template.nodes.map((node) => {
		const copy = JSON.parse(JSON.stringify(node)) as INode;
		for (const [type, reference] of Object.entries(copy.credentials ?? {})) {
			copy.credentials![type] = { id: `cred-${type}`, name: reference.name };
		}
		return copy;
	});
}
