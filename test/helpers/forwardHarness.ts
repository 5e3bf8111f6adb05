/**
 * Runs the forward template (`workflows/intercom-chat-to-kommo-deal.json`) against the sandbox over
 * real HTTP on 127.0.0.1, the way n8n would: the sandbox sends a signed Intercom notification to a
 * local "n8n webhook endpoint", which hands the raw request to the real Intercom Trigger through
 * n8n-core's WebhookContext; the items it emits start an execution through n8n-core's
 * WorkflowExecute. A failed execution is re-run with the same trigger item, as a user does with
 * "Retry" in the executions list.
 *
 * Time is virtual: the nodes' one clock (`nodes/shared/clock.ts`) is swapped for one that counts
 * each kind of wait (throttle, retries, a lock held by a failed run) and lets it pass at once, and timers run on
 * jest's fake timers, sped up, so the transports' shipped 30 s request timeout ends a held request
 * in a fraction of a second. Requests themselves are real.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { clearInterval as clearRealInterval, setInterval as setRealInterval } from 'node:timers';
import type { IConnections, IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { IntercomKommoIntercomApi } from '../../credentials/IntercomKommoIntercomApi.credentials';
import { IntercomKommoKommoApi } from '../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { CustomerLock } from '../../nodes/CustomerLock/CustomerLock.node';
import { Intercom } from '../../nodes/Intercom/Intercom.node';
import { IntercomCatchUpTrigger } from '../../nodes/IntercomCatchUpTrigger/IntercomCatchUpTrigger.node';
import { INTERCOM_REQUEST_TIMEOUT_MS } from '../../nodes/shared/intercom/transport';
import { IntercomTrigger } from '../../nodes/IntercomTrigger/IntercomTrigger.node';
import { Kommo } from '../../nodes/Kommo/Kommo.node';
import { KOMMO_REQUEST_TIMEOUT_MS } from '../../nodes/shared/kommo/transport';
import { KommoTrigger } from '../../nodes/KommoTrigger/KommoTrigger.node';
import { IntercomTranscript } from '../../nodes/Transcript/IntercomTranscript.node';
import { parseMarker } from '../../nodes/shared/transcriptMarker';
import type { LogEntry, Sandbox } from '../../sandbox';
import { registerBaseNodeDoubles } from './baseNodeDoubles';
import {
	createWorkflowFromNodes,
	deliverWebhook,
	registerCredentials,
	registerNodes,
	runPoll,
	runWorkflow,
} from './n8n';
import type { RunResult, WebhookResponse } from './n8n';
import { sandboxCredentials, startSandbox } from '../sandbox/helpers';
import { forgetProcessMemory } from '../../nodes/shared/processMemory';
import { useClock } from '../../nodes/shared/clock';
import type { WaitReason } from '../../nodes/shared/clock';

registerNodes(
	IntercomTrigger,
	Intercom,
	IntercomTranscript,
	Kommo,
	KommoTrigger,
	CustomerLock,
	IntercomCatchUpTrigger,
);
registerCredentials(IntercomKommoIntercomApi, IntercomKommoKommoApi, IntercomKommoKommoOAuth2Api);
registerBaseNodeDoubles();

export const TRIGGER = 'Intercom Trigger';
export const CATCH_UP = 'Catch up every minute';

/** Both transports time requests out after 30 s (the shipped value; timers run sped up here). */
export const CLIENT_TIMEOUT_MS = Math.max(INTERCOM_REQUEST_TIMEOUT_MS, KOMMO_REQUEST_TIMEOUT_MS);
/**
 * How long the sandbox holds a `timeout` fault before it drops the connection itself: longer than
 * the client waits, so the fault ends as a client-side timeout.
 */
export const SANDBOX_HOLD_MS = 2 * CLIENT_TIMEOUT_MS;
/**
 * Fake milliseconds per real millisecond: a 30 s timeout passes in 0.3 s, while a real request to
 * the local sandbox (a few ms, more on a busy machine) still sees its timer far away.
 */
const TIMER_SPEED_UP = 100;
const TIMER_PUMP_EVERY_MS = 5;

interface ExportedWorkflow {
	nodes: INode[];
	connections: IConnections;
}

