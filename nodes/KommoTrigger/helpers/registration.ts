import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IHookFunctions, JsonObject } from 'n8n-workflow';

import {
	fetchAccount,
	getAccountIdentity,
	listWebhooks,
	registerWebhook,
	unregisterWebhook,
} from './api';
import { storeActivatedAccount } from './accountCache';
import { readHttpFailure } from '../../shared/httpFailure';

export type RegistrationMode = 'automatic' | 'manual';

/** Static-data keys of the node's own registration bookkeeping. */
const REGISTERED = 'registeredDestination';
const REGISTERED_SETTINGS = 'registeredSettings';
const REPLACE = 'replaceDestination';

export function getRegistrationMode(this: IHookFunctions): RegistrationMode {
	return this.getNodeParameter('registration', 'automatic') === 'manual' ? 'manual' : 'automatic';
}

export function getSelectedEvents(this: IHookFunctions): string[] {
	const events = this.getNodeParameter('events', []) as string[];
	return Array.from(new Set(events)).sort();
}

function getDestination(this: IHookFunctions): string {
	const destination = this.getNodeWebhookUrl('default');
	if (!destination) {
		throw new NodeOperationError(this.getNode(), 'n8n did not provide a webhook URL for this node');
	}
	return destination;
}

function sameSettings(existing: string[], wanted: string[]): boolean {
	const sorted = Array.from(new Set(existing)).sort();
	return (
		sorted.length === wanted.length && sorted.every((setting, index) => setting === wanted[index])
	);
}

/** What activation leaves in static data once Kommo holds this registration. */
function recordRegistration(
	staticData: IDataObject,
	destination: string,
	settings: string[],
): void {
	staticData[REGISTERED] = destination;
	staticData[REGISTERED_SETTINGS] = settings;
}

function clearRegistration(staticData: IDataObject): void {
	delete staticData[REGISTERED];
	delete staticData[REGISTERED_SETTINGS];
	delete staticData[REPLACE];
}

/**
 * Kommo answers 402/403 when the plan has no webhook API or the token is not an admin's. The
 * transport's own wording (which also covers an IP block) is kept in the description.
 */
function registrationError(this: IHookFunctions, error: unknown, action: string): Error {
	const status = readHttpFailure(error).status;
	if (status === 402 || status === 403) {
		const message = `Kommo refused to ${action} the webhook (HTTP ${status}): registering webhooks through the API needs an Advanced or Enterprise plan and an administrator's token`;
		const description = [
			"Set 'Registration' to 'Manual' and add the webhook in Kommo yourself: Settings → Integrations → Webhooks, paste this node's Production URL and tick the same events. Or use a token of an account administrator on an Advanced or Enterprise plan.",
			`Kommo's answer: ${(error as Error).message}`,
		].join('\n');
		// a new error: NodeApiError hands back an existing NodeApiError unchanged
		return new NodeApiError(
			this.getNode(),
			{ message, description, httpCode: String(status) },
			{ message, description, httpCode: String(status) },
		);
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(this.getNode(), error as JsonObject, {
		message: `Could not ${action} the Kommo webhook`,
	});
}

/**
 * Automatic mode: is this node's URL registered with exactly the selected events? A registration
 * Kommo has switched off after failed deliveries (`disabled`), or one with other events, counts as
 * missing and is replaced by `create`. Manual mode asks Kommo nothing.
 */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	if (getRegistrationMode.call(this) === 'manual') return false;

	const destination = getDestination.call(this);
	const wanted = getSelectedEvents.call(this);
	let webhooks;
	try {
		webhooks = await listWebhooks.call(this, destination);
	} catch (error) {
		throw registrationError.call(this, error, 'look up');
	}
	const existing = webhooks.find((webhook) => webhook.destination === destination);
	if (!existing) {
		clearRegistration(staticData);
		return false;
	}
	if (existing.disabled || !sameSettings(existing.settings, wanted)) {
		staticData[REPLACE] = destination;
		return false;
	}
	recordRegistration(staticData, destination, wanted);
	return true;
}

/**
 * Automatic mode: reads the account once (the webhook compares `account[id]` with it, so no
 * delivery has to wait for this request) and subscribes the node's URL. Whether re-posting an
 * existing destination replaces its events is undocumented, so a stale registration is deleted first.
 */
export async function create(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	if (getRegistrationMode.call(this) === 'manual') {
		clearRegistration(staticData);
		return true;
	}

	const destination = getDestination.call(this);
	const settings = getSelectedEvents.call(this);
	if (settings.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Select at least one event to listen to');
	}
	if (/^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//i.test(destination)) {
		throw new NodeOperationError(this.getNode(), 'Kommo cannot reach a webhook on "localhost"', {
			description:
				'Run n8n on a public address (set WEBHOOK_URL) or use a tunnel, then activate the workflow again.',
		});
	}

	const identity = await getAccountIdentity.call(this);
	storeActivatedAccount(staticData, identity.baseUrl, await fetchAccount.call(this));

	try {
		if (staticData[REPLACE] === destination) {
			await unregisterWebhook.call(this, destination);
		}
		await registerWebhook.call(this, destination, settings);
	} catch (error) {
		throw registrationError.call(this, error, 'register');
	}
	delete staticData[REPLACE];
	recordRegistration(staticData, destination, settings);
	return true;
}

/** Automatic mode: unsubscribes by destination. A registration already gone is not an error. */
export async function remove(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	if (getRegistrationMode.call(this) === 'manual') {
		clearRegistration(staticData);
		return true;
	}

	const destination = getDestination.call(this);
	try {
		await unregisterWebhook.call(this, destination);
	} catch (error) {
		if (readHttpFailure(error).status !== 404) throw registrationError.call(this, error, 'remove');
		// the URL carries the webhook's secret path, so it stays out of the log
		this.logger.warn('Kommo Trigger: the webhook was already removed in Kommo');
	}
	clearRegistration(staticData);
	return true;
}
