// `npm run screenshots`: the README's pictures of both template workflows, taken from the demo's real n8n.
//
// Uses the demo when it is running (`npm start` in another terminal), otherwise starts it here and stops
// it afterwards. Drives Debian's Chromium headless over the Chrome DevTools Protocol with Node's built-in
// WebSocket (no browser-automation dependency): signs in as the demo owner, opens each workflow in the
// editor and saves docs/screenshots/{forward,reverse}-branch.png and forward-branch.queue-mode.png at
// 1600×1000.
//
// Environment: CHROMIUM (default /usr/bin/chromium).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { chromiumPath, connect, launchChromium, openPage, signIn } from '../n8n-driver/cdp.mjs';
import { repoRoot } from '../n8n-driver/n8n.mjs';
import { stateFile } from './demo/settings.mjs';
import { startDemo } from './demo/start.mjs';

const width = 1600;
const height = 1000;
const outDir = path.join(repoRoot, 'docs', 'screenshots');

function say(message) {
	process.stdout.write(`${message}\n`);
}

/** The running demo's URLs and login, or undefined when it is not up. */
async function runningDemo() {
	if (!existsSync(stateFile)) return undefined;
	const state = JSON.parse(readFileSync(stateFile, 'utf8'));
	const healthy = await fetch(new URL('/healthz', state.urls.editor))
		.then((response) => response.ok)
		.catch(() => false);
	return healthy ? state : undefined;
}

async function shoot(page, url, file, nodeCount) {
	await page.goto(url);
	await page.waitFor(
		`document.querySelectorAll('[data-test-id="canvas-node"]').length >= ${nodeCount}`,
		`${nodeCount} nodes on the canvas of ${url}`,
	);
	// Let the canvas finish its fit-to-view and the icons load.
	await delay(2500);
	// A published workflow opens with n8n's "Production Checklist" popover over the canvas: close it
	// like a user would (Escape), and keep toasts out of the picture.
	for (const type of ['keyDown', 'keyUp']) {
		await page.send('Input.dispatchKeyEvent', {
			type,
			key: 'Escape',
			code: 'Escape',
			windowsVirtualKeyCode: 27,
		});
	}
	await delay(500);
	await page.evaluate(`(() => {
		for (const popover of document.querySelectorAll('[data-reka-popper-content-wrapper]')) {
			if (popover.textContent.includes('Production Checklist')) popover.remove();
		}
		document.querySelectorAll('.el-notification, .el-message').forEach((el) => el.remove());
	})()`);
	await delay(300);
	await page.screenshot(file);
	say(`saved ${path.relative(repoRoot, file)}`);
}

async function main() {
	if (!existsSync(chromiumPath)) {
		process.stderr.write(
			`Chromium not found at ${chromiumPath}. On Debian/Ubuntu: apt-get install -y chromium\n` +
				'(or point CHROMIUM at a Chrome/Chromium binary)\n',
		);
		process.exit(1);
	}
	let demo = await runningDemo();
	let ownDemo;
	if (demo) {
		say(`using the running demo at ${demo.urls.editor}`);
	} else {
		say('no demo running: starting one (stopped again afterwards)');
		ownDemo = await startDemo({ sendSample: true });
		demo = { urls: ownDemo.urls, owner: ownDemo.owner };
	}
	const baseUrl = demo.urls.editor.replace(/\/$/, '');
	const workflows = [
		{ url: demo.urls.forward, file: 'forward-branch.png', nodes: 15 },
		{ url: demo.urls.queueForward, file: 'forward-branch.queue-mode.png', nodes: 17 },
		{ url: demo.urls.reverse, file: 'reverse-branch.png', nodes: 5 },
	];
	let browser;
	let cdp;
	try {
		browser = await launchChromium({ width, height });
		cdp = await connect(browser.wsUrl);
		const page = await openPage(cdp, { width, height });
		await signIn(page, baseUrl, demo.owner);
		mkdirSync(outDir, { recursive: true });
		for (const workflow of workflows) {
			await shoot(page, workflow.url, path.join(outDir, workflow.file), workflow.nodes);
		}
	} finally {
		cdp?.close();
		await browser?.close();
		await ownDemo?.stop();
	}
}

main().catch((error) => {
	process.stderr.write(`screenshots failed: ${error?.stack ?? error}\n`);
	process.exit(1);
});
