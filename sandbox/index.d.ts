// Types for the sandbox (plain CommonJS in index.js): its JS API and its stored state, for tests and
// scripts. The sandbox's own files use them too, through JSDoc (`import('./index').KommoLead`).
// The amojo (Kommo Chat API) types live in sandbox/amojo/types.d.ts and are re-exported here.

import type {
	AmojoChannelOptions,
	AmojoChatView,
	AmojoKommoMessageResult,
	AmojoManagerReplyOptions,
	AmojoPublicConfig,
	AmojoState,
	AmojoWriteFirstOptions,
} from './amojo/types';

export type * from './amojo/types';
export { signAmojoRequest, signAmojoHookBody, verifyAmojoRequest } from './amojo/types';

/** `lost-*`: a write is stored, then its answer is dropped or replaced by a 502 (plain fault on a GET). */
export type FaultKind =
	| '429'
	| '500'
	| '502'
	| '503'
	| 'timeout'
	| 'reset'
	| 'lost-reset'
	| 'lost-502';
export type SandboxApi = 'intercom' | 'kommo' | 'amojo';

export interface FaultConfig {
	/** probability 0..1 that a request of a listed api gets a fault */
	rate?: number;
	kinds?: FaultKind[];
	apis?: SandboxApi[];
	/** PRNG seed: the same seed and request order inject the same faults */
	seed?: number;
	/** how long a 'timeout' fault holds the request before dropping the connection */
	timeoutMs?: number;
	/** faults forced on the next matching requests, in order ('none' lets one through) */
	sequence?: Array<FaultKind | 'none'>;
}

export interface SandboxOptions {
	host?: string;
	/** 0 = a free port */
	port?: number;
	/** a preset name ('default' | 'empty') or seed data */
	seed?: string | SeedData;
	intercomToken?: string;
	kommoToken?: string;
	clientSecret?: string;
	/** `app_package_code` of the parts created through the Intercom API (default 'intercom-kommo-sandbox') */
	intercomAppPackageCode?: string;
	kommoRateLimit?: { perSecond?: number; windowMs?: number } | false;
	intercomRateLimit?: { limit?: number; windowMs?: number } | false;
	kommoDuplicateControl?: boolean;
	faults?: FaultConfig;
	webhookTimeoutMs?: number;
	/** delay before Intercom's one retry of a failed subscription delivery (default 60000) */
	intercomWebhookRetryDelayMs?: number;
	logLimit?: number;
	/** the Kommo Chat API channel the sandbox plays (defaults in sandbox/context.js) */
	amojoChannel?: AmojoChannelOptions;
	/** amojo's clock in ms: checks the `Date` of signed calls, stamps messages; null: real time */
	amojoNow?: number | null;
}

/** Seed input: see sandbox/seed.js for the accepted shapes (ids, names, parts, leads, ...). */
export interface SeedData {
	intercom?: Record<string, unknown>;
	kommo?: Record<string, unknown>;
}

/** A stored record: the documented API fields plus whatever else the model carries. */
export interface StoredRecord {
	id: string | number;
	[field: string]: unknown;
}

export interface IntercomTagRef {
	id: string;
	applied_at: number;
	applied_by: { type: string; id: string };
}

/** Who wrote a part: name/email filled from the admins or contacts; `from_ai_agent`/`is_ai_answer` since API 2.14. */
export interface IntercomAuthor {
	type: string;
	/** null: an admin part without an admin id in a workspace without admins (no `me`) */
	id: string | null;
	name: string | null;
	email: string | null;
	from_ai_agent: boolean;
	is_ai_answer: boolean;
}

export interface IntercomPart extends StoredRecord {
	id: string;
	part_type: string;
	body: string | null;
	created_at: number;
	author: IntercomAuthor;
}

