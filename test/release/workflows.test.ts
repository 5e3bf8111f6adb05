// The publish pipeline as GitHub Actions will run it: both workflow files parsed, and the steps that
// matter for a verified n8n community package checked (provenance, OIDC permission, the test command,
// the prepublish guard turned on despite .npmrc's ignore-scripts=true).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Job {
	'runs-on': string;
	container?: string;
	'timeout-minutes'?: number;
	permissions?: Record<string, string>;
	steps: Step[];
}
interface Workflow {
	name: string;
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(read(`.github/workflows/${file}`)) as Workflow;
const pkg = JSON.parse(read('package.json'));
const runs = (job: Job) => job.steps.map((step) => step.run ?? '');
const indexOf = (job: Job, pattern: RegExp) => runs(job).findIndex((run) => pattern.test(run));

interface MatrixJob extends Job {
	needs?: string | string[];
	strategy?: { matrix: { suite: string[] } };
}

describe('.github/workflows/ci.yml', () => {
	const ci = workflow('ci.yml');
	const jobs = ci.jobs as Record<string, MatrixJob>;
	const ciRun = read('.ci/run');
	/** The steps of one branch of .ci/run's `case`, one function name a line. */
	const stepsOf = (branch: string) =>
		new RegExp(`^${branch}\\)\\n([\\s\\S]*?)\\t;;`, 'm')
			.exec(ciRun)![1]
			.split('\n')
			.map((line) => line.trim())
			.filter(Boolean);
	/** The suites `.ci/run <suite>` accepts, read from its own case list. */
	const suites = /^(\S+(?: \| \S+)+)\)$/m
		.exec(ciRun)![1]
		.split(' | ')
		.map((suite) => suite.trim());

	it('runs on pushes and pull requests', () => {
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
	});

	it('answers fast: a job without an n8n install first, read-only, within 20 minutes', () => {
		expect(Object.keys(jobs)).toEqual(['fast', 'e2e']);
		expect(runs(jobs.fast)).toEqual(['', 'bash .ci/run fast']);
		expect(jobs.fast['timeout-minutes']).toBeLessThanOrEqual(20);
		expect(ci.permissions).toEqual({ contents: 'read' });
		for (const job of Object.values(jobs)) {
			expect(job.steps[0].uses).toMatch(/^actions\/checkout@v\d+$/);
		}
	});

	it('then every slow suite of .ci/run, each in its own job, each well within 90 minutes', () => {
		expect(jobs.e2e.needs).toBe('fast');
		expect(jobs.e2e.strategy?.matrix.suite.slice().sort()).toEqual(suites.slice().sort());
		expect(runs(jobs.e2e)).toContain('bash .ci/run ${{ matrix.suite }}');
		expect(jobs.e2e['timeout-minutes']).toBeLessThanOrEqual(60);
	});

	it('.ci/run runs the test command and the scanner in its fast part, and everything with no argument', () => {
		expect(ciRun).toMatch(/^\tnpm test$/m);
		expect(ciRun).toMatch(/npm run scan:package/);
		expect(ciRun).toMatch(/ui-install/);
		expect(stepsOf('fast')).toEqual(['install', 'checks', 'scanner']);
		expect(stepsOf('all')).toEqual([
			'install',
			'checks',
			'scanner',
			'start_check',
			'cluster_start',
			'e2e_2',
			'e2e_1',
			'ui_install',
			'panels',
			'cluster_wait',
		]);
	});
});

describe('.github/workflows/publish.yml', () => {
	const publish = workflow('publish.yml');
	const [job] = Object.values(publish.jobs);

	it('runs on version tags only', () => {
		expect(Object.keys(publish.on)).toEqual(['push']);
		const push = publish.on.push as Record<string, unknown>;
		expect(Object.keys(push)).toEqual(['tags']);
		expect(push.tags).toEqual(['v*.*.*']);
	});

	it('may mint the OIDC token npm provenance needs, and nothing else', () => {
		const permissions = { ...publish.permissions, ...job.permissions };
		expect(permissions).toEqual({ contents: 'read', 'id-token': 'write' });
	});

	it('sets up Node 24 against the npm registry on a GitHub-hosted runner', () => {
		expect(job['runs-on']).toBe('ubuntu-latest');
		expect(job.container).toBeUndefined();
		const setupNode = job.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
		expect(setupNode?.with).toMatchObject({
			'node-version': 24,
			'registry-url': 'https://registry.npmjs.org',
		});
	});

	it('installs, lints, tests, builds and scans before it publishes', () => {
		const order = [
			/^npm ci$/,
			/^npm run lint$/,
			/^npm test$/,
			/^npm run build$/,
			/scan:package/,
		].map((pattern) => indexOf(job, pattern));
		const publishAt = indexOf(job, /^npm publish\b/);
		expect(order.every((at) => at >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(publishAt).toBeGreaterThan(Math.max(...order));
		expect(pkg.scripts['scan:package']).toMatch(/scan-package/);
	});

	it('publishes with provenance, with the prepublish guard turned on', () => {
		const command = runs(job).find((run) => /^npm publish\b/.test(run)) ?? '';
		expect(command.split(/\s+/)).toEqual(
			expect.arrayContaining(['--provenance', '--access', 'public', '--ignore-scripts=false']),
		);
		// .npmrc turns scripts off, which would skip prepublishOnly without the flag above.
		expect(read('.npmrc')).toMatch(/^ignore-scripts=true$/m);
		expect(pkg.scripts.prepublishOnly).toBe('node scripts/prepublish-guard.mjs');
		const step = job.steps.find((s) => s.run === command);
		expect(step?.env?.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
	});

	it('the test step runs the same command as package.json and .ci/run', () => {
		expect(pkg.scripts.test).toMatch(/jest/);
		expect(runs(job)).toContain('npm test');
	});
});

describe('release notes', () => {
	it('CHANGELOG.md has an entry for the version in package.json', () => {
		const version = pkg.version.replace(/\./g, '\\.');
		expect(read('CHANGELOG.md')).toMatch(
			new RegExp(`^## \\[${version}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'),
		);
	});

	it('the README explains releasing', () => {
		const readme = read('README.md');
		expect(readme).toMatch(/^## Releasing$/m);
		expect(readme.indexOf('## Releasing')).toBeLessThan(readme.indexOf('## License'));
	});
});
