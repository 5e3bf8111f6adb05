// Types of the amojo stand-in (Kommo's Chat API): the channel, the stored scopes, chats, messages
// and hooks, and the options of the JS API. Re-exported by sandbox/index.d.ts.

/** The chat channel Kommo's support registers (made up in the sandbox). */
export interface AmojoChannelConfig {
	/** channel id (UUID): `POST /v2/origin/custom/{id}/connect` */
	id: string;
	/** the 40-hex secret key: signs every call and every hook */
	secret: string;
	/** the channel's symbolic code, e.g. `amo.ext.…` */
	code: string;
	/** the channel's name: the default `title` of a connect */
	name: string;
	/** the channel bot's participant id: `sender.ref_id` of outgoing imports nobody in Kommo wrote */
	botId: string;
	botName: string;
	/** the hook URL given at registration; `:scope_id` is replaced (appended when absent); null: no hooks */
	webhookUrl: string | null;
	/** amojo account ids a private channel may connect; null: the sandbox's Kommo account only */
	accounts: string[] | null;
}

export type AmojoChannelOptions = Partial<AmojoChannelConfig>;

/** The channel and ids as `sandbox.amojo`, `GET /_sandbox` and `POST /_sandbox/config` show them. */
export interface AmojoPublicConfig {
	/** `<sandbox>/amojo`: the amojo host; sign the path after it (`/v2/origin/custom/…`) */
	baseUrl: string;
	channelId: string;
	secret: string;
	code: string;
	name: string;
	botId: string;
	botName: string;
	webhookUrl: string | null;
	/** the accounts a connect may name */
	accounts: string[];
	/** the Kommo account's amojo id (`GET /api/v4/account?with=amojo_id`) */
	accountId: string | null;
	/** the scope a connect of `accountId` answers */
	scopeId: string | null;
}

/** A connect of the channel to an account. */
export interface AmojoConnection {
	/** `{channel_id}_{account_id}` */
	scope_id: string;
	channel_id: string;
	account_id: string;
	title: string;
	/** v1 when the connect named none; the sandbox sends hooks only to v2 scopes */
	hook_api_version: 'v1' | 'v2';
	is_time_window_disabled?: boolean;
	/** false after a disconnect: the scope is unknown and gets no hooks */
	connected: boolean;
	connected_at: number;
	disconnected_at: number | null;
}

/** A chat client as amojo knows it (Kommo users and the bot are not stored here). */
export interface AmojoParticipant {
	/** amojo's participant id */
	id: string;
	scope_id: string;
	/** our user id (`user.id` / `sender.id`); null for a "Write first" client until the integration answers */
	client_id: string | null;
	name: string;
	avatar: string;
	/** digits only */
	phone: string;
	email: string;
	profile_link: string;
}

export interface AmojoChat {
	/** amojo's chat id: `chat_id` of `POST /api/v4/contacts/chats` and of the history */
	id: string;
	scope_id: string;
	/** our chat id; null for a chat opened in Kommo by "Write first" until the integration answers */
	conversation_id: string | null;
	/** the client (an AmojoParticipant id) */
	client_id: string;
	source_external_id: string | null;
	/** how it began: `POST …/chats`, a first message, or "Write first" in Kommo */
	origin: 'api' | 'message' | 'write_first';
	created_at: number;
	/** the Kommo contact it is linked to (`POST /api/v4/contacts/chats`) */
	contact_id: number | null;
}

/** Who wrote or receives a message. */
export interface AmojoMessageParty {
	/** amojo id: the participant's, the bot id, or the Kommo user's amojo id */
	id: string;
	/** our id for it, when the integration gave one */
	client_id: string | null;
	name: string;
	kind: 'client' | 'bot' | 'user';
	kommo_user_id?: number;
}

export interface AmojoMessageContent {
	type: string;
	text: string;
	media: string;
	thumbnail: string;
	file_name: string;
	file_size: number;
	[field: string]: unknown;
}

export interface AmojoDeliveryStatus {
	/** 1 delivered, 2 read, -1 error */
	delivery_status: 1 | 2 | -1;
	error_code?: number;
	error?: string;
	at: number;
}

/** One attempt to deliver a hook; Kommo makes exactly one. Also in `sandbox.deliveries`. */
export type AmojoHookDelivery = {
	time: string;
	kind: 'amojo';
	url: string;
	/** null: no answer (refused, reset, or none within the window) */
	status: number | null;
	error: string | null;
	/** from sending to the end of the answer */
	ms: number;
	/** how long Kommo waits: the sandbox's `webhookTimeoutMs` (5000, Kommo's 5 seconds) */
	windowMs: number;
	answeredInTime: boolean;
	/** Kommo counts a hook as delivered on a 200 within the window */
	ok: boolean;
	attempt: 1;
	scopeId: string;
	chatId: string;
	conversationId: string | null;
	messageId: string;
	/** the X-Signature sent */
	signature: string;
};

