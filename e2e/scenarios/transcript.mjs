// The text a Kommo note must hold, built from the seed in the README's note format, so that a
// scenario compares a note with the exact expected text rather than a pattern.

/**
 * One message of an expected note: its Intercom part id, its time (unix seconds), who wrote it
 * (with a `badge` such as ` [Bot]`) and its text.
 * @typedef {{ id: string, t: number, author?: string | null, badge?: string, text: string }} NoteMessage
 */

/** @typedef {ReturnType<typeof createTranscriptText>} TranscriptText */

/**
 * `linkAppId`: the app id the chat template's note link carries.
 * @param {{ linkAppId: string }} options
 */
export function createTranscriptText({ linkAppId }) {
	/**
	 * The seeded messages of conversation 1001 as the README's note format shows them.
	 * @type {Record<string, { author: string, badge?: string, text: string }>}
	 */
	const SEEDED_MESSAGES = {
		403900001: {
			author: 'Jane Doe',
			text: 'Hi! We are evaluating Acme Pro for a team of 12.\n  Do you offer annual billing & a discount?',
		},
		40000001: {
			author: 'Fin',
			badge: ' [Bot]',
			text: 'Hi Jane! Yes — annual plans save 20%. See our pricing page (https://acme.example/pricing#annual).',
		},
		40000003: {
			author: 'Alex Morgan',
			text: 'Hi Jane, Alex here. For 12 seats I can offer annual billing at $40/seat/month.\n  - SSO included\n  - Priority support',
		},
		40000004: {
			author: 'Jane Doe',
			text: 'Sounds good. Could you send a formal quote to jane@example.com?',
		},
	};

	/** @param {number} seconds */
	const day = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);
	/** @param {number} seconds */
	const clock = (seconds) => new Date(seconds * 1000).toISOString().slice(11, 16);

	/**
	 * One note: header, link, blank line, `--- day ---` at the start and at every day change, one
	 * `[HH:MM Author]: text` block per message, blank line, marker with the first and last part id.
	 * @param {string} conversationId
	 * @param {number} createdAt the conversation's start, unix seconds
	 * @param {NoteMessage[]} messages
	 */
	function expectedNote(conversationId, createdAt, messages) {
		const lines = [];
		let lastDay = '';
		for (const message of messages) {
			if (day(message.t) !== lastDay) lines.push(`--- ${day(message.t)} ---`);
			lastDay = day(message.t);
			lines.push(`[${clock(message.t)} ${message.author}]${message.badge ?? ''}: ${message.text}`);
		}
		return [
			`[Intercom] Chat #${conversationId} from ${day(createdAt)}`,
			`https://app.intercom.com/a/inbox/${linkAppId}/inbox/conversation/${conversationId}`,
			'',
			...lines,
			'',
			`#intercom-kommo key=intercom:${conversationId}:${messages[0].id}-${messages[messages.length - 1].id}`,
		].join('\n');
	}

	/**
	 * Line-by-line difference, for a readable failure detail.
	 * @param {unknown} actual
	 * @param {string} expected
	 */
	function firstDifference(actual, expected) {
		const a = String(actual ?? '').split('\n');
		const e = expected.split('\n');
		for (let i = 0; i < Math.max(a.length, e.length); i++) {
			if (a[i] !== e[i])
				return `line ${i + 1}: got ${JSON.stringify(a[i])}, expected ${JSON.stringify(e[i])}`;
		}
		return '';
	}

	return { SEEDED_MESSAGES, expectedNote, firstDifference };
}
