import type { IDataObject } from 'n8n-workflow';

import { IntercomKommoKommoApi } from '../../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { KommoTrigger } from '../../../nodes/KommoTrigger/KommoTrigger.node';
import {
	createWorkflow,
	deliverWebhook,
	Passthrough,
	registerCredentials,
	registerNodes,
} from '../../helpers/n8n';
import { kommoAccountApi, setUpKommoNock } from '../../helpers/kommoNock';
import type { KommoNockKit } from '../../helpers/kommoNock';

export const KOMMO = 'https://devteam.kommo.com';
export const TOKEN = 'kommo-test-token';
export const DESTINATION = 'https://n8n.example.com/webhook/4f1c2b9e-kommo/webhook';

export const CREDENTIALS = {
	intercomKommoKommoApi: {
		subdomain: 'devteam',
		domain: 'kommo.com',
		baseUrl: '',
		accessToken: TOKEN,
		maxRequestsPerSecond: 7,
	},
};

export const FORM_HEADERS = {
	'content-type': 'application/x-www-form-urlencoded',
	'user-agent': 'amoCRM-WebHook-client/1.0',
};

registerNodes(KommoTrigger, Passthrough);
registerCredentials(IntercomKommoKommoApi, IntercomKommoKommoOAuth2Api);

export function triggerWorkflow(parameters: IDataObject = {}, staticData: IDataObject = {}) {
	return createWorkflow({
		nodes: [
			{
				name: 'Kommo Trigger',
				type: 'kommoTrigger',
				parameters: { events: ['status_lead'], ...parameters },
				credentials: { intercomKommoKommoApi: 'kommo' },
			},
		],
		staticData,
	});
}

export function triggerStaticData(workflow: ReturnType<typeof createWorkflow>): IDataObject {
	return workflow.getStaticData('node', workflow.getNode('Kommo Trigger')!);
}

export async function deliver(
	workflow: ReturnType<typeof createWorkflow>,
	body: string,
	headers: Record<string, string> = FORM_HEADERS,
) {
	return await deliverWebhook({
		workflow,
		nodeName: 'Kommo Trigger',
		headers,
		body,
		credentials: CREDENTIALS,
	});
}

/** The test account's Kommo API, answering only requests with the test token. */
export function kommoApi() {
	return kommoAccountApi(KOMMO, TOKEN);
}

/** The lines around a Kommo Trigger test file (the shared Kommo nock kit). */
export function setUpTriggerTests(options: { failOnUnmatched?: boolean } = {}): KommoNockKit {
	return setUpKommoNock(options);
}
