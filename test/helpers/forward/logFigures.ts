/** Figures of a fault run from the sandbox log: calls, faults, retries. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { LogEntry } from '../../../sandbox';

export interface LogFigures {
	intercomCalls: number;
	kommoCalls: number;
	faultsByKind: Record<string, number>;
	/** a request identical (method + path + query) to the request just before it, which failed */
	retriesInLog: number;
	failedResponses: number;
}

function failed(entry: LogEntry) {
	return (
		entry.fault !== null ||
		entry.status === null ||
		entry.status === 429 ||
		(entry.status >= 500 && entry.status <= 599)
	);
}

/**
 * Figures from the sandbox log of a run whose executions ran one after another. The first request of
 * each execution is never counted as a retry (a re-run repeats what failed, but it is not a retry).
 */
export function logFigures(log: LogEntry[], executionStarts: number[]): LogFigures {
	const api = log.filter((entry) => entry.api === 'intercom' || entry.api === 'kommo');
	const starts = new Set<number>();
	for (const after of executionStarts) {
		const first = api.find((entry) => entry.seq > after);
		if (first) starts.add(first.seq);
	}
	const figures: LogFigures = {
		intercomCalls: 0,
		kommoCalls: 0,
		faultsByKind: {},
		retriesInLog: 0,
		failedResponses: 0,
	};
	let previous: LogEntry | undefined;
	for (const entry of api) {
		if (entry.api === 'intercom') figures.intercomCalls++;
		else figures.kommoCalls++;
		if (entry.fault)
			figures.faultsByKind[entry.fault] = (figures.faultsByKind[entry.fault] ?? 0) + 1;
		if (failed(entry)) figures.failedResponses++;
		if (
			previous &&
			!starts.has(entry.seq) &&
			failed(previous) &&
			previous.method === entry.method &&
			previous.path === entry.path
		) {
			figures.retriesInLog++;
		}
		previous = entry;
	}
	return figures;
}

/** Figures of a fault run, for reading after it: test/faults/.out/<file>. */
export function writeFigures(file: string, figures: unknown) {
	const dir = join(__dirname, '..', '..', 'faults', '.out');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, file), `${JSON.stringify(figures, null, 2)}\n`);
}
