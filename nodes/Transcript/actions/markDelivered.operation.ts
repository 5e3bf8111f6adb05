import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../shared/descriptions';
import { confirmDelivery, isDeliveryReceipt } from '../delivery/watermark';
import { jsonParameterValue } from './common';
import type { RunContext } from './common';

const properties: INodeProperties[] = [
	{
		displayName:
			'Place this after the step that writes the note (e.g. Kommo › Add Note). Each item it receives counts as written (one note, or all notes of a conversation with Output "One Item per Conversation"), so the next run of the Transcript node shows only newer messages. Items with an error are not counted.',
		name: 'markDeliveredNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Delivery Receipt',
		name: 'receipt',
		type: 'json',
		default: "={{ $('Transcript').item.json.delivery }}",
		required: true,
		description:
			'The "delivery" field of the Transcript item this item wrote (a note, or a whole conversation). If your Transcript node has another name, put that name in place of Transcript.',
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['markDelivered'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
): Promise<IDataObject> {
	const item = this.getInputData()[itemIndex].json;
	const outcome = (delivered: boolean, reason: string) => ({ ...item, delivered, reason });

	// continueOnFail upstream: the note was not written, whatever the receipt says
	if (item.error !== undefined && item.error !== null && item.error !== false) {
		return outcome(
			false,
			'The previous step reported an error for this note, so it is not marked as delivered.',
		);
	}
	const receipt = jsonParameterValue(this.getNodeParameter('receipt', itemIndex, null));
	if (!isDeliveryReceipt(receipt)) {
		return outcome(
			false,
			'No delivery receipt for this item. Check that "Delivery Receipt" points to the "delivery" field of the Transcript node that rendered the note.',
		);
	}
	if (receipt.workflowKey !== run.workflowKey) {
		return outcome(false, 'The delivery receipt comes from another workflow.');
	}
	const confirmation = confirmDelivery(receipt, run.staticData());
	return outcome(confirmation.applied, confirmation.reason);
}
