/**
 * What Find by Email and Find by Phone share. Their behaviour against Kommo runs through the two
 * operations (findByEmail.operation.test.ts, findByPhone.operation.test.ts); here the pieces.
 */
import {
	channelValues,
	findOperation,
	findOptionsFor,
} from '../../../../../nodes/Kommo/actions/contact/find';
import { loadOptions } from '../../../../../nodes/Kommo/methods';
import { loadOptionsMethodsIn } from '../../../../helpers/descriptions';

describe('channelValues', () => {
	test("the values of a contact's EMAIL or PHONE field, whatever the field's type", () => {
		const contact = {
			custom_fields_values: [
				{ field_code: 'EMAIL', values: [{ value: 'a@x.test', enum_code: 'WORK' }, { value: '' }] },
				{ field_code: 'email', values: [{ value: 'b@x.test', enum: 'PRIV' }] },
				{ field_code: 'PHONE', values: [{ value: '+1 415' }] },
				{ field_code: null, field_name: 'Email backup', values: [{ value: 'c@x.test' }] },
				{ field_code: 'EMAIL', values: null },
			],
		};
		expect(channelValues(contact, 'email')).toEqual(['a@x.test', 'b@x.test']);
		expect(channelValues(contact, 'phone')).toEqual(['+1 415']);
		expect(channelValues({ custom_fields_values: null }, 'email')).toEqual([]);
		expect(channelValues({}, 'phone')).toEqual([]);
	});
});

describe('findOperation', () => {
	const field = { displayName: 'Email', name: 'email', type: 'string' as const, default: '' };

	test('the channel field, required, then the options, shown only under its operation', () => {
		const email = findOperation('email', field);
		expect(email.description.map((property) => [property.name, property.required])).toEqual([
			['email', true],
			['options', undefined],
		]);
		for (const property of email.description) {
			expect(property.displayOptions?.show).toEqual({
				resource: ['contact'],
				operation: ['findByEmail'],
			});
		}
		const phone = findOperation('phone', { ...field, name: 'phone' });
		expect(phone.description[0].displayOptions?.show?.operation).toEqual(['findByPhone']);
		expect(field).not.toHaveProperty('required');
	});

	test('the options name only methods the node exports', () => {
		for (const method of loadOptionsMethodsIn([findOptionsFor('email')])) {
			expect(Object.keys(loadOptions)).toContain(method);
		}
	});
});
