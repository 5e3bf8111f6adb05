/** What the Find by Email and Find by Phone tests share. */

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
