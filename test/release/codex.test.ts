// The node panel as users search it: every node ships a codex file (<Node>.node.json next to the
// compiled node) with categories, the aliases users type, and documentation links that open an
// existing section of the README (or of docs/).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const repoUrl = pkg.homepage.replace(/#.*$/, '');

// The categories n8n's node panel groups app nodes under.
const KNOWN_CATEGORIES = [
	'Analytics',
	'Communication',
	'Data & Storage',
	'Development',
	'Finance & Accounting',
	'Marketing',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
	const found = new Set<string>();
	let inFence = false;
	for (const line of markdown.split('\n')) {
		if (line.startsWith('```')) inFence = !inFence;
		const heading = !inFence && /^#{1,6}\s+(.+?)\s*$/.exec(line);
		if (!heading) continue;
		found.add(
			heading[1]
				.toLowerCase()
				.replace(/[^\p{L}\p{N}\s_-]/gu, '')
				.replace(/\s/g, '-'),
		);
	}
	return found;
}

/** Our documentation links: the README's anchors and those of the files under docs/. */
function documentTargets(): Map<string, Set<string>> {
	const targets = new Map<string, Set<string>>();
	targets.set(repoUrl, anchors(readFileSync(path.join(root, 'README.md'), 'utf8')));
	const docs = path.join(root, 'docs');
	for (const file of readdirSync(docs).filter((f) => f.endsWith('.md'))) {
		const text = readFileSync(path.join(docs, file), 'utf8');
		targets.set(`${repoUrl}/blob/main/docs/${file}`, anchors(text));
	}
	return targets;
}

const nodes = (pkg.n8n.nodes as string[]).map((compiled) => {
	const source = compiled.replace(/^dist\//, '').replace(/\.js$/, '.ts');
	const codexFile = path.join(root, source.replace(/\.ts$/, '.json'));
	return { compiled, codexFile, codex: JSON.parse(readFileSync(codexFile, 'utf8')) };
});

describe('codex files', () => {
	it.each(nodes.map((n) => [path.basename(n.codexFile), n]))('%s', (_name, node) => {
		const { codex, codexFile } = node;
		const source = readFileSync(codexFile.replace(/\.json$/, '.ts'), 'utf8');
		const typeName = /^\t\tname: '([^']+)'/m.exec(source)?.[1];
		expect(codex.node).toBe(`${pkg.name}.${typeName}`);
		expect(codex.nodeVersion).toBe('1.0');
		expect(codex.codexVersion).toBe('1.0');
		expect(codex.categories.length).toBeGreaterThan(0);
		for (const category of codex.categories) expect(KNOWN_CATEGORIES).toContain(category);
		expect(Array.isArray(codex.alias)).toBe(true);
		expect(new Set(codex.alias).size).toBe(codex.alias.length);

		const [primary] = codex.resources.primaryDocumentation;
		const [base, anchor] = primary.url.split('#');
		const targets = documentTargets();
		expect(targets.has(base)).toBe(true);
		expect([...(targets.get(base) ?? [])]).toContain(anchor);
		for (const credentialDoc of codex.resources.credentialDocumentation ?? []) {
			const [credBase, credAnchor] = credentialDoc.url.split('#');
			if (targets.has(credBase)) expect([...targets.get(credBase)!]).toContain(credAnchor);
		}
	});

	it('the aliases users type find the right nodes', () => {
		const find = (term: string) =>
			nodes
				.filter((n) => n.codex.alias.some((a: string) => a.toLowerCase() === term.toLowerCase()))
				.map((n) => n.codex.node.split('.')[1])
				.sort();
		expect(find('amoCRM')).toEqual(['kommo', 'kommoChatTrigger', 'kommoTrigger']);
		expect(find('CRM')).toEqual(expect.arrayContaining(['kommo', 'kommoTrigger']));
		expect(find('chat transcript')).toEqual(
			expect.arrayContaining(['intercomTranscript', 'intercomTrigger']),
		);
		expect(find('support')).toEqual(
			expect.arrayContaining(['intercom', 'intercomTranscript', 'intercomTrigger']),
		);
	});

	// tsc copies them (tsconfig.json includes nodes/**/*.json); n8n reads <node>.node.json beside <node>.node.js.
	it('the build puts every codex file next to its compiled node', () => {
		if (existsSync(path.join(root, 'dist'))) {
			for (const node of nodes) {
				expect(existsSync(path.join(root, node.compiled.replace(/\.js$/, '.json')))).toBe(true);
			}
		}
	});
});
