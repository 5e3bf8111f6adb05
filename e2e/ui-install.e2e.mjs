// The install most users do, in a real n8n driven through its editor in headless Chromium:
//
// 1. the packed package is published to a local npm registry (Verdaccio, loopback, no uplinks);
// 2. n8n starts with N8N_COMMUNITY_PACKAGES_REGISTRY pointing at it;
// 3. in the editor: Settings → Community nodes → Install → `n8n-nodes-intercom-kommo`, risk box
//    ticked, Install; n8n lists every node of package.json, and the nodes are found in the node panel
//    (searching "Intercom", "Kommo" and the aliases "amoCRM" and "chat transcript");
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

import { connect, launchChromium, openPage, signIn } from '../n8n-driver/cdp.mjs';
import {
	E2E_OWNER,
	N8N_VERSIONS,
	N8n,
	ensureN8n,
	log,
	makeWorkDir,
	packageName,
	packPackage,
	repoRoot,
} from '../n8n-driver/n8n.mjs';
import { checkRecorder } from './support/checks.mjs';
import {
	TEMPLATE_FILES,
	nodesWithoutCredential,
	productionUrl,
	readTemplate,
	sandboxCredentials,
	templatesDir,
	waitForWebhook,
} from '../n8n-driver/templates.mjs';
import { startVerdaccio } from '../n8n-driver/verdaccio.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');
const { IDS } = require('../sandbox/seed.js');

const version = process.env.N8N_VERSION ?? N8N_VERSIONS.current;
const legacyLine = version.startsWith('1.');
const outDir = path.join(repoRoot, 'e2e', '.out', `ui-install-${version}`);
const docsShots = path.join(repoRoot, 'docs', 'screenshots');
const writeDocs = process.env.SCREENSHOTS === '1' && !legacyLine;
const width = 1440;
const height = 900;
const owner = E2E_OWNER;
// The node panel of an empty workflow ("What triggers this workflow?") lists a trigger under its app's
// name: our Intercom Trigger as "Intercom", and Kommo with Kommo Trigger as one "Kommo" entry.
const NODE_NAMES = {
	intercom: ['Intercom', 'Intercom Conversations', 'Intercom Transcript'],
	kommo: ['Kommo'],
};

process.env.GENERIC_TIMEZONE = 'UTC';
if (legacyLine) process.env.N8N_EXPRESSION_ENGINE = 'legacy';

const { results, check } = checkRecorder(outDir);

let shotCount = 0;
async function shot(page, name, docsName) {
	shotCount += 1;
	// E2E mode (needed for the custom registry, see above) frames the editor in red with an
	// "E2E MODE" badge: not what a user sees, so hidden in the pictures.
	await page.evaluate(`(() => {
		for (const el of document.querySelectorAll('body *')) {
			if (el.children.length === 0 && el.textContent.trim() === 'E2E MODE') {
				let top = el;
				while (top.parentElement && top.parentElement.textContent.trim() === 'E2E MODE') top = top.parentElement;
				top.style.display = 'none';
			}
		}
		for (const el of [document.documentElement, document.body, document.getElementById('app')]) {
			if (el) { el.style.border = 'none'; el.style.outline = 'none'; el.style.boxShadow = 'none'; }
		}
	})()`);
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
	// The dialog animates in: focus the field, type, and type again if the text did not land.
	for (let attempt = 1; ; attempt++) {
		await page.click(input, 'the npm package name field');
		await delay(400);
		await page.evaluate(`${input}.focus()`);
		await page.type(packageName);
		await delay(300);
		if ((await page.evaluate(`${input}.value`)) === packageName) break;
		if (attempt === 3) throw new Error('the package name did not land in the install dialog');
		await page.evaluate(`(() => { const el = ${input}; el.select(); })()`);
		await page.press('Backspace', 'Backspace', 8);
	}
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
	const declared = require('../package.json').n8n.nodes.length;
	check(
		`n8n lists the package with its ${declared} nodes (package.json)`,
		ours?.installedNodes?.length === declared,
		ours
			? `${ours.installedVersion}: ${ours.installedNodes.map((n) => n.name).join(', ')}`
			: 'not installed',
	);
	return seconds;
}

async function openNodePanel(page) {
	await dismissOverlays(page);
	await page.click(
		`document.querySelector('[data-test-id=canvas-add-button]') ?? ${byTestId('node-creator-plus-button')}`,
		'the node panel (+) button',
	);
	await delay(500);

	await page.waitFor(
		`${byTestId('node-creator-search-bar')} ?? document.querySelector('[data-test-id=node-creator] input')`,
		'the node panel search',
	);
}

/** Types `term` into the node panel's search; returns the node names it lists. */
async function searchNodePanel(page, term) {
	await openNodePanel(page);
	await page.click(
		`document.querySelector('[data-test-id=node-creator] input')`,
		'the search field',
	);
	await page.type(term);
	await delay(800);
	return await page.evaluate(
		`[...document.querySelectorAll('[data-test-id=node-creator] [data-test-id=node-creator-item-name]')].map((el) => el.textContent.trim())`,
	);
}

