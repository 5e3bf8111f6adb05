import { contactFixture, runKommo, setUpKommoTests } from '../../kommoTestKit';
import { contactSearch, notFound } from './findKit';

setUpKommoTests();

test('Find by Phone compares digits only', async () => {
	const scope = contactSearch('+1 (415) 555-0100').reply(200, {
		_embedded: {
			contacts: [
				contactFixture(1, [], [], ['+1 415 555 0101']),
				contactFixture(2, [], [], ['1-415-555-0100']),
			],
		},
	});
	const result = await runKommo({
		resource: 'contact',
		operation: 'findByPhone',
		phone: '+1 (415) 555-0100',
	});
	expect(result.json('Kommo')).toEqual([
		expect.objectContaining({
			found: true,
			phone: '+1 (415) 555-0100',
			contactId: 2,
			contacts: [expect.objectContaining({ id: 2, phones: ['1-415-555-0100'] })],
		}),
	]);
	scope.done();
});

test('Find by Phone: nothing matching → found false', async () => {
	const scope = contactSearch().reply(204);
	const result = await runKommo({
		resource: 'contact',
		operation: 'findByPhone',
		phone: '+14155550100',
	});
	expect(result.json('Kommo')).toEqual([notFound('phone', '+14155550100')]);
	scope.done();
});
