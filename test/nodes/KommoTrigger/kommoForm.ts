import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '../../fixtures/kommo/webhooks');

export type Pairs = Array<[string, string]>;

/**
 * Encodes fields the way Kommo's PHP sender does (http_build_query: brackets as %5B/%5D, spaces as
 * `+`, everything else percent-encoded as UTF-8), as in the captured request
 * test/fixtures/kommo/webhooks/status-lead.captured-2016.form.txt.
 */
export function kommoForm(pairs: Pairs): string {
	const encode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
	return pairs.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}

export function loadPairs(name: string): Pairs {
	return (JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { pairs: Pairs }).pairs;
}

export function loadText(name: string): string {
	return readFileSync(join(FIXTURES, name), 'utf8');
}

export function loadJson<T = Record<string, unknown>>(name: string): T {
	return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** `count` leads in one stage-change POST, each with custom fields, for the >1000-keys case. */
export function bigStatusBatch(leadCount: number, fieldsPerLead: number): Pairs {
	const pairs: Pairs = [];
	for (let lead = 0; lead < leadCount; lead++) {
		const prefix = `leads[status][${lead}]`;
		pairs.push(
			[`${prefix}[id]`, String(500000 + lead)],
			[`${prefix}[status_id]`, '58141811'],
			[`${prefix}[old_status_id]`, '58141807'],
			[`${prefix}[pipeline_id]`, '6950551'],
		);
		for (let field = 0; field < fieldsPerLead; field++) {
			pairs.push(
				[`${prefix}[custom_fields][${field}][id]`, String(1119000 + field)],
				[`${prefix}[custom_fields][${field}][name]`, `Field ${field}`],
				[`${prefix}[custom_fields][${field}][values][0][value]`, `value ${lead}/${field}`],
			);
		}
	}
	pairs.push(['account[subdomain]', 'devteam'], ['account[id]', '31361463']);
	return pairs;
}