async function closeNodePanel(page) {
	await page.press('Escape', 'Escape', 27);
	await delay(300);
}

async function nodePanel(page, n8n) {
	await page.goto(`${n8n.baseUrl}/workflow/new`);
	await page.waitFor(byTestId('node-creator-plus-button'), 'the canvas of a new workflow');
	await delay(1000);
	const searches = [
		{ term: 'Intercom', expect: NODE_NAMES.intercom, docs: 'ui-install-node-panel-intercom.png' },
		{ term: 'Kommo', expect: NODE_NAMES.kommo, docs: 'ui-install-node-panel-kommo.png' },
		{ term: 'amoCRM', expect: NODE_NAMES.kommo },
		{ term: 'chat transcript', expect: ['Intercom Transcript'] },
	];
	for (const search of searches) {
		const names = await searchNodePanel(page, search.term);
		await delay(700);
		await shot(page, `node-panel-${search.term.replace(/\s+/g, '-')}`, search.docs);
		check(
			`node panel search "${search.term}" lists ${search.expect.join(', ')}`,
			search.expect.every((name) => names.includes(name)),
			names.join(', '),
		);
		await closeNodePanel(page);
	}
}

/** "Import from File…": the editor's file input, as the workflow menu item opens it. */
async function importTemplate(page, n8n, file) {
	await page.goto(`${n8n.baseUrl}/workflow/new`);
	await page.waitFor(byTestId('node-creator-plus-button'), 'the canvas of a new workflow');
	await delay(800);
	await page.click(byTestId('workflow-menu'), 'the workflow menu');
	await page.waitFor(byTestId('workflow-menu-item-import'), 'the "Import" menu item');
	await page.press('Escape', 'Escape', 27);
	await page.setFiles('input[data-test-id=workflow-import-input]', [path.join(templatesDir, file)]);
	const template = readTemplate(file);
	const expected = template.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').length;
	await page
		.waitFor(
			`document.querySelectorAll('[data-test-id=canvas-node]').length >= ${expected}`,
			`the ${expected} nodes of ${file} on the canvas`,
			30_000,
		)
		.catch(async (error) => {
			await shot(page, `import-failed-${path.basename(file, '.json')}`);
			const count = await page.evaluate(
				`document.querySelectorAll('[data-test-id=canvas-node]').length`,
			);
			throw new Error(`${error.message}; ${count} on the canvas`);
		});
	await delay(1500);
}

/** Ctrl+S, then the workflow id from the URL. */
async function saveWorkflow(page) {
	await page.press('s', 'KeyS', 83, 2);
	return await page.waitFor(
		`(() => { const m = /\\/workflow\\/([A-Za-z0-9]+)/.exec(location.pathname); return m && m[1] !== 'new' ? m[1] : false; })()`,
		'the saved workflow id in the URL',
	);
}

async function publishWorkflow(page, n8n, workflowId) {
	await page.click(
		`${byTestId('workflow-open-publish-modal-button')} ?? ${byTestId('workflow-publish-button')}`,
		'the Publish button',
	);
	await delay(800);
	const modalButton = `[...document.querySelectorAll('[data-test-id=workflow-publish-button]')].find((el) => el.offsetParent !== null && el.closest('.el-dialog, [role=dialog]'))`;
	if (await page.evaluate(`Boolean(${modalButton})`)) {
		await page.click(modalButton, 'Publish in the publish dialog');
	}
	const started = Date.now();
	let status;
	while (Date.now() - started < 90_000) {
		status = (
			await n8n.rest('GET', `/workflows/${workflowId}/publication-status`).catch(() => undefined)
		)?.data;
		if (status?.status === 'published') return (Date.now() - started) / 1000;
		await delay(500);
	}
	throw new Error(`workflow ${workflowId} not published after 90 s: ${JSON.stringify(status)}`);
}

async function importAndPublish(page, n8n, key) {
	const file = TEMPLATE_FILES[key];
	const template = readTemplate(file);
	await importTemplate(page, n8n, file);
	await dismissOverlays(page);
	await shot(
		page,
		`imported-${key}`,
		key === 'chat' ? 'ui-install-imported-template.png' : undefined,
	);
	const id = await saveWorkflow(page);
	await delay(1000);
	let stored = await n8n.workflow(id);
	const unbound = nodesWithoutCredential(stored);
	check(
		`"${template.name}" imported from the file and saved; credentials picked by name`,
		stored.nodes.length === template.nodes.length && unbound.length === 0,
		`${id}: ${stored.nodes.length} nodes; ${unbound.length ? `no credential: ${unbound.join(', ')}` : 'every credential slot filled'}`,
	);
	const publishSeconds = await publishWorkflow(page, n8n, id);
	stored = await n8n.workflow(id);
	check(
		`"${template.name}" published from the editor`,
		stored.active === true,
		`${publishSeconds.toFixed(1)} s`,
	);
	if (key === 'chat') await iconsInBothThemes(page, n8n, id);
	return { key, file, name: template.name, id, stored };
}

