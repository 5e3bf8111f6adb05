import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	Workflow,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { IntercomTranscript as Transcript } from '../../../nodes/Transcript/IntercomTranscript.node';
import type { IntercomConversation, IntercomPart } from '../../../nodes/Transcript/render/messages';
import { STATIC_DATA_KEY } from '../../../nodes/Transcript/delivery/watermark';
import { createWorkflow, registerNodes, runWorkflow } from '../../helpers/n8n';
import type { TestNode } from '../../helpers/n8n';
import { useClock } from '../../../nodes/shared/clock';
import { forgetProcessMemory } from '../../../nodes/shared/processMemory';

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

/** Every note text a FakeNoteWriter wrote, in order, across runs. */
export const writtenNotes: string[] = [];

/**
 * Stands in for Kommo › Add Note: records the text, or fails (for all items, or for the items whose
 * text contains `failWhenTextHas`) the way a failing API call would.
 */
export class FakeNoteWriter implements INodeType {
	description = {
		displayName: 'Fake Note Writer',
		name: 'transcriptTestNoteWriter',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Add Note' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false },
			{ displayName: 'Fail When Text Has', name: 'failWhenTextHas', type: 'string', default: '' },
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const text = String(items[i].json.text ?? '');
			const failWhen = this.getNodeParameter('failWhenTextHas', i) as string;
			if (this.getNodeParameter('fail', i) || (failWhen && text.includes(failWhen))) {
				if (!this.continueOnFail()) {
					throw new NodeOperationError(this.getNode(), 'Kommo answered 500', { itemIndex: i });
				}
				out.push({ json: { error: 'Kommo answered 500' }, pairedItem: { item: i } });
				continue;
			}
			writtenNotes.push(text);
			out.push({
				json: { id: 1000 + writtenNotes.length, entity_id: 42 },
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}

registerNodes(Transcript, FeedTrigger, FakeNoteWriter);

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

export function markDeliveredNode(parameters: IDataObject = {}): TestNode {
	return {
		name: 'Mark as Delivered',
		type: 'intercomTranscript',
		parameters: { operation: 'markDelivered', ...parameters },
	};
}

export function noteWriterNode(parameters: IDataObject = {}, continueOnFail = false): TestNode {
	return { name: 'Add Note', type: 'transcriptTestNoteWriter', parameters, continueOnFail };
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

/**
 * Registers the hooks every delivery test needs: fresh in-memory delivery state and written notes
 * before each test, and the real clock and sleep back after it.
 */
export function resetDeliveryStateAroundEachTest() {
	beforeEach(() => {
		forgetProcessMemory();
		writtenNotes.length = 0;
	});
	afterEach(() => {
		useClock();
	});
}

/** Time that moves only when the code sleeps (or the test says so): expiries without real waits. */
export function useFakeClock(start = 1_800_000_000_000) {
	let now = start;
	const sleeps: number[] = [];
	useClock({
		now: () => now,
		sleep: async (ms: number) => {
			sleeps.push(ms);
			now += ms;
			await Promise.resolve();
		},
	});
	return {
		advance: (ms: number) => (now += ms),
		waitedMs: () => sleeps.reduce((sum, ms) => sum + ms, 0),
	};
}

/** A workflow built once and run again and again, as n8n runs an active workflow. */
export interface Pipeline {
	nodes: TestNode[];
	workflow: Workflow;
}

let workflowCounter = 0;

/** Feed → Transcript (only new) → Add Note → Mark as Delivered, as the templates wire it. */
export function perNotePipeline(
	options: {
		id?: string;
		transcript?: IDataObject;
		writer?: IDataObject;
		writerContinues?: boolean;
		staticData?: IDataObject;
	} = {},
): Pipeline {
	const nodes = [
		feed,
		transcriptNode({ onlyNewMessages: true, options: { timezone: 'UTC' }, ...options.transcript }),
		noteWriterNode(options.writer, options.writerContinues),
		markDeliveredNode(),
	];
	const workflow = createWorkflow({
		nodes,
		id: options.id ?? `wf-delivery-${++workflowCounter}`,
		staticData: options.staticData,
	});
	return { nodes, workflow };
}

export async function runOnce(target: Pipeline, ...conversations: IDataObject[]) {
	return await runWorkflow({
		nodes: target.nodes,
		workflow: target.workflow,
		input: conversations.map((json) => ({ json })),
	});
}

/** The per-conversation watermarks the Transcript keeps in the workflow's static data. */
export function storedWatermarks(workflow: Workflow): IDataObject {
	const global = workflow.staticData.global as IDataObject | undefined;
	return ((global?.[STATIC_DATA_KEY] as IDataObject | undefined)?.conversations ??
		{}) as IDataObject;
}
