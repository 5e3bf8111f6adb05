// What the scenarios look at: n8n's executions of a workflow (waited for until they settle, and
// the failed ones with their error) and the sandbox's state (a deal's notes and contacts, a
// conversation's tags), plus what n8n stores as a workflow's static data.
import { setTimeout as delay } from 'node:timers/promises';

/** @typedef {import('../support/checks.mjs').Save} Save */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../../n8n-driver/n8n.mjs').ExecutionSummary} ExecutionSummary */
/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../sandbox/index.js').SandboxState} SandboxState */
/** @typedef {import('../../sandbox/index.js').KommoNote} KommoNote */

/**
 * The sandbox's state as `GET /_sandbox/state` serves it: with every webhook delivery attempt.
 * @typedef {SandboxState & { deliveries: import('../../sandbox/index.js').Delivery[] }} StateSnapshot
 */

/**
 * Workflow static data as n8n stores it (a JSON text or an object, `null` when never written) holds
 * nothing: no value, or only empty objects (n8n keeps a `node:<name>` entry per node that asked).
 * `except`: keys that may hold something.
 * @param {unknown} stored
 * @param {{ except?: string[] }} [options]
 */
export function staticDataIsEmpty(stored, { except = [] } = {}) {
	let value = stored;
	if (typeof value === 'string') value = value.trim() === '' ? null : JSON.parse(value);
	if (value === null || value === undefined) return true;
	if (typeof value !== 'object') return false;
	return Object.entries(value).every(
		([key, entry]) =>
			except.includes(key) ||
			(entry && typeof entry === 'object' && Object.keys(entry).length === 0),
	);
}

/** @typedef {ReturnType<typeof createObservers>} Observers */

/**
 * `save`: the suite's recorder (checks.mjs); `settleTimeoutMs`: how long settle() waits for
 * executions to finish.
 * @param {{ save: Save, settleTimeoutMs: number }} options
 */
export function createObservers({ save, settleTimeoutMs }) {
	/** @param {{ status: string }} e */
	const finished = (e) => !['new', 'running', 'waiting', 'unknown'].includes(e.status);

	/**
	 * Waits until the workflow has at least `atLeast` executions, none of them running, and the count
	 * stayed the same for `stableMs`. Returns the executions (`mode`: only those started that way).
	 * @param {N8n} n8n
	 * @param {string} workflowId
	 * @param {number} atLeast
	 * @param {{ stableMs?: number, timeoutMs?: number, mode?: string }} [options]
	 * @returns {Promise<ExecutionSummary[]>}
	 */
	async function settle(
		n8n,
		workflowId,
		atLeast,
		{ stableMs = 1500, timeoutMs = settleTimeoutMs, mode = 'webhook' } = {},
	) {
		const started = Date.now();
		let stableSince = 0;
		let lastCount = -1;
		let executions = [];
		while (Date.now() - started < timeoutMs) {
			executions = await n8n.executions(workflowId, { mode });
			const done = executions.length >= atLeast && executions.every(finished);
			if (done && executions.length === lastCount) {
				if (Date.now() - stableSince >= stableMs) return executions;
			} else {
				stableSince = Date.now();
			}
			lastCount = done ? executions.length : -1;
			await delay(400);
		}
		return executions;
	}

	/**
	 * The sandbox's whole state as its HTTP API serves it (a snapshot, unlike `sandbox.state`).
	 * @param {Sandbox} sandbox
	 * @returns {Promise<StateSnapshot>}
	 */
	async function sandboxState(sandbox) {
		const response = await fetch(`${sandbox.url}/_sandbox/state`);
		return /** @type {StateSnapshot} */ (await response.json());
	}

	/**
	 * The notes of a Kommo lead, oldest first.
	 * @param {SandboxState} state
	 * @param {number | string} leadId
	 */
	function notesOf(state, leadId) {
		return state.kommo.notes
			.filter((note) => note.entity_type === 'leads' && Number(note.entity_id) === Number(leadId))
			.sort((a, b) => a.id - b.id);
	}

	/**
	 * The idempotency marker at the end of a note (`#intercom-kommo key=…`).
	 * @param {KommoNote} note
	 */
	function noteKey(note) {
		return /#intercom-kommo key=(\S+)\s*$/.exec(note.params?.text ?? '')?.[1];
	}

	/**
	 * The ids of the contacts linked to a lead.
	 * @param {SandboxState} state
	 * @param {number | string} leadId
	 */
	function leadContacts(state, leadId) {
		return state.kommo.links
			.filter((link) => Number(link.lead_id) === Number(leadId))
			.map((link) => Number(link.contact_id));
	}

	/**
	 * The names of an Intercom conversation's tags.
	 * @param {SandboxState} state
	 * @param {string | number} conversationId
	 */
	function conversationTagNames(state, conversationId) {
		const conversation = state.intercom.conversations.find((c) => c.id === String(conversationId));
		// a stored reference has only the tag's id; a rendered tag has its name too
		/** @type {Array<{ id: string, name?: string }>} */
		const tags = conversation?.tags ?? [];
		return tags.map(
			(tag) => tag.name ?? state.intercom.tags.find((t) => t.id === String(tag.id))?.name,
		);
	}

	/**
	 * One part of an Intercom conversation as the sandbox stores it.
	 * @param {SandboxState} state
	 * @param {string | number} conversationId
	 * @param {string | number} partId
	 */
	function storedPart(state, conversationId, partId) {
		const conversation = state.intercom.conversations.find((c) => c.id === String(conversationId));
		const part = conversation?.parts.find((p) => String(p.id) === String(partId));
		if (!part) throw new Error(`conversation ${conversationId} has no part ${partId}`);
		return part;
	}

	/**
	 * Every `[HH:MM Jane Doe]: <text>` occurrence of the given texts across the notes of a lead.
	 * @param {KommoNote[]} notes
	 * @param {string[]} texts
	 */
	function occurrences(notes, texts) {
		const all = notes.map((n) => n.params?.text ?? '').join('\n');
		return texts.map((text) => all.split(`: ${text}\n`).length - 1);
	}

	/**
	 * One line per execution that did not succeed (`#id status: error (node)`); each is saved.
	 * @param {N8n} n8n
	 * @param {Array<{ id: string | number, status: string }>} executions
	 * @returns {Promise<string[]>}
	 */
	async function executionFailures(n8n, executions) {
		const failures = [];
		for (const summary of executions.filter((e) => e.status !== 'success')) {
			const execution = await n8n.execution(summary.id).catch(() => undefined);
			save(`execution-${summary.id}.json`, execution ?? summary);
			const error = execution?.data?.resultData?.error;
			failures.push(
				`#${summary.id} ${summary.status}${error ? `: ${error.message} (${error.node?.name ?? '?'})` : ''}`,
			);
		}
		return failures;
	}

	return {
		finished,
		settle,
		sandboxState,
		notesOf,
		noteKey,
		leadContacts,
		conversationTagNames,
		storedPart,
		occurrences,
		executionFailures,
	};
}
