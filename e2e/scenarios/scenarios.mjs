// The template scenarios and their assertions, shared by the one-process suite
// (e2e/templates.e2e.mjs) and the queue-mode cluster suite (e2e/cluster.e2e.mjs), so both check the
// same things the same way. `createScenarios()` binds them to a suite's check recorder.
//
// One module per group of numbered scenarios (e2e/README.md lists them), each made from the same
// context (ScenarioContext, below):
//
//   chat.mjs             1–5, 7   a new chat, a reply, redeliveries, an existing customer, a forgery
//   contacts.mjs         5b, 12   duplicate Kommo contacts; a visitor with a customer's email
//   betweenMessages.mjs  9, 10    n8n restarted, or its static data wiped, between two messages
//   stage.mjs            6        a deal's stage → the conversation's Intercom tag
//   errorWorkflow.mjs    11       a failed execution runs the shipped error workflow
//   kommoChat.mjs        13       the two-way chat template: Intercom chat ↔ Kommo chat
//
// with the notes' expected texts (transcript.mjs) and what the scenarios look at (observe.mjs).
//
// `n8n` is the process whose REST API lists the executions (the one n8n, or the cluster's main);
// `chat.url` / `stage.url` are the Production URLs the sandbox posts to (the cluster's nginx).
import { kommoApi } from '../../n8n-driver/templates.mjs';
import { createBetweenMessagesScenarios } from './betweenMessages.mjs';
import { createChatScenarios } from './chat.mjs';
import { createContactScenarios } from './contacts.mjs';
import { createErrorWorkflowScenarios } from './errorWorkflow.mjs';
import { createKommoChatScenarios } from './kommoChat.mjs';
import { createObservers } from './observe.mjs';
import { createStageScenarios } from './stage.mjs';
import { createTranscriptText } from './transcript.mjs';

export { staticDataIsEmpty } from './observe.mjs';
export { QUALIFIED_TAG, WON_TAG } from './stage.mjs';

/** @typedef {import('../support/checks.mjs').Check} Check */
/** @typedef {import('../support/checks.mjs').Save} Save */

/**
 * What every scenario group is made from: the suite's recorder (`check`, `save`), how long a
 * request that must start nothing is watched (`quietMs`), a URL as n8n's REST API names it → as the
 * sandbox calls it (`toPublicUrl`), the notes' expected texts and the observation helpers.
 * @typedef {{
 *   check: Check,
 *   save: Save,
 *   quietMs: number,
 *   toPublicUrl: (url: string) => string,
 * } & import('./transcript.mjs').TranscriptText & import('./observe.mjs').Observers} ScenarioContext
 */

/**
 * `check`, `save`: the suite's recorder (checks.mjs). `linkAppId`: the app id the chat template's
 * note link carries. `quietMs`: how long a request that must start nothing is watched.
 * `toPublicUrl(url)`: a URL as n8n's REST API names it → as the sandbox calls it.
 * `settleTimeoutMs`: how long settle() waits for executions to finish.
 * @param {{
 *   check: Check,
 *   save: Save,
 *   linkAppId: string,
 *   quietMs?: number,
 *   toPublicUrl?: (url: string) => string,
 *   settleTimeoutMs?: number,
 * }} options
 */
export function createScenarios({
	check,
	save,
	linkAppId,
	quietMs = 4000,
	toPublicUrl = (url) => url,
	settleTimeoutMs = 90_000,
}) {
	const text = createTranscriptText({ linkAppId });
	const observers = createObservers({ save, settleTimeoutMs });
	/** @type {ScenarioContext} */
	const context = { check, save, quietMs, toPublicUrl, ...text, ...observers };
	const { chatScenarios } = createChatScenarios(context);
	const { duplicateContactScenario, visitorScenario } = createContactScenarios(context);
	const { restartScenario, staticDataWipedScenario } = createBetweenMessagesScenarios(context);
	const { stageScenarios } = createStageScenarios(context);
	const { errorWorkflowScenario } = createErrorWorkflowScenarios(context);
	const { kommoChatScenarios } = createKommoChatScenarios(context);

	return {
		SEEDED_MESSAGES: text.SEEDED_MESSAGES,
		expectedNote: text.expectedNote,
		firstDifference: text.firstDifference,
		finished: observers.finished,
		settle: observers.settle,
		sandboxState: observers.sandboxState,
		notesOf: observers.notesOf,
		noteKey: observers.noteKey,
		leadContacts: observers.leadContacts,
		conversationTagNames: observers.conversationTagNames,
		storedPart: observers.storedPart,
		occurrences: observers.occurrences,
		kommoApi,
		executionFailures: observers.executionFailures,
		chatScenarios,
		duplicateContactScenario,
		visitorScenario,
		restartScenario,
		staticDataWipedScenario,
		stageScenarios,
		errorWorkflowScenario,
		kommoChatScenarios,
	};
}
