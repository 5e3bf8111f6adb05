/**
 * The Kommo router's table: every operation the editor offers reaches its module (it fails with its
 * own words on blank parameters, never with "not supported"). routeOperations itself:
 * test/nodes/shared/router.test.ts.
 */
import { Kommo } from '../../../../nodes/Kommo/Kommo.node';
import { offeredOperations, optionValues } from '../../../helpers/descriptions';
import { setUpKommoNock } from '../../../helpers/kommoNock';
import { runKommo } from '../kommoTestKit';

// no operation may reach Kommo with empty parameters
setUpKommoNock({ failOnUnmatched: true });

const { properties } = new Kommo().description;
const pairs = optionValues(properties, 'resource').flatMap((resource) =>
	offeredOperations(resource, properties).map((operation) => [resource, operation]),
);

test.each(pairs)('%s › %s is routed to its operation', async (resource, operation) => {
	const blank = '={{ $json.blank }}';
	const result = await runKommo(
		{
			resource,
			operation,
			leadId: blank,
			email: blank,
			phone: blank,
			name: blank,
			entityId: blank,
			text: blank,
			contactId: blank,
			conversation: blank,
			messageId: blank,
		},
		[{ json: { blank: ' ' } }],
		{ continueOnFail: true },
	);
	expect(result.error('Kommo')).toBeUndefined();
	const [item] = result.json('Kommo');
	// blank parameters: each operation refuses in its own words before any request
	expect(typeof item.error).toBe('string');
	expect(String(item.error)).not.toMatch(/is not supported/);
});
