/** The Intercom node's description against the code behind it. */
import { IntercomKommoIntercomApi } from '../../../credentials/IntercomKommoIntercomApi.credentials';
import { Intercom } from '../../../nodes/Intercom/Intercom.node';
import * as conversation from '../../../nodes/Intercom/actions/conversation/Conversation.resource';
import { INTERCOM_CREDENTIAL } from '../../../nodes/shared/intercom/transport';
import { optionValues } from '../../helpers/descriptions';
import { byId, fixture, intercom, runIntercom, setupNock } from './helpers';

setupNock();

const { description } = new Intercom();

test('the resource offered is the Conversation module, all its properties in the node', () => {
	expect(optionValues(description.properties, 'resource')).toEqual(['conversation']);
	for (const property of conversation.description) {
		expect(description.properties).toContain(property);
	}
	expect(description.properties).toHaveLength(conversation.description.length + 1);
});

test('the credential named is the one the transport reads, and the package defines it', () => {
	expect(description.credentials).toEqual([{ name: INTERCOM_CREDENTIAL, required: true }]);
	expect(new IntercomKommoIntercomApi().name).toBe(INTERCOM_CREDENTIAL);
});

test('one input and one output, as the router returns: one item per input item, paired', async () => {
	expect(description.inputs).toEqual(['main']);
	expect(description.outputs).toEqual(['main']);
	const conversationBody = fixture('conversation');
	const scope = intercom()
		.get('/conversations/1')
		.reply(200, { ...conversationBody, id: '1' })
		.get('/conversations/2')
		.reply(200, { ...conversationBody, id: '2' });
	const result = await runIntercom(
		{
			resource: 'conversation',
			operation: 'get',
			conversationId: byId('={{ $json.id }}'),
			options: {},
			resolveCustomer: false,
		},
		{ input: [{ json: { id: '1' } }, { json: { id: '2' } }] },
	);
	expect(result.nodeError).toBeUndefined();
	expect(result.output('Intercom')).toHaveLength(description.outputs.length);
	expect(result.items.map((item) => [item.json.id, item.pairedItem])).toEqual([
		['1', { item: 0 }],
		['2', { item: 1 }],
	]);
	scope.done();
});