/** Derived from the source and the parts; unix seconds, null when it never happened. */
export interface IntercomConversationStatistics {
	type: 'conversation_statistics';
	time_to_assignment: null;
	time_to_admin_reply: number | null;
	time_to_first_close: number | null;
	time_to_last_close: number | null;
	median_time_to_reply: number | null;
	first_contact_reply_at: number | null;
	first_assignment_at: number | null;
	first_admin_reply_at: number | null;
	first_close_at: number | null;
	last_assignment_at: number | null;
	last_assignment_admin_reply_at: number | null;
	last_contact_reply_at: number | null;
	last_admin_reply_at: number | null;
	last_close_at: number | null;
	last_closed_by_id: string | null;
	count_reopens: number;
	count_assignments: number;
	count_conversation_parts: number;
}

/** Stored conversation: every part in `parts`, contact ids and tag references (rendered on GET). */
export interface IntercomConversation extends StoredRecord {
	id: string;
	source: {
		id: string;
		body: string;
		/** the source's author carries no AI flags */
		author: Omit<IntercomAuthor, 'from_ai_agent' | 'is_ai_answer'>;
		[field: string]: unknown;
	};
	created_at: number;
	updated_at: number;
	waiting_since: number | null;
	state: string;
	open: boolean;
	contacts: string[];
	tags: IntercomTagRef[];
	parts: IntercomPart[];
	statistics: IntercomConversationStatistics;
	ai_agent: Record<string, unknown> | null;
	ai_agent_participated: boolean;
}

export type IntercomSearchOperator =
	| '='
	| '!='
	| 'IN'
	| 'NIN'
	| '>'
	| '<'
	| '>='
	| '<='
	| '~'
	| '!~'
	| '^'
	| '$';

/** `>` and `<` are inclusive ("greater (or equal)" in Intercom's docs), like `>=`/`<=`. */
export interface IntercomSearchFilter {
	field: string;
	operator: IntercomSearchOperator;
	value: unknown;
}

/** At most 2 levels of groups, at most 15 entries per group. */
export interface IntercomSearchGroup {
	operator: 'AND' | 'OR';
	value: Array<IntercomSearchFilter | IntercomSearchGroup>;
}

/** Body of `POST /intercom/conversations/search`. Without `sort`: id ascending. */
export interface IntercomSearchRequest {
	query: IntercomSearchFilter | IntercomSearchGroup;
	pagination?: { per_page?: number; starting_after?: string };
	sort?: { field: string; order?: 'ascending' | 'descending' };
}

export interface IntercomSearchResponse {
	type: 'conversation.list';
	/** rendered conversations without `conversation_parts` */
	conversations: Array<
		Record<string, unknown> & { id: string; statistics: IntercomConversationStatistics }
	>;
	total_count: number;
	pages: {
		type: 'pages';
		page: number;
		per_page: number;
		total_pages: number;
		/** absent on the last page */
		next?: { per_page: number; starting_after: string };
	};
}

export interface IntercomAdmin extends StoredRecord {
	id: string;
	name: string | null;
	email: string | null;
}

export interface IntercomContact extends StoredRecord {
	id: string;
	name: string | null;
	email: string | null;
	role: string;
	external_id: string | null;
}

export interface IntercomState {
	app: { id_code: string; name: string; region: string; [field: string]: unknown } | null;
	/** id of the admin the access token belongs to */
	me: string | null;
	admins: IntercomAdmin[];
	contacts: IntercomContact[];
	tags: Array<{ type: 'tag'; id: string; name: string }>;
	conversations: IntercomConversation[];
	/** the next id of each kind of record the sandbox creates */
	nextId: { tag: number; part: number; conversation: number; source: number; contact: number };
}

export interface KommoCustomFieldValue {
	field_id: number;
	field_name: string;
	field_code: string | null;
	field_type: string;
	values: Array<{ value: unknown; enum_id?: number; enum_code?: string | null }>;
}

/** A tag as a lead or contact carries it in `_embedded.tags`. */
export interface KommoTag {
	id: number;
	name: string;
	color: string | null;
}

export interface KommoLead extends StoredRecord {
	id: number;
	name: string;
	price: number;
	responsible_user_id: number;
	group_id: number;
	status_id: number;
	pipeline_id: number;
	loss_reason_id: unknown;
	created_by: number;
	updated_by: number;
	created_at: number;
	updated_at: number;
	closed_at: number | null;
	closest_task_at: number | null;
	is_deleted: boolean;
	custom_fields_values: KommoCustomFieldValue[] | null;
	score: number | null;
	account_id: number;
	labor_cost: number | null;
	_embedded: { tags: KommoTag[]; companies: Array<{ id: number }> };
}

