import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { intercomApiRequest } from '../../shared/intercom/transport';

interface Admin {
	id?: string | number;
	name?: string | null;
	email?: string | null;
}

export async function getAdmins(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const response = await intercomApiRequest.call(this, 'GET', '/admins');
	const admins = (Array.isArray(response.admins) ? response.admins : []) as Admin[];
	return admins
		.filter((admin) => admin.id !== undefined && admin.id !== null && admin.id !== '')
		.map((admin) => {
			const name = admin.name?.trim() || admin.email || `Admin ${admin.id}`;
			return {
				name: admin.email && admin.email !== name ? `${name} (${admin.email})` : name,
				value: String(admin.id),
			};
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}