export function loadForwardTemplate(): ExportedWorkflow {
	return JSON.parse(
		readFileSync(
			join(__dirname, '..', '..', 'workflows', 'intercom-chat-to-kommo-deal.json'),
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

// ---------------------------------------------------------------------------------------------
// virtual time and test-sized retry waits

export interface TimeCounters {
	intercomRetryWaits: number;
	kommoRetryWaits: number;
	kommoThrottleWaits: number;
	lockWaits: number;
	virtualMs: number;
}

/** Each kind of wait, told apart by the reason the nodes give the clock. */
const COUNTER_OF_REASON: Record<WaitReason, Exclude<keyof TimeCounters, 'virtualMs'>> = {
	'intercom-retry': 'intercomRetryWaits',
	'kommo-retry': 'kommoRetryWaits',
	'kommo-throttle': 'kommoThrottleWaits',
	'customer-lock': 'lockWaits',
};

export interface VirtualTime {
	counters: TimeCounters;
	restore: () => void;
}

export function installVirtualTime(): VirtualTime {
	const counters: TimeCounters = {
		intercomRetryWaits: 0,
		kommoRetryWaits: 0,
		kommoThrottleWaits: 0,
		lockWaits: 0,
		virtualMs: 0,
	};

	forgetProcessMemory();
	useClock({
		now: () => Date.now() + counters.virtualMs,
		sleep: async (ms, reason) => {
			counters[COUNTER_OF_REASON[reason]]++;
			counters.virtualMs += Math.max(0, ms);
			await new Promise((resolve) => setImmediate(resolve));
		},
	});
	// timers only: Date stays real for the clock above, and the event loop's own queues stay real
	jest.useFakeTimers({
		doNotFake: ['Date', 'hrtime', 'performance', 'nextTick', 'setImmediate', 'queueMicrotask'],
	});
	const pump = setRealInterval(
		() => jest.advanceTimersByTime(TIMER_PUMP_EVERY_MS * TIMER_SPEED_UP),
		TIMER_PUMP_EVERY_MS,
	);
	return {
		counters,
		restore: () => {
			clearRealInterval(pump);
			jest.useRealTimers();
			forgetProcessMemory();
			useClock();
		},
	};
}

// ---------------------------------------------------------------------------------------------
// seeded chats

export type KommoCase = 'open-lead' | 'contact-only' | 'unknown';

export interface Chat {
	index: number;
	conversationId: string;
	contactId: string;
	name: string;
	email: string;
	kommoCase: KommoCase;
	/** the open lead seeded for 'open-lead' */
	seededLeadId?: number;
	kommoContactId?: number;
	/** every message text written into the chat, in order */
	messages: string[];
}

const KOMMO_SALES = 8100001;
const KOMMO_QUALIFIED = 81000011;

function nonce(index: number, message: number) {
	return ((index * 7919 + message * 104729) % 1_000_003).toString(36);
}

/** `count` new chats (only the customer's first message), one Intercom contact each, and Kommo records by case. */
export function seedChats(sandbox: Sandbox, count: number, firstId = 7000): Chat[] {
	const now = Math.floor(Date.now() / 1000) - 3600;
	const chats: Chat[] = [];
	const intercomContacts: IDataObject[] = [];
	const conversations: IDataObject[] = [];
	const kommoContacts: IDataObject[] = [];
	const leads: IDataObject[] = [];
	for (let i = 0; i < count; i++) {
		const kommoCase: KommoCase = (['open-lead', 'contact-only', 'unknown'] as const)[i % 3];
		const chat: Chat = {
			index: i,
			conversationId: String(firstId + i),
			contactId: `65f0fa0000000000000${String(1000 + i)}`,
			name: `Customer ${firstId + i}`,
			email: `customer${firstId + i}@example.test`,
			kommoCase,
			messages: [`chat ${firstId + i} opens with a question ${nonce(i, 0)}`],
		};
		intercomContacts.push({
			id: chat.contactId,
			role: 'user',
			name: chat.name,
			email: chat.email,
			created_at: now - 86400,
		});
		conversations.push({
			id: chat.conversationId,
			created_at: now + i,
			contacts: [chat.contactId],
			source: {
				id: String(500000000 + i),
				author: { type: 'user', id: chat.contactId },
				body: `<p>${chat.messages[0]}</p>`,
			},
			parts: [],
			tags: [],
		});
		if (kommoCase !== 'unknown') {
			chat.kommoContactId = 20100000 + i;
			kommoContacts.push({
				id: chat.kommoContactId,
				name: chat.name,
				custom_fields_values: [
					{ field_code: 'EMAIL', values: [{ value: chat.email, enum_code: 'WORK' }] },
				],
			});
		}
		if (kommoCase === 'open-lead') {
			chat.seededLeadId = 30100000 + i;
			leads.push({
				id: chat.seededLeadId,
				name: `${chat.name} - existing deal`,
				pipeline_id: KOMMO_SALES,
				status_id: KOMMO_QUALIFIED,
				contacts: [chat.kommoContactId],
			});
		}
		chats.push(chat);
	}
	sandbox.seed(
		{
			intercom: { contacts: intercomContacts, conversations },
			kommo: { contacts: kommoContacts, leads },
		},
		{ merge: true },
	);
	return chats;
}

/** Appends an admin answer and a customer reply to the chat; returns their texts. */
export function addReplies(sandbox: Sandbox, chat: Chat, round: number): string[] {
	const answer = `agent answers chat ${chat.conversationId} round ${round} ${nonce(chat.index, round * 2 + 1)}`;
	const reply = `customer replies in chat ${chat.conversationId} round ${round} ${nonce(chat.index, round * 2 + 2)}`;
	sandbox.appendIntercomPart(chat.conversationId, { kind: 'admin', body: `<p>${answer}</p>` });
	sandbox.appendIntercomPart(chat.conversationId, { kind: 'customer', body: `<p>${reply}</p>` });
	chat.messages.push(answer, reply);
	return [answer, reply];
}

// ---------------------------------------------------------------------------------------------
// the n8n side: a webhook endpoint and executions

export interface Delivery {
	response: WebhookResponse;
	items?: INodeExecutionData[];
}

export interface ExecutionOutcome {
	executions: number;
	reruns: number;
	errors: string[];
	last: RunResult;
}

export class ForwardRunner {
	readonly staticData: IDataObject = {};
	readonly template = loadForwardTemplate();
	private server?: Server;
	url = '';
	private readonly received = new Map<string, Delivery>();
	executionStarts: number[] = [];

	constructor(
		private readonly sandbox: Sandbox,
		/** live: a test may point a credential elsewhere between executions */
		readonly credentials = sandboxCredentials(sandbox),
		private readonly workflowId = `wf-faults-${Math.random().toString(36).slice(2)}`,
	) {}

	workflow() {
		return createWorkflowFromNodes({
			nodes: importedNodes(this.template),
			connections: this.template.connections,
			id: this.workflowId,
			staticData: this.staticData,
		});
	}

	/** n8n's production webhook URL for the trigger: hands each request to the Intercom Trigger. */
	async listen(): Promise<void> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const body = Buffer.concat(chunks);
				const headers: Record<string, string> = {};
				for (const [key, value] of Object.entries(req.headers)) {
					if (typeof value === 'string') headers[key] = value;
				}
				void this.deliver(headers, body).then(
					(delivery) => {
						let id = '';
						try {
							id = String((JSON.parse(body.toString('utf8')) as IDataObject).id ?? '');
						} catch {
							// not JSON: the trigger answered 400 and nobody waits for this id
						}
						this.received.set(id, delivery);
						res.writeHead(delivery.response.status, { 'Content-Type': 'text/plain' });
						res.end(delivery.response.body);
					},
					(error: Error) => {
						res.writeHead(500);
						res.end(error.message);
					},
				);
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as { port: number };
		this.url = `http://127.0.0.1:${port}/webhook/intercom`;
	}

	async close() {
		await new Promise<void>((resolve) => {
			if (!this.server) return resolve();
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	async deliver(headers: Record<string, string>, body: string | Buffer): Promise<Delivery> {
		const { response, result } = await deliverWebhook({
			workflow: this.workflow(),
			nodeName: TRIGGER,
			headers,
			body,
			credentials: this.credentials,
		});
		return { response, items: result.workflowData?.[0] };
	}

	/** Lets the sandbox send one signed notification to the endpoint; returns what the trigger emitted. */
	async notify(topic: string, conversationId: string): Promise<Delivery> {
		const sent = await this.sandbox.sendIntercomWebhook({ url: this.url, topic, conversationId });
		const delivery = this.received.get(sent.notification.id);
		this.received.delete(sent.notification.id);
		if (!delivery) throw new Error(`notification ${sent.notification.id} was not received`);
		return delivery;
	}

	async execute(input: INodeExecutionData[]): Promise<RunResult> {
		this.executionStarts.push(this.sandbox.log.at(-1)?.seq ?? 0);
		return await runWorkflow({
			nodes: [{ name: TRIGGER, type: 'intercomTrigger' }],
			workflow: this.workflow(),
			input,
			credentials: this.credentials,
		});
	}

	/**
	 * One check of the template's catch-up, as n8n's poll runs it, then the execution it starts (the
	 * catch-up hands each chat to the workflow itself). Null when the check found nothing to hand
	 * over, or with `loseRun`.
	 */
	async sweep({ loseRun = false } = {}): Promise<RunResult | null> {
		const workflow = this.workflow();
		if (!workflow.getNode(CATCH_UP)) return null;
		const { output } = await runPoll({
			workflow,
			nodeName: CATCH_UP,
			credentials: this.credentials,
		});
		// `loseRun`: the check handed chats over, and the run that was to deliver them died with
		// its worker before it started (n8n does not run it again)
		if (!output || loseRun) return null;
		this.executionStarts.push(this.sandbox.log.at(-1)?.seq ?? 0);
		return await runWorkflow({
			workflow,
			startNode: CATCH_UP,
			input: output[0],
			credentials: this.credentials,
			mode: 'trigger',
		});
	}

	/** Runs the trigger item; re-runs a failed execution with the same item until one succeeds. */
	async executeUntilSuccess(
		input: INodeExecutionData[],
		maxReruns = 25,
	): Promise<ExecutionOutcome> {
		const errors: string[] = [];
		for (let attempt = 0; attempt <= maxReruns; attempt++) {
			const run = await this.execute(input);
			const error = run.error();
			if (!error) return { executions: attempt + 1, reruns: attempt, errors, last: run };
			errors.push(error.message);
		}
		throw new Error(`still failing after ${maxReruns} reruns: ${errors.slice(-3).join(' | ')}`);
	}
}

// ---------------------------------------------------------------------------------------------
// checking Kommo and counting

const MESSAGE_LINE = /^\[(\d{2}):(\d{2}) ([^\]]+)\](?: \([^)]*\))?: (.*)$/;

export interface DeliveryCheck {
	notes: number;
	noteKeys: number;
	duplicateKeys: string[];
	expectedMessages: number;
	lost: string[];
	duplicates: string[];
	/** chats whose notes are on more than one lead, or on the wrong one */
	misplaced: string[];
	missingChats: string[];
	badLines: string[];
}

/** Reads every note in the sandbox's Kommo and checks each chat's messages are there exactly once. */
export function checkKommo(sandbox: Sandbox, chats: Chat[]): DeliveryCheck {
	const kommo = sandbox.state.kommo;
	const byConversation = new Map<string, Array<{ leadId: number; text: string }>>();
	const keys: string[] = [];
	for (const note of kommo.notes) {
		const key = parseMarker(note.params?.text);
		if (!key) continue;
		keys.push(key);
		const conversationId = key.split(':')[1];
		const list = byConversation.get(conversationId) ?? [];
		list.push({ leadId: note.entity_id, text: String(note.params.text) });
		byConversation.set(conversationId, list);
	}
	const seen = new Set<string>();
	const duplicateKeys = keys.filter((key) => (seen.has(key) ? true : (seen.add(key), false)));

	const check: DeliveryCheck = {
		notes: keys.length,
		noteKeys: seen.size,
		duplicateKeys,
		expectedMessages: 0,
		lost: [],
		duplicates: [],
		misplaced: [],
		missingChats: [],
		badLines: [],
	};
	for (const chat of chats) {
		check.expectedMessages += chat.messages.length;
		const notes = byConversation.get(chat.conversationId) ?? [];
		if (!notes.length) {
			check.missingChats.push(chat.conversationId);
			check.lost.push(...chat.messages);
			continue;
		}
		const leadIds = [...new Set(notes.map((note) => note.leadId))];
		const lead = kommo.leads.find((entry) => entry.id === leadIds[0]);
		const linked = kommo.links.some(
			(link) =>
				link.lead_id === leadIds[0] &&
				kommo.contacts.some(
					(contact) =>
						contact.id === link.contact_id &&
						JSON.stringify(contact.custom_fields_values ?? []).includes(chat.email),
				),
		);
		if (
			leadIds.length !== 1 ||
			!lead ||
			!linked ||
			(chat.seededLeadId !== undefined && leadIds[0] !== chat.seededLeadId)
		) {
			check.misplaced.push(`${chat.conversationId} → leads ${leadIds.join(', ')}`);
		}
		const counts = new Map<string, number>();
		for (const note of notes) {
			for (const line of note.text.split('\n')) {
				if (!line.startsWith('[') || line.startsWith('[Intercom]')) continue;
				const match = MESSAGE_LINE.exec(line);
				if (!match) {
					check.badLines.push(line);
					continue;
				}
				counts.set(match[4], (counts.get(match[4]) ?? 0) + 1);
			}
		}
		for (const message of chat.messages) {
			const count = counts.get(message) ?? 0;
			if (count === 0) check.lost.push(message);
			if (count > 1) check.duplicates.push(`${message} ×${count}`);
		}
	}
	return check;
}

export interface LogFigures {
	intercomCalls: number;
	kommoCalls: number;
	faultsByKind: Record<string, number>;
	/** a request identical (method + path + query) to the request just before it, which failed */
	retriesInLog: number;
	failedResponses: number;
}

function failed(entry: LogEntry) {
	return (
		entry.fault !== null ||
		entry.status === null ||
		entry.status === 429 ||
		(entry.status >= 500 && entry.status <= 599)
	);
}

/**
 * Figures from the sandbox log of a run whose executions ran one after another. The first request of
 * each execution is never counted as a retry (a re-run repeats what failed, but it is not a retry).
 */
export function logFigures(log: LogEntry[], executionStarts: number[]): LogFigures {
	const api = log.filter((entry) => entry.api === 'intercom' || entry.api === 'kommo');
	const starts = new Set<number>();
	for (const after of executionStarts) {
		const first = api.find((entry) => entry.seq > after);
		if (first) starts.add(first.seq);
	}
	const figures: LogFigures = {
		intercomCalls: 0,
		kommoCalls: 0,
		faultsByKind: {},
		retriesInLog: 0,
		failedResponses: 0,
	};
	let previous: LogEntry | undefined;
	for (const entry of api) {
		if (entry.api === 'intercom') figures.intercomCalls++;
		else figures.kommoCalls++;
		if (entry.fault)
			figures.faultsByKind[entry.fault] = (figures.faultsByKind[entry.fault] ?? 0) + 1;
		if (failed(entry)) figures.failedResponses++;
		if (
			previous &&
			!starts.has(entry.seq) &&
			failed(previous) &&
			previous.method === entry.method &&
			previous.path === entry.path
		) {
			figures.retriesInLog++;
		}
		previous = entry;
	}
	return figures;
}

/** Figures of a fault run, for reading after it: test/faults/.out/<file>. */
export function writeFigures(file: string, figures: unknown) {
	const dir = join(__dirname, '..', 'faults', '.out');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, file), `${JSON.stringify(figures, null, 2)}\n`);
}

export async function startFaultSandbox(): Promise<Sandbox> {
	const sandbox = await startSandbox({
		seed: 'empty',
		// the throttle in the nodes spaces Kommo calls on a virtual clock; the sandbox's real-time
		// 7 req/s window would see them all at once. Rate-limit answers come from the fault mix.
		kommoRateLimit: false,
		logLimit: 200_000,
	});
	return sandbox;
}

export interface FaultSuite {
	sandbox: Sandbox;
	runner: ForwardRunner;
	time: VirtualTime;
}

/**
 * The preamble of a fault suite: before its tests a sandbox with no seed, virtual time, and a runner
 * for the forward template (listening as n8n's webhook endpoint unless `listen` is false); after
 * them, all of it stopped and the real clock back. The fields are set once `beforeAll` has run.
 */
export function setUpFaultSuite(options: { listen?: boolean } = {}): FaultSuite {
	const suite = {} as FaultSuite;
	beforeAll(async () => {
		suite.sandbox = await startFaultSandbox();
		suite.time = installVirtualTime();
		suite.runner = new ForwardRunner(suite.sandbox);
		if (options.listen !== false) await suite.runner.listen();
	});
	afterAll(async () => {
		suite.time?.restore();
		await suite.runner?.close();
		await suite.sandbox?.close();
	});
	return suite;
}
