// Where the demo keeps its state, which n8n it runs, the owner account it creates and the sample
// chat it sends: shared by every step of `npm start` and by `npm run cluster` / `npm run screenshots`.
import path from 'node:path';

import { N8N_VERSIONS, repoRoot } from '../../n8n-driver/n8n.mjs';

export const demoDir = path.join(repoRoot, '.cache', 'demo');
export const stateFile = path.join(demoDir, 'running.json');
export const logDir = path.join(demoDir, 'logs');
export const userFolder = path.join(demoDir, 'n8n-user');
export const version = process.env.N8N_VERSION ?? N8N_VERSIONS.current;

export const owner = {
	email: 'demo@example.com',
	firstName: 'Demo',
	lastName: 'User',
	password: 'Demo-password-1',
};

export const sampleConversationId = '1001';
