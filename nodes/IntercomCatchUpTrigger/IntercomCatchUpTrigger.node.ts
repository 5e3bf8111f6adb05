import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { now as clockNow } from '../shared/clock';
import { asNodeError } from '../shared/errors';
import { INTERCOM_CREDENTIAL, intercomApiRequest } from '../shared/intercom/transport';
import { isObject } from '../shared/values';
import type { SweepPlan, SweepSettings, SweepStart, SweepState } from './helpers/plan';
import { planSweep } from './helpers/plan';
import { searchChangedChats } from './helpers/search';

const DAY_SECONDS = 86_400;
/** "Fetch Test Event" shows a few chats and remembers nothing (n8n does not save manual runs' state). */
const MANUAL_SAMPLE = 5;
/** n8n 1.x has no poll budget; 2.x gives 5 min (about 36 s under its durable scheduler). */
const DEFAULT_BUDGET_MS = 5 * 60_000;

/**
 * The first poll of an activation runs inside n8n's activation: if it throws, n8n retries and then
 * leaves the whole workflow inactive — the chat webhook with it. Later polls throw into a failed
 * execution and the workflow stays active. n8n builds one poll context per activation and reuses it
 * for every check, so a context not seen yet marks the activation's poll.
 */
const activatedContexts = new WeakSet<object>();

function readSettings(
	context: IPollFunctions,
	manual: boolean,
): SweepSettings & { importDays: number } {
	const options = context.getNodeParameter('options', {}) as {
		lookBackMinutes?: number;
		skipQuietChats?: boolean;
		recheckAfterMinutes?: number;
	};
	const maxChats = Math.max(1, Math.floor(context.getNodeParameter('maxChats', 20) as number));
	return {
		importDays: Math.max(0, Math.floor(context.getNodeParameter('importDays', 30) as number)),
		maxChats: manual ? Math.min(MANUAL_SAMPLE, maxChats) : maxChats,
		lookBackSeconds: Math.max(0, Math.round((options.lookBackMinutes ?? 10) * 60)),
		skipQuietChats: options.skipQuietChats ?? true,
		recheckAfterSeconds: Math.max(0, Math.round((options.recheckAfterMinutes ?? 10) * 60)),
	};
}

/** The re-checks a check left, as stored (anything else there is dropped: it only costs a re-check). */
function pendingOf(stored: unknown): SweepStart['pending'] {
	if (!isObject(stored)) return {};
	const pending: SweepStart['pending'] = {};
	for (const [id, entry] of Object.entries(stored)) {
		if (Array.isArray(entry) && typeof entry[0] === 'number' && typeof entry[1] === 'number') {
			pending[id] = [entry[0], entry[1]];
		}
	}
	return pending;
}

/** Where this check starts: the stored cursor, or the import's start when none or the setting changed. */
function startingPoint(state: SweepState, importDays: number, nowSeconds: number): SweepStart {
	if (typeof state.cursor === 'number' && state.importDays === importDays) {
		return {
			cursor: state.cursor,
			looked: isObject(state.looked) ? { ...state.looked } : {},
			pending: pendingOf(state.pending),
		};
	}
	return { cursor: nowSeconds - importDays * DAY_SECONDS, looked: {}, pending: {} };
}

async function workspaceAppId(context: IPollFunctions, state: SweepState): Promise<string | null> {
	if (typeof state.appId === 'string' && state.appId) return state.appId;
	const me = await intercomApiRequest.call(context, 'GET', '/me');
	const app = isObject(me.app) ? me.app : {};
	return typeof app.id_code === 'string' && app.id_code ? app.id_code : null;
}

function toItems(plan: SweepPlan, appId: string | null, chatsLeft: number): INodeExecutionData[] {
	const checkedUpTo = new Date(plan.state.cursor * 1000).toISOString();
	return plan.handOver.map(({ chat, reason }) => ({
		json: {
			conversationId: chat.id,
			appId,
			updatedAt: new Date(chat.updatedAt * 1000).toISOString(),
			catchUp: { reason, checkedUpTo, chatsLeft },
		},
	}));
}