export interface KommoContact extends StoredRecord {
	id: number;
	name: string;
	first_name: string;
	last_name: string;
	responsible_user_id: number;
	group_id: number;
	created_by: number;
	updated_by: number;
	created_at: number;
	updated_at: number;
	closest_task_at: number | null;
	is_deleted: boolean;
	is_unsorted: boolean;
	custom_fields_values: KommoCustomFieldValue[] | null;
	account_id: number;
	_embedded: { tags: KommoTag[]; companies: Array<{ id: number }> };
}

export interface KommoNote extends StoredRecord {
	id: number;
	entity_id: number;
	entity_type: 'leads' | 'contacts';
	note_type: string;
	created_at: number;
	params: { text?: string; [field: string]: unknown };
}

export interface KommoWebhook extends StoredRecord {
	id: number;
	destination: string;
	settings: string[];
	disabled: boolean;
	sort: number;
	updated_at: number;
}

/** A stage of a pipeline; 142 (won) and 143 (lost) are in every pipeline. */
export interface KommoStatus extends StoredRecord {
	id: number;
	name: string;
	/** 0 regular, 1 the "incoming" stage */
	type: number;
	sort: number;
	pipeline_id: number;
}

export interface KommoPipeline extends StoredRecord {
	id: number;
	name: string;
	is_main: boolean;
	statuses: KommoStatus[];
}

export interface KommoCustomField extends StoredRecord {
	id: number;
	name: string;
	/** text, numeric, select, multiselect, multitext, checkbox, date, … */
	type: string;
	code: string | null;
	entity_type: 'leads' | 'contacts';
	/** the options of select-like and multitext fields */
	enums: Array<{ id: number; value: string; sort?: number }> | null;
}

/**
 * What an API write did to a lead, for the outgoing webhooks (`<action>_lead`): `lead` is a
 * snapshot after the change (or the caller's own record, see sendKommoStatusWebhook), `old_*`
 * what changed.
 */
export interface KommoLeadEvent {
	action: 'add' | 'update' | 'status' | 'responsible';
	lead: KommoLead | Record<string, unknown>;
	old_status_id?: number;
	old_pipeline_id?: number;
	old_responsible_user_id?: number;
}

/**
 * An incoming lead (Kommo's "Unsorted"): its lead sits in the pipeline's "Incoming leads" stage
 * (`type: 1`) until accepted; the sandbox only creates the "forms" category.
 */
export interface KommoUnsorted {
	uid: string;
	source_uid: string;
	source_name: string;
	category: 'forms' | 'sip' | 'mail' | 'chats';
	pipeline_id: number;
	created_at: number;
	/** for forms: form_id, form_name, form_page, form_sent_at, ip?, referer? */
	metadata: Record<string, unknown>;
	account_id: number;
	_embedded: {
		leads: Array<{ id: number }>;
		contacts: Array<{ id: number }>;
		companies: Array<{ id: number }>;
	};
}

export interface KommoState {
	account: {
		id: number;
		subdomain: string;
		current_user_id: number;
		[field: string]: unknown;
	} | null;
	users: Array<StoredRecord & { id: number; name: string; email: string | null }>;
	pipelines: KommoPipeline[];
	customFields: { leads: KommoCustomField[]; contacts: KommoCustomField[] };
	contacts: KommoContact[];
	companies: Array<{ id: number; name: string }>;
	leads: KommoLead[];
	/** lead ↔ contact links */
	links: Array<{ lead_id: number; contact_id: number; is_main: boolean }>;
	notes: KommoNote[];
	tags: KommoTag[];
	webhooks: KommoWebhook[];
	/** chat ↔ contact links (`POST /api/v4/contacts/chats`); a chat has one contact */
	chatLinks: Array<{ id: number; chat_id: string; contact_id: number }>;
	/** incoming leads not yet accepted (`/api/v4/leads/unsorted`), oldest first */
	unsorted: KommoUnsorted[];
	/** the next id of each kind of record the sandbox creates */
	nextId: {
		contact: number;
		company: number;
		lead: number;
		note: number;
		tag: number;
		webhook: number;
		chatLink: number;
	};
}

