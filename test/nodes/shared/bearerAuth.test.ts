import { withBearerToken } from '../../../nodes/shared/bearerAuth';

test('adds the bearer token and the extra headers to the request, keeping its own', () => {
	const signed = withBearerToken(
		{ accessToken: 'tok_1' },
		{ url: '/x', method: 'POST', headers: { 'X-Own': 'kept' } },
		{ Accept: 'application/json' },
	);
	expect(signed).toEqual({
		url: '/x',
		method: 'POST',
		headers: { 'X-Own': 'kept', Authorization: 'Bearer tok_1', Accept: 'application/json' },
	});
});

test('a request without headers gets them; a missing token gives an empty bearer, not "undefined"', () => {
	expect(withBearerToken({}, { url: '/y' }).headers).toEqual({ Authorization: 'Bearer ' });
});
