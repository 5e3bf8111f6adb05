/** What the Find by Email and Find by Phone tests share. */
import { kommo } from '../../kommoTestKit';

/** The contact search both operations start with: for `query`, or (without one) any search. */
export function contactSearch(query?: string) {
	return kommo()
		.get('/api/v4/contacts')
		.query(query === undefined ? true : { limit: '250', query, with: 'leads' });
}

/** What a search that matches no contact gives: one item, nothing chosen. */
export const notFound = (channel: 'email' | 'phone', value: string) => ({
	found: false,
	[channel]: value,
	leadId: null,
	contactId: null,
	leadChoice: null,
	reason: 'No contact matches',
	contactCount: 0,
	contacts: [],
});
