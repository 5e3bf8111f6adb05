import type { IDataObject } from 'n8n-workflow';

import {
	compareAccount,
	isPipelineCacheUsable,
	PIPELINE_CACHE_TTL_MS,
	readCachedAccount,
	readCachedPipelines,
	resolveNames,
	storeAccount,
	storeActivatedAccount,
	storePipelines,
} from '../../../../nodes/KommoTrigger/helpers/accountCache';
import { loadJson } from '../kommoForm';
import { forgetProcessMemory } from '../../../../nodes/shared/processMemory';

afterEach(() => forgetProcessMemory());

describe('account and name caches', () => {
	const BASE = 'https://devteam.kommo.com';

	test('compareAccount: whatever the payload names must match; unknown expectations ask for the account', () => {
		const expected = { id: 31361463, subdomain: 'devteam' };
		expect(compareAccount({ id: 31361463, subdomain: 'devteam' }, expected)).toBe('match');
		expect(compareAccount({ id: null, subdomain: 'devteam' }, expected)).toBe('match');
		expect(compareAccount({ id: 1, subdomain: 'devteam' }, expected)).toBe('mismatch');
		expect(compareAccount({ id: 31361463, subdomain: 'rival' }, expected)).toBe('mismatch');
		expect(
			compareAccount({ id: 31361463, subdomain: 'devteam' }, { id: null, subdomain: 'devteam' }),
		).toBe('needAccount');
		expect(compareAccount({ id: null, subdomain: 'devteam' }, { id: null, subdomain: null })).toBe(
			'needAccount',
		);
		expect(
			compareAccount({ id: null, subdomain: 'rival' }, { id: null, subdomain: 'devteam' }),
		).toBe('mismatch');
	});

	test('the account cache belongs to one account URL and needs an id and subdomain', () => {
		storeAccount(BASE, loadJson('account.json'));
		expect(readCachedAccount({}, BASE)).toEqual({
			baseUrl: BASE,
			id: 31361463,
			subdomain: 'devteam',
		});
		expect(readCachedAccount({}, 'https://other.kommo.com')).toBeUndefined();
		expect(() => storeAccount(BASE, { name: 'x' })).toThrow(/without an account id/);
	});

	test('the account activation stored is read from static data by a process that never ran it', () => {
		const staticData: IDataObject = {};
		storeActivatedAccount(staticData, BASE, loadJson('account.json'));
		forgetProcessMemory();
		expect(readCachedAccount(staticData, BASE)).toEqual({
			baseUrl: BASE,
			id: 31361463,
			subdomain: 'devteam',
		});
		expect(readCachedAccount(staticData, 'https://other.kommo.com')).toBeUndefined();
	});

	test('names are looked up per pipeline; unknown ids give null', () => {
		const response = loadJson<{ _embedded: { pipelines: unknown[] } }>('pipelines.json');
		const cache = storePipelines(BASE, response._embedded.pipelines, 1000);
		expect(readCachedPipelines(BASE)).toBe(cache);
		expect(readCachedPipelines('https://other.kommo.com')).toBeUndefined();
		expect(resolveNames(cache, 7012345, 142, 6950551, 58141811)).toEqual({
			pipelineName: 'Partners',
			statusName: 'Partner signed',
			oldStatusName: 'Proposal sent',
		});
		expect(resolveNames(cache, 6950551, 142, null, 58141811)).toEqual({
			pipelineName: 'Pipeline',
			statusName: 'Closed - won',
			oldStatusName: 'Proposal sent',
		});
		expect(resolveNames(cache, 2116, 10216994, null, 10216995)).toEqual({
			pipelineName: null,
			statusName: null,
			oldStatusName: null,
		});
		expect(resolveNames(undefined, 6950551, 142, null, null).pipelineName).toBeNull();
	});

	test('the name cache is used for ten minutes, and refreshed early only for an id it lacks', () => {
		const response = loadJson<{ _embedded: { pipelines: unknown[] } }>('pipelines.json');
		const cache = storePipelines(BASE, response._embedded.pipelines, 0);
		const known = [{ pipelineId: 6950551, statusId: 58141811 }];
		const unknownStage = [{ pipelineId: 6950551, statusId: 99 }];
		expect(isPipelineCacheUsable(undefined, known, 0)).toBe(false);
		expect(isPipelineCacheUsable(cache, known, PIPELINE_CACHE_TTL_MS)).toBe(true);
		expect(isPipelineCacheUsable(cache, known, PIPELINE_CACHE_TTL_MS + 1)).toBe(false);
		expect(isPipelineCacheUsable(cache, unknownStage, 30_000)).toBe(true);
		expect(isPipelineCacheUsable(cache, unknownStage, 61_000)).toBe(false);
		expect(isPipelineCacheUsable(cache, [{ pipelineId: 1, statusId: null }], 61_000)).toBe(false);
		expect(isPipelineCacheUsable(cache, [{ pipelineId: null, statusId: 5 }], 61_000)).toBe(true);
		expect(isPipelineCacheUsable(cache, known, -1)).toBe(false);
	});
});
