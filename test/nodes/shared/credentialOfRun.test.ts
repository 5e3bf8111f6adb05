import type { INode } from 'n8n-workflow';

import { credentialOfRun } from '../../../nodes/shared/credentialOfRun';

const node = (credentials?: INode['credentials']): INode => ({
	id: 'n1',
	name: 'Kommo',
	type: 'n8n-nodes-intercom-kommo.kommo',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials,
});

test("hands n8n the credential as read, with the node's reference to it", () => {
	const data = { accessToken: 'tok_1', baseUrl: 'https://acme.kommo.com' };
	expect(
		credentialOfRun(
			node({ intercomKommoKommoApi: { id: '7', name: 'Kommo account' } }),
			'intercomKommoKommoApi',
			data,
		),
	).toEqual({
		credentialsDecrypted: { id: '7', name: 'Kommo account', type: 'intercomKommoKommoApi', data },
	});
});

test('a node without a stored reference (id null) still gets its data passed on', () => {
	const data = { accessToken: 'tok_2' };
	expect(
		credentialOfRun(
			node({ intercomKommoIntercomApi: { id: null, name: 'x' } }),
			'intercomKommoIntercomApi',
			data,
		).credentialsDecrypted,
	).toEqual({ id: '', name: 'x', type: 'intercomKommoIntercomApi', data });
	expect(credentialOfRun(node(), 'intercomKommoIntercomApi', data).credentialsDecrypted?.data).toBe(
		data,
	);
});
