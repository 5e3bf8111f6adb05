// `npm run scan:package`: the static-analysis part of n8n's community-package scanner
// (@n8n/scan-community-package, the gate n8n runs before verifying a package) on this package,
// offline. Exits non-zero on any finding.
//
// The scanner's CLI (`npx @n8n/scan-community-package <name>`) first needs the package on
// registry.npmjs.org with an npm provenance attestation, downloads the GitHub source the
// attestation names, then lints two legs with ESLint (@n8n/eslint-plugin-community-nodes'
// recommended rules, eslint-plugin-n8n-nodes-base's community/nodes/credentials rulesets, no-console):
//
//   1. the attested source: package.json and {nodes,credentials}/**/*.{js,ts,json};
//   2. the published tarball: every compiled **/*.js and the published package.json.
//
// The registry and provenance steps cannot run before a publish; this script runs both ESLint legs
// with the scanner's own exported config and analyzePackage(): leg 1 on this checkout, leg 2 on the
// tarball `npm pack` makes from the current dist/ (run `npm run build` first), extracted as the
// scanner extracts it. Also prints which rules were active for each leg.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import glob from 'fast-glob';
import {
	SOURCE_FILE_PATTERNS,
	analyzePackage,
	buildScanConfig,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const scannerVersion = JSON.parse(
	readFileSync(
		path.join(root, 'node_modules', '@n8n', 'scan-community-package', 'package.json'),
		'utf8',
	),
).version;
const say = (message) => process.stdout.write(`${message}\n`);

const missing = pkg.n8n.nodes
	.concat(pkg.n8n.credentials)
	.filter((f) => !existsSync(path.join(root, f)));
if (missing.length) {
	process.stderr.write(`not built: ${missing.join(', ')}\nrun npm run build first\n`);
	process.exit(1);
}

/** The rules ESLint applies to one file under the scanner's config (severity above off). */
async function activeRules(cwd, file) {
	const eslint = new ESLint({
		cwd,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const config = await eslint.calculateConfigForFile(file);
	return Object.entries(config?.rules ?? {})
		.filter(([, setting]) => {
			const level = Array.isArray(setting) ? setting[0] : setting;
			return level !== 0 && level !== 'off';
		})
		.map(([rule]) => rule)
		.sort();
}

function describeRules(label, rules) {
	say(`${label}: ${rules.length} rules: ${rules.join(', ')}`);
}

/**
 * The scanner fails a package on errors only; this counts warnings too, over the same files the
 * scanner lints, so "no findings" means no message at all.
 */
async function warnings(dir, patterns) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = await eslint.lintFiles(files);
	const count = results.reduce((sum, result) => sum + result.warningCount, 0);
	const text = count ? await (await eslint.loadFormatter('stylish')).format(results) : '';
	return { files: files.length, count, text };
}

const work = mkdtempSync(path.join(tmpdir(), `${pkg.name}-scan-`));
let failed = false;
try {
	const started = Date.now();
	const packed = execFileSync(
		'npm',
		['pack', '--pack-destination', work, '--ignore-scripts', '--loglevel=error'],
		{ cwd: root, encoding: 'utf8' },
	);
	// npm pack prints the tarball's name last
	const tarball = path.join(work, packed.trim().split('\n').at(-1) ?? '');
	const packageDir = path.join(work, `${pkg.name}-${pkg.version}`);
	mkdirSync(packageDir);
	execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	say(`@n8n/scan-community-package ${scannerVersion}: ${path.basename(tarball)}`);

	const firstJs = path.join(packageDir, pkg.n8n.nodes[0]);
	describeRules('rules on compiled .js in the tarball', await activeRules(packageDir, firstJs));
	describeRules(
		'rules on package.json',
		await activeRules(packageDir, path.join(packageDir, 'package.json')),
	);
	const firstTs = path.join(root, pkg.n8n.nodes[0].replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	describeRules('rules on node sources (.ts)', await activeRules(root, firstTs));

	const legs = [
		{ name: 'source (attested-source leg)', dir: root, patterns: SOURCE_FILE_PATTERNS },
		{
			name: 'tarball (published-artifact leg)',
			dir: packageDir,
			patterns: ['**/*.js', 'package.json'],
		},
	];
	for (const leg of legs) {
		const result = await analyzePackage(leg.dir, leg.patterns);
		const warned = await warnings(leg.dir, leg.patterns);
		if (result.passed && warned.count === 0) {
			say(`✅ ${leg.name}: ${warned.files} files, no findings`);
		} else if (result.passed) {
			failed = true;
			say(`❌ ${leg.name}: ${warned.count} warning(s)\n${warned.text}`);
		} else {
			failed = true;
			say(`❌ ${leg.name}: ${result.message}`);
			if (result.details) say(result.details);
		}
	}
	say(`scan took ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
