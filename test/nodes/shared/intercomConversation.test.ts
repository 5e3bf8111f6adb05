import { customerOf } from '../../../nodes/shared/intercomConversation';

describe('customerOf', () => {
	const contacts = {
		type: 'contact.list',
		contacts: [{ type: 'contact', id: 'c-1', external_id: 'ext-1' }],
	};

	it.each(['user', 'lead', 'contact'])('takes a %s author of the first message', (type) => {
		expect(
			customerOf({
				source: { author: { type, id: 'a-1', name: 'Ana', email: 'ana@example.com' } },
				contacts,
			}),
		).toEqual({ id: 'a-1', name: 'Ana', email: 'ana@example.com' });
	});

	it('keeps missing author fields null', () => {
		expect(customerOf({ source: { author: { type: 'lead', id: 'a-2' } } })).toEqual({
			id: 'a-2',
			name: null,
			email: null,
		});
	});

	it.each(['admin', 'bot', 'team'])(
		'falls back to the first contact (id only) when the first message author is %s',
		(type) => {
			expect(
				customerOf({
					source: { author: { type, id: '991267459', name: 'Sam', email: 'sam@example.com' } },
					contacts,
				}),
			).toEqual({ id: 'c-1', name: null, email: null });
		},
	);

	it('is all null when there is neither a customer author nor a contact', () => {
		expect(customerOf({ source: { author: { type: 'admin', id: '1' } } })).toEqual({
			id: null,
			name: null,
			email: null,
		});
		expect(customerOf({ contacts: { type: 'contact.list', contacts: [] } })).toEqual({
			id: null,
			name: null,
			email: null,
		});
		expect(customerOf({})).toEqual({ id: null, name: null, email: null });
	});
});
