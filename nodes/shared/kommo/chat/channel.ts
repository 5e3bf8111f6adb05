/**
 * The one reader of the "Kommo Chat Channel" credential: what Kommo support sends when it registers
 * a Chat API channel (channel ID, secret, bot ID) and which amojo host serves the account. The
 * Kommo node's Chat resource signs its requests with it and the Kommo Chat Trigger checks hooks
 * with its secret, so both read the fields the same way.
 */

/** The credential type name (global across installed packages, hence the package prefix). */
export const KOMMO_CHAT_CREDENTIAL = 'intercomKommoKommoChatApi';

/** amojo hosts by account domain: https://developers.kommo.com/reference/connect-channel (kommo.com), amoCRM's Chat API reference (amocrm.ru, amocrm.com). */
export const AMOJO_HOSTS: Record<string, string> = {
	'kommo.com': 'https://amojo.kommo.com',
	'amocrm.ru': 'https://amojo.amocrm.ru',
	'amocrm.com': 'https://amojo.amocrm.com',
};

export interface KommoChatChannel {
	channelId: string;
	secret: string;
	botId: string;
	/** `https://amojo.kommo.com` or the custom base URL, without a trailing slash */
	amojoUrl: string;
}

const UUID_LIKE = /^[0-9a-z][0-9a-z-]{7,63}$/i;

function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

/**
 * Reads a decrypted credential; an Error whose message says which field to fix otherwise (shown to
 * the user as is, so it names the field as the credential form does and never the secret).
 */
export function kommoChatChannelOf(credentials: Record<string, unknown>): KommoChatChannel {
	const channelId = text(credentials.channelId);
	const secret = text(credentials.channelSecret);
	const botId = text(credentials.botId);
	if (!UUID_LIKE.test(channelId)) {
		throw new Error(
			'The Kommo Chat Channel credential needs the Channel ID Kommo support sent (a UUID such as a4490ccc-5d7f-11e7-907b-a6006ad3dba0)',
		);
	}
	if (!/^[0-9a-f]{40}$/i.test(secret)) {
		throw new Error(
			'The Kommo Chat Channel credential needs the Channel Secret Kommo support sent (40 letters and digits)',
		);
	}
	if (!UUID_LIKE.test(botId)) {
		throw new Error(
			"The Kommo Chat Channel credential needs the Bot ID Kommo support sent (the channel bot's id, a UUID)",
		);
	}
	const host = text(credentials.host) || 'kommo.com';
	let amojoUrl = AMOJO_HOSTS[host];
	if (host === 'custom') {
		amojoUrl = text(credentials.baseUrl).replace(/\/+$/, '');
		if (!/^https?:\/\/[^/?#]+/i.test(amojoUrl)) {
			throw new Error(
				`The Kommo Chat Channel credential's Base URL must be a full address such as http://127.0.0.1:3300/amojo (it is "${amojoUrl}")`,
			);
		}
	}
	if (amojoUrl === undefined) {
		throw new Error(
			`The Kommo Chat Channel credential's Host "${host}" is not one of ${Object.keys(AMOJO_HOSTS).join(', ')} or Custom Base URL`,
		);
	}
	// the secret signs every request: amojo expects the lowercase hex form Kommo sends
	return { channelId, secret: secret.toLowerCase(), botId, amojoUrl };
}

/** The scope of a channel connected to an account: `{channel_id}_{amojo account id}` in every published example. */
export function scopeIdOf(channelId: string, amojoAccountId: string): string {
	return `${channelId}_${amojoAccountId}`;
}
