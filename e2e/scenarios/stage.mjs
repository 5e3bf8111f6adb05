// Scenario 6, the stage template: a deal moved to a stage with a Stage → Intercom Tag row tags the
// conversation the deal came from (the template's own Won row, and a Qualified row added and
// published again as a user does in the editor); a stage without a row starts nothing.
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';

import {
	addStageTagRows,
	kommoApi,
	productionUrl,
	registerKommoWebhook,
	waitForWebhook,
} from '../../n8n-driver/templates.mjs';

const require = createRequire(import.meta.url);
const { IDS } = require('../../sandbox/seed.js');

export const QUALIFIED_TAG = 'Kommo: Qualified';
export const WON_TAG = 'Kommo: Won';

/** @typedef {import('./scenarios.mjs').ScenarioContext} ScenarioContext */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */

/** @param {ScenarioContext} context */
export function createStageScenarios({
	check,
	save,
	quietMs,
	toPublicUrl,
	settle,
	sandboxState,
	conversationTagNames,
	executionFailures,
}) {
	/**
	 * 6 on Jane's lead (from the chat scenarios) and Mary Jane's open deal.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} stage
	 * @param {{ janeLeadId: number }} chatResult
	 */
	async function stageScenarios(n8n, sandbox, stage, { janeLeadId }) {
		await registerKommoWebhook(sandbox, stage.url);
		let executions = 0;

		// 6. Jane's lead → Won: the template's own row tags the conversation the lead came from.
		await kommoApi(sandbox, 'PATCH', `/api/v4/leads/${janeLeadId}`, {
			status_id: IDS.kommo.status.won,
		});
		await sandbox.flushWebhooks();
		executions += 1;
		let list = await settle(n8n, stage.id, executions);
		let state = await sandboxState(sandbox);
		const delivery = state.deliveries.at(-1);
		save('state-6.json', state);
		check(
			'6. lead PATCH fired the form-encoded status_lead webhook; n8n answered 200',
			delivery?.status === 200 ||
				/** @type {{ status?: number } | undefined} */ (delivery?.response)?.status === 200,
			JSON.stringify(delivery ?? null).slice(0, 300),
		);
		const tags1001 = conversationTagNames(state, IDS.intercom.conversation);
		check(
			`6. Won → tag "${WON_TAG}" on conversation 1001 (the lead's chat)`,
			tags1001.includes(WON_TAG),
			`1001 tags: ${tags1001.join(', ')}; ${list.length} execution(s)`,
		);

		// Mary Jane's open deal → Qualified: the row a user adds in the editor (saved and published
		// again while the workflow is live); tags conversation 1003.
		await addStageTagRows(n8n, stage, [
			{ stageId: IDS.kommo.status.qualified, tag: QUALIFIED_TAG },
		]);
		const republished = await productionUrl(n8n, stage);
		check(
			'6. after the Qualified row is saved and published, the Production URL is unchanged',
			toPublicUrl(republished.url) === stage.url,
			`${toPublicUrl(republished.url)} vs ${stage.url}`,
		);
		await waitForWebhook(stage.url);
		await kommoApi(sandbox, 'PATCH', `/api/v4/leads/${IDS.kommo.openLead}`, {
			status_id: IDS.kommo.status.qualified,
		});
		await sandbox.flushWebhooks();
		executions += 1;
		list = await settle(n8n, stage.id, executions);
		state = await sandboxState(sandbox);
		const tags1003 = conversationTagNames(state, '1003');
		const tags1001After = conversationTagNames(state, IDS.intercom.conversation);
		check(
			`6. Qualified → tag "${QUALIFIED_TAG}" on conversation 1003 only`,
			tags1003.includes(QUALIFIED_TAG) && !tags1001After.includes(QUALIFIED_TAG),
			`1003 tags: ${tags1003.join(', ')}; 1001 tags: ${tags1001After.join(', ')}`,
		);

		// A stage without a row starts nothing.
		await kommoApi(sandbox, 'PATCH', `/api/v4/leads/${IDS.kommo.openLead}`, {
			status_id: IDS.kommo.status.proposal,
		});
		await sandbox.flushWebhooks();
		await delay(quietMs);
		list = await n8n.executions(stage.id);
		check(
			'6. a stage without a Stage → Intercom Tag row starts no execution',
			list.length === executions,
			`${list.length} execution(s), expected ${executions}`,
		);

		const failures = await executionFailures(n8n, list);
		check(
			`stage workflow: all ${list.length} executions succeeded`,
			failures.length === 0,
			failures.join(' | '),
		);
	}

	return { stageScenarios };
}
