// A minimal Chrome DevTools Protocol client over Node's built-in WebSocket: starts Debian's Chromium
// headless on loopback, opens pages, evaluates script, clicks and types like a user (trusted input
// events), uploads files to file inputs, takes screenshots. No browser-automation dependency.
// Used by scripts/screenshots.mjs and e2e/ui-install.e2e.mjs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function assertChromium() {
	if (!existsSync(chromiumPath)) {
		throw new Error(
			`Chromium not found at ${chromiumPath}. On Debian/Ubuntu: apt-get install -y chromium ` +
				'(or point CHROMIUM at a Chrome/Chromium binary)',
		);
	}
}

/** Starts Chromium with a DevTools port on 127.0.0.1; resolves to `{ child, wsUrl, profile, close }`. */
export async function launchChromium({ width = 1600, height = 1000 } = {}) {
	assertChromium();
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
	const close = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await Promise.race([exited, delay(5000)]);
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
		// Chromium's helpers may still be writing to the profile for a moment after the exit.
		try {
			rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
		} catch {
			// a leftover temp profile is harmless
		}
	};
	return { child, wsUrl, profile, close };
}

/** A CDP connection to the browser, with flat per-page sessions. */
export async function connect(wsUrl) {
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
			const timer = setTimeout(() => {
				pending.delete(id);
				reject(new Error(`CDP ${method} got no answer within 60 s`));
			}, 60_000);
			pending.set(id, {
				resolve: (value) => (clearTimeout(timer), resolve(value)),
				reject: (error) => (clearTimeout(timer), reject(error)),
			});
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
	const on = (listener) => {
		listeners.add(listener);
		return () => listeners.delete(listener);
	};
	return { send, once, on, close: () => socket.close() };
}

/** A new tab, sized `width`×`height`, with helpers that act like a user. */
export async function openPage(cdp, { width = 1600, height = 1000 } = {}) {
	const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
	const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
	const page = {
		sessionId,
		width,
		height,
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
		/** Polls `expression` until it is truthy; returns its value. */
		async waitFor(expression, what, timeoutMs = 60_000) {
			const started = Date.now();
			/** @type {Error | undefined} */
			let lastError;
			while (Date.now() - started < timeoutMs) {
				const value = await page.evaluate(expression).catch((error) => {
					lastError = error;
					return false;
				});
				if (value) return value;
				await delay(250);
			}
			throw new Error(`timed out waiting for ${what}${lastError ? ` (${lastError.message})` : ''}`);
		},
		/**
		 * Clicks the centre of the first visible element `finder` (a JS expression evaluating to an
		 * element) returns, with real mouse events.
		 */
		async click(finder, what = finder, timeoutMs = 30_000) {
			const box = await page.waitFor(
				`(() => { const el = ${finder}; if (!el) return false; el.scrollIntoView({ block: 'center', inline: 'center' });
				const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : false; })()`,
				what,
				timeoutMs,
			);
			await page.mouse(box.x, box.y);
			return box;
		},
		async mouse(x, y, { clickCount = 1 } = {}) {
			await page.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
			for (let i = 1; i <= clickCount; i++) {
				const base = { x, y, button: 'left', clickCount: i };
				await page.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...base });
				await page.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...base });
			}
		},
		/** Types into the focused element, as a keyboard would. */
		async type(text) {
			await page.send('Input.insertText', { text });
		},
		async press(key, code = key, keyCode = 0, modifiers = 0) {
			for (const type of ['keyDown', 'keyUp']) {
				await page.send('Input.dispatchKeyEvent', {
					type,
					key,
					code,
					windowsVirtualKeyCode: keyCode,
					modifiers,
				});
			}
		},
		/** Puts `files` into the file input `selector` matches (what a file picker does). */
		async setFiles(selector, files) {
			const { root } = await page.send('DOM.getDocument', { depth: 0 });
			const { nodeId } = await page.send('DOM.querySelector', { nodeId: root.nodeId, selector });
			if (!nodeId) throw new Error(`no element matches ${selector}`);
			await page.send('DOM.setFileInputFiles', { nodeId, files });
		},
		async screenshot(file) {
			const { data } = await page.send('Page.captureScreenshot', {
				format: 'png',
				clip: { x: 0, y: 0, width, height, scale: 1 },
			});
			writeFileSync(file, Buffer.from(data, 'base64'));
		},
	};
	await page.send('Page.enable');
	await page.send('Runtime.enable');
	await page.send('DOM.enable');
	await page.send('Emulation.setDeviceMetricsOverride', {
		width,
		height,
		deviceScaleFactor: 1,
		mobile: false,
	});
	return page;
}

/**
 * Signs in to n8n the way the editor does: its session cookie is bound to the browser ID it keeps in
 * localStorage, so the login request must carry that same ID.
 */
export async function signIn(page, baseUrl, owner) {
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
