// The knobs of bench/queue-mode.bench.mjs (its header lists them) and the constants of both
// set-ups: n8n's version, Kommo's limit, the cluster's shape, the chat ids of the burst and the
// warm-up, and when the burst gives up.
import { existsSync } from 'node:fs';
import path from 'node:path';

import { N8N_VERSIONS, repoRoot } from '../../n8n-driver/n8n.mjs';
import { TEMPLATE_FILES, templatesDir } from '../../n8n-driver/templates.mjs';

/** @typedef {ReturnType<typeof settings>} QueueModeConfig */

export const VERSION = N8N_VERSIONS.current;
export const KOMMO_LIMIT = 7;
export const WORKERS = 2;
export const WEBHOOKS = 2;
export const QUEUE_TEMPLATE =
	TEMPLATE_FILES.queueChat ?? 'intercom-chat-to-kommo-deal.queue-mode.json';
export const INTERCOM_RETRY_AFTER_MS = 60_000;
export const SAMPLE_MS = 500;
export const FIRST_CHAT = 2_000_000;
export const WARMUP_CHAT = 2_900_000;
/** Before the catch-up's first check and its 10 min look-back: seeded chats it never hands over. */
export const SEEDED_BEFORE_S = 3600;
/** Without a Kommo call for this long while chats are missing, nothing is going to bring them. */
export const STALL_MS = 180_000;
export const outDir = path.join(repoRoot, 'bench', 'results');
export const logRoot = path.join(outDir, 'queue-mode-logs');

/**
 * The knobs (BENCH_* variables, listed in the header of bench/queue-mode.bench.mjs) with their
 * defaults; bench/results/queue-mode.json records them as `config`.
 */
export function settings() {
	const env = process.env;
	const burst = Number(env.BENCH_QUEUE_BURST ?? env.BENCH_BURST ?? 500);
	const catchUpChats = Number(env.BENCH_CATCH_UP_CHATS ?? 20);
	// every chat of the burst goes through the catch-up once, Chats per Check a minute
	const recoveryS = (Math.ceil(burst / catchUpChats) + 10) * 60;
	return {
		burst,
		setups: (env.BENCH_QUEUE_SETUPS ?? 'one,cluster').split(',').map((s) => s.trim()),
		webhookTimeoutMs: Number(env.BENCH_WEBHOOK_TIMEOUT_S ?? 5) * 1000,
		intercomRetry: env.BENCH_INTERCOM_RETRY !== '0',
		catchUpChats,
		drainTimeoutMs: Number(env.BENCH_QUEUE_DRAIN_TIMEOUT_S ?? Math.max(1200, recoveryS)) * 1000,
		clusterTemplate:
			env.BENCH_QUEUE_CLUSTER_TEMPLATE ??
			(existsSync(path.join(templatesDir, QUEUE_TEMPLATE)) ? QUEUE_TEMPLATE : TEMPLATE_FILES.chat),
		clusterKommoLimit: Number(env.BENCH_QUEUE_KOMMO_LIMIT ?? Math.floor(KOMMO_LIMIT / WORKERS)),
		unsent: Math.min(burst, Number(env.BENCH_QUEUE_UNSENT ?? 0)),
	};
}
