// One engine's leg of bench/n8n.bench.mjs: the n8n process (and with BENCH_BASELINE_REF the two side
// processes) started with that expression engine, then in this order: the warm-up, leg 1 (calls per
// path, first engine only), leg 2 (latency rounds), leg 3 (trace rounds), n8n's own timings of
// every event, the figures, and leg 4 (burst, first engine only). Each leg's module says what it
// measures and against what.
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'node:fs';

import { freePort, log } from '../../n8n-driver/n8n.mjs';
import {
	productionUrl,
	registerKommoWebhook,
	setCatchUp,
	waitForWebhook,
} from '../../n8n-driver/templates.mjs';
import { BENCH_OWNER } from '../lib/n8n-setup.mjs';
import { round } from '../lib/numbers.mjs';
import { shape } from '../lib/sandbox-log.mjs';
import { BENCH_FILES, benchUrl } from './bench-workflows.mjs';
import { runBurst } from './burst.mjs';
import { callsPerPath, handOversDone } from './calls-per-path.mjs';
import { BURST, EVENTS, LABELS, ROTATION, SIDES, WARMUP, outDir, version } from './config.mjs';
import { latencyRounds } from './latency-rounds.mjs';
import { summarizeLeg } from './leg-summary.mjs';
import { quiet } from './sandbox-calls.mjs';
import { intercomContactId } from './seed.mjs';
import { readExecutionTimings } from './timings.mjs';
import { summarizeTrace, traceRounds } from './trace-rounds.mjs';

/** @typedef {import('./setup.mjs').BenchContext} BenchContext */
/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */

/**
 * The environment of every n8n process of one engine: "vm+lazy" is the vm engine with
 * N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (an isolate only when an expression is evaluated);
 * "vm+pool2" with N8N_EXPRESSION_ENGINE_POOL_SIZE=2 (two warm isolates, so an execution after a
 * community trigger's webhook phase finds one). Each process gets the tracer's preload and its own
 * inspector port.
 * @param {string} engine a name of BENCH_ENGINES
 * @param {string} preloadPath
 * @returns {(inspectPort: number) => Record<string, string>}
 */
function engineEnvironment(engine, preloadPath) {
	const [engineName, ...flags] = engine.split('+');
	const pool = flags.map((flag) => /^pool(\d+)$/.exec(flag)?.[1]).find(Boolean);
	return (port) => ({
		N8N_EXPRESSION_ENGINE: engineName,
		...(flags.includes('lazy') ? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } : {}),
		...(pool ? { N8N_EXPRESSION_ENGINE_POOL_SIZE: pool } : {}),
		NODE_OPTIONS: [
			process.env.NODE_OPTIONS,
			`--inspect=127.0.0.1:${port}`,
			`--require=${preloadPath}`,
		]
			.filter(Boolean)
			.join(' '),
	});
}

/**
 * Runs the leg of `engine` (the `legIndex`th of BENCH_ENGINES) and adds its figures to
 * `results.legs[engine]` (and, for the first, callsPerPath, floorCallsPerEvent, the burst and the
 * memory); bench/results/n8n.json is written at its end, in case a later leg fails.
 * @param {BenchContext} ctx
 * @param {Record<string, any>} results
 * @param {number} legIndex
 * @param {string} engine
 */
