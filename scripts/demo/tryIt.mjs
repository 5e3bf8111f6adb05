// The demo's "Try it": the two requests the printed instructions invite a user to send (a
// customer reply; the deal moved to Won), shown as curl lines, and `npm start -- --check`, which
// sends exactly these and asserts what the workflows write.
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { repoRoot } from '../../n8n-driver/n8n.mjs';
import { fetchPastKommoLimit } from '../../n8n-driver/templates.mjs';
import { bold, cyan, dim, green, say, yellow } from './console.mjs';
import { logDir, owner, sampleConversationId } from './settings.mjs';
import { demoStageRows } from './start.mjs';
import { stageName, tagNames, waitFor } from './watch.mjs';

/** @typedef {import('./start.mjs').Demo} Demo */

/**
 * What the "Try it" requests and the check need of a demo (`npm run cluster` has only these; it
 * runs no two-way chat template, so no `kommoChatWebhook`).
 * @typedef {Pick<Demo, 'sandbox' | 'leadId'> & { urls: Pick<Demo['urls'], 'intercomWebhook'> & Partial<Pick<Demo['urls'], 'kommoChatWebhook' | 'chatToChat'>> }} TryItDemo
 */

/**
 * One request as fetch() sends it and a curl line shows it.
 * @typedef {{ method: string, url: string, headers: Record<string, string>, body: string }} TryItRequest
 */

/**
 * The two things the printed instructions invite a user to try, as requests: the `curl` lines are
 * made from them, and `npm start -- --check` sends exactly these.
 * @param {TryItDemo} demo
 * @returns {{ reply: TryItRequest, won: TryItRequest, managerReply: TryItRequest }}
 */
