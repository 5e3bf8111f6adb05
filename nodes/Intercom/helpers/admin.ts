import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { intercomApiRequest } from '../transport';

/** Intercom records every tag change against an admin; by default the one who owns the access token. */
export class AdminResolver {
	private tokenOwner?: Promise<string>;

	constructor(private readonly context: IExecuteFunctions) {}

	async adminIdFor(itemIndex: number): Promise<string> {
		const actAs = this.context.getNodeParameter('actAs', itemIndex, 'tokenOwner') as string;
		if (actAs === 'chosenAdmin') {
			const chosen = String(this.context.getNodeParameter('adminId', itemIndex, '') ?? '').trim();
			if (!chosen) {
				throw new NodeOperationError(this.context.getNode(), 'No admin chosen in "Admin"', {
					itemIndex,
					description:
						'Pick the Intercom teammate the tag change is recorded for, or set "Act As" to "Token Owner"',
				});
			}
			return chosen;
		}
		if (!this.tokenOwner) {
			this.tokenOwner = intercomApiRequest.call(this.context, 'GET', '/me').then((me) => {
				if (me.id === undefined || me.id === null || me.id === '') {
					throw new NodeOperationError(
						this.context.getNode(),
						'Intercom did not say which admin owns the access token (GET /me returned no id)',
						{ itemIndex, description: 'Set "Act As" to "Chosen Admin" and pick an admin instead' },
					);
				}
				return String(me.id);
			});
			this.tokenOwner.catch(() => (this.tokenOwner = undefined));
		}
		return await this.tokenOwner;
	}
}