export interface AmojoMessage {
	/** amojo's message id (`new_message.msgid` of the answer; `message.message.id` of a hook) */
	id: string;
	scope_id: string;
	chat_id: string;
	conversation_id: string | null;
	/** our message id (`payload.msgid`), unique per scope; null for messages written in Kommo */
	msgid: string | null;
	direction: 'incoming' | 'outgoing';
	/** client: from the client; bot: imported as the channel bot; manager: a Kommo user */
	author: 'client' | 'bot' | 'manager';
	/** api: sent or imported by the integration; kommo: written in Kommo (it got a hook) */
	origin: 'api' | 'kommo';
	sender: AmojoMessageParty;
	receiver: AmojoMessageParty | null;
	message: AmojoMessageContent;
	timestamp: number;
	msec_timestamp: number;
	silent: boolean;
	edited_at: number | null;
	/** the latest delivery status the integration set */
	delivery: AmojoDeliveryStatus | null;
	delivery_history: AmojoDeliveryStatus[];
	reactions: Array<{
		type: 'react' | 'unreact';
		emoji: string | null;
		user_id: string;
		at: number;
	}>;
	/** the hook sent for it; null when none was (bot imports, client messages, no URL) */
	hook: AmojoHookDelivery | null;
}

/** An incoming lead (Unsorted) opened by the first non-silent incoming message of an unlinked chat. */
export interface AmojoUnsorted {
	uid: string;
	scope_id: string;
	chat_id: string;
	message_id: string;
	created_at: number;
}

export interface AmojoState {
	connections: AmojoConnection[];
	participants: AmojoParticipant[];
	chats: AmojoChat[];
	/** every message in the order amojo accepted it */
	messages: AmojoMessage[];
	unsorted: AmojoUnsorted[];
	typing: Array<{
		scope_id: string;
		conversation_id: string;
		sender_id: string;
		duration_ms: number;
		at: number;
	}>;
}

/** Where a chat shows in Kommo. */
export interface AmojoChatView {
	chat: AmojoChat;
	/** has messages and sits on a lead, a contact or an incoming lead */
	visible: boolean;
	/** on the leads of its contact, on the contact (no leads), in Unsorted, or nowhere */
	shownOn: 'leads' | 'contact' | 'unsorted' | 'nowhere';
	contact: { id: number; name: string } | null;
	/** every lead of the contact (which one Kommo picks when there are several is not documented) */
	leads: Array<{ id: number; name: string; pipeline_id: number; status_id: number }>;
	unsorted: AmojoUnsorted | null;
	/** as the history renders them, oldest first */
	messages: Array<Record<string, unknown>>;
}

/** A message a Kommo user writes in a chat. */
export interface AmojoKommoMessageOptions {
	/** default text; file, picture, video need media, fileName, fileSize */
	type?: string;
	text?: string;
	media?: string;
	fileName?: string;
	fileSize?: number;
	/** the Kommo user: id or name; default: the token's user */
	manager?: number | string;
	/** amojo's id for the message (default: a new UUID), e.g. to replay a published example */
	messageId?: string;
	/** when it was written, ms (default: amojo's clock) */
	timestampMs?: number;
}

export interface AmojoManagerReplyOptions extends AmojoKommoMessageOptions {
	/** our chat id … */
	conversationId?: string;
	/** … or amojo's */
	chatId?: string;
	scopeId?: string;
}

export interface AmojoWriteFirstOptions extends AmojoKommoMessageOptions {
	/** the number the manager picked */
	phone: string;
	name?: string;
	/** needed only when several scopes are connected */
	scopeId?: string;
	sourceExternalId?: string;
}

export interface AmojoKommoMessageResult {
	message: AmojoMessage;
	chat: AmojoChat;
	delivery: AmojoHookDelivery;
	/** the hook as sent (parsed) */
	hook: Record<string, unknown>;
	/** the exact bytes sent, which X-Signature signs */
	rawBody: string;
	/** what the receiver answered */
	responseBody: string;
}

/** The headers of a signed amojo call. */
export interface AmojoSignedHeaders {
	Date: string;
	'Content-Type': string;
	'Content-MD5': string;
	'X-Signature': string;
}

/** The Date, Content-Type, Content-MD5 and X-Signature of an amojo call (send `body` as given). */
export function signAmojoRequest(options: {
	secret: string;
	method: string;
	/** `/v2/origin/custom/…`, no query string */
	path: string;
	body?: string | Buffer;
	date?: string;
	contentType?: string;
}): AmojoSignedHeaders;

/** The X-Signature of an amojo hook: hex HMAC-SHA1 of the raw body with the channel secret. */
export function signAmojoHookBody(rawBody: string | Buffer, secret: string): string;

/**
 * amojo's check of one call (what the sandbox answers with): `now` is amojo's clock in ms,
 * `windowMs` the validity of a Date (default 15 minutes).
 */
export function verifyAmojoRequest(request: {
	secret: string;
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	now: number;
	windowMs?: number;
}): { ok: true } | { ok: false; status: 400 | 403; type: string; description: string };
