// What every e2e suite records: named checks (logged as PASS/FAIL with a detail) and files saved
// next to its logs for a failure to be read afterwards.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { log } from '../../n8n-driver/n8n.mjs';

/**
 * Records one named check: `ok` truthy passes; `detail` is logged with it (and kept for the
 * summary). Returns `ok`.
 * @callback Check
 * @param {string} name
 * @param {unknown} ok
 * @param {string} [detail]
 * @returns {unknown}
 */

/**
 * Saves `data` (a text, or anything JSON can hold) as `<outDir>/<name>`.
 * @callback Save
 * @param {string} name
 * @param {unknown} data
 * @returns {void}
 */

/** @typedef {{ name: string, ok: boolean, detail: string }} CheckResult */

/**
 * The recorder of one suite: `results` in the order the checks ran.
 * @typedef {object} CheckRecorder
 * @property {CheckResult[]} results
 * @property {Check} check
 * @property {Save} save
 * @property {(error: unknown) => void} crashed
 */

/**
 * @param {string} outDir
 * @returns {CheckRecorder}
 */
export function checkRecorder(outDir) {
	/** @type {CheckResult[]} */
	const results = [];
	/** @type {Check} */
	function check(name, ok, detail = '') {
		results.push({ name, ok: Boolean(ok), detail });
		log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
		return ok;
	}
	/** @type {Save} */
	function save(name, data) {
		writeFileSync(
			path.join(outDir, name),
			typeof data === 'string' ? data : JSON.stringify(data, null, '\t'),
		);
	}
	/**
	 * A suite that stopped on an exception fails with its first lines, whatever checks passed.
	 * @param {unknown} error
	 */
	function crashed(error) {
		// an Error's stack, else whatever was thrown
		const stack = /** @type {{ stack?: unknown } | null | undefined} */ (error)?.stack;
		check(
			'suite ran to the end',
			false,
			String(stack ?? error)
				.split('\n')
				.slice(0, 12)
				.join('\n'),
		);
	}
	return { results, check, save, crashed };
}
