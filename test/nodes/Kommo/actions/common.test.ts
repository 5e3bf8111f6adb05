import {
	contactChannels,
	customFieldsProperty,
	newContactBody,
	responsibleUserOption,
} from '../../../../nodes/Kommo/actions/common';
import { loadOptions } from '../../../../nodes/Kommo/methods';
import { kommo, runKommo, setUpKommoTests } from '../kommoTestKit';

setUpKommoTests();

describe('contact channels', () => {
	test("email and phone as Kommo's predefined multitext fields, trimmed, blanks left out", () => {
		expect(contactChannels(' ann@example.com ', ' +14155550100 ')).toEqual([
			{ field_code: 'EMAIL', values: [{ value: 'ann@example.com', enum_code: 'WORK' }] },
			{ field_code: 'PHONE', values: [{ value: '+14155550100', enum_code: 'WORK' }] },
		]);
		expect(contactChannels('', '  ')).toEqual([]);
		expect(contactChannels('', '+1 415')).toEqual([
			{ field_code: 'PHONE', values: [{ value: '+1 415', enum_code: 'WORK' }] },
		]);
	});

	test('a new contact is named by its name, else its email, else its phone', () => {
		expect(newContactBody('Ann Lee', 'ann@example.com', '')).toEqual({
			name: 'Ann Lee',
			custom_fields_values: [
				{ field_code: 'EMAIL', values: [{ value: 'ann@example.com', enum_code: 'WORK' }] },
			],
		});
		expect(newContactBody('', ' ann@example.com ', '+1')).toMatchObject({
			name: 'ann@example.com',
		});
		expect(newContactBody('', '', ' +14155550100 ')).toMatchObject({ name: '+14155550100' });
		expect(newContactBody('Bare', '', '')).toEqual({ name: 'Bare' });
	});
});

describe('shared fields', () => {
	test('their option lists come from methods the node exports', () => {
		const fieldId = (
			customFieldsProperty.options as Array<{
				values: Array<{ name: string; typeOptions?: { loadOptionsMethod?: string } }>;
			}>
		)[0].values.find((value) => value.name === 'fieldId');
		for (const method of [
			fieldId?.typeOptions?.loadOptionsMethod,
			responsibleUserOption.typeOptions?.loadOptionsMethod,
		]) {
			expect(Object.keys(loadOptions)).toContain(method);
		}
	});

	test('readCustomFieldRows reads the Custom Fields table as the properties name it', async () => {
		const field = { id: 779, name: 'Budget', type: 'numeric' };
		const scope = kommo()
			.get('/api/v4/leads/custom_fields/779')
			.reply(200, field)
			.post('/api/v4/leads', [
				{ name: 'Deal', custom_fields_values: [{ field_id: 779, values: [{ value: 42 }] }] },
			])
			.reply(200, { _embedded: { leads: [{ id: 1, request_id: '0' }] } });
		const [row] = customFieldsProperty.options as Array<{
			name: string;
			values: Array<{ name: string }>;
		}>;
		const result = await runKommo({
			resource: 'lead',
			operation: 'create',
			name: 'Deal',
			[customFieldsProperty.name]: {
				[row.name]: [{ [row.values[0].name]: 779, [row.values[1].name]: '42' }],
			},
		});
		expect(result.error()).toBeUndefined();
		scope.done();
	});
});
