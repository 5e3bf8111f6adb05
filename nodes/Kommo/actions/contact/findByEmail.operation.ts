import type { INodeProperties } from 'n8n-workflow';

import type { OperationExecute } from '../common';
import { contactEmailProperty } from '../common';
import { findOperation } from './find';

const operation = findOperation('email', {
	...contactEmailProperty,
	description:
		'Kommo searches loosely, so only contacts whose email field equals this address (ignoring case) are returned',
});

export const description: INodeProperties[] = operation.description;
export const execute: OperationExecute = operation.execute;
