/**
 * The Kommo node's Chat resource run through n8n's execution machinery against the sandbox over
 * real HTTP: the sandbox checks every amojo request's signature with its own verifier (a separate
 * implementation standing in for Kommo's), so a signing mistake in the node fails these tests.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { IntercomKommoKommoApi } from '../../../../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoChatApi } from '../../../../../credentials/IntercomKommoKommoChatApi.credentials';
import { Kommo } from '../../../../../nodes/Kommo/Kommo.node';
import type { Sandbox } from '../../../../../sandbox';
import { registerCredentials, registerNodes, runWorkflow } from '../../../../helpers/n8n';
import type { RunResult } from '../../../../helpers/n8n';
import { intercomCall, sandboxCredentials } from '../../../../sandbox/helpers';
import { Passthrough } from '../../kommoTestKit';

registerNodes(Passthrough, Kommo);
registerCredentials(IntercomKommoKommoApi, IntercomKommoKommoChatApi);

/** The package's credentials pointed at the sandbox, the chat channel being the sandbox's. */
export function chatCredentials(sandbox: Sandbox, channel: Partial<IDataObject> = {}) {
	const { intercomKommoKommoApi } = sandboxCredentials(sandbox);
	return {
		intercomKommoKommoApi,
		intercomKommoKommoChatApi: {
			channelId: sandbox.amojo.channelId,
			channelSecret: sandbox.amojo.secret,
			botId: sandbox.amojo.botId,
			host: 'custom',
			baseUrl: sandbox.amojoUrl,
			...channel,
		},
	};
}

export async function runChat(
	sandbox: Sandbox,
	parameters: IDataObject,
	input: INodeExecutionData[] = [{ json: {} }],
	options: { continueOnFail?: boolean; channel?: Partial<IDataObject> } = {},
): Promise<RunResult> {
	return await runWorkflow({
		nodes: [
			{ name: 'Passthrough', type: 'passthrough' },
			{
				name: 'Kommo',
				type: 'kommo',
				parameters: { resource: 'chat', ...parameters },
				credentials: {
					intercomKommoKommoApi: 'Kommo account',
					intercomKommoKommoChatApi: 'Kommo chat channel',
				},
				continueOnFail: options.continueOnFail,
			},
		],
		credentials: chatCredentials(sandbox, options.channel) as never,
		input,
	});
}

/** The conversation as Intercom › Conversation › Get reads it (same route, same rendering). */
export async function intercomConversation(sandbox: Sandbox, id: string): Promise<IDataObject> {
	const reply = await intercomCall(sandbox, 'GET', `/conversations/${id}`);
	if (reply.status !== 200) throw new Error(`GET /conversations/${id}: ${reply.status}`);
	return reply.body as IDataObject;
}

/** `sendConversation` of one conversation to its chat, linked to `contactId`. */
export async function sendConversation(
	sandbox: Sandbox,
	conversation: IDataObject,
	contactId: number,
	options: IDataObject = {},
	run: { continueOnFail?: boolean; channel?: Partial<IDataObject> } = {},
): Promise<RunResult> {
	return await runChat(
		sandbox,
		{
			operation: 'sendConversation',
			conversation: '={{ $json }}',
			contactId: { __rl: true, mode: 'id', value: String(contactId) },
			options,
		},
		[{ json: conversation }],
		run,
	);
}

/** The chat's messages as Kommo shows them, oldest first: direction and text. */
export function chatLines(sandbox: Sandbox, conversationId: string): string[] {
	const view = sandbox.amojoChat(`intercom-${conversationId}`);
	return (view?.messages ?? []).map((entry) => {
		const message = entry.message as IDataObject;
		const sender = entry.sender as IDataObject;
		const from = entry.receiver ? `out(${String(sender.name)})` : 'in';
		return `${from}: ${String(message.text)}`;
	});
}
