// What every e2e suite records: named checks (logged as PASS/FAIL with a detail) and files saved
// next to its logs for a failure to be read afterwards.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { log } from '../../n8n-driver/n8n.mjs';

export function checkRecorder(outDir) {
	const results = [];
	function check(name, ok, detail = '') {
		results.push({ name, ok: Boolean(ok), detail });
		log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
		return ok;
	}
	function save(name, data) {
		writeFileSync(
			path.join(outDir, name),
			typeof data === 'string' ? data : JSON.stringify(data, null, '\t'),
		);
	}
	/** A suite that stopped on an exception fails with its first lines, whatever checks passed. */
	function crashed(error) {
		check(
			'suite ran to the end',
			false,
			String(error?.stack ?? error)
				.split('\n')
				.slice(0, 12)
				.join('\n'),
		);
	}
	return { results, check, save, crashed };
}
