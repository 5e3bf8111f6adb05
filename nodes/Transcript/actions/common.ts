import type { IDataObject } from 'n8n-workflow';

/** What every item of one run of the node shares. */
export interface RunContext {
	/** the workflow's id: delivery state and receipts belong to one workflow */
	workflowKey: string;
	staticData: IDataObject;
	/** identifies this run of the node, so its own claims never make it wait */
	owner: string;
}
