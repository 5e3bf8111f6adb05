import { checkScope, isSameAccount } from '../../../../nodes/KommoChatTrigger/helpers/scope';

const CHANNEL = 'a4490ccc-5d7f-11e7-907b-a6006ad3dba0';
const ACCOUNT = '52e591f7-c98f-4255-8495-827210138c81';

describe('checkScope', () => {
	it("splits a scope of the channel into the scope and the account's amojo id", () => {
		expect(checkScope(`${CHANNEL}_${ACCOUNT}`, CHANNEL)).toEqual({
			valid: true,
			scopeId: `${CHANNEL}_${ACCOUNT}`,
			accountId: ACCOUNT,
		});
	});

	it('compares the channel id case-insensitively', () => {
		expect(checkScope(`${CHANNEL.toUpperCase()}_${ACCOUNT}`, CHANNEL)).toMatchObject({
			valid: true,
			accountId: ACCOUNT,
		});
	});

	it.each([
		['another channel', `b5590ddd-6e8f-22f8-a18c-b7117be4ecb1_${ACCOUNT}`],
		['the channel id without an account', `${CHANNEL}_`],
		['the channel id alone', CHANNEL],
		['a prefix of the channel id', `${CHANNEL.slice(0, 8)}_${ACCOUNT}`],
		['nothing', ''],
		['no string', undefined],
	])('refuses %s', (_label, scope) => {
		expect(checkScope(scope, CHANNEL)).toMatchObject({ valid: false });
	});
});

describe('isSameAccount', () => {
	it('matches the same id, in either case', () => {
		expect(isSameAccount(ACCOUNT, ACCOUNT)).toBe(true);
		expect(isSameAccount(ACCOUNT, ACCOUNT.toUpperCase())).toBe(true);
	});

	it.each([
		['another id', 'ffffffff-c98f-4255-8495-827210138c81'],
		['absent', undefined],
		['empty', ''],
		['a number', 42],
	])('refuses %s', (_label, bodyAccount) => {
		expect(isSameAccount(ACCOUNT, bodyAccount)).toBe(false);
	});
});