export interface SandboxState {
	intercom: IntercomState;
	kommo: KommoState;
	amojo: AmojoState;
}

export interface LogEntry {
	seq: number;
	time: string;
	api: 'intercom' | 'kommo' | 'amojo' | 'control' | 'other';
	method: string;
	path: string;
	status: number | null;
	fault: FaultKind | null;
	durationMs: number | null;
	intercomVersion?: string;
}

export interface Counters {
	total: number;
	byApi: Record<string, number>;
	byStatus: Record<string, number>;
	faults: Record<string, number>;
	rateLimited: { intercom: number; kommo: number };
	/** attempts made; attempts that failed (no answer or non-2xx; amojo: not a 200 within the window); notifications given up on */
	webhooks: { intercom: number; kommo: number; amojo: number; failed: number; dropped: number };
}

/** One delivery attempt. */
export interface Delivery {
	time: string;
	kind: 'intercom' | 'kommo' | 'amojo';
	url: string;
	status: number | null;
	error: string | null;
	/** Intercom: `delivery_attempts` of this POST (2 = the retry) */
	attempt?: number;
	/** Intercom: this failed attempt was the last one, the notification is lost */
	dropped?: boolean;
	topic?: string;
	notificationId?: string;
	/** set when a subscription (not an explicit send) caused the attempt */
	subscriptionId?: string;
	[key: string]: unknown;
}

export interface IntercomSubscriptionOptions {
	url: string;
	/** e.g. 'conversation.user.created', 'conversation.user.replied', 'conversation.admin.closed' */
	topics: string[];
	/** signs the deliveries; defaults to the sandbox's client secret */
	clientSecret?: string;
}

export interface IntercomSubscription {
	id: string;
	url: string;
	topics: string[];
}

export type IntercomPartKind = 'customer' | 'admin' | 'bot' | 'note' | 'close';

export interface AppendIntercomPartOptions {
	kind?: IntercomPartKind;
	/** `close` has no body unless given (the closing message) */
	body?: string;
	adminId?: string;
	createdAt?: number;
	partType?: string;
	/** the app that created the part (Intercom's `app_package_code`); null (default) for the inbox */
	appPackageCode?: string | null;
	/** false: subscriptions are not notified (default true) */
	notify?: boolean;
}

export interface CreateIntercomConversationOptions {
	/** found by email, or created (role defaults to 'user') */
	contact?: { name?: string; email?: string; role?: 'user' | 'lead' };
	/** an existing contact instead of `contact` */
	contactId?: string;
	/** the first message (the conversation's source) */
	body?: string;
	createdAt?: number;
	/** false: no `conversation.user.created` to subscriptions (default true) */
	notify?: boolean;
}

export interface HistorySeedOptions {
	count: number;
	days: number;
	/** first conversation id; contact n gets id 65f0c0df<n padded to 16 digits> (default 5001) */
	startId?: number;
	/** contacts are customer<n>@<emailDomain> (default 'history.example') */
	emailDomain?: string;
	/** unix seconds the history ends before (default: now) */
	now?: number;
}

export interface WebhookResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	rawBody: string;
}

export interface IntercomWebhookResult extends WebhookResult {
	signature?: string;
	notification: Record<string, unknown> & { id: string; topic: string };
}

export interface SendIntercomWebhookOptions {
	url: string;
	topic?: string;
	conversationId?: string;
	/** defaults to the sandbox's client secret */
	clientSecret?: string;
	notificationId?: string;
	deliveryAttempts?: number;
	/** overrides `data.item` */
	item?: Record<string, unknown>;
	/** bodies as plain text (webhook payloads of API 2.15+) */
	plaintext?: boolean;
	sign?: boolean;
	/** sends this X-Hub-Signature instead of the computed one */
	signature?: string;
}

