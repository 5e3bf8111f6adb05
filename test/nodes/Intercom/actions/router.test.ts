/**
 * The Intercom router's table: every operation the editor offers reaches its module (it fails with
 * its own words on a blank conversation, never with "not supported"). routeOperations itself:
 * test/nodes/shared/router.test.ts.
 */
import nock from 'nock';

import { Intercom } from '../../../../nodes/Intercom/Intercom.node';
import { offeredOperations, optionValues } from '../../../helpers/descriptions';
import { byId, runIntercom, setupNock } from '../helpers';

setupNock();

const { properties } = new Intercom().description;
const pairs = optionValues(properties, 'resource').flatMap((resource) =>
	offeredOperations(resource, properties).map((operation) => [resource, operation]),
);

test.each(pairs)('%s › %s is routed to its operation', async (resource, operation) => {
	const result = await runIntercom(
		{
			resource,
			operation,
			conversationId: byId('={{ $json.blank }}'),
			tagNames: '={{ $json.blank }}',
			adminId: '={{ $json.blank }}',
		},
		{ input: [{ json: { blank: ' ' } }], continueOnFail: true },
	);
	expect(result.nodeError).toBeUndefined();
	const [item] = result.items;
	expect(typeof item.json.error).toBe('string');
	expect(String(item.json.error)).not.toMatch(/is not supported/);
	expect(nock.pendingMocks()).toEqual([]);
});
