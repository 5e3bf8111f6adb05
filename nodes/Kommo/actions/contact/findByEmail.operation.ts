import { contactEmailProperty } from '../common';
import { findOperation } from './find';

export const { description, execute } = findOperation('email', {
	...contactEmailProperty,
	description:
		'Kommo searches loosely, so only contacts whose email field equals this address (ignoring case) are returned',
});
