/**
 * Runs our nodes through n8n's own execution machinery (n8n-core's WorkflowExecute, WebhookContext,
 * HookContext, LoadOptionsContext) so HTTP calls go through n8n's real request helpers and nock sees
 * real HTTP. Mirrors what n8n's NodeTestHarness does inside its monorepo, which is not published.
 *
 * The harness is split by concern under test/helpers/n8n/; this file gathers it, so a test imports
 * everything from `helpers/n8n`.
 */
export * from './n8n/registry';
export * from './n8n/credentials';
export * from './n8n/workflow';
export * from './n8n/execution';
export * from './n8n/continueOnFail';
export * from './n8n/contexts';
export * from './n8n/webhook';
