// Jest reporter: after a complete, passing `npm test` on a clean git tree, records the commit in
// .cache/test-stamp.json. scripts/prepublish-guard.mjs (npm's prepublishOnly) refuses to publish a
// commit without that stamp. Partial runs (a path pattern, -t, --onlyChanged) never stamp.
const { execFileSync } = require('node:child_process');
const { mkdirSync, writeFileSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const stampFile = path.join(root, '.cache', 'test-stamp.json');

function git(args) {
	try {
		return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
	} catch {
		return undefined;
	}
}

class StampReporter {
	constructor(globalConfig) {
		this.globalConfig = globalConfig;
		// The tree as it is when the run starts: files edited during the run do not count as tested.
		this.commit = git(['rev-parse', 'HEAD']);
		this.clean = git(['status', '--porcelain']) === '';
	}

	onRunComplete(_contexts, results) {
		const config = this.globalConfig;
		const partial = Boolean(
			config.testPathPattern ||
				config.testNamePattern ||
				config.onlyChanged ||
				config.findRelatedTests ||
				config.onlyFailures ||
				config.nonFlagArgs?.length,
		);
		rmSync(stampFile, { force: true });
		// `results.success` is only set after the reporters ran: judge from the counts.
		const passed =
			results.numTotalTests > 0 &&
			results.numFailedTests === 0 &&
			results.numFailedTestSuites === 0 &&
			results.numRuntimeErrorTestSuites === 0 &&
			!results.snapshot?.failure;
		if (partial || !this.commit || !passed) return;
		mkdirSync(path.dirname(stampFile), { recursive: true });
		writeFileSync(
			stampFile,
			`${JSON.stringify(
				{
					commit: this.commit,
					clean: this.clean,
					tests: results.numPassedTests,
					suites: results.numPassedTestSuites,
					finishedAt: new Date().toISOString(),
				},
				null,
				'\t',
			)}\n`,
		);
	}
}

module.exports = StampReporter;
