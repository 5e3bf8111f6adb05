import { contactPhoneProperty } from '../common';
import { findOperation } from './find';

export const { description, execute } = findOperation('phone', {
	...contactPhoneProperty,
	description:
		'Kommo searches loosely, so only contacts with a phone whose digits equal these digits are returned (spaces, dashes and brackets are ignored; the country code must match)',
});
