// What the demo prints: plain lines, numbered steps, colours when the terminal shows them (and
// NO_COLOR is unset), indented blocks, and a heartbeat while a long step runs.

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
/** @param {string} code an SGR code: `1` bold, `2` dim, `32` green, … */
const paint = (code) => (/** @type {string} */ text) =>
	useColor ? `\x1b[${code}m${text}\x1b[0m` : text;
export const bold = paint('1');
export const dim = paint('2');
export const green = paint('32');
export const cyan = paint('36');
export const yellow = paint('33');

/** @param {string} [message] */
export function say(message = '') {
	process.stdout.write(`${message}\n`);
}

/**
 * `[n/total] message`, the heading of one step.
 * @param {number} number
 * @param {number} total
 * @param {string} message
 */
export function step(number, total, message) {
	say(`${bold(`[${number}/${total}]`)} ${message}`);
}

/**
 * Whole seconds since `since` (epoch milliseconds), as `12 s`.
 * @param {number} since
 */
export function seconds(since) {
	return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

/**
 * Runs `promise` while printing a heartbeat, so a long first install does not look stuck.
 * @template T
 * @param {Promise<T>} promise
 * @param {string} label
 * @param {number} [everyMs]
 * @returns {Promise<T>}
 */
export async function withHeartbeat(promise, label, everyMs = 30_000) {
	const started = Date.now();
	const timer = setInterval(
		() => say(dim(`      … ${label} (${seconds(started)} so far)`)),
		everyMs,
	);
	try {
		return await promise;
	} finally {
		clearInterval(timer);
	}
}

/**
 * Every line of `text` behind `prefix`.
 * @param {string} text
 * @param {string} [prefix]
 */
export function indent(text, prefix = '      ') {
	return text
		.split('\n')
		.map((line) => `${prefix}${line}`)
		.join('\n');
}
