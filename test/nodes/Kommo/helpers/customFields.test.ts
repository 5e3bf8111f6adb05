import type { INode } from 'n8n-workflow';

import { buildFieldValues, findOption } from '../../../../nodes/Kommo/helpers/customFields';
import { kommo, runKommo, setUpKommoTests } from '../kommoTestKit';

setUpKommoTests();

const node = { name: 'Kommo' } as INode;

const sourceField = {
	id: 777,
	name: 'Source',
	type: 'select',
	enums: [
		{ id: 9001, value: 'Intercom', sort: 1 },
		{ id: 9002, value: 'Website', sort: 2 },
	],
};
const topics = {
	id: 802,
	name: 'Topics',
	type: 'multiselect',
	enums: [
		{ id: 9100, value: 'Billing' },
		{ id: 9101, value: ' Bug ' },
	],
};
const field = (type: string) => ({ id: 1, name: 'Field', type });

describe('findOption', () => {
	test('by name ignoring case and spaces, else by ID unless told names only', () => {
		expect(findOption(sourceField, ' website ')).toMatchObject({ id: 9002, value: 'Website' });
		expect(findOption(sourceField, 9001)).toMatchObject({ id: 9001, value: 'Intercom' });
		expect(findOption(sourceField, '9001', { byId: false })).toBeUndefined();
		expect(findOption(sourceField, 'Telegram')).toBeUndefined();
		expect(findOption(field('select'), 'x')).toBeUndefined();
	});
});

describe('buildFieldValues', () => {
	test('choice fields: option names or IDs; several only for a multiselect', () => {
		expect(buildFieldValues(node, sourceField, 'intercom', 0)).toEqual([{ enum_id: 9001 }]);
		expect(buildFieldValues(node, sourceField, '9002', 0)).toEqual([{ enum_id: 9002 }]);
		expect(buildFieldValues(node, topics, 'billing, bug', 0)).toEqual([
			{ enum_id: 9100 },
			{ enum_id: 9101 },
		]);
		expect(buildFieldValues(node, topics, ['Bug', ''], 0)).toEqual([{ enum_id: 9101 }]);
		expect(buildFieldValues(node, sourceField, '', 0)).toEqual([]);
		expect(() => buildFieldValues(node, sourceField, ['Intercom', 'Website'], 2)).toThrow(
			'Lead field "Source": only one option can be chosen, got 2',
		);
		expect(() => buildFieldValues(node, topics, 'Billing, Sales', 0)).toThrow(
			'Lead field "Topics": "Sales" is not one of its options ("Billing", " Bug ")',
		);
	});

	test('a select takes a comma in an option name as it is', () => {
		const withComma = { id: 2, name: 'Size', type: 'select', enums: [{ id: 1, value: 'S, M' }] };
		expect(buildFieldValues(node, withComma, 'S, M', 0)).toEqual([{ enum_id: 1 }]);
	});

	test('options given as { name } objects count by their names, like tags elsewhere', () => {
		expect(buildFieldValues(node, topics, [{ name: 'billing' }, { name: 'Bug' }], 0)).toEqual([
			{ enum_id: 9100 },
			{ enum_id: 9101 },
		]);
		expect(buildFieldValues(node, sourceField, { name: 'Website' }, 0)).toEqual([
			{ enum_id: 9002 },
		]);
	});

	test('checkbox: yes/no words, booleans; anything else is refused', () => {
		for (const yes of [true, 'true', 'Yes', 'y', '1', 'on', 'checked']) {
			expect(buildFieldValues(node, field('checkbox'), yes, 0)).toEqual([{ value: true }]);
		}
		for (const no of [false, 'false', 'No', 'n', '0', 'off', 'unchecked', '', undefined]) {
			expect(buildFieldValues(node, field('checkbox'), no, 0)).toEqual([{ value: false }]);
		}
		expect(() => buildFieldValues(node, field('checkbox'), 'maybe', 0)).toThrow(
			'Lead field "Field": "maybe" is not a yes/no value (use true or false)',
		);
	});

	test('numbers: a decimal comma is read as a point; text that is no number is refused', () => {
		expect(buildFieldValues(node, field('numeric'), '12,5', 0)).toEqual([{ value: 12.5 }]);
		expect(buildFieldValues(node, field('price'), 100, 0)).toEqual([{ value: 100 }]);
		expect(buildFieldValues(node, field('monetary'), ' 3 ', 0)).toEqual([{ value: 3 }]);
		expect(() => buildFieldValues(node, field('numeric'), '', 0)).toThrow('"" is not a number');
		expect(() => buildFieldValues(node, field('numeric'), 'ten', 0)).toThrow(
			'"ten" is not a number',
		);
	});

	test('dates: Unix seconds or milliseconds, or any date text, to Unix seconds', () => {
		expect(buildFieldValues(node, field('date'), 1700000000, 0)).toEqual([{ value: 1700000000 }]);
		expect(buildFieldValues(node, field('date_time'), 1700000000123, 0)).toEqual([
			{ value: 1700000000 },
		]);
		expect(buildFieldValues(node, field('birthday'), '1700000000', 0)).toEqual([
			{ value: 1700000000 },
		]);
		expect(buildFieldValues(node, field('date'), '2026-06-25T00:00:00Z', 0)).toEqual([
			{ value: 1782345600 },
		]);
		expect(() => buildFieldValues(node, field('date'), 'soon', 0)).toThrow('"soon" is not a date');
	});

	test('any other type takes the value as text', () => {
		expect(buildFieldValues(node, field('text'), 'hello', 0)).toEqual([{ value: 'hello' }]);
		expect(buildFieldValues(node, field('url'), 42, 0)).toEqual([{ value: '42' }]);
		expect(buildFieldValues(node, field('textarea'), undefined, 0)).toEqual([{ value: '' }]);
	});
});

