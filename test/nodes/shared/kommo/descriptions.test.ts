/** The two ways the Kommo node and the Kommo Trigger sign in, and which credential each shows. */
import { IntercomKommoKommoApi } from '../../../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { Kommo } from '../../../../nodes/Kommo/Kommo.node';
import { KommoTrigger } from '../../../../nodes/KommoTrigger/KommoTrigger.node';
import { kommoAuthentication, kommoCredentials } from '../../../../nodes/shared/kommo/descriptions';
import { kommoCredentialType } from '../../../../nodes/shared/kommo/transport';

const choices = (kommoAuthentication.options as Array<{ value: string }>).map(
	(option) => option.value,
);

test('each Authentication choice shows exactly the credential the transport signs in with', () => {
	expect(choices.sort()).toEqual(['longLivedToken', 'oAuth2']);
	for (const choice of choices) {
		const shown = kommoCredentials.filter((credential) =>
			(credential.displayOptions?.show?.authentication as string[]).includes(choice),
		);
		expect(shown.map((credential) => credential.name)).toEqual([
			kommoCredentialType(choice as 'longLivedToken' | 'oAuth2'),
		]);
	}
});

test('the credentials named are the package credential types, and required', () => {
	expect(kommoCredentials.map((credential) => credential.name).sort()).toEqual(
		[new IntercomKommoKommoApi().name, new IntercomKommoKommoOAuth2Api().name].sort(),
	);
	expect(kommoCredentials.every((credential) => credential.required === true)).toBe(true);
	expect(choices).toContain(kommoAuthentication.default);
});

test('both Kommo nodes use them', () => {
	for (const description of [new Kommo().description, new KommoTrigger().description]) {
		// the Kommo node adds the chat channel's credential, for its Chat resource only
		expect(description.credentials?.slice(0, kommoCredentials.length)).toEqual(kommoCredentials);
		const authentication = description.properties.find(
			(property) => property.name === 'authentication',
		);
		expect(authentication).toMatchObject({
			type: 'options',
			options: kommoAuthentication.options,
			default: kommoAuthentication.default,
		});
	}
});
