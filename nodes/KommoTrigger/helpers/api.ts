import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import {
	getKommoAuthentication,
	kommoApiRequest,
	kommoCredentialType,
} from '../../shared/kommo/transport';
import { isObject } from '../../shared/values';
import { kommoAccountOf } from '../../shared/kommo/account';
import type { KommoContext } from '../../shared/kommo/transport';

/**
 * The Kommo calls the trigger makes, all through the Kommo transport the Kommo node uses too
 * (nodes/shared/kommo/transport.ts: rate limit, retries, error wording).
 */

export interface KommoWebhook {
	destination: string;
	settings: string[];
	disabled: boolean;
}

export interface AccountIdentity {
	baseUrl: string;
	/** known without a request unless the credential uses a custom base URL */
	subdomain: string | null;
}

export async function getAccountIdentity(this: KommoContext): Promise<AccountIdentity> {
	const credentials: ICredentialDataDecryptedObject = await this.getCredentials(
		kommoCredentialType(getKommoAuthentication.call(this)),
	);
	const { baseUrl, subdomain } = kommoAccountOf(credentials);
	return { baseUrl, subdomain };
}

export async function fetchAccount(this: KommoContext): Promise<unknown> {
	return await kommoApiRequest.call(this, 'GET', '/api/v4/account');
}

export async function fetchPipelines(this: KommoContext): Promise<unknown[]> {
	const response = (await kommoApiRequest.call(this, 'GET', '/api/v4/leads/pipelines')) as unknown;
	const embedded = isObject(response) ? response._embedded : undefined;
	const pipelines = isObject(embedded) ? embedded.pipelines : undefined;
	return Array.isArray(pipelines) ? pipelines : [];
}

export async function fetchLead(this: KommoContext, leadId: number): Promise<IDataObject> {
	return (await kommoApiRequest.call(this, 'GET', `/api/v4/leads/${leadId}`, undefined, {
		with: 'contacts',
	})) as IDataObject;
}

/**
 * `GET /api/v4/webhooks?filter[destination]=…`; an empty list comes back as 204 with no body, like
 * Kommo's other lists.
 */
export async function listWebhooks(
	this: KommoContext,
	destination: string,
): Promise<KommoWebhook[]> {
	const response = (await kommoApiRequest.call(this, 'GET', '/api/v4/webhooks', undefined, {
		'filter[destination]': destination,
	})) as unknown;
	const embedded = isObject(response) ? response._embedded : undefined;
	const webhooks = isObject(embedded) ? embedded.webhooks : undefined;
	if (!Array.isArray(webhooks)) return [];
	return webhooks.filter(isObject).map((webhook) => ({
		destination: String(webhook.destination ?? ''),
		settings: Array.isArray(webhook.settings) ? webhook.settings.map(String) : [],
		disabled: webhook.disabled === true,
	}));
}

export async function registerWebhook(
	this: KommoContext,
	destination: string,
	settings: string[],
): Promise<void> {
	await kommoApiRequest.call(this, 'POST', '/api/v4/webhooks', { destination, settings });
}

/** Kommo unsubscribes by destination, not by id: a DELETE with the JSON body `{ destination }`. */
export async function unregisterWebhook(this: KommoContext, destination: string): Promise<void> {
	await kommoApiRequest.call(this, 'DELETE', '/api/v4/webhooks', { destination });
}