export async function runEngineLeg(ctx, results, legIndex, engine) {
	const { sandbox, n8n, baseline, imported, bench, freshChat } = ctx;
	/** @type {{ engine: string, startedAt: string, [figure: string]: any }} */
	const leg = { engine, startedAt: new Date().toISOString() };
	results.legs[engine] = leg;
	const inspectPort = await freePort();
	const engineEnv = engineEnvironment(engine, ctx.preloadPath);
	n8n.extraEnv = engineEnv(inspectPort);
	await n8n.start();
	await n8n.signIn(BENCH_OWNER);
	// docs/catch-up.md: Import History (Days) 0, then "Publish" (it stays published after)
	if (legIndex === 0) await setCatchUp(n8n, imported.chat, { importDays: 0 });
	// the side processes: the same engine, flags and preload (their inspectors unused)
	const sides = baseline ? SIDES.map((key) => ({ key, side: baseline[key] })) : [];
	/** @type {Record<string, string>} */
	const sideUrls = {};
	for (const { key, side } of sides) {
		side.n8n.extraEnv = engineEnv(await freePort());
		await side.n8n.start();
		await side.n8n.signIn(BENCH_OWNER);
		if (legIndex === 0 && side.catchUp) await setCatchUp(side.n8n, side.chat, { importDays: 0 });
		sideUrls[key] = (await productionUrl(side.n8n, side.chat)).url;
		await waitForWebhook(sideUrls[key]);
		log(`${LABELS[key]}: n8n up on ${side.n8n.baseUrl} (pid ${side.n8n.child?.pid})`);
	}
	const chatUrl = (await productionUrl(n8n, imported.chat)).url;
	const stageUrl = (await productionUrl(n8n, imported.stage)).url;
	/** @type {Record<string, string>} */
	const urls = {
		ours: chatUrl,
		...Object.fromEntries(Object.entries(bench).map(([key, w]) => [key, benchUrl(n8n, w)])),
	};
	for (const url of [...Object.values(urls), stageUrl]) await waitForWebhook(url);
	log(`n8n ${version} up on ${n8n.baseUrl} (pid ${n8n.child?.pid}), expression engine ${engine}`);
	sandbox.configure({ kommoRateLimit: false });

	// Warm-up of the template (the first execution loads the nodes), on a spare chat.
	await sandbox.sendIntercomWebhook({
		url: chatUrl,
		topic: 'conversation.user.created',
		conversationId: String(700000 + freshChat()),
	});
	await quiet(sandbox);
	for (const url of Object.values(sideUrls)) {
		await sandbox.sendIntercomWebhook({
			url,
			topic: 'conversation.user.created',
			conversationId: String(700000 + freshChat()),
		});
		await quiet(sandbox);
	}

	if (legIndex === 0) await measureCallsPerPath(ctx, results, { chatUrl, stageUrl, sideUrls });

	const { events, rounds } = latencyRounds({
		sandbox,
		urls,
		sideUrls,
		callShapes: ctx.callShapes,
		freshChat,
	});
	await rounds(WARMUP, 'warm-up');
	log(`${engine}: ${EVENTS} rounds, one event to each of ${ROTATION.length} workflows per round`);
	await rounds(EVENTS, 'latency');

	// Trace rounds: CPU profile + timers inside n8n.
	const trace = await traceRounds({ engine, inspectPort, rounds });
	await quiet(sandbox, 1000);

	// n8n's own timings of every event's execution.
	await readExecutionTimings(events, {
		engine,
		leg,
		workflowIds: ctx.workflowIds,
		instanceOf: (workflow) => sides.find(({ key }) => key === workflow)?.side.n8n ?? n8n,
	});

	// the side processes are done (a burst that follows runs on the first one alone)
	for (const { side } of sides) await side.n8n.stop();
	await summarizeLeg(leg, events, {
		sandbox,
		n8n,
		chatId: imported.chat.id,
		withBaseline: Boolean(baseline),
	});
	leg.trace = summarizeTrace(events, trace, ctx.nodeTypes, engine);
	// every field an event has: what one() returns, plus executionId and n8n from the timings
	leg.events = events;
	/** @param {string} w */
	const p50 = (w) => leg.latency[w].p50;
	log(
		`${engine}: p50 ours ${p50('ours')}${baseline ? ` · ours-after ${p50('oursAfter')} · ours-before ${p50('oursBefore')}` : ''} · floor ${p50('floor')} · peer ${p50('peer')} · trigger alone ${p50('emptyTrigger')} · webhook alone ${p50('emptyWebhook')} ms`,
	);

	if (legIndex === 0 && BURST > 0) {
		const burst = await runBurst(sandbox, n8n, chatUrl, imported.chat.id);
		results.burst = { ...burst.burst, n8nExpressionEngine: engine };
		results.memory = burst.memory;
	}
	await n8n.stop();
	leg.load = os.loadavg().map((v) => round(v, 2));
	// what we have so far, in case a later leg fails
	writeFileSync(path.join(outDir, 'n8n.json'), JSON.stringify(results, null, '\t'));
}

/**
 * Leg 1 (bench/n8n/calls-per-path.mjs) on the first process, then the floor's calls taken from its
 * existing-deal path (ctx.callShapes); with a baseline, the same paths on ours-before once the
 * catch-ups are done with the replied chat.
 * @param {BenchContext} ctx
 * @param {Record<string, any>} results
 * @param {{ chatUrl: string, stageUrl: string, sideUrls: Record<string, string> }} urls
 */
async function measureCallsPerPath(ctx, results, { chatUrl, stageUrl, sideUrls }) {
	const { sandbox, n8n, baseline, imported, bench, freshChat } = ctx;
	await registerKommoWebhook(sandbox, stageUrl);
	const { perPath, existingCalls, changedAt } = await callsPerPath(sandbox, chatUrl);
	results.callsPerPath = perPath;
	// The calls the template made for one existing-deal event, replayed by the floor.
	const callShapes = existingCalls.map((e) => ({
		api: e.api,
		method: e.method,
		path: e.path,
		ids: {
			conversationId: '700000',
			contactId: intercomContactId('01', 0),
			leadId: 36000000,
			email: encodeURIComponent('existing0@bench.example'),
		},
	}));
	ctx.callShapes = callShapes;
	const floorMethods = bench.floor.nodes.slice(1).map((node) => node.parameters.method);
	if (JSON.stringify(floorMethods) !== JSON.stringify(callShapes.map((c) => c.method))) {
		throw new Error(
			`the template's existing-deal path now makes ${callShapes.map(shape).join(', ')}; update bench/workflows/${BENCH_FILES.floor}`,
		);
	}
	results.floorCallsPerEvent = callShapes.map(shape);
	if (baseline) {
		// the catch-ups (this process's, the sides' with one) hand the replied chat over twice
		await handOversDone(
			[
				{ n8n, workflowId: imported.chat.id },
				...SIDES.filter((key) => baseline[key].catchUp).map((key) => ({
					n8n: baseline[key].n8n,
					workflowId: baseline[key].chat.id,
				})),
			],
			changedAt,
		);
		// the same paths on the baseline, on its own existing-deal chat and new customer
		const before = await callsPerPath(sandbox, sideUrls.oursBefore, {
			existingChat: String(700000 + freshChat()),
			newLeadChat: '900001',
			stageChanges: false,
		});
		results.callsPerPathBefore = before.perPath;
	}
}