export class IntercomCatchUpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Intercom Catch-up Trigger',
		name: 'intercomCatchUpTrigger',
		icon: { light: 'file:../../icons/intercom.svg', dark: 'file:../../icons/intercom.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "up to " + $parameter["maxChats"] + " chats per check" }}',
		description:
			'Every few minutes, hands over the Intercom chats that changed, so a message whose webhook was lost still reaches Kommo',
		defaults: { name: 'Intercom Catch-up Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: INTERCOM_CREDENTIAL, required: true }],
		properties: [
			{
				displayName:
					'Each check lists the chats Intercom changed since the last check and outputs one item per chat with something new for Kommo. Send them through the same steps as the webhook: what is already on the deal is not written again.',
				name: 'catchUpNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Import History (Days)',
				name: 'importDays',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 365 },
				default: 30,
				description:
					'How far back the first check starts, so chats from before the workflow was turned on reach Kommo too. 0 starts from now. Changing it later starts over from the new value (chats already in Kommo are checked, not written again).',
			},
			{
				displayName: 'Chats per Check',
				name: 'maxChats',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 500 },
				default: 20,
				description:
					'The most chats one check hands over; the rest wait for the next check. Each chat costs about 4 Kommo requests, and Kommo allows 7 per second for the whole account, webhooks included.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Look Back (Minutes)',
						name: 'lookBackMinutes',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 10,
						description:
							'Each check also searches this far before where the last one stopped, for chats Intercom lists late. Chats already looked at are not handed over again.',
					},
					{
						displayName: 'Look Again After (Minutes)',
						name: 'recheckAfterMinutes',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 10,
						description:
							"Each chat handed over is handed over once more this long after, in case its run was lost with n8n or a worker (a run that did its work costs a few Kommo reads and writes nothing). Keep it longer than a check's run takes: about 2 seconds per chat.",
					},
					{
						displayName: 'Skip Chats With No New Message',
						name: 'skipQuietChats',
						type: 'boolean',
						default: true,
						description:
							'Whether to skip, without asking Kommo, chats whose last customer reply, teammate reply and close are all older than the last look — changes such as internal notes or assignments. Turn off if the Transcript writes internal notes or system events.',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const manual = this.getMode() === 'manual';
		const activationPoll = !manual && !activatedContexts.has(this);
		activatedContexts.add(this);
		const settings = readSettings(this, manual);
		const state = this.getWorkflowStaticData('node') as SweepState;
		const nowMs = clockNow();
		const start = startingPoint(state, settings.importDays, Math.floor(nowMs / 1000));
		// a sample shows chats that changed, not the re-checks of the last run
		if (manual) start.pending = {};
		// n8n 1.x's poll context has no budget (and its types do not name it)
		const budget = (this as { getPollBudgetMs?: () => number }).getPollBudgetMs;
		const budgetMs = typeof budget === 'function' ? budget.call(this) : DEFAULT_BUDGET_MS;

		let plan: SweepPlan;
		let chatsLeft: number;
		let appId: string | null;
		try {
			const found = await searchChangedChats.call(
				this,
				start.cursor - settings.lookBackSeconds,
				(listings) =>
					planSweep(listings, start, settings, Math.floor(clockNow() / 1000)).deferred > 0,
				nowMs + budgetMs / 2,
				clockNow,
			);
			plan = planSweep(found.listings, start, settings, Math.floor(clockNow() / 1000));
			const rechecks = plan.handOver.filter((entry) => entry.reason === 'recheck').length;
			const dealt = plan.handOver.length - rechecks + plan.quiet.length + plan.alreadyLooked;
			chatsLeft = Math.max(plan.deferred, found.totalCount - dealt);
			appId = plan.handOver.length ? await workspaceAppId(this, state) : (state.appId ?? null);
		} catch (error) {
			if (activationPoll) {
				// the webhook keeps working; the next check tries again and fails visibly if it must
				this.logger.warn(
					'Intercom Catch-up Trigger: the first check failed; retrying at the next check',
					{
						error: (error as Error).message,
					},
				);
				return null;
			}
			throw asNodeError(this.getNode(), error, 0);
		}

		if (manual) {
			if (!plan.handOver.length) {
				throw new NodeOperationError(
					this.getNode(),
					`No Intercom chat with a customer message changed in the last ${settings.importDays} day(s)`,
					{
						description:
							'Start a chat in Intercom, or raise Import History (Days), and fetch again.',
					},
				);
			}
			return [toItems(plan, appId, chatsLeft)];
		}

		state.cursor = plan.state.cursor;
		state.looked = plan.state.looked;
		state.pending = plan.state.pending;
		state.importDays = settings.importDays;
		if (appId) state.appId = appId;
		return plan.handOver.length ? [toItems(plan, appId, chatsLeft)] : null;
	}
}