function tryItRequests(demo) {
	const { urls, sandbox } = demo;
	const leadId = demo.leadId ?? 30000001;
	return {
		reply: {
			method: 'POST',
			url: `${sandbox.url}/_sandbox/intercom/conversations/${sampleConversationId}/reply`,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				kind: 'customer',
				body: 'Can we also add 5 more seats?',
				webhook: { url: urls.intercomWebhook },
			}),
		},
		won: {
			method: 'PATCH',
			url: `${sandbox.kommoUrl}/api/v4/leads/${leadId}`,
			headers: {
				authorization: `Bearer ${sandbox.tokens.kommo}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({ status_id: wonStage }),
		},
		// a manager answers in the Kommo chat: Kommo's hook to the channel (the Kommo Chat Trigger)
		managerReply: {
			method: 'POST',
			url: `${sandbox.url}/_sandbox/amojo/manager-reply`,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				conversationId: `intercom-${sampleConversationId}`,
				text: managerAnswer,
			}),
		},
	};
}
const managerAnswer = 'Sure, 5 more seats are fine. I will send the updated quote today.';
const wonStage = 142;
const wonTag = 'Kommo: Won';

/** @param {TryItRequest} request */
function asCurl({ method, url, headers, body }) {
	const flags = Object.entries(headers).map(([name, value]) => `-H '${name}: ${value}'`);
	return `curl -sS -o /dev/null -w '%{http_code}\\n' -X ${method} ${url} ${flags.join(' ')} -d '${body}'`;
}

/**
 * The URLs, the login and the "Try it" lines.
 * @param {Demo} demo
 */
export function printInstructions(demo) {
	const { urls, sandbox } = demo;
	const requests = tryItRequests(demo);
	say();
	say(bold('The demo is running.'));
	say();
	say(`  n8n editor   ${cyan(urls.editor)}`);
	say(`  login        ${owner.email} / ${owner.password}`);
	say(`  workflows    ${urls.forward}`);
	say(`               ${urls.reverse}`);
	if (urls.chatToChat) say(`               ${urls.chatToChat}  (Intercom chat ↔ Kommo chat)`);
	say(
		`  sandbox      ${sandbox.url}/_sandbox  (Intercom + Kommo stand-in; GET /_sandbox/state shows everything)`,
	);
	say();
	say(bold('Try it'));
	say();
	say(
		`  The customer writes again (Intercom sends conversation.user.replied; only the new message becomes a note):`,
	);
	say(yellow(`    ${asCurl(requests.reply)}`));
	say();
	const lead = sandbox.state.kommo.leads.find((entry) => entry.id === (demo.leadId ?? 30000001));
	say(
		`  Move the deal${lead ? ` (now in ${stageName(sandbox, lead)})` : ''} to Won in Kommo` +
			` (Kommo calls the Kommo Trigger; the chat gets the Intercom tag "${wonTag}"):`,
	);
	say(yellow(`    ${asCurl(requests.won)}`));
	const rows = demoStageRows(sandbox)
		.map((row) => `${row.tag.replace(/^Kommo: /, '')} ${row.stageId}`)
		.concat(['Lost 143']);
	say(
		dim(
			`    Other stages with a tag row (Kommo Trigger → Stage → Intercom Tag): ${rows.join(', ')}.` +
				' A stage without a row starts nothing. It prints 429 when the workflows are using' +
				" Kommo's 7 requests a second at that moment: run it again.",
		),
	);
	if (urls.kommoChatWebhook) {
		say();
		say(
			'  A manager answers in the Kommo chat (Kommo calls the Kommo Chat Trigger; the customer gets it in Intercom):',
		);
		say(yellow(`    ${asCurl(requests.managerReply)}`));
		say(dim(`    Kommo chat channel webhook: ${urls.kommoChatWebhook}`));
	}
	say();
	say(
		`  What the workflows write is printed below as it happens. Logs: ${path.relative(repoRoot, logDir)}/`,
	);
	say(`  Ctrl-C stops n8n and the sandbox.`);
	say();
}

/**
 * `npm start -- --check`: what a newcomer sees, asserted. The sample chat became one note on a new
 * deal (startDemo waited for it); then the two "Try it" requests: the reply becomes a second note
 * holding only the new message, and the deal moved to Won tags the chat. Returns the failures.
 * @param {TryItDemo} demo
 * @returns {Promise<string[]>}
 */
export async function checkDemo(demo) {
	const { sandbox } = demo;
	const failures = [];
	const check = (name, ok, detail = '') => {
		say(`  ${ok ? green('PASS') : yellow('FAIL')} ${name}${ok || !detail ? '' : ` — ${detail}`}`);
		if (!ok) failures.push(name);
	};
	const notesOnDeal = () =>
		sandbox.state.kommo.notes.filter(
			(note) => note.entity_type === 'leads' && note.entity_id === demo.leadId,
		);
	say();
	say(bold('Checking the demo (--check)'));

	const first = notesOnDeal();
	const firstText = String(first[0]?.params?.text ?? '');
	check(
		"the sample chat is one note on a new deal: header, both of Jane's messages, marker",
		first.length === 1 &&
			firstText.startsWith(`[Intercom] Chat #${sampleConversationId} from `) &&
			firstText.includes('Jane Doe]: Hi! We are evaluating Acme Pro for a team of 12.') &&
			firstText.includes('Jane Doe]: Sounds good. Could you send a formal quote') &&
			/\n#intercom-kommo key=intercom:1001:\S+$/.test(firstText),
		`${first.length} note(s) on lead ${demo.leadId}`,
	);

	const requests = tryItRequests(demo);
	const send = async ({ url, ...init }) => (await fetch(url, init)).status;
	const replyStatus = await send(requests.reply);
	const second = await waitFor(
		() => (notesOnDeal().length >= 2 ? notesOnDeal() : undefined),
		60_000,
	);
	const secondText = String(second?.[1]?.params?.text ?? '');
	check(
		'the reply (first curl line) becomes a second note holding only the new message',
		replyStatus === 200 &&
			second?.length === 2 &&
			secondText.includes('Jane Doe]: Can we also add 5 more seats?') &&
			!secondText.includes('evaluating Acme Pro'),
		`answer ${replyStatus}; ${second?.length ?? notesOnDeal().length} note(s); the second holds the reply: ${secondText.includes('Can we also add 5 more seats?')}, repeats the first message: ${secondText.includes('evaluating Acme Pro')}`,
	);

	// a user re-runs the curl line on a 429: the workflows may be using Kommo's 7 requests a second
	const { url: wonUrl, ...wonInit } = requests.won;
	const wonStatus = (await fetchPastKommoLimit(wonUrl, wonInit)).status;
	const conversation = () => {
		const found = sandbox.state.intercom.conversations.find(
			(entry) => entry.id === sampleConversationId,
		);
		if (!found) throw new Error(`the sandbox has no conversation ${sampleConversationId}`);
		return found;
	};
	const tagged = await waitFor(
		() => (tagNames(sandbox, conversation()).includes(wonTag) ? true : undefined),
		60_000,
	);
	check(
		`the deal moved to Won (second curl line) tags the chat "${wonTag}"`,
		wonStatus === 200 && tagged === true,
		`Kommo answered ${wonStatus}; chat tags now ${tagNames(sandbox, conversation()).join(', ') || 'none'}`,
	);

	if (demo.urls.kommoChatWebhook) {
		const managerStatus = await send(requests.managerReply);
		/** @returns {Array<{ part_type?: string, body?: string | null }>} */
		const answers = () =>
			conversation().parts.filter((part) => String(part.body ?? '').includes(managerAnswer));
		const answered = await waitFor(() => (answers().length ? answers() : undefined), 60_000);
		// the reply comes back to the chat template as "Teammate Replied": it must not be sent again
		await delay(5000);
		const chatCopies = (
			sandbox.amojoChat(`intercom-${sampleConversationId}`)?.messages ?? []
		).filter((entry) =>
			String(/** @type {{ text?: string }} */ (entry.message).text).includes(managerAnswer),
		);
		check(
			"a manager's answer in the Kommo chat (third curl line) reaches the customer in Intercom, once, and nothing echoes back",
			managerStatus === 200 &&
				answered?.length === 1 &&
				answered[0].part_type === 'comment' &&
				answers().length === 1 &&
				chatCopies.length === 1,
			`sandbox answered ${managerStatus}; ${answers().length} Intercom part(s) with the answer; ${chatCopies.length} in the Kommo chat`,
		);
	}
	return failures;
}
