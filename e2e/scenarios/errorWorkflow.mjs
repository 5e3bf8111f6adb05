// Scenario 11, run last: a failing execution of the chat template runs the shipped error workflow
// (workflows/error-report.json), which writes a summary naming the workflow, the step and the
// failed execution.
import { editAndRepublish } from '../../n8n-driver/templates.mjs';

/** @typedef {import('./scenarios.mjs').ScenarioContext} ScenarioContext */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */

/** @param {ScenarioContext} context */
export function createErrorWorkflowScenarios({ check, save, settle }) {
	/**
	 * 11. A failing execution of the chat template runs the shipped error workflow: the templates name
	 * `workflows/error-report.json` in `settings.errorWorkflow`, so with both imported as shipped and the
	 * error workflow published (n8n runs no inactive error workflow), a
	 * chat whose conversation Intercom does not know (Get conversation → 404) fails, and n8n runs
	 * "Error report" with the failure: its summary names the workflow, the step and the execution.
	 * Run it last: it leaves a failed execution in the chat workflow's list.
	 * @param {N8n} n8n
	 * @param {Sandbox} sandbox
	 * @param {LiveWorkflow} chat
	 * @param {import('../../n8n-driver/templates.mjs').TemplateWorkflow} errorReport
	 */
	async function errorWorkflowScenario(n8n, sandbox, chat, errorReport) {
		// n8n 2.x runs only a published error workflow ("… is not active and cannot be executed"
		// otherwise): published as the README says, with nothing changed in it. n8n 1.x refuses to
		// activate a workflow whose only trigger is the Error Trigger, and runs it anyway.
		const activation = await editAndRepublish(n8n, errorReport.id, () => {}).then(
			() => 'published',
			(error) => {
				if (!n8n.legacyLine) throw error;
				return `not activated: ${error.message}`;
			},
		);
		const stored = await n8n.workflow(chat.id);
		check(
			'11. the chat template names the shipped error workflow (settings.errorWorkflow)',
			stored.settings?.errorWorkflow === errorReport.id,
			`settings.errorWorkflow = ${stored.settings?.errorWorkflow}; "${errorReport.name}" = ${errorReport.id}, ${activation}`,
		);
		const chatBefore = (await n8n.executions(chat.id, { mode: 'webhook' })).length;
		const reportsBefore = (await n8n.executions(errorReport.id, { mode: 'error' })).length;
		const missingConversation = '99999999901';
		const sent = await sandbox.sendIntercomWebhook({
			url: chat.url,
			topic: 'conversation.user.replied',
			// the notification's Conversation, of an id the sandbox's Intercom does not hold
			item: {
				type: 'conversation',
				id: missingConversation,
				created_at: Math.floor(Date.now() / 1000),
				updated_at: Math.floor(Date.now() / 1000),
			},
		});
		const chatRuns = await settle(n8n, chat.id, chatBefore + 1);
		const failedRun = chatRuns
			.filter((e) => e.status !== 'success')
			.sort((a, b) => Number(b.id) - Number(a.id))[0];
		check(
			'11. a chat whose conversation Intercom does not know: the chat execution fails',
			sent.status === 200 && chatRuns.length === chatBefore + 1 && Boolean(failedRun),
			`${sent.status}; ${chatRuns.length - chatBefore} new execution(s); ${failedRun ? `#${failedRun.id} ${failedRun.status}` : 'none failed'}`,
		);
		const reports = await settle(n8n, errorReport.id, reportsBefore + 1, { mode: 'error' });
		const report = reports.sort((a, b) => Number(b.id) - Number(a.id))[0];
		const execution =
			reports.length > reportsBefore
				? await n8n.execution(report.id).catch(() => undefined)
				: undefined;
		if (execution) save(`execution-${report.id}-error-report.json`, execution);
		const runData = execution?.data?.resultData?.runData ?? {};
		const summary = runData['Write failure summary']?.[0]?.data?.main?.[0]?.[0]?.json ?? {};
		const sentOn = runData['Send this to your team']?.[0]?.data?.main?.[0]?.[0]?.json ?? {};
		check(
			'11. n8n runs the error workflow: "Error report" writes the summary of that failure',
			report?.status === 'success' &&
				reports.length === reportsBefore + 1 &&
				String(summary.subject ?? '').includes(chat.name) &&
				String(summary.subject ?? '').includes('Get conversation') &&
				String(summary.summary ?? '').includes(`/executions/${failedRun?.id}`) &&
				sentOn.subject === summary.subject,
			`${reports.length - reportsBefore} run(s) of "${errorReport.name}"${report ? ` (#${report.id} ${report.status}, mode ${report.mode})` : ''}; subject: ${summary.subject ?? '-'}`,
		);
	}

	return { errorWorkflowScenario };
}
