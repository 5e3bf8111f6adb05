// Every template opens clean in the editor, checked in a real n8n in headless Chromium:
//
// 1. the packed package installed as a community package, the sandbox credentials created under the
//    names the templates use ("Intercom account", "Kommo account", "Redis account"), every file of
//    `workflows/` imported with the README's `n8n import:workflow --separate --input=workflows/`
//    (credentials attached by name, the files' own workflow ids kept);
// 2. signed in to the editor, each workflow opened and every node's panel opened by double-clicking
//    it on the canvas, as a user does, with the Kommo lists loaded from the sandbox account;
// 3. a parameter the editor flags (its ⚠ "Issues" icon: a required value missing, or "The value … is
//    not supported!" for a value the loaded list does not offer) fails the check, with the editor's
//    own text; on a node that is off in the template only the parameters its sticky note tells the
//    user to fill may be flagged;
// 4. the notices shown are exactly the node's `notice` parameters whose display conditions hold for
//    the node's values (n8n-workflow's NodeHelpers.displayParameter, from the running n8n): a notice
//    shown whose condition does not hold, or one missing, fails;
// 5. the canvas shows no node with issues (enabled nodes).
//
//   sh scripts/template-panels.sh [n8n-version]   2.41.1 default (Node 24); 1.123.81 on the machine's Node
//   TEMPLATE_PANELS_SET='Create deal for contact.pipelineId=999' sh scripts/template-panels.sh
//       saves that value into the imported chat template first (REST, as the editor saves), to see the
//       check fail on a value the list does not offer
//
// Screenshots of every panel, results.json, n8n logs: e2e/.out/template-panels-<version>/ (git-ignored).
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { connect, launchChromium, openPage, signIn } from '../n8n-driver/cdp.mjs';
import {
	E2E_OWNER,
	N8N_VERSIONS,
	N8n,
	ensureN8n,
	installPackage,
	log,
	makeWorkDir,
	repoRoot,
} from '../n8n-driver/n8n.mjs';
import { checkRecorder } from './support/checks.mjs';
import {
	TEMPLATE_FILES,
	importTemplates,
	nodesWithoutCredential,
	sandboxCredentials,
} from '../n8n-driver/templates.mjs';

const require = createRequire(import.meta.url);
const { createSandbox } = require('../sandbox/index.js');

const version = process.env.N8N_VERSION ?? N8N_VERSIONS.current;
const legacyLine = version.startsWith('1.');
const outDir = path.join(repoRoot, 'e2e', '.out', `template-panels-${version}`);
const shotsDir = path.join(outDir, 'panels');
const width = 1440;
const height = 900;
const owner = E2E_OWNER;
/**
 * Nodes that are off in a template, with the parameters the user is told to fill before switching
 * them on (the sticky note next to them says so): red there is the editor asking for that choice.
 */
const TO_FILL_WHEN_SWITCHED_ON = {
	'Copy Intercom tags to deal': ['Lead Field'],
};

process.env.GENERIC_TIMEZONE = 'UTC';
if (legacyLine) process.env.N8N_EXPRESSION_ENGINE = 'legacy';

