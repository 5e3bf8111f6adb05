// What the benchmarks do to an n8n the way a user does it: the owner they sign up as, and the chat
// template imported from its shipped file, unmodified (only the credentials point at the sandbox).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { templatesDir, workflowIdByName } from '../../n8n-driver/templates.mjs';

/** @typedef {import('../../n8n-driver/n8n.mjs').N8n} N8n */
/** @typedef {import('../../n8n-driver/templates.mjs').CredentialFile} CredentialFile */
/** @typedef {import('../../n8n-driver/templates.mjs').TemplateWorkflow} TemplateWorkflow */

/** The n8n owner every benchmark signs up and signs in as. */
export const BENCH_OWNER = {
	email: 'owner@bench.invalid',
	firstName: 'Bench',
	lastName: 'Owner',
	password: 'Bench-password-1',
};

/**
 * With n8n stopped: the credentials, then the one template file as shipped (a user imports the
 * file of the template they want). Published once n8n is up (setCatchUp does it from the editor).
 * @param {N8n} n8n
 * @param {CredentialFile[]} credentials as sandboxCredentials() returns them
 * @param {string} file a file of workflows/
 * @param {string} workDir where credentials.json is written for `n8n import:credentials`
 * @returns {Promise<TemplateWorkflow>}
 */
export async function importChatTemplate(n8n, credentials, file, workDir) {
	mkdirSync(workDir, { recursive: true });
	const credentialsPath = path.join(workDir, 'credentials.json');
	writeFileSync(credentialsPath, JSON.stringify(credentials, null, '\t'));
	await n8n.cli(['import:credentials', `--input=${credentialsPath}`], 'cli-import-credentials.log');
	await n8n.cli(
		['import:workflow', `--input=${path.join(templatesDir, file)}`],
		'cli-import-workflow.log',
	);
	const listing = await n8n.cli(['list:workflow'], 'cli-list-workflow.log');
	const { name } = JSON.parse(readFileSync(path.join(templatesDir, file), 'utf8'));
	return { key: 'chat', file, name, id: workflowIdByName(listing, name) };
}
