/**
 * IntercomType, the node's `{ resource, operation }` union, against what the editor offers: the
 * table below must name exactly the union's pairs (`npm run typecheck` refuses a missing or extra
 * one), and the test checks that the node's descriptions offer exactly the table.
 */
import { Intercom } from '../../../../nodes/Intercom/Intercom.node';
import type { IntercomType } from '../../../../nodes/Intercom/actions/node.type';
import { offeredOperations, optionValues } from '../../../helpers/descriptions';

const union: {
	[R in IntercomType['resource']]: Record<
		Extract<IntercomType, { resource: R }>['operation'],
		true
	>;
} = {
	conversation: { get: true, addTag: true, removeTag: true, reply: true },
};

test('the node offers exactly the resources and operations of IntercomType', () => {
	const { properties } = new Intercom().description;
	expect(optionValues(properties, 'resource').sort()).toEqual(Object.keys(union).sort());
	for (const [resource, operations] of Object.entries(union)) {
		expect(offeredOperations(resource, properties).sort()).toEqual(Object.keys(operations).sort());
	}
});
