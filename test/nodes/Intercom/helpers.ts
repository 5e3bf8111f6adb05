import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { IntercomKommoIntercomApi } from '../../../credentials/IntercomKommoIntercomApi.credentials';
import { Intercom } from '../../../nodes/Intercom/Intercom.node';
import { registerCredentials, registerNodes, runWorkflow } from '../../helpers/n8n';
import { forgetProcessMemory } from '../../../nodes/shared/processMemory';
import { useClock } from '../../../nodes/shared/clock';

/** A webhook-style first node: WorkflowExecute passes its input straight through, like a trigger's output. */
class IntercomTestStart implements INodeType {
	description = {
		displayName: 'Start',
		name: 'intercomTestStart',
		group: ['trigger'],
		version: 1,
		defaults: { name: 'Start' },
		inputs: [],
		outputs: ['main'],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'start' }],
		properties: [],
	} as unknown as INodeTypeDescription;

	async webhook() {
		return {};
	}
}

registerNodes(Intercom, IntercomTestStart);
registerCredentials(IntercomKommoIntercomApi);

// a fake token, distinctive enough to spot if it ever leaked into an error
export const TOKEN = ['fake', 'intercom', 'token', '9f8e7d'].join('-');
export const US = 'https://api.intercom.io';
export const EU = 'https://api.eu.intercom.io';
export const AU = 'https://api.au.intercom.io';

export function fixture<T = IDataObject>(name: string): T {
	return JSON.parse(
		readFileSync(join(__dirname, '..', '..', 'fixtures', 'intercom', `${name}.json`), 'utf8'),
	) as T;
}

export function credentials(
	overrides: ICredentialDataDecryptedObject = {},
): Record<string, ICredentialDataDecryptedObject> {
	return {
		intercomKommoIntercomApi: {
			accessToken: TOKEN,
			region: 'us',
			baseUrl: '',
			clientSecret: '',
			apiVersion: '2.14',
			...overrides,
		},
	};
}

/** An Intercom host that only answers requests carrying the token and the pinned API version. */
export function intercom(base = US) {
	return nock(base, {
		reqheaders: {
			authorization: `Bearer ${TOKEN}`,
			'intercom-version': '2.14',
			accept: 'application/json',
		},
	});
}

export async function runIntercom(
	parameters: IDataObject,
	options: {
		input?: INodeExecutionData[];
		credentials?: Record<string, ICredentialDataDecryptedObject>;
		continueOnFail?: boolean;
	} = {},
) {
	const result = await runWorkflow({
		nodes: [
			{ name: 'Start', type: 'intercomTestStart' },
			{
				name: 'Intercom',
				type: 'intercom',
				parameters,
				credentials: { intercomKommoIntercomApi: 'Intercom account' },
				continueOnFail: options.continueOnFail,
			},
		],
		credentials: options.credentials ?? credentials(),
		input: options.input ?? [{ json: {} }],
	});
	return {
		...result,
		items: result.output('Intercom')[0] ?? [],
		nodeError: result.error('Intercom') as (Error & IDataObject) | undefined,
	};
}

export function byId(value: string) {
	return { __rl: true, mode: 'id', value };
}

export function byUrl(value: string) {
	return { __rl: true, mode: 'url', value };
}

/**
 * The transport's retry waits, recorded instead of slept: the package's one clock is swapped for one
 * whose time moves on by each wait at once (so a Retry-After still reads as "later").
 */
export function recordRetryWaits() {
	const waits: number[] = [];
	let skippedMs = 0;
	useClock({
		now: () => Date.now() + skippedMs,
		sleep: async (ms, reason) => {
			if (reason === 'intercom-retry') waits.push(ms);
			skippedMs += ms;
		},
	});
	return waits;
}

export function setupNock() {
	beforeAll(() => nock.disableNetConnect());
	afterEach(() => {
		nock.cleanAll();
		useClock();
		forgetProcessMemory();
	});
	afterAll(() => nock.enableNetConnect());
}
