/** The Kommo node's description against the code behind it. */
import { Kommo } from '../../../nodes/Kommo/Kommo.node';
import * as chat from '../../../nodes/Kommo/actions/chat/Chat.resource';
import * as contact from '../../../nodes/Kommo/actions/contact/Contact.resource';
import * as lead from '../../../nodes/Kommo/actions/lead/Lead.resource';
import * as note from '../../../nodes/Kommo/actions/note/Note.resource';
import { kommoCredentials } from '../../../nodes/shared/kommo/descriptions';
import { optionValues } from '../../helpers/descriptions';
import { BASE, kommo, leadFixture, runKommo, setUpKommoTests } from './kommoTestKit';

setUpKommoTests();

const { description } = new Kommo();

test('resources offered are the resource modules, their properties all in the node', () => {
	const resources = { chat, contact, lead, note };
	expect(optionValues(description.properties, 'resource').sort()).toEqual(
		Object.keys(resources).sort(),
	);
	for (const module of Object.values(resources)) {
		for (const property of module.description) expect(description.properties).toContain(property);
	}
	expect(optionValues(description.properties, 'resource')).toContain(
		description.properties.find((property) => property.name === 'resource')?.default,
	);
});

test('one input and one output, as the router returns: one item per input item, paired', async () => {
	expect(description.inputs).toEqual(['main']);
	expect(description.outputs).toEqual(['main']);
	const scope = kommo()
		.get('/api/v4/leads/19619')
		.query({ with: 'contacts' })
		.reply(200, { ...leadFixture(19619, 58141807, 6950551), _links: { self: { href: BASE } } })
		.get('/api/v4/leads/19620')
		.query({ with: 'contacts' })
		.reply(200, leadFixture(19620, 142, 6950551));
	const result = await runKommo({ resource: 'lead', operation: 'get', leadId: '={{ $json.id }}' }, [
		{ json: { id: 19619 } },
		{ json: { id: 19620 } },
	]);
	expect(result.error()).toBeUndefined();
	const outputs = result.output('Kommo');
	expect(outputs).toHaveLength(description.outputs.length);
	expect(outputs[0].map((item) => [item.json.id, item.pairedItem])).toEqual([
		[19619, { item: 0 }],
		[19620, { item: 1 }],
	]);
	scope.done();
});

test('signs in with the two shared Kommo credentials, chosen by Authentication, and the channel for Chat', () => {
	expect(description.credentials).toEqual([
		...kommoCredentials,
		{
			name: 'intercomKommoKommoChatApi',
			required: true,
			displayOptions: { show: { resource: ['chat'] } },
		},
	]);
	expect(description.properties[0].name).toBe('authentication');
});

test('the subtitle and the tool use name the operation and resource', () => {
	expect(description.subtitle).toBe(
		'={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
	);
	expect(description.usableAsTool).toBe(true);
	expect(typeof new Kommo().execute).toBe('function');
});
