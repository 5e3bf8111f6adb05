import type { IDataObject } from 'n8n-workflow';

/** What every item of one run of the node shares. */
export interface RunContext {
	/** the workflow's id: delivery state and receipts belong to one workflow */
	workflowKey: string;
	/**
	 * The workflow's static data, read only when used: n8n creates the object on the first read and
	 * then saves static data at the end of the run, which a run that keeps nothing should not cost.
	 */
	staticData: () => IDataObject;
	/** identifies this run of the node, so its own claims never make it wait */
	owner: string;
}

/**
 * A "json" parameter's value: n8n passes what an expression returned as it is, and typed or pasted
 * text as a string, which is parsed here; text that is not JSON gives undefined.
 */
export function jsonParameterValue(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return undefined;
	}
}
