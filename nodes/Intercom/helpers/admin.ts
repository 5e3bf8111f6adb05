import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { now } from '../../shared/clock';
import { rememberFor } from '../../shared/memo';
import { inProcessMemory } from '../../shared/processMemory';
import type { TimedEntries } from '../../shared/memo';
import { intercomApiRequest, intercomTokenKey } from '../../shared/intercom/transport';

/** Who owns a token changes only when the token does; ten minutes bounds a stale answer anyway. */
export const TOKEN_OWNER_TTL_MS = 10 * 60 * 1000;

/**
 * Token owner per workspace and token, shared by every Intercom node of this process, so tagging a
 * conversation costs no `GET /me` after the first. Keyed by a hash: the token itself is not kept.
 */
const ownersByToken: TimedEntries<string, string> = inProcessMemory(new Map());

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
						'Pick the Intercom teammate the change (a tag, a reply) is made as, or set "Act As" to "Token Owner"',
				});
			}
			return chosen;
		}
		if (!this.tokenOwner) {
			this.tokenOwner = this.lookUpTokenOwner(itemIndex);
			this.tokenOwner.catch(() => (this.tokenOwner = undefined));
		}
		return await this.tokenOwner;
	}

	private async lookUpTokenOwner(itemIndex: number): Promise<string> {
		const key = await intercomTokenKey.call(this.context);
		return await rememberFor(ownersByToken, key, TOKEN_OWNER_TTL_MS, now(), async () => {
			const me = await intercomApiRequest.call(this.context, 'GET', '/me');
			if (me.id === undefined || me.id === null || me.id === '') {
				throw new NodeOperationError(
					this.context.getNode(),
					'Intercom did not say which admin owns the access token (GET /me returned no id)',
					{ itemIndex, description: 'Set "Act As" to "Chosen Admin" and pick an admin instead' },
				);
			}
			return String(me.id);
		});
	}
}