const { results, check, save, crashed } = checkRecorder(outDir);
const js = (value) => JSON.stringify(value);
const plain = (html) =>
	String(html ?? '')
		.replace(/<[^>]*>/g, '')
		.replace(/&nbsp;/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
const fileSafe = (text) => text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');

const NDV = `[...document.querySelectorAll('[data-test-id=ndv]')].find((el) => el.offsetParent !== null || el.getClientRects().length)`;

/** The canvas node called `name`: by its data-node-name, else by its exact title. */
function canvasNode(name) {
	return `(() => {
		const nodes = [...document.querySelectorAll('[data-test-id=canvas-node]')];
		return nodes.find((el) => el.dataset.nodeName === ${js(name)} || el.closest('[data-node-name]')?.dataset.nodeName === ${js(name)})
			?? nodes.find((el) => [...el.querySelectorAll('*')].some((child) => child.children.length === 0 && child.textContent.trim() === ${js(name)}));
	})()`;
}

/** `{ id, name, parameters… }` of what the opened panel shows: flagged parameters, notices. */
async function readPanel(page) {
	return await page.evaluate(`(() => {
		const ndv = ${NDV};
		if (!ndv) return null;
		const labelOf = (el) => {
			// the nearest wrapper holding one input label is the parameter's
			for (let up = el.parentElement; up && up !== ndv; up = up.parentElement) {
				const label = up.querySelector('[data-test-id=input-label] label') ?? up.querySelector('[data-test-id=input-label]');
				if (label) return label.textContent.replace(/\\s+/g, ' ').replace(/\\s*Fixed\\s*Expression\\s*$/, '').trim().slice(0, 80);
			}
			return '';
		};
		const flagged = [...ndv.querySelectorAll('[data-test-id=parameter-issues]')]
			.filter((el) => el.getClientRects().length)
			.map((el, index) => {
				el.dataset.e2eIssue = String(index);
				// the editor's own issue texts: the ParameterIssues component's prop, where Vue exposes it
				let component = el.__vueParentComponent;
				while (component && !Array.isArray(component.props?.issues)) component = component.parent;
				return { index, label: labelOf(el), text: (component?.props?.issues ?? []).join(' ') };
			});
		const notices = [...ndv.querySelectorAll('.parameter-item')]
			.filter((el) => el.getClientRects().length && (el.getAttribute('role') === 'alert' || /notice/i.test(el.className) || el.querySelector('[role=alert]')))
			.map((el) => el.textContent.replace(/\\s+/g, ' ').trim());
		const loading = /Loading options/i.test(ndv.textContent);
		return { flagged, notices, loading };
	})()`);
}

/** The text of the editor's tooltip on a flagged parameter's ⚠ icon (hovered, as a user reads it). */
async function issueText(page, index) {
	const box = await page.evaluate(`(() => {
		const el = [...(${NDV}).querySelectorAll('[data-test-id=parameter-issues]')].filter((e) => e.getClientRects().length)[${index}];
		if (!el) return null;
		el.scrollIntoView({ block: 'center' });
		const icon = el.querySelector('svg') ?? el;
		const r = icon.getBoundingClientRect();
		return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
	})()`);
	if (!box) return '';
	const tooltip = `[...document.querySelectorAll('.el-popper, [role=tooltip]')]
		.filter((el) => el.getClientRects().length && getComputedStyle(el).display !== 'none')
		.map((el) => el.textContent.replace(/\\s+/g, ' ').trim())
		.filter((t) => /issue|not supported|required/i.test(t))
		.join(' | ')`;
	let text = '';
	for (let attempt = 0; attempt < 3 && !text; attempt++) {
		await page.evaluate(`(() => {
			const el = [...(${NDV}).querySelectorAll('[data-test-id=parameter-issues]')].filter((e) => e.getClientRects().length)[${index}];
			for (const target of [el, ...el.querySelectorAll('*')]) {
				for (const type of ['mouseenter', 'mouseover', 'focus']) target.dispatchEvent(new MouseEvent(type, { bubbles: type !== 'mouseenter' }));
			}
		})()`);
		await page.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: box.x - 30, y: box.y });
		await page.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: box.x, y: box.y });
		const started = Date.now();
		while (!text && Date.now() - started < 1500) {
			await delay(150);
			text = await page.evaluate(tooltip);
		}
	}
	await page.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: 5, y: 5 });
	await delay(200);
	return text;
}

/** The notice parameters of the node type, each with whether n8n shows it for these node values. */
function expectedNotices(workflowLib, description, node) {
	const { NodeHelpers } = workflowLib;
	const values =
		NodeHelpers.getNodeParameters(
			description.properties,
			node.parameters ?? {},
			true,
			false,
			node,
			description,
		) ?? {};
	return description.properties
		.filter((property) => property.type === 'notice' && !property.typeOptions?.sectionHeader)
		.map((property) => ({
			name: property.name,
			text: plain(property.displayName),
			shown: NodeHelpers.displayParameter(values, property, node, description, values),
		}));
}

async function openPanel(page, workflowName, node) {
	await page.evaluate(`document.querySelectorAll('.el-notification').forEach((el) => el.remove())`);
	const box = await page.waitFor(
		`(() => { const el = ${canvasNode(node.name)}; if (!el) return false; const r = el.getBoundingClientRect();
			return r.width > 0 ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : false; })()`,
		`"${node.name}" on the canvas of "${workflowName}"`,
		20_000,
	);
	await page.mouse(box.x, box.y, { clickCount: 2 });
	await page.waitFor(`Boolean(${NDV})`, `the panel of "${node.name}"`, 20_000);
	// lists loaded from the account: wait until none says "Loading options…", then let issues settle
	const started = Date.now();
	let panel = await readPanel(page);
	while (panel?.loading && Date.now() - started < 20_000) {
		await delay(300);
		panel = await readPanel(page);
	}
	await delay(1500);
	return await readPanel(page);
}