describe('LeadFieldDirectory and buildCustomFieldsValues, through the Create operation', () => {
	test('custom field definitions are fetched once per execution', async () => {
		const scope = kommo()
			.get('/api/v4/leads/custom_fields/777')
			.once()
			.reply(200, sourceField)
			.post('/api/v4/leads')
			.times(2)
			.reply(200, { _embedded: { leads: [{ id: 5, request_id: '0' }] } });
		const result = await runKommo(
			{
				resource: 'lead',
				operation: 'create',
				name: '={{ $json.name }}',
				customFields: { field: [{ fieldId: 777, value: 'Website' }] },
			},
			[{ json: { name: 'A' } }, { json: { name: 'B' } }],
		);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')).toHaveLength(2);
		scope.done();
	});

	test('a definition that failed to load is asked for again by the next item', async () => {
		const scope = kommo()
			.get('/api/v4/leads/custom_fields/777')
			.reply(404, { title: 'Not Found', status: 404 })
			.get('/api/v4/leads/custom_fields/777')
			.reply(200, sourceField)
			.post('/api/v4/leads')
			.reply(200, { _embedded: { leads: [{ id: 6, request_id: '0' }] } });
		const result = await runKommo(
			{
				resource: 'lead',
				operation: 'create',
				name: '={{ $json.name }}',
				customFields: { field: [{ fieldId: 777, value: 'Website' }] },
			},
			[{ json: { name: 'A' } }, { json: { name: 'B' } }],
			{ continueOnFail: true },
		);
		const items = result.json('Kommo');
		expect(items).toHaveLength(2);
		expect(items[0]).toHaveProperty('error');
		expect(items[1]).toMatchObject({ id: 6 });
		scope.done();
	});

	test('a row without a field is refused before any request', async () => {
		const result = await runKommo({
			resource: 'lead',
			operation: 'create',
			name: 'X',
			customFields: { field: [{ fieldId: '', value: 'Website' }] },
		});
		expect(result.error('Kommo')?.message).toBe('Choose a lead field for every custom field row');
	});
});
