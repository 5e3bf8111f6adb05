// Step 2 of `npm start`: this package built, packed and installed into the demo's n8n as a
// community package, again only when its sources changed since the last run; and the demo's n8n
// database reset, so that n8n and the freshly seeded sandbox always agree.
import { createHash } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';

import { installPackage, packageName, repoRoot } from '../../n8n-driver/n8n.mjs';
import { demoDir, logDir, userFolder } from './settings.mjs';

const packageSources = [
	'nodes',
	'credentials',
	'icons',
	'package.json',
	'tsconfig.json',
	'gulpfile.js',
];

/**
 * The files of a source entry (a file, or every file under a folder), relative to the repository.
 * @param {string} entry
 * @returns {string[]}
 */
function listFiles(entry) {
	const full = path.join(repoRoot, entry);
	if (!existsSync(full)) return [];
	if (!statSync(full).isDirectory()) return [entry];
	return readdirSync(full, { recursive: true })
		.map((name) => path.join(entry, String(name)))
		.filter((name) => statSync(path.join(repoRoot, name)).isFile())
		.sort();
}

/** A fingerprint of everything the built package is made from: unchanged → no rebuild. */
function sourceHash() {
	const hash = createHash('sha256');
	for (const file of packageSources.flatMap(listFiles)) {
		hash.update(file);
		hash.update(readFileSync(path.join(repoRoot, file)));
	}
	return hash.digest('hex');
}

/**
 * Installs the package into the demo's n8n unless the installed build is of the same sources.
 * @returns {Promise<{ rebuilt: boolean, tarball?: string }>}
 */
export async function ensurePackage() {
	const hashFile = path.join(demoDir, 'package.sha256');
	const installed = path.join(
		userFolder,
		'.n8n',
		'nodes',
		'node_modules',
		packageName,
		'package.json',
	);
	const hash = sourceHash();
	if (existsSync(installed) && existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash) {
		return { rebuilt: false };
	}
	const work = path.join(demoDir, 'work');
	rmSync(work, { recursive: true, force: true });
	rmSync(path.join(userFolder, '.n8n', 'nodes'), { recursive: true, force: true });
	const tarball = await installPackage(userFolder, work, path.join(logDir, 'package.log'));
	rmSync(work, { recursive: true, force: true });
	writeFileSync(hashFile, hash);
	return { rebuilt: true, tarball: path.basename(tarball) };
}

/** A fresh n8n database every start (the sandbox starts from its seed every time too). */
export function resetN8nData() {
	const dotN8n = path.join(userFolder, '.n8n');
	mkdirSync(dotN8n, { recursive: true });
	for (const entry of readdirSync(dotN8n)) {
		if (entry !== 'nodes') rmSync(path.join(dotN8n, entry), { recursive: true, force: true });
	}
}
