import type { INodeProperties } from 'n8n-workflow';

import type { OperationExecute } from '../common';
import { contactPhoneProperty } from '../common';
import { findOperation } from './find';

const operation = findOperation('phone', {
	...contactPhoneProperty,
	description:
		'Kommo searches loosely, so only contacts with a phone whose digits equal these digits are returned (spaces, dashes and brackets are ignored; the country code must match)',
});

export const description: INodeProperties[] = operation.description;
export const execute: OperationExecute = operation.execute;
