// What the workflows write, as it happens: new Kommo notes, deal stages and Intercom tags, read
// from the sandbox's live state and printed; and waiting until the sandbox shows something.
import { setTimeout as delay } from 'node:timers/promises';

import { bold, dim, green, indent, say } from './console.mjs';

/** @typedef {import('../../sandbox/index.js').Sandbox} Sandbox */
/** @typedef {import('../../sandbox/index.js').IntercomConversation} IntercomConversation */
/** @typedef {import('../../sandbox/index.js').KommoLead} KommoLead */
/** @typedef {import('../../sandbox/index.js').KommoNote} KommoNote */

/**
 * A deal's name, for a printed line.
 * @param {Sandbox} sandbox
 * @param {number} leadId
 */
function leadName(sandbox, leadId) {
	return sandbox.state.kommo.leads.find((lead) => lead.id === leadId)?.name ?? `lead ${leadId}`;
}

/**
 * The names of a conversation's Intercom tags, sorted.
 * @param {Sandbox} sandbox
 * @param {IntercomConversation} conversation
 */
export function tagNames(sandbox, conversation) {
	return conversation.tags
		.map((ref) => sandbox.state.intercom.tags.find((tag) => tag.id === ref.id)?.name ?? ref.id)
		.sort();
}

/**
 * A deal's stage as Kommo shows it: `<pipeline> › <status>`.
 * @param {Sandbox} sandbox
 * @param {KommoLead} lead
 */
export function stageName(sandbox, lead) {
	const pipeline = sandbox.state.kommo.pipelines.find((entry) => entry.id === lead.pipeline_id);
	const status = pipeline?.statuses.find((entry) => entry.id === lead.status_id);
	return `${pipeline?.name ?? lead.pipeline_id} › ${status?.name ?? lead.status_id}`;
}

/**
 * What changed since the last look: new Kommo notes, deal stages, Intercom tags. Looks twice a
 * second until `stop()`.
 * @param {Sandbox} sandbox
 * @param {{
 *   onNote: (note: KommoNote) => void,
 *   onTags: (conversation: IntercomConversation, now: string[], before: string[]) => void,
 *   onStage: (lead: KommoLead, before: string, now: string) => void,
 * }} listeners
 */
export function watchSandbox(sandbox, { onNote, onTags, onStage }) {
	let notesSeen = sandbox.state.kommo.notes.length;
	const stagesSeen = new Map(
		sandbox.state.kommo.leads.map((lead) => [lead.id, stageName(sandbox, lead)]),
	);
	const tagsSeen = new Map(
		sandbox.state.intercom.conversations.map((c) => [c.id, tagNames(sandbox, c).join('|')]),
	);
	const look = () => {
		const notes = sandbox.state.kommo.notes;
		for (const note of notes.slice(notesSeen)) onNote(note);
		notesSeen = notes.length;
		for (const lead of sandbox.state.kommo.leads) {
			const stage = stageName(sandbox, lead);
			const before = stagesSeen.get(lead.id);
			stagesSeen.set(lead.id, stage);
			if (before !== undefined && before !== stage) onStage(lead, before, stage);
		}
		for (const conversation of sandbox.state.intercom.conversations) {
			const now = tagNames(sandbox, conversation);
			const before = tagsSeen.get(conversation.id) ?? '';
			if (now.join('|') !== before) {
				tagsSeen.set(conversation.id, now.join('|'));
				onTags(conversation, now, before ? before.split('|') : []);
			}
		}
	};
	const timer = setInterval(look, 500);
	return { look, stop: () => clearInterval(timer) };
}

/**
 * A Kommo note as the demo prints it: which deal, then its text.
 * @param {Sandbox} sandbox
 * @param {KommoNote} note
 */
export function printNote(sandbox, note) {
	const text = String(note.params?.text ?? '');
	say(
		`${green('  Kommo note')} on ${note.entity_type === 'leads' ? 'deal' : note.entity_type} ` +
			`${bold(`"${leadName(sandbox, note.entity_id)}"`)} (lead ${note.entity_id}, note ${note.id}):`,
	);
	say(dim(indent(text.trimEnd(), '    │ ')));
}

/**
 * The tags a conversation gained and lost.
 * @param {IntercomConversation} conversation
 * @param {string[]} now
 * @param {string[]} before
 */
export function printTags(conversation, now, before) {
	const added = now.filter((tag) => !before.includes(tag));
	const removed = before.filter((tag) => !now.includes(tag));
	const changes = [...added.map((tag) => `+ "${tag}"`), ...removed.map((tag) => `- "${tag}"`)].join(
		', ',
	);
	say(
		`${green('  Intercom tags')} of conversation ${conversation.id}: ${changes}  → now ${now.map((t) => `"${t}"`).join(', ')}`,
	);
}

/**
 * Polls `check` (every 250 ms) until it returns something truthy, and returns that; undefined
 * after `timeoutMs`.
 * @template T
 * @param {() => T | undefined} check
 * @param {number} timeoutMs
 * @returns {Promise<T | undefined>}
 */
export async function waitFor(check, timeoutMs) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const value = check();
		if (value) return value;
		await delay(250);
	}
	return undefined;
}