async function closePanel(page) {
	await page.press('Escape', 'Escape', 27);
	await delay(300);
	if (await page.evaluate(`Boolean(${NDV})`)) {
		await page.evaluate(
			`document.querySelector('[data-test-id=ndv-close-button]')?.click() ?? document.querySelector('[data-test-id=ndv-backdrop]')?.click()`,
		);
		await delay(300);
	}
	await page.waitFor(`!${NDV}`, 'the panel to close', 10_000);
}

async function checkWorkflow(page, n8n, types, workflowLib, imported) {
	const stored = await n8n.workflow(imported.id);
	await page.goto(`${n8n.baseUrl}/workflow/${imported.id}`);
	const nodes = stored.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote');
	await page.waitFor(
		`document.querySelectorAll('[data-test-id=canvas-node]').length >= ${nodes.length}`,
		`the ${nodes.length} nodes of "${stored.name}" on the canvas`,
		60_000,
	);
	await delay(2000);
	await page.evaluate(`document.querySelectorAll('.el-notification').forEach((el) => el.remove())`);
	await page.screenshot(path.join(shotsDir, `${fileSafe(imported.key)}--canvas.png`));
	const canvasIssues =
		await page.evaluate(`[...document.querySelectorAll('[data-test-id=canvas-node]')]
		.filter((el) => el.querySelector('[data-test-id=node-issues], [data-test-id=canvas-node-status-issues]'))
		.map((el) => el.dataset.nodeName ?? el.textContent.trim().slice(0, 40))`);
	const enabledWithIssues = canvasIssues.filter(
		(name) => !nodes.find((node) => node.name === name)?.disabled,
	);
	check(
		`"${stored.name}": no node on the canvas shows issues`,
		enabledWithIssues.length === 0,
		canvasIssues.length ? `with issues: ${canvasIssues.join(', ')}` : `${nodes.length} nodes`,
	);

	const only = process.env.TEMPLATE_PANELS_ONLY;
	for (const node of nodes.filter((candidate) => !only || candidate.name === only)) {
		const what = `"${stored.name}" › ${node.name}${node.disabled ? ' (off)' : ''}`;
		let panel;
		try {
			panel = await openPanel(page, stored.name, node);
		} catch (error) {
			await page.screenshot(
				path.join(shotsDir, `${fileSafe(imported.key)}--${fileSafe(node.name)}--FAILED.png`),
			);
			check(`${what}: its panel opens`, false, error.message);
			continue;
		}
		await page.screenshot(
			path.join(shotsDir, `${fileSafe(imported.key)}--${fileSafe(node.name)}.png`),
		);
		const flagged = [];
		for (const issue of panel.flagged) {
			flagged.push({
				label: issue.label,
				text: issue.text || (await issueText(page, issue.index)),
			});
		}
		const allowed = node.disabled ? (TO_FILL_WHEN_SWITCHED_ON[node.name] ?? []) : [];
		const unexpected = flagged.filter(
			(issue) => !allowed.some((label) => issue.label.startsWith(label)),
		);
		const describe = (issues) =>
			issues.map((issue) => `${issue.label}: ${issue.text || '(flagged)'}`).join('; ');
		check(
			`${what}: no parameter flagged in its panel`,
			unexpected.length === 0,
			flagged.length
				? `${unexpected.length ? 'flagged' : 'flagged, as its sticky note asks the user to fill'}: ${describe(flagged)}`
				: '',
		);

		const description = types.find(
			(type) =>
				type.name === node.type &&
				/** @type {number[]} */ ([]).concat(type.version).includes(Number(node.typeVersion)),
		);
		if (!description) {
			check(`${what}: its type is known to the editor`, false, `${node.type} v${node.typeVersion}`);
		} else {
			const expected = expectedNotices(workflowLib, description, node);
			const shownText = panel.notices.map(plain);
			const matches = (notice, text) =>
				text.startsWith(notice.text.slice(0, 60)) || notice.text.startsWith(text.slice(0, 60));
			const wrong = expected.filter(
				(notice) => notice.shown !== shownText.some((text) => matches(notice, text)),
			);
			const unknown = shownText.filter((text) => !expected.some((notice) => matches(notice, text)));
			check(
				`${what}: the notices shown are those whose condition holds`,
				wrong.length === 0 && unknown.length === 0,
				[
					...wrong.map(
						(notice) =>
							`${notice.name} ${notice.shown ? 'not shown though its condition holds' : 'shown though its condition does not hold'}`,
					),
					...unknown.map((text) => `unexpected notice: ${text.slice(0, 80)}`),
					...(wrong.length || unknown.length
						? []
						: expected.filter((notice) => notice.shown).map((notice) => `shown: ${notice.name}`)),
				].join('; '),
			);
		}
		await closePanel(page);
	}
}

