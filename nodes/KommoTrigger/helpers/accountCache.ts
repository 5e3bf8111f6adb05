import type { IDataObject } from 'n8n-workflow';

import { normalizeSubdomain } from './events';
import type { PayloadAccount } from './events';
import { readKommoId } from '../../shared/kommo/ids';
import { isObject } from '../../shared/values';

import { inProcessMemory } from '../../shared/processMemory';

/**
 * What the trigger remembers about the Kommo account. Both entries are keyed by the account URL so
 * that switching the credential to another account never reuses them.
 */
export interface CachedAccount {
	baseUrl: string;
	id: number;
	subdomain: string;
}

export interface CachedPipelines {
	baseUrl: string;
	fetchedAt: number;
	pipelines: Array<{ id: number; name: string; statuses: Array<{ id: number; name: string }> }>;
}

/** Stage names change rarely; ten minutes keeps a burst of webhooks to one pipelines request. */
export const PIPELINE_CACHE_TTL_MS = 10 * 60 * 1000;
/** A stage id missing from a cache at least this old is worth one refetch (a stage added since). */
export const PIPELINE_CACHE_MIN_REFRESH_MS = 60 * 1000;

/** Where activation (`webhookMethods.create`, on n8n's main process) keeps the account it read. */
const ACTIVATED_ACCOUNT_KEY = 'kommoAccount';

/**
 * What `webhook()` learns stays in this process, never in static data: in queue mode a static-data
 * change in `webhook()` costs a database write before Kommo gets its answer, and the workers that
 * run the execution save their own copy of the column over it anyway.
 */
const learnedAccounts = inProcessMemory(new Map<string, CachedAccount>());
const pipelineNames = inProcessMemory(new Map<string, CachedPipelines>());

function asCachedAccount(value: unknown, baseUrl: string): CachedAccount | undefined {
	if (!isObject(value) || value.baseUrl !== baseUrl) return undefined;
	if (typeof value.id !== 'number' || typeof value.subdomain !== 'string') return undefined;
	return value as unknown as CachedAccount;
}

/** The account learned by this process, else the one activation stored (static data is only read). */
export function readCachedAccount(
	staticData: IDataObject,
	baseUrl: string,
): CachedAccount | undefined {
	return (
		learnedAccounts.get(baseUrl) ?? asCachedAccount(staticData[ACTIVATED_ACCOUNT_KEY], baseUrl)
	);
}

/** From `GET /api/v4/account` (its `id` and `subdomain`); kept in this process. */
export function storeAccount(baseUrl: string, response: unknown): CachedAccount {
	const body = isObject(response) ? response : {};
	const id = readKommoId(body.id);
	const subdomain = normalizeSubdomain(body.subdomain);
	if (id === null || subdomain === null) {
		throw new Error('Kommo answered GET /api/v4/account without an account id and subdomain');
	}
	const account: CachedAccount = { baseUrl, id, subdomain };
	learnedAccounts.set(baseUrl, account);
	return account;
}

/**
 * Activation's copy: also in static data, so that the webhook processes and workers of a queue-mode
 * n8n, which never ran activation, read the account without a request.
 */
export function storeActivatedAccount(
	staticData: IDataObject,
	baseUrl: string,
	response: unknown,
): CachedAccount {
	const account = storeAccount(baseUrl, response);
	staticData[ACTIVATED_ACCOUNT_KEY] = { ...account };
	return account;
}

export interface ExpectedAccount {
	id: number | null;
	subdomain: string | null;
}

export type AccountVerdict = 'match' | 'mismatch' | 'needAccount';

/**
 * Compares the payload's `account[…]` with the credential's account. Whatever the payload names
 * must match; `needAccount` means a value is there that we cannot check without the account's id
 * (or subdomain, for a custom base URL) — the caller fetches it once and asks again.
 */
export function compareAccount(payload: PayloadAccount, expected: ExpectedAccount): AccountVerdict {
	if (payload.subdomain !== null) {
		if (expected.subdomain === null) return 'needAccount';
		if (payload.subdomain !== expected.subdomain) return 'mismatch';
	}
	if (payload.id !== null) {
		if (expected.id === null) return 'needAccount';
		if (payload.id !== expected.id) return 'mismatch';
	}
	return 'match';
}

export function readCachedPipelines(baseUrl: string): CachedPipelines | undefined {
	return pipelineNames.get(baseUrl);
}

/**
 * Whether the cached names can be used as they are: younger than the TTL, and not missing an id the
 * events mention unless it was fetched moments ago (then the id is simply unknown to Kommo's list).
 */
export function isPipelineCacheUsable(
	cache: CachedPipelines | undefined,
	references: Array<{ pipelineId: number | null; statusId: number | null }>,
	now: number,
): boolean {
	if (!cache) return false;
	const age = now - cache.fetchedAt;
	if (age < 0 || age > PIPELINE_CACHE_TTL_MS) return false;
	return age < PIPELINE_CACHE_MIN_REFRESH_MS || !cacheLacks(cache, references);
}

/**
 * Keeps ids and names only, from `GET /api/v4/leads/pipelines` (each pipeline with its stages under
 * `_embedded.statuses`); in this process.
 */
export function storePipelines(
	baseUrl: string,
	pipelines: unknown[],
	now: number,
): CachedPipelines {
	const named = (value: unknown) =>
		isObject(value) && typeof value.name === 'string' && readKommoId(value.id) !== null;
	const cache: CachedPipelines = {
		baseUrl,
		fetchedAt: now,
		pipelines: pipelines.filter(named).map((pipeline) => {
			const statuses = ((pipeline as IDataObject)._embedded as IDataObject | undefined)?.statuses;
			return {
				id: Number((pipeline as IDataObject).id),
				name: (pipeline as IDataObject).name as string,
				statuses: (Array.isArray(statuses) ? statuses : [])
					.filter(named)
					.map((status) => ({ id: Number(status.id), name: status.name as string })),
			};
		}),
	};
	pipelineNames.set(baseUrl, cache);
	return cache;
}

export interface ResolvedNames {
	pipelineName: string | null;
	statusName: string | null;
	oldStatusName: string | null;
}

/** Stage ids 142/143 exist in every pipeline, so a stage is always looked up inside its pipeline. */
export function resolveNames(
	cache: CachedPipelines | undefined,
	pipelineId: number | null,
	statusId: number | null,
	oldPipelineId: number | null,
	oldStatusId: number | null,
): ResolvedNames {
	const pipelineOf = (id: number | null) =>
		id === null ? undefined : cache?.pipelines.find((pipeline) => pipeline.id === id);
	const statusName = (inPipeline: number | null, id: number | null) =>
		id === null
			? null
			: (pipelineOf(inPipeline)?.statuses.find((status) => status.id === id)?.name ?? null);
	return {
		pipelineName: pipelineOf(pipelineId)?.name ?? null,
		statusName: statusName(pipelineId, statusId),
		oldStatusName: statusName(oldPipelineId ?? pipelineId, oldStatusId),
	};
}

/** True when an id the events mention is missing from the cache (a pipeline or stage added since). */
export function cacheLacks(
	cache: CachedPipelines,
	references: Array<{ pipelineId: number | null; statusId: number | null }>,
): boolean {
	return references.some(({ pipelineId, statusId }) => {
		if (pipelineId === null) return false;
		const pipeline = cache.pipelines.find((entry) => entry.id === pipelineId);
		if (!pipeline) return true;
		return statusId !== null && !pipeline.statuses.some((status) => status.id === statusId);
	});
}
