/**
 * Every repository path the docs and the code comments name exists, and none of them points at a
 * document a reader of the repository does not have.
 *
 * Files are moved and renamed; a comment or a doc that still names the old place sends the next reader
 * looking for a file that is gone. And notes written while building the package (API notes kept next
 * to the repository, task numbers) mean nothing to someone who only has the repository: the fact
 * itself, or a link to the public page, belongs in the text instead.
 *
 * What is read: every Markdown file, and the source of nodes/, credentials/, test/, e2e/, sandbox/,
 * bench/, scripts/, .ci/ and .github/ (plus the root config scripts), whole: a path in code is a string
 * and is checked like one in a comment. Not read: folders .gitignore names (installed or generated:
 * node_modules, dist, e2e/.out, bench/results, …) and the recorded API bodies under fixtures/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

// ---------------------------------------------------------------------------------------------
// which files

/**
 * The folder entries of .gitignore (lines ending in `/`): generated or installed output, absent from a
 * clean clone. Not read, and a path under one of them need not exist. As in git, an entry without an
 * inner slash (`dist/`) matches a folder of that name at any depth; one with (`e2e/.out/`) only there.
 */
const ignoredFolders = readFileSync(path.join(root, '.gitignore'), 'utf8')
	.split('\n')
	.map((line) => line.trim())
	.filter((line) => line.endsWith('/') && !line.startsWith('#') && !line.startsWith('!'))
	.map((line) => line.replace(/^\//, '').replace(/\/$/, ''));

function isGenerated(relative: string): boolean {
	const clean = relative.replace(/\/$/, '');
	const segments = clean.split('/');
	return ignoredFolders.some((folder) =>
		folder.includes('/')
			? clean === folder || clean.startsWith(`${folder}/`)
			: segments.includes(folder),
	);
}

/** Recorded API bodies (test/fixtures/): data, not prose; not read. */
const NOT_READ = new Set(['.git', 'fixtures']);
const SOURCE_FOLDERS = [
	'nodes',
	'credentials',
	'test',
	'e2e',
	'n8n-driver',
	'sandbox',
	'bench',
	'scripts',
	'.ci',
	'.github',
];
const SOURCE = /\.(ts|js|mjs|cjs|sh|ya?ml)$/;

function walk(folder: string, found: string[] = []): string[] {
	for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
		const relative = folder ? `${folder}/${entry.name}` : entry.name;
		if (NOT_READ.has(entry.name) || isGenerated(relative)) continue;
		if (entry.isDirectory()) walk(relative, found);
		else found.push(relative);
	}
	return found;
}

const allFiles = walk('');
const markdown = allFiles.filter((file) => file.endsWith('.md'));
const source = allFiles.filter((file) => {
	const [top] = file.split('/');
	if (!file.includes('/')) return /\.(js|mjs|cjs)$/.test(file); // eslint.config.mjs, jest.config.js, …
	if (!SOURCE_FOLDERS.includes(top)) return false;
	// .ci/run is a bash script without an extension
	return SOURCE.test(file) || file === '.ci/run';
});
const scanned = [...markdown, ...source].sort();

const linesOf = (file: string) => readFileSync(path.join(root, file), 'utf8').split('\n');

// ---------------------------------------------------------------------------------------------
// which paths

/** Where a repository path can start: the source folders, and the templates' and docs' own. */
const TOP_FOLDERS = [...SOURCE_FOLDERS, 'workflows', 'docs'];
/**
 * A repository path: a top-level folder, a slash, then anything up to a space, quote, bracket, comma,
 * colon or semicolon (`nodes/Kommo/Kommo.node.ts:42` is the file). Not after a letter, dot, slash, …:
 * `../../nodes/shared/clock` is an import relative to its file, `n8n-core/dist/…` a package,
 * `/workflows/1` a URL path, `.github/workflows/ci.yml` one path, not two.
 */
const REPO_PATH = new RegExp(
	`(?<![\\w./@~$\\\\-])(?:${TOP_FOLDERS.map((f) => f.replace('.', '\\.')).join('|')})/[^\\s\`'"()\\[\\]<>,;:|]*`,
	'g',
);
/** `[text](target)` and `![alt](target "title")` in Markdown. */
const MARKDOWN_LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^"']*["'])?\s*\)/g;
/** `[label]: target`, a Markdown reference definition. */
const MARKDOWN_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/;
/** http:, https:, mailto:, … : not a repository path. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A mention that names many paths or a placeholder, not one file: `nodes/*` (glob), `nodes/<Name>/`,
 * `{a,b}` (brace), `e2e/.out/${name}` or `$dir` (filled in at run time), `…` (abridged).
 */
const isPattern = (token: string) => /[*<{…$]/.test(token);

/** Sentence punctuation after a path is not part of it: "see `docs/install.md`." */
const trimmed = (token: string) => token.replace(/[.,;:!?'"`)]+$/, '');

interface Finding {
	file: string;
	line: number;
	text: string;
}
const where = (findings: Finding[]) =>
	findings.map(({ file, line, text }) => `${file}:${line}: ${text}`).join('\n');

function missingPaths(): Finding[] {
	const findings: Finding[] = [];
	const check = (file: string, line: number, target: string, from: string) => {
		const token = trimmed(target.replace(/[#?].*$/, ''));
		if (!token || isPattern(token)) return;
		const resolved = path.resolve(root, from, token);
		const relative = path.relative(root, resolved).split(path.sep).join('/');
		if (relative.startsWith('..') || path.isAbsolute(relative)) {
			findings.push({ file, line, text: `${target} (outside the repository)` });
			return;
		}
		if (isGenerated(relative)) return;
		if (!existsSync(resolved)) findings.push({ file, line, text: target });
	};
	for (const file of scanned) {
		const isMarkdown = file.endsWith('.md');
		let inCodeBlock = false;
		linesOf(file).forEach((text, index) => {
			const line = index + 1;
			for (const [token] of text.matchAll(REPO_PATH)) check(file, line, token, '');
			if (!isMarkdown) return;
			// In a fenced block `[14:05 Jane Doe]: Hi` is a sample transcript line, not a link; the
			// repository paths of the block are still checked above.
			if (/^\s*(```|~~~)/.test(text)) inCodeBlock = !inCodeBlock;
			if (inCodeBlock) return;
			const targets = [...text.matchAll(MARKDOWN_LINK)].map((match) => match[1]);
			const definition = MARKDOWN_DEFINITION.exec(text);
			if (definition) targets.push(definition[1]);
			for (const target of targets) {
				// a link to a heading of the same file, or to the web
				if (target.startsWith('#') || URL_SCHEME.test(target)) continue;
				check(file, line, target, path.dirname(file));
			}
		});
	}
	return findings;
}

// ---------------------------------------------------------------------------------------------
// documents a reader does not have

/**
 * Written as patterns so this file does not name them itself: the API notes kept beside the
 * repository (a shared reference folder, its seeds, its numbered sections), absolute paths of the
 * machine the package was built on, and task numbers of the tracker it was built from.
 */
const OUTSIDE: Array<{ pattern: RegExp; what: string }> = [
	{ pattern: /shared\/reference/i, what: 'notes outside the repository' },
	{ pattern: /seeds\//i, what: 'notes outside the repository' },
	{ pattern: /reference\s+§/i, what: 'a section of notes outside the repository' },
	{ pattern: /\/work\//, what: 'an absolute path on the build machine' },
	{ pattern: /\bissues?\s+#?\d+/i, what: 'a task number a reader cannot look up' },
];
/**
 * A climb to a shared folder is mostly an import of nodes/shared/ from inside nodes/ (the errors
 * import of CustomerLock.node.ts), so it is only an outside document when, from the file's folder,
 * it leads to no shared/ folder of the repository (out of it, or to one that does not exist).
 */
const CLIMB_TO_SHARED = /((?:\.\.\/)+)shared\//g;

function outsideMentions(): Finding[] {
	const findings: Finding[] = [];
	for (const file of scanned) {
		linesOf(file).forEach((text, index) => {
			const line = index + 1;
			for (const { pattern, what } of OUTSIDE) {
				const match = pattern.exec(text);
				if (match) findings.push({ file, line, text: `"${match[0]}": ${what}` });
			}
			for (const match of text.matchAll(CLIMB_TO_SHARED)) {
				const target = path.resolve(root, path.dirname(file), match[1], 'shared');
				if (path.relative(root, target).startsWith('..') || !existsSync(target)) {
					findings.push({
						file,
						line,
						text: `"${match[0]}": a shared/ folder the repository does not have`,
					});
				}
			}
		});
	}
	return findings;
}

// ---------------------------------------------------------------------------------------------

describe('repository paths in the docs and comments', () => {
	it('reads the docs and the source of every tooling folder', () => {
		// a walk that silently finds nothing would pass everything below
		expect(scanned).toEqual(
			expect.arrayContaining([
				'README.md',
				'CHANGELOG.md',
				'docs/development.md',
				'nodes/KommoTrigger/KommoTrigger.node.ts',
				'credentials/IntercomKommoKommoApi.credentials.ts',
				'n8n-driver/templates.mjs',
				'sandbox/kommo.js',
				'bench/n8n.bench.mjs',
				'scripts/node24.sh',
				'.ci/run',
				'.github/workflows/ci.yml',
			]),
		);
		expect(scanned.some((file) => isGenerated(file) || file.includes('/fixtures/'))).toBe(false);
		expect(scanned.some((file) => file.startsWith('node_modules/'))).toBe(false);
	});

	it('every path named resolves to a file or folder of the repository', () => {
		const missing = missingPaths();
		if (missing.length) {
			throw new Error(`${missing.length} path(s) named that do not exist:\n${where(missing)}`);
		}
	});

	it('names no document outside the repository', () => {
		const outside = outsideMentions();
		if (outside.length) {
			throw new Error(
				`${outside.length} mention(s) of documents a reader of the repository does not have:\n${where(outside)}`,
			);
		}
	});
});
