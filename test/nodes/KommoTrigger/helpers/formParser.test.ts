import { FormParseError, parseNestedForm } from '../../../../nodes/KommoTrigger/helpers/formParser';
import { bigStatusBatch, kommoForm, loadText } from '../kommoForm';

describe('parseNestedForm', () => {
	test('re-nests the captured 2016 Kommo stage-change request exactly', () => {
		const parsed = parseNestedForm(loadText('status-lead.captured-2016.form.txt'));
		expect(parsed).toEqual({
			leads: {
				status: [
					{
						id: '31926520',
						name: 'Some test lead',
						status_id: '10216994',
						price: '1000',
						responsible_user_id: '938348',
						last_modified: '1456820780',
						modified_user_id: '102525',
						created_user_id: '102525',
						date_create: '1456808154',
						pipeline_id: '2116',
						account_id: '10216991',
						custom_fields: [
							{ id: '1119321', name: 'Some text field', values: [{ value: 'some text' }] },
						],
						old_status_id: '10216995',
					},
				],
			},
			account: { subdomain: 'test000002' },
		});
	});

	test('decodes + as space, UTF-8 percent-encoding, and keeps = and & inside values', () => {
		const body = kommoForm([
			['leads[add][0][name]', 'Müller GmbH — a=b & c'],
			['plain', 'x'],
		]);
		expect(body).toContain('+');
		expect(parseNestedForm(body)).toEqual({
			leads: { add: [{ name: 'Müller GmbH — a=b & c' }] },
			plain: 'x',
		});
		expect(parseNestedForm('a=1+2%2B3&b=&c')).toEqual({ a: '1 2+3', b: '', c: '' });
	});

	test('keeps every field of a 1500+ field body (n8n keeps only 1000)', () => {
		const pairs = bigStatusBatch(40, 12); // 40 * (4 + 36) + 2 = 1602 fields
		expect(pairs.length).toBeGreaterThan(1500);
		const parsed = parseNestedForm(kommoForm(pairs)) as any;
		expect(parsed.leads.status).toHaveLength(40);
		const last = parsed.leads.status[39];
		expect(last.id).toBe('500039');
		expect(last.custom_fields).toHaveLength(12);
		expect(last.custom_fields[11]).toEqual({
			id: '1119011',
			name: 'Field 11',
			values: [{ value: 'value 39/11' }],
		});
		expect(parsed.account).toEqual({ subdomain: 'devteam', id: '31361463' });
	});

	test('fails clearly on broken percent-encoding, in names and values', () => {
		expect(() => parseNestedForm('leads%5Bstatus%5D%5B0%5D%5Bname%5D=%E0%A4%A')).toThrow(
			FormParseError,
		);
		expect(() => parseNestedForm('a=ok&b=%E0%A4%A')).toThrow(
			/Field 2 has a broken percent-encoding in its value/,
		);
		expect(() => parseNestedForm('a%ZZ=1')).toThrow(/broken percent-encoding in its name/);
		expect(() => parseNestedForm('a=%FF')).toThrow(FormParseError);
	});

	test('refuses __proto__, constructor and prototype keys without touching Object.prototype', () => {
		for (const body of [
			'__proto__[polluted]=yes',
			'leads[__proto__][polluted]=yes',
			'leads%5B__proto__%5D%5Bpolluted%5D=yes',
			'a[constructor][prototype][polluted]=yes',
			'leads[status][0][prototype]=x',
		]) {
			expect(() => parseNestedForm(body)).toThrow(/reserved name/);
		}
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
	});

	test('refuses absurd nesting and malformed names', () => {
		const deep = 'a' + '[x]'.repeat(13) + '=1';
		expect(() => parseNestedForm(deep)).toThrow(/nested 13 levels deep; at most 12/);
		expect(parseNestedForm('a' + '[x]'.repeat(12) + '=1')).toBeDefined();
		expect(() => parseNestedForm('a[b=1')).toThrow(/unbalanced brackets/);
		expect(() => parseNestedForm('[a]=1')).toThrow(/no name/);
		expect(() => parseNestedForm('a]b[=1')).toThrow(FormParseError);
	});

	test('numeric indexes become arrays only when dense; ids used as keys stay objects', () => {
		const parsed = parseNestedForm(
			kommoForm([
				['contacts[add][0][linked_leads_id][40326593][ID]', '40326593'],
				['list[1]', 'b'],
				['list[0]', 'a'],
				['gap[0]', 'a'],
				['gap[2]', 'c'],
				['push[]', 'x'],
				['push[]', 'y'],
			]),
		) as any;
		expect(parsed.contacts.add[0].linked_leads_id).toEqual({ '40326593': { ID: '40326593' } });
		expect(Array.isArray(parsed.contacts.add[0].linked_leads_id)).toBe(false);
		expect(parsed.list).toEqual(['a', 'b']);
		expect(parsed.gap).toEqual({ '0': 'a', '2': 'c' });
		expect(parsed.push).toEqual(['x', 'y']);
		// a top-level "0" stays an object key
		expect(parseNestedForm('0=a')).toEqual({ '0': 'a' });
	});

	test('last field wins when a name is repeated or turned into a group (PHP semantics)', () => {
		expect(parseNestedForm('a=1&a=2')).toEqual({ a: '2' });
		expect(parseNestedForm('a=1&a[b]=2')).toEqual({ a: { b: '2' } });
		expect(parseNestedForm('a[b]=2&a=1')).toEqual({ a: '1' });
	});
});
