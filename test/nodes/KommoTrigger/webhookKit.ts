/** What the Kommo Trigger's webhook tests share: the captured batch, the account, warm caches. */
import { now } from '../../../nodes/shared/clock';
import { storePipelines } from '../../../nodes/KommoTrigger/helpers/accountCache';
import { loadJson, loadPairs } from './kommoForm';
import { KOMMO } from './setup';

export const ALL_EVENTS = ['status_lead', 'add_lead', 'update_lead', 'note_lead'];
export const BATCH = () => loadPairs('batch-status-update-note.pairs.json');
export const PIPELINES = loadJson('pipelines.json');
export const ACCOUNT = loadJson('account.json');

/** The account as activation (`webhookMethods.create`) stores it in the node's static data. */
export function activatedAccount() {
	return {
		'node:Kommo Trigger': {
			kommoAccount: { baseUrl: KOMMO, id: 31361463, subdomain: 'devteam' },
		},
	};
}

type NamedPipeline = { id: number; name: string; statuses: Array<{ id: number; name: string }> };

const KNOWN_PIPELINES: NamedPipeline[] = [
	{
		id: 6950551,
		name: 'Pipeline',
		statuses: [
			{ id: 58141803, name: 'Incoming leads' },
			{ id: 58141807, name: 'Qualified' },
			{ id: 58141811, name: 'Proposal sent' },
			{ id: 142, name: 'Closed - won' },
		],
	},
	{
		id: 7012345,
		name: 'Partners',
		statuses: [
			{ id: 59000002, name: 'Negotiation' },
			{ id: 142, name: 'Partner signed' },
		],
	},
];

/**
 * What an earlier delivery left behind: the names in this process's memory (as fetched `fetchedAt`,
 * after `edit`), and the account activation stored; returns the static data.
 */
export function warmCaches(
	options: { fetchedAt?: number; edit?: (pipelines: NamedPipeline[]) => void } = {},
) {
	const pipelines = structuredClone(KNOWN_PIPELINES);
	options.edit?.(pipelines);
	storePipelines(
		KOMMO,
		pipelines.map(({ statuses, ...pipeline }) => ({ ...pipeline, _embedded: { statuses } })),
		options.fetchedAt ?? now(),
	);
	return activatedAccount();
}
