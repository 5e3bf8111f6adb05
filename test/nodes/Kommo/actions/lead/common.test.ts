/** The Lead ID every lead operation (and Add Note on a lead) reads. */
import { leadIdProperty } from '../../../../../nodes/Kommo/actions/lead/common';
import { kommo, leadFixture, runKommo, setUpKommoTests } from '../../kommoTestKit';

setUpKommoTests();

const get = (leadId: string) => ({ resource: 'lead', operation: 'get', leadId });

test('the Lead ID field is a required string, so a mapped number or a pasted id both work', async () => {
	expect(leadIdProperty).toMatchObject({ name: 'leadId', type: 'string', required: true });
	const scope = kommo()
		.get('/api/v4/leads/19619')
		.query({ with: 'contacts' })
		.times(2)
		.reply(200, leadFixture(19619, 58141807, 6950551));
	const result = await runKommo(get('={{ $json.id }}'), [
		{ json: { id: 19619 } },
		{ json: { id: ' 19619 ' } },
	]);
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo').map((lead) => lead.id)).toEqual([19619, 19619]);
	scope.done();
});

test('anything but a positive whole number fails that item, naming the field', async () => {
	const result = await runKommo(
		get('={{ $json.id }}'),
		[{ json: { id: 'abc' } }, { json: { id: 0 } }, { json: { id: '12.5' } }],
		{ continueOnFail: true },
	);
	expect(result.json('Kommo').map((item) => item.error)).toEqual([
		'Lead ID must be a Kommo ID (digits only), got "abc"',
		'Lead ID must be a Kommo ID (digits only), got "0"',
		'Lead ID must be a Kommo ID (digits only), got "12.5"',
	]);
});
