import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { IntercomTranscript as Transcript } from '../../../nodes/Transcript/IntercomTranscript.node';
import type { IntercomConversation, IntercomPart } from '../../../nodes/shared/intercom/messages';
import { registerNodes } from '../../helpers/n8n';
import type { TestNode } from '../../helpers/n8n';

/** First node of every test workflow: hands the test's items on, like a trigger would. */
export class FeedTrigger implements INodeType {
	description = {
		displayName: 'Feed',
		name: 'transcriptTestFeed',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Feed' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, index) => ({ json: item.json, pairedItem: { item: index } })),
		];
	}
}

registerNodes(Transcript, FeedTrigger);

export const fixtureDir = join(__dirname, '..', '..', 'fixtures');

export function loadConversation(
	name = 'transcript/conversation.json',
): IntercomConversation & IDataObject {
	return JSON.parse(readFileSync(join(fixtureDir, name), 'utf8'));
}

export const feed: TestNode = { name: 'Feed', type: 'transcriptTestFeed' };

export function transcriptNode(
	parameters: IDataObject = {},
	extra: Partial<TestNode> = {},
): TestNode {
	return { name: 'Transcript', type: 'intercomTranscript', parameters, ...extra };
}

/** A chat of `count` parts after the opening message, one part a minute, realistic HTML bodies. */
export function generatedConversation(
	id: string,
	count: number,
	options: { totalCount?: number; startAt?: number; firstPartId?: number } = {},
): IntercomConversation & IDataObject {
	const startAt = options.startAt ?? 1782389100;
	const firstPartId = options.firstPartId ?? 50000;
	const parts: IntercomPart[] = [];
	for (let i = 0; i < count; i++) {
		const customer = i % 2 === 1;
		parts.push({
			id: String(firstPartId + i),
			part_type: 'comment',
			body: `<p>Message ${i + 1} about <b>order</b> #${1000 + i} &amp; delivery.</p>`,
			created_at: startAt + 60 * (i + 1),
			author: customer
				? { type: 'user', id: 'c1', name: 'Jane Doe', email: 'jane@example.com' }
				: { type: 'admin', id: 'a1', name: 'Alice Agent', email: 'alice@acme.test' },
			attachments: [],
			redacted: false,
		});
	}
	return {
		type: 'conversation',
		id,
		created_at: startAt,
		source: {
			id: `src-${id}`,
			body: '<p>Opening message</p>',
			author: { type: 'user', id: 'c1', name: 'Jane Doe', email: 'jane@example.com' },
			attachments: [],
			redacted: false,
		},
		conversation_parts: {
			conversation_parts: parts,
			total_count: options.totalCount ?? count,
		},
	} as IntercomConversation & IDataObject;
}

/** Part ids named in the `[HH:MM Author]: Message N` lines of note texts. */
export function messageNumbers(texts: string[]): number[] {
	const numbers: number[] = [];
	for (const text of texts) {
		for (const match of text.matchAll(/\]: Message (\d+) /g)) numbers.push(Number(match[1]));
	}
	return numbers;
}
