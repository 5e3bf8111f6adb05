// The shapes of what n8n's internal REST API answers, as far as the tooling reads them: workflows
// and executions. JSDoc types only (nothing here runs); n8n.mjs names them for its N8n class.

/**
 * A node of a workflow as n8n stores it (the fields the tooling reads or edits).
 * @typedef {object} StoredNode
 * @property {string} name
 * @property {string} type
 * @property {number} [typeVersion]
 * @property {Record<string, any>} parameters
 * @property {Record<string, { id?: string, name?: string } | null>} [credentials]
 * @property {boolean} [disabled]
 * @property {string} [webhookId]
 */

/**
 * A workflow as n8n's REST API returns it (`GET /rest/workflows/:id`).
 * @typedef {object} StoredWorkflow
 * @property {string} id
 * @property {string} name
 * @property {boolean} active
 * @property {StoredNode[]} nodes
 * @property {Record<string, unknown>} connections
 * @property {{ errorWorkflow?: string, [setting: string]: unknown }} [settings]
 * @property {string} versionId
 * @property {unknown} [staticData] a JSON text or an object; null when never written
 */

/**
 * One row of n8n's executions list (`GET /rest/executions`). `mode`: `webhook` (a notification),
 * `trigger` (a poll), `integrated` (a chat the catch-up handed over), `error`, ….
 * @typedef {object} ExecutionSummary
 * @property {string} id
 * @property {string} status new | running | waiting | success | error | crashed | …
 * @property {string} mode
 */

/**
 * The error an execution stopped on, as n8n stores it in its run data.
 * @typedef {object} ExecutionError
 * @property {string} message
 * @property {string} [name]
 * @property {string} [description]
 * @property {{ name?: string }} [node]
 */

/**
 * One execution with its run data, decoded (`GET /rest/executions/:id`). `runData`: by node name,
 * each run's output items.
 * @typedef {ExecutionSummary & {
 *   data?: {
 *     resultData?: {
 *       error?: ExecutionError,
 *       lastNodeExecuted?: string,
 *       runData?: Record<string, any[]>,
 *     },
 *   },
 * }} Execution
 */

export {};