/**
 * The imported chat template in the light and the dark theme (the editor's N8N_THEME setting): every
 * icon of our nodes loads, and it is the theme's variant (icons/*.svg, icons/*.dark.svg).
 */
async function iconsInBothThemes(page, n8n, workflowId) {
	for (const theme of ['light', 'dark']) {
		await page.evaluate(`localStorage.setItem('N8N_THEME', ${js(theme)})`);
		await page.goto(`${n8n.baseUrl}/workflow/${workflowId}`);
		await page.waitFor(
			`document.querySelectorAll('[data-test-id=canvas-node]').length >= 15`,
			'the canvas',
		);
		await delay(2500);
		await dismissOverlays(page);
		const icons =
			await page.evaluate(`[...document.querySelectorAll('[data-test-id=canvas-node] img')]
			.filter((img) => img.src.includes(${js(packageName)}))
			.map((img) => ({ src: img.src.replace(/^.*\\/icons\\//, ''), loaded: img.complete && img.naturalWidth > 0 }))`);
		const wanted = theme === 'dark' ? /\.dark\.svg/ : /^(?!.*\.dark\.svg)/;
		const srcs = [...new Set(icons.map((icon) => icon.src))];
		check(
			`${theme} theme: our node icons load, in their ${theme} variant`,
			icons.length >= 10 && icons.every((icon) => icon.loaded && wanted.test(icon.src)),
			`${icons.length} icons: ${srcs.join(', ')}`,
		);
		await shot(page, `icons-${theme}`, `node-icons-${theme}.png`);
	}
	await page.evaluate(`localStorage.setItem('N8N_THEME', 'light')`);
}

/**
 * A signed Intercom delivery to the Production URL runs the chat workflow, and the chat's transcript
 * note is on the Kommo lead once. Publishing the template also starts its catch-up, whose first check
 * imports the last 30 days, the sandbox's sample chat included: that note may be written before the
 * notification arrives, and the notification's run then finds nothing new to write.
 */
async function delivery(page, n8n, sandbox, chat) {
	const { url } = await productionUrl(n8n, chat);
	await waitForWebhook(url);
	const conversationId = IDS.intercom.conversation;
	const sent = await sandbox.sendIntercomWebhook({
		url,
		topic: 'conversation.user.created',
		conversationId,
	});
	check(
		'signed conversation.user.created to the Production URL → 200',
		sent.status === 200,
		`${url} → ${sent.status}`,
	);
	const started = Date.now();
	const chatNotes = () =>
		sandbox.state.kommo.notes.filter((n) =>
			String(n.params?.text ?? '').startsWith(`[Intercom] Chat #${conversationId}`),
		);
	let run;
	while (!run && Date.now() - started < 90_000) {
		const runs = await n8n.executions(chat.id, { mode: 'webhook' });
		run = runs.find(
			(execution) =>
				execution.finished || ['success', 'error', 'crashed'].includes(execution.status),
		);
		if (!run || chatNotes().length === 0) {
			run = undefined;
			await delay(500);
		}
	}
	check(
		"the notification's execution succeeded",
		run?.status === 'success',
		run ? `execution ${run.id}: ${run.status}` : 'no finished execution within 90 s',
	);
	const notes = chatNotes();
	check(
		'the transcript note is on the Kommo lead, written once',
		notes.length === 1,
		notes.length
			? `${notes.length} note(s); note ${notes[0].id} on lead ${notes[0].entity_id}: ${String(notes[0].params.text).split('\n')[0]}`
			: 'no note within 90 s',
	);
	return (Date.now() - started) / 1000;
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
		await nodePanel(page, n8n);
		if (legacyLine || process.env.STOP_AFTER === 'panel') return;

		// The sandbox credentials under the names the templates reference (REST, before the import).
		for (const credential of sandboxCredentials(sandbox)) {
			await n8n.rest('POST', '/credentials', {
				name: credential.name,
				type: credential.type,
				data: credential.data,
			});
		}
		const chat = await importAndPublish(page, n8n, 'chat');
		await importAndPublish(page, n8n, 'stage');
		if (process.env.STOP_AFTER === 'import') return;
		await delivery(page, n8n, sandbox, chat);
	} finally {
		// each one even when another fails to stop: nothing may outlive the suite
		const teardown = [
			() => cdp?.close(),
			() => browser?.close(),
			() => n8n?.stop(),
			() => sandbox?.close?.(),
			() => verdaccio?.stop(),
		];
		for (const step of teardown) {
			try {
				await step();
			} catch (error) {
				log(`teardown: ${error?.message ?? error}`);
			}
		}
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
