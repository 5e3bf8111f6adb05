// `npm run screenshots`: the README's pictures of both template workflows, taken from the demo's real n8n.
//
// Uses the demo when it is running (`npm start` in another terminal), otherwise starts it here and stops
// it afterwards. Drives Debian's Chromium headless over the Chrome DevTools Protocol with Node's built-in
// WebSocket (no browser-automation dependency): signs in as the demo owner, opens each workflow in the
// editor and saves docs/screenshots/{forward,reverse}-branch.png at 1600×1000.
//
// Environment: CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { repoRoot } from '../e2e/lib/n8n.mjs';
import { startDemo, stateFile } from './demo.mjs';

const width = 1600;
const height = 1000;
const outDir = path.join(repoRoot, 'docs', 'screenshots');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

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

/** Starts Chromium with a DevTools port; resolves to `{ child, wsUrl, profile }`. */
async function launchChromium() {
	const profile = mkdtempSync(path.join(tmpdir(), 'n8n-nodes-intercom-kommo-chromium-'));
	const child = spawn(
		chromiumPath,
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--hide-scrollbars',
			`--user-data-dir=${profile}`,
			'--remote-debugging-address=127.0.0.1',
			'--remote-debugging-port=0',
			`--window-size=${width},${height}`,
			'about:blank',
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] },
	);
	const wsUrl = await new Promise((resolve, reject) => {
		let stderr = '';
		const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${stderr}`)), 30_000);
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
			const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`Chromium exited (${code}):\n${stderr}`));
		});
	});
	return { child, wsUrl, profile };
}

/** A minimal CDP client over one browser WebSocket, with flat per-page sessions. */
async function connect(wsUrl) {
	const socket = new WebSocket(wsUrl);
	await new Promise((resolve, reject) => {
		socket.addEventListener('open', resolve, { once: true });
		socket.addEventListener('error', () => reject(new Error('CDP connection failed')), {
			once: true,
		});
	});
	let nextId = 0;
	const pending = new Map();
	const listeners = new Set();
	socket.addEventListener('message', (event) => {
		const message = JSON.parse(String(event.data));
		if (message.id !== undefined && pending.has(message.id)) {
			const { resolve, reject } = pending.get(message.id);
			pending.delete(message.id);
			if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
			else resolve(message.result);
		} else if (message.method) {
			for (const listener of listeners) listener(message);
		}
	});
	const send = (method, params = {}, sessionId) =>
		new Promise((resolve, reject) => {
			const id = ++nextId;
			pending.set(id, { resolve, reject });
			socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
		});
	const once = (method, sessionId, timeoutMs = 60_000) =>
		new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				listeners.delete(listener);
				reject(new Error(`timed out waiting for ${method}`));
			}, timeoutMs);
			const listener = (message) => {
				if (message.method === method && message.sessionId === sessionId) {
					clearTimeout(timer);
					listeners.delete(listener);
					resolve(message.params);
				}
			};
			listeners.add(listener);
		});
	return { send, once, close: () => socket.close() };
}

async function openPage(cdp) {
	const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
	const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
	const page = {
		send: (method, params) => cdp.send(method, params, sessionId),
		async goto(url) {
			const loaded = cdp.once('Page.loadEventFired', sessionId);
			await page.send('Page.navigate', { url });
			await loaded;
		},
		async evaluate(expression) {
			const { result, exceptionDetails } = await page.send('Runtime.evaluate', {
				expression,
				awaitPromise: true,
				returnByValue: true,
			});
			if (exceptionDetails) {
				throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
			}
			return result.value;
		},
		async waitFor(expression, what, timeoutMs = 60_000) {
			const started = Date.now();
			while (Date.now() - started < timeoutMs) {
				if (await page.evaluate(expression).catch(() => false)) return;
				await delay(250);
			}
			throw new Error(`timed out waiting for ${what}`);
		},
	};
	await page.send('Page.enable');
	await page.send('Runtime.enable');
	await page.send('Emulation.setDeviceMetricsOverride', {
		width,
		height,
		deviceScaleFactor: 1,
		mobile: false,
	});
	return page;
}

/**
 * Signs in the way the editor does: its session cookie is bound to the browser ID it keeps in
 * localStorage, so the login request must carry that same ID.
 */
async function signIn(page, baseUrl, owner) {
	await page.goto(`${baseUrl}/signin`);
	const status = await page.evaluate(`(async () => {
		let browserId = localStorage.getItem('n8n-browserId');
		if (!browserId) {
			browserId = crypto.randomUUID();
			localStorage.setItem('n8n-browserId', browserId);
		}
		const response = await fetch('/rest/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': browserId },
			body: JSON.stringify(${JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password })}),
		});
		return response.status;
	})()`);
	if (status !== 200) throw new Error(`signing in to n8n failed (HTTP ${status})`);
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
	const { data } = await page.send('Page.captureScreenshot', {
		format: 'png',
		clip: { x: 0, y: 0, width, height, scale: 1 },
	});
	writeFileSync(file, Buffer.from(data, 'base64'));
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
		{ url: demo.urls.reverse, file: 'reverse-branch.png', nodes: 5 },
	];
	let browser;
	let cdp;
	try {
		browser = await launchChromium();
		cdp = await connect(browser.wsUrl);
		const page = await openPage(cdp);
		await signIn(page, baseUrl, demo.owner);
		mkdirSync(outDir, { recursive: true });
		for (const workflow of workflows) {
			await shoot(page, workflow.url, path.join(outDir, workflow.file), workflow.nodes);
		}
	} finally {
		cdp?.close();
		browser?.child.kill('SIGTERM');
		if (browser) rmSync(browser.profile, { recursive: true, force: true });
		await ownDemo?.stop();
	}
}

main().catch((error) => {
	process.stderr.write(`screenshots failed: ${error?.stack ?? error}\n`);
	process.exit(1);
});