export interface SendKommoStatusWebhookOptions {
	url: string;
	leadId?: number;
	lead?: Record<string, unknown>;
	statusId?: number;
	pipelineId?: number;
	oldStatusId?: number;
	oldPipelineId?: number;
	host?: string;
}

export interface Sandbox {
	server: import('node:http').Server;
	port: number;
	url: string;
	intercomUrl: string;
	kommoUrl: string;
	/** `<url>/amojo`: Kommo's Chat API host */
	amojoUrl: string;
	/** the channel (id, secret, bot) and the Kommo account's amojo id and scope */
	readonly amojo: AmojoPublicConfig;
	tokens: { intercom: string; kommo: string; intercomClientSecret: string };
	readonly state: SandboxState;
	readonly log: LogEntry[];
	readonly counters: Counters;
	readonly deliveries: Delivery[];
	reset(preset?: string | SeedData): void;
	seed(data: SeedData, options?: { merge?: boolean; preset?: string }): void;
	setFaults(faults: FaultConfig): void;
	configure(
		changes: Partial<
			Pick<
				SandboxOptions,
				| 'kommoRateLimit'
				| 'intercomRateLimit'
				| 'kommoDuplicateControl'
				| 'webhookTimeoutMs'
				| 'intercomWebhookRetryDelayMs'
				| 'faults'
				| 'amojoChannel'
				| 'amojoNow'
			> & { intercomSubscriptions: IntercomSubscriptionOptions[] }
		>,
	): void;
	sendIntercomWebhook(options: SendIntercomWebhookOptions): Promise<IntercomWebhookResult>;
	sendKommoStatusWebhook(options: SendKommoStatusWebhookOptions): Promise<WebhookResult>;
	/** Appends a part; subscriptions get its topic in the background (the call returns at once). */
	appendIntercomPart(conversationId: string, part: AppendIntercomPartOptions): IntercomPart;
	/** Starts a customer conversation; subscriptions get `conversation.user.created`. Returns it as GET does. */
	createIntercomConversation(
		options: CreateIntercomConversationOptions,
	): Record<string, unknown> & { id: string };
	/** Deliveries are async; a failed one is retried once after `intercomWebhookRetryDelayMs`, then dropped. */
	subscribeIntercom(options: IntercomSubscriptionOptions): IntercomSubscription;
	clearIntercomSubscriptions(): void;
	/** A second contact with the same email and phone and no leads, the most recently updated one. */
	duplicateKommoContact(
		contactId: number,
		options?: { name?: string; updatedAt?: number },
	): { id: number; name: string; updated_at: number };
	/** A Kommo manager replies in a chat: Kommo's hook goes to the channel's webhook URL once (no retry). */
	amojoManagerReply(options: AmojoManagerReplyOptions): Promise<AmojoKommoMessageResult>;
	/** A manager opens a chat with a phone number ("Write first"): the hook has no conversation.client_id. */
	amojoWriteFirst(options: AmojoWriteFirstOptions): Promise<AmojoKommoMessageResult>;
	/** Where the chat (amojo chat id, or our conversation id) shows in Kommo. */
	amojoChat(id: string): AmojoChatView | undefined;
	/** The visible chats on a lead (through its contacts) or on a contact. */
	amojoChatsOn(target: { leadId?: number; contactId?: number }): AmojoChatView[];
	/** Waits for webhooks in flight; `includeRetries` also waits out pending Intercom retries. */
	flushWebhooks(options?: { includeRetries?: boolean }): Promise<void>;
	close(): Promise<void>;
}

export const DEFAULTS: Required<Omit<SandboxOptions, 'seed'>> & { seed: string };

export function createSandbox(options?: SandboxOptions): Promise<Sandbox>;
export function signIntercomBody(rawBody: string | Buffer, clientSecret: string): string;
export function buildIntercomNotification(options: {
	appId: string | null;
	topic: string;
	item: unknown;
	notificationId?: string;
	deliveryAttempts?: number;
	createdAt?: number;
}): Record<string, unknown>;
export function historySeed(options: HistorySeedOptions): SeedData;
export function buildKommoLeadForm(
	events: Array<Record<string, unknown>>,
	kommoState: KommoState,
	host?: string,
): string;
