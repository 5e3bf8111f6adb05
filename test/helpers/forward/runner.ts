/**
 * Runs the forward template (`workflows/intercom-chat-to-kommo-deal.json`) against the sandbox over
 * real HTTP on 127.0.0.1, the way n8n would: the sandbox sends a signed Intercom notification to a
 * local "n8n webhook endpoint", which hands the raw request to the real Intercom Trigger through
 * n8n-core's WebhookContext; the items it emits start an execution through n8n-core's
 * WorkflowExecute. A failed execution is re-run with the same trigger item, as a user does with
 * "Retry" in the executions list.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { IntercomKommoIntercomApi } from '../../../credentials/IntercomKommoIntercomApi.credentials';
import { IntercomKommoKommoApi } from '../../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { CustomerLock } from '../../../nodes/CustomerLock/CustomerLock.node';
import { Intercom } from '../../../nodes/Intercom/Intercom.node';
import { IntercomCatchUpTrigger } from '../../../nodes/IntercomCatchUpTrigger/IntercomCatchUpTrigger.node';
import { IntercomTrigger } from '../../../nodes/IntercomTrigger/IntercomTrigger.node';
import { Kommo } from '../../../nodes/Kommo/Kommo.node';
import { KommoTrigger } from '../../../nodes/KommoTrigger/KommoTrigger.node';
import { IntercomTranscript } from '../../../nodes/Transcript/IntercomTranscript.node';
import type { Sandbox } from '../../../sandbox';
import { registerBaseNodeDoubles } from '../baseNodeDoubles';
import {
	createWorkflowFromNodes,
	deliverWebhook,
	registerCredentials,
	registerNodes,
	runPoll,
	runWorkflow,
} from '../n8n';
import type { RunResult, WebhookResponse } from '../n8n';
import { sandboxCredentials } from '../../sandbox/helpers';
import { CATCH_UP, importedNodes, loadForwardTemplate, TRIGGER } from './template';

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
