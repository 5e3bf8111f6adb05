// npm's prepublishOnly: refuses to publish from a tree that is dirty or was not tested.
//
// - the git tree is clean (no modified, staged or untracked files);
// - `npm test` passed in full on exactly this commit, on a clean tree (the stamp that
//   test/setup/stamp-reporter.js writes to .cache/test-stamp.json);
// - package.json's version has a `## [<version>]` entry in CHANGELOG.md;
// - on a tag (GitHub Actions: GITHUB_REF_TYPE=tag), the tag is v<version>;
// - dist/ holds every node and credential file package.json's n8n section lists.
//
// The repository's .npmrc sets ignore-scripts=true, which makes npm skip prepublishOnly: publish with
// `npm publish --ignore-scripts=false` (as .github/workflows/publish.yml does).
// No dependencies: plain Node and git.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const git = (args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trimEnd();

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

let commit;
try {
	commit = git(['rev-parse', 'HEAD']);
	const status = git(['status', '--porcelain']);
	if (status) problems.push(`the git tree is not clean:\n${status}`);
} catch (error) {
	problems.push(`not a git checkout (${error.message.split('\n')[0]})`);
}

const stampFile = path.join(root, '.cache', 'test-stamp.json');
if (!existsSync(stampFile)) {
	problems.push('`npm test` has not passed on this tree (no .cache/test-stamp.json): run npm test');
} else {
	const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
	if (stamp.commit !== commit) {
		problems.push(
			`the last passing \`npm test\` ran on ${stamp.commit}, not on HEAD ${commit}: run npm test`,
		);
	} else if (!stamp.clean) {
		problems.push('the last passing `npm test` ran on a dirty tree: commit, then run npm test');
	}
}

const changelog = existsSync(path.join(root, 'CHANGELOG.md'))
	? readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8')
	: '';
const escaped = pkg.version.replace(/[.+]/g, (c) => `\\${c}`);
if (!new RegExp(`^## \\[${escaped}\\]`, 'm').test(changelog)) {
	problems.push(`CHANGELOG.md has no "## [${pkg.version}]" entry`);
}

if (process.env.GITHUB_REF_TYPE === 'tag' && process.env.GITHUB_REF_NAME !== `v${pkg.version}`) {
	problems.push(
		`the tag ${process.env.GITHUB_REF_NAME} does not match package.json's version ${pkg.version} (expected v${pkg.version})`,
	);
}

const shipped = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
const missing = shipped.filter((file) => !existsSync(path.join(root, file)));
if (missing.length) problems.push(`not built (npm run build): ${missing.join(', ')}`);

if (problems.length) {
	process.stderr.write(
		`Refusing to publish ${pkg.name}@${pkg.version}:\n${problems.map((p) => `- ${p}`).join('\n')}\n`,
	);
	process.exit(1);
}
process.stdout.write(
	`prepublish guard: ${pkg.name}@${pkg.version} at ${commit} is clean and tested\n`,
);
