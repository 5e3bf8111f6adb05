// What the shared scenarios 9 and 10 (e2e/scenarios/betweenMessages.mjs) do on the cluster:
// every n8n process restarted, and the static data wiped in PostgreSQL.
import { waitForWebhook } from '../../n8n-driver/templates.mjs';

/** @typedef {import('./observe.mjs').ClusterSuite} ClusterSuite */
/** @typedef {import('../../n8n-driver/templates.mjs').LiveWorkflow} LiveWorkflow */

/**
 * 9. Every n8n process of the cluster stopped (SIGTERM, as systemd or `docker compose restart`
 * stops them) and started again: main, both webhook processes, both workers. PostgreSQL, Redis and
 * nginx stay up, as they do when only n8n is restarted or upgraded. `during()` runs while every
 * process is stopped. Resolves to what was done, for the check's detail.
 * @param {ClusterSuite} suite
 * @param {LiveWorkflow} chat
 * @param {LiveWorkflow} stage
 * @param {() => Promise<void>} [during]
 * @returns {Promise<string>}
 */
export async function restartEveryN8nProcess(suite, chat, stage, during = async () => {}) {
	const { owner, figure } = suite;
	const started = Date.now();
	const { main, webhookProcesses, workerProcesses } = suite.cluster();
	for (const n8n of [...webhookProcesses, ...workerProcesses, main]) await n8n.stop();
	await during();
	const stoppedSeconds = (Date.now() - started) / 1000;
	await main.start();
	for (const n8n of [...webhookProcesses, ...workerProcesses]) await n8n.start();
	await main.signIn(owner);
	for (const workflow of [chat, stage]) {
		// through nginx: once per webhook process
		for (let i = 0; i < webhookProcesses.length * 2; i++) await waitForWebhook(workflow.url);
	}
	const seconds = (Date.now() - started) / 1000;
	figure('restartEveryN8nProcess', { stoppedSeconds, seconds });
	return `main, ${webhookProcesses.length} webhook processes and ${workerProcesses.length} workers stopped and started again (${seconds.toFixed(1)} s)`;
}

/**
 * 10. The static data wiped in PostgreSQL while the cluster runs, as an admin with psql could. The
 * webhook processes read a workflow (and its static data) from the database for every call.
 * @param {ClusterSuite} suite
 * @param {string} workflowId
 * @returns {Promise<import('../scenarios/betweenMessages.mjs').StaticDataWipe>}
 */
export async function wipeStaticDataPostgres({ sql }, workflowId) {
	const id = String(workflowId).replace(/'/g, "''");
	const before = sql(
		`select coalesce("staticData"::text, 'null') from workflow_entity where id = '${id}'`,
	).trim();
	const updated = sql(
		`with changed as (update workflow_entity set "staticData" = NULL where id = '${id}' returning 1) select count(*) from changed`,
	).trim();
	return {
		before: before === '' ? null : JSON.parse(before),
		rows: Number(updated),
		how: 'UPDATE workflow_entity SET "staticData" = NULL in PostgreSQL, cluster running',
	};
}
