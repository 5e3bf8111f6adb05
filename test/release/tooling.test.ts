// The tooling (n8n driver, sandbox, e2e, benchmarks, scripts) is plain JavaScript run by Node with no
// build step; `npm run typecheck` checks it through tsconfig.tooling.json and `npm run lint` lints it.
// These tests keep that true: every .js/.mjs file of those folders is in the type check, the lint
// config does not skip JavaScript, and a type mistake planted in any of the folders is reported.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');
const TOOLING_FOLDERS = ['n8n-driver', 'sandbox', 'e2e', 'bench', 'scripts'];
/** Written by runs, not by us (gitignored). */
const OUTPUT = new Set(['.out', 'results', 'node_modules']);

function javascriptFiles(folder: string, found: string[] = []): string[] {
	for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
		if (OUTPUT.has(entry.name)) continue;
		const relative = path.posix.join(folder, entry.name);
		if (entry.isDirectory()) javascriptFiles(relative, found);
		else if (/\.(m?js)$/.test(entry.name)) found.push(relative);
	}
	return found;
}

function toolingConfig() {
	const configPath = path.join(root, 'tsconfig.tooling.json');
	const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
	if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
	return ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
}

describe('the tooling is type-checked and linted', () => {
	const parsed = toolingConfig();
	const checked = new Set(parsed.fileNames.map((file) => path.relative(root, file)));

	it('npm run typecheck runs the tooling config', () => {
		const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
		expect(pkg.scripts.typecheck).toMatch(/tsc -p tsconfig\.tooling\.json/);
		expect(parsed.options.checkJs).toBe(true);
		expect(parsed.options.strictNullChecks).toBe(true);
	});

	it.each(TOOLING_FOLDERS)('every .js/.mjs file in %s/ is in the type check', (folder) => {
		const files = javascriptFiles(folder);
		expect(files.length).toBeGreaterThan(0);
		expect(files.filter((file) => !checked.has(file))).toEqual([]);
	});

	it('the lint config lints JavaScript (it used to ignore every .js and .mjs file)', () => {
		const config = readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8');
		expect(config).toMatch(/files: \['\*\*\/\*\.js', '\*\*\/\*\.mjs'\]/);
		expect(config).not.toMatch(/ignores:[^\]]*'\*\*\/\*\.m?js'/);
	});

	// A caller that passes the wrong thing to the shared driver: the kind of mistake that used to
	// show up only at run time, often only in CI.
	it.each(TOOLING_FOLDERS)('a type mistake planted in %s/ is reported', (folder) => {
		const planted = path.join(root, folder, '__planted__.mjs');
		const from = (file: string) =>
			'./' + path.relative(path.dirname(planted), path.join(root, file)).split(path.sep).join('/');
		const source = [
			`import { countDelivered } from '${from('n8n-driver/delivered.mjs')}';`,
			`/** @type {import('${from('sandbox/index.js')}').SandboxState} */`,
			`const state = JSON.parse('{}');`,
			`countDelivered(state, 'not a list');`,
		].join('\n');
		const host = ts.createCompilerHost(parsed.options);
		const readFile = host.readFile.bind(host);
		const fileExists = host.fileExists.bind(host);
		const getSourceFile = host.getSourceFile.bind(host);
		host.readFile = (file) => (path.resolve(file) === planted ? source : readFile(file));
		host.fileExists = (file) => path.resolve(file) === planted || fileExists(file);
		host.getSourceFile = (file, language, ...rest) =>
			path.resolve(file) === planted
				? ts.createSourceFile(file, source, language)
				: getSourceFile(file, language, ...rest);
		const program = ts.createProgram([planted], parsed.options, host);
		const errors = ts
			.getPreEmitDiagnostics(program)
			.filter((diagnostic) => diagnostic.file?.fileName === planted.split(path.sep).join('/'))
			.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
		expect(errors).toEqual([
			"Argument of type 'string' is not assignable to parameter of type '(string | number)[]'.",
		]);
	});
});