/** TEMPLATE_PANELS_SET="<node>.<parameter>=<value>": saved into the imported chat template first. */
async function applyEdit(n8n, workflowId, edit) {
	const match = /^(.+)\.([A-Za-z0-9_]+)=(.*)$/.exec(edit);
	if (!match)
		throw new Error(`TEMPLATE_PANELS_SET: expected "<node>.<parameter>=<value>", got ${edit}`);
	const [, nodeName, parameter, raw] = match;
	const value = /^\d+$/.test(raw) ? Number(raw) : raw;
	const stored = await n8n.workflow(workflowId);
	const node = stored.nodes.find((candidate) => candidate.name === nodeName);
	if (!node) throw new Error(`TEMPLATE_PANELS_SET: no node "${nodeName}"`);
	node.parameters[parameter] = value;
	await n8n.rest('PATCH', `/workflows/${workflowId}`, {
		name: stored.name,
		nodes: stored.nodes,
		connections: stored.connections,
		settings: stored.settings,
		versionId: stored.versionId,
	});
	log(`edited "${stored.name}": ${nodeName}.${parameter} = ${js(value)}`);
}

async function main() {
	const started = Date.now();
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(shotsDir, { recursive: true });
	const userFolder = path.join(outDir, 'n8n-user');
	const work = makeWorkDir(`template-panels-${version}`);
	let sandbox;
	let n8n;
	let browser;
	let cdp;
	try {
		log(`n8n ${version} on Node ${process.version}`);
		const install = await ensureN8n(version, path.join(outDir, 'install.log'));
		await installPackage(userFolder, work, path.join(outDir, 'package.log'));
		sandbox = await createSandbox({ port: 0, seed: 'default' });
		n8n = new N8n({ installDir: install.dir, userFolder, outDir });
		await n8n.init();
		// Redis: only a credential to pick in the queue-mode template's lock steps; nothing connects.
		const credentials = sandboxCredentials(sandbox, { redis: { host: '127.0.0.1', port: 6379 } });
		const imported = await importTemplates(n8n, credentials, work);
		await n8n.start();
		await n8n.signIn(owner);
		if (process.env.TEMPLATE_PANELS_SET) {
			await applyEdit(n8n, imported.chat.id, process.env.TEMPLATE_PANELS_SET);
		}
		const workflowLib = n8n.requireFromN8n('n8n-workflow');
		const typesResponse = await fetch(`${n8n.baseUrl}/types/nodes.json`, {
			headers: { ...(n8n.cookie ? { cookie: n8n.cookie } : {}), 'browser-id': 'e2e-browser' },
		});
		const types = await typesResponse.json();

		browser = await launchChromium({ width, height });
		cdp = await connect(browser.wsUrl);
		const page = await openPage(cdp, { width, height });
		await signIn(page, n8n.baseUrl, owner);

		for (const key of Object.keys(TEMPLATE_FILES)) {
			const workflow = imported[key];
			const stored = await n8n.workflow(workflow.id);
			const unbound = nodesWithoutCredential(stored);
			check(
				`"${workflow.name}": every credential picked`,
				unbound.length === 0,
				unbound.length ? `no credential: ${unbound.join(', ')}` : '',
			);
			await checkWorkflow(page, n8n, types, workflowLib, workflow);
		}
	} catch (error) {
		crashed(error);
	} finally {
		for (const step of [
			() => cdp?.close(),
			() => browser?.close(),
			() => n8n?.stop(),
			() => sandbox?.close(),
		]) {
			try {
				await step();
			} catch (error) {
				log(`teardown: ${error?.message ?? error}`);
			}
		}
		rmSync(work, { recursive: true, force: true });
	}
	const failed = results.filter((r) => !r.ok);
	process.stdout.write(
		`\nn8n ${version}: ${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
	);
	for (const r of failed)
		process.stdout.write(`  FAIL ${r.name}${r.detail ? ` — ${r.detail}` : ''}\n`);
	process.stdout.write(`Screenshots and logs: ${path.relative(repoRoot, outDir)}/\n`);
	save('results.json', { version, results });
	process.exitCode = failed.length ? 1 : 0;
}

await main();
