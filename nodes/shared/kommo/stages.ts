/** Status ids Kommo gives the closing stages of every pipeline. */
export const WON_STATUS_ID = 142;
export const LOST_STATUS_ID = 143;

export function isClosedStatus(statusId: unknown): boolean {
	const id = Number(statusId);
	return id === WON_STATUS_ID || id === LOST_STATUS_ID;
}
