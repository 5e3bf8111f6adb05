// The n8n versions start, e2e, bench and CI run by default live in one file; the README names them as
// the proven ones, and no script or suite carries a version of its own.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const versions = JSON.parse(read('n8n-driver/n8n-versions.json')) as {
	current: string;
	lts: string;
};

function toolingCode(folder: string, found: string[] = []): string[] {
	for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
		if (['.out', 'results', 'node_modules'].includes(entry.name)) continue;
		const relative = path.posix.join(folder, entry.name);
		if (entry.isDirectory()) toolingCode(relative, found);
		else if (/\.(m?js|sh)$/.test(entry.name)) found.push(relative);
	}
	return found;
}

describe('the n8n versions the tooling runs', () => {
	it('are a 2.x release and a 1.x LTS release', () => {
		expect(versions.current).toMatch(/^2\.\d+\.\d+$/);
		expect(versions.lts).toMatch(/^1\.\d+\.\d+$/);
	});

	it('the shell scripts read the same file', () => {
		const script = path.join(root, 'scripts', 'n8n-version.sh');
		expect(execFileSync('sh', [script]).toString().trim()).toBe(versions.current);
		expect(execFileSync('sh', [script, 'lts']).toString().trim()).toBe(versions.lts);
	});

	it('the README names both as the proven versions', () => {
		expect(read('README.md')).toContain(
			`**Proven on n8n ${versions.current} and ${versions.lts}**`,
		);
	});

	it('no script, suite or benchmark sets a default version of its own', () => {
		const code = ['n8n-driver', 'e2e', 'bench', 'scripts', 'sandbox']
			.flatMap((folder) => toolingCode(folder))
			.concat('.ci/run');
		const pinned = code.filter((file) =>
			/(?:version\s*=\s*|\?\?\s*|:-)['"]?\d+\.\d+\.\d+/i.test(
				read(file)
					.split('\n')
					.filter(
						(line) => !/^\s*(#|\/\/|\*)/.test(line) && !/node24|verdaccio|typecheck-lts/.test(file),
					)
					.join('\n'),
			),
		);
		expect(pinned).toEqual([]);
	});
});
