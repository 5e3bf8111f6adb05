/**
 * KommoType, the node's `{ resource, operation }` union, against what the editor offers: the table
 * below must name exactly the union's pairs (`npm run typecheck` refuses a missing or extra one), and
 * the test checks that the node's descriptions offer exactly the table.
 */
import { Kommo } from '../../../../nodes/Kommo/Kommo.node';
import type { KommoType } from '../../../../nodes/Kommo/actions/node.type';
import { offeredOperations, optionValues } from '../../../helpers/descriptions';

const union: {
	[R in KommoType['resource']]: Record<Extract<KommoType, { resource: R }>['operation'], true>;
} = {
	chat: { connectChannel: true, sendConversation: true, setDeliveryStatus: true },
	contact: { findByEmail: true, findByPhone: true, create: true },
	lead: { create: true, get: true, getIntercomConversation: true, update: true },
	note: { add: true },
};

test('the node offers exactly the resources and operations of KommoType', () => {
	const { properties } = new Kommo().description;
	expect(optionValues(properties, 'resource').sort()).toEqual(Object.keys(union).sort());
	for (const [resource, operations] of Object.entries(union)) {
		expect(offeredOperations(resource, properties).sort()).toEqual(Object.keys(operations).sort());
	}
});
