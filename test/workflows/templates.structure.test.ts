/**
 * The template workflows in `workflows/`, file by file: n8n exports, checked against our nodes'
 * descriptions the way n8n reads them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { NodeHelpers } from 'n8n-workflow';
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import { loadOptions, PACKAGE } from '../helpers/n8n';
import { pipelinesFixture } from '../nodes/Kommo/kommoTestKit';
import { credentials, kommo } from './chatTemplateNock';
import {
	BASE_TYPES,
	CHAT_TO_CHAT,
	descriptionOf,
	ERROR_REPORT,
	FORWARD,
	loadTemplate,
	ourNodeName,
	QUEUE_BASE_TYPES,
	QUEUE_FORWARD,
	REVERSE,
	TEMPLATE_DIR,
	UUID,
} from './templateFiles';
import { checkParameters, literalStrings, outputCount } from './templateParameters';
import type { EmptyLoadedChoice } from './templateParameters';

/** Lists loaded from the account that a template leaves at "Main Pipeline" / "First Stage of the Pipeline". */
const EMPTY_LOADED_CHOICES: Record<string, string[]> = {
	[FORWARD]: [
		'Create deal for contact: pipelineId',
		'Create deal for contact: statusId',
		'Create deal and contact: pipelineId',
		'Create deal and contact: statusId',
		'Create deal for visitor: pipelineId',
		'Create deal for visitor: statusId',
	],
	[QUEUE_FORWARD]: [
		'Create deal for contact: pipelineId',
		'Create deal for contact: statusId',
		'Create deal and contact: pipelineId',
		'Create deal and contact: statusId',
		'Create deal for visitor: pipelineId',
		'Create deal for visitor: statusId',
	],
	[REVERSE]: [],
	[CHAT_TO_CHAT]: [
		'Create deal for contact: pipelineId',
		'Create deal for contact: statusId',
		'Create deal and contact: pipelineId',
		'Create deal and contact: statusId',
	],
};

/** Parameters the user must fill after importing (the sticky notes say so). */
const EXPECTED_TO_FILL: Record<string, string[]> = {
	[FORWARD]: [],
	[QUEUE_FORWARD]: [],
	[REVERSE]: [],
	[CHAT_TO_CHAT]: [],
};

/**
 * Fixed ids, as in n8n's own template library. Without a `webhookId`, n8n's CLI import leaves the
 * trigger on the fallback path `<workflowId>/<node name>/webhook`, which n8n 2.41.1 stores encoded
 * (`intercom%20trigger`) but looks up decoded: every delivery to the Production URL gets 404. The
 * workflow id makes a second `n8n import:workflow` of the same file update that workflow instead of
 * adding a copy whose trigger has the same Production URL (which n8n refuses to publish).
 */
describe('the fixed ids of every file in workflows/', () => {
	const files = readdirSync(TEMPLATE_DIR).filter((name) => name.endsWith('.json'));
	const templates = files.map((file) => ({ file, template: loadTemplate(file) }));
	const TRIGGERS = [
		`${PACKAGE}.intercomTrigger`,
		`${PACKAGE}.kommoTrigger`,
		`${PACKAGE}.kommoChatTrigger`,
	];

	test('each template has its own n8n-style workflow id', () => {
		expect(files).toEqual(expect.arrayContaining([FORWARD, REVERSE]));
		const ids = templates.map(({ template }) => template.id);
		for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{16}$/);
		expect(new Set(ids).size).toBe(ids.length);
	});

	test('each of our triggers has a webhook id, and no two share one', () => {
		const triggers = templates.flatMap(({ template }) =>
			template.nodes.filter((node) => TRIGGERS.includes(node.type)),
		);
		expect([...new Set(triggers.map((node) => node.type))].sort()).toEqual([...TRIGGERS].sort());
		for (const node of triggers) expect(node.webhookId).toMatch(UUID);
		const webhookIds = triggers.map((node) => node.webhookId);
		expect(new Set(webhookIds).size).toBe(webhookIds.length);
	});
});

describe.each([FORWARD, QUEUE_FORWARD, REVERSE, CHAT_TO_CHAT])('template %s', (file) => {
	const template = loadTemplate(file);
	const ours = template.nodes.filter((node) => ourNodeName(node) !== undefined);

	test('is an n8n export: id, name, nodes, connections, settings (v1 order), empty pin data', () => {
		expect(Object.keys(template).sort()).toEqual(
			['connections', 'id', 'name', 'nodes', 'pinData', 'settings'].sort(),
		);
		expect(typeof template.name).toBe('string');
		expect(template.settings).toEqual({
			executionOrder: 'v1',
			errorWorkflow: loadTemplate(ERROR_REPORT).id,
		});
		expect(template.pinData).toEqual({});
		const names = template.nodes.map((node) => node.name);
		expect(new Set(names).size).toBe(names.length);
		const ids = template.nodes.map((node) => node.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const node of template.nodes) {
			expect(node.id).toMatch(UUID);
			expect(node.position).toEqual([expect.any(Number), expect.any(Number)]);
			if (!ourNodeName(node))
				expect(
					file === QUEUE_FORWARD ? [...BASE_TYPES, ...QUEUE_BASE_TYPES] : BASE_TYPES,
				).toContain(node.type);
		}
	});

	test("its trigger is at the trigger's newest version, whose body n8n parses without an expression", () => {
		const triggers = ours.filter(
			(node) => /Trigger$/i.test(node.type) && descriptionOf(node).webhooks !== undefined,
		);
		// the two-way chat template listens to Intercom and to Kommo's chat
		expect(triggers).toHaveLength(file === CHAT_TO_CHAT ? 2 : 1);
		for (const node of triggers) {
			const versions = ([] as number[]).concat(descriptionOf(node).version);
			expect(node.typeVersion).toBe(Math.max(...versions));
			expect(node.typeVersion).toBeGreaterThan(1);
		}
	});

	test('our nodes use only parameters and options their descriptions declare, in declared versions', () => {
		const problems: string[] = [];
		for (const node of ours) {
			const description = descriptionOf(node);
			const versions = ([] as number[]).concat(description.version);
			if (!versions.includes(node.typeVersion)) {
				problems.push(`${node.name}: typeVersion ${node.typeVersion} is not one of ${versions}`);
			}
			checkParameters(
				description.properties,
				node.parameters as IDataObject,
				{ node, description, root: node.parameters as IDataObject, path: '' },
				problems,
			);
		}
		expect(problems).toEqual([]);
	});

	test('the n8n IF nodes use the IF v2.2 condition format', () => {
		for (const node of template.nodes.filter((n) => n.type === 'n8n-nodes-base.if')) {
			expect(node.typeVersion).toBe(2.2);
			const conditions = (node.parameters as IDataObject).conditions as IDataObject;
			expect(conditions).toEqual({
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: expect.any(Array),
				combinator: expect.stringMatching(/^(and|or)$/),
			});
			for (const condition of conditions.conditions as IDataObject[]) {
				const operator = condition.operator as IDataObject;
				// one-sided tests (exists, is true…) carry singleValue and no right value
				expect(condition).toEqual({
					id: expect.stringMatching(UUID),
					leftValue: expect.stringMatching(/^=\{\{.*\}\}$/),
					rightValue: operator.singleValue ? '' : expect.any(Number),
					operator: operator.singleValue
						? {
								type: expect.stringMatching(/^(string|number|boolean)$/),
								operation: expect.any(String),
								singleValue: true,
							}
						: { type: 'number', operation: expect.stringMatching(/^(equals|gte)$/) },
				});
			}
		}
	});

	test('credentials name the credential type the node declares, with a placeholder name and a null ID', () => {
		for (const node of template.nodes) {
			if (!ourNodeName(node)) {
				// the queue-mode lock's Redis nodes name the credential the sticky note asks for
				expect(node.credentials).toEqual(
					node.type === 'n8n-nodes-base.redis'
						? { redis: { id: null, name: 'Redis account' } }
						: undefined,
				);
				continue;
			}
			const description = descriptionOf(node);
			const shown = (description.credentials ?? []).filter((credential) =>
				NodeHelpers.displayParameter(
					node.parameters,
					credential,
					node,
					description,
					node.parameters,
				),
			);
			expect(Object.keys(node.credentials ?? {})).toEqual(shown.map((c) => c.name));
			for (const reference of Object.values(node.credentials ?? {})) {
				// `id: null` makes n8n's import look the credential up by type and name; a missing id
				// makes n8n 2.41's CLI import attach the first credential of the type, whatever its name
				expect(reference).toEqual({
					id: null,
					name: expect.stringMatching(/^(Intercom account|Kommo account|Kommo chat channel)$/),
				});
			}
		}
	});

	test('connections join existing nodes through outputs they have', () => {
		const byName = new Map(template.nodes.map((node) => [node.name, node]));
		for (const [source, outputs] of Object.entries(template.connections)) {
			const node = byName.get(source);
			expect(node).toBeDefined();
			expect(Object.keys(outputs)).toEqual(['main']);
			expect(outputs.main.length).toBeLessThanOrEqual(outputCount(node!));
			for (const targets of outputs.main) {
				for (const target of targets ?? []) {
					expect(byName.has(target.node)).toBe(true);
					expect(target).toEqual({ node: target.node, type: 'main', index: 0 });
				}
			}
		}
		// every node but the triggers and the sticky notes has an input
		const targets = new Set(
			Object.values(template.connections).flatMap((outputs) =>
				outputs.main.flatMap((list) => (list ?? []).map((target) => target.node)),
			),
		);
		const unfed = template.nodes
			.filter((node) => node.type !== 'n8n-nodes-base.stickyNote' && !targets.has(node.name))
			.map((node) => node.type);
		expect(unfed.length).toBeGreaterThanOrEqual(1);
		for (const type of unfed) expect(type).toMatch(/Trigger$|trigger$/i);
	});

	test('holds no addresses, account IDs or secrets', () => {
		const texts = template.nodes
			.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
			.flatMap((node) => literalStrings(node.parameters));
		for (const text of texts) {
			expect(text).not.toMatch(/https?:\/\//);
			expect(text).not.toMatch(/\.kommo\.com|\.amocrm\.|intercom\.io/);
			expect(text).not.toMatch(/\d{5,}/);
		}
		const raw = readFileSync(join(TEMPLATE_DIR, file), 'utf8');
		expect(raw).not.toMatch(/"id":\s*"[^"]*"\s*,\s*"name":\s*"(Intercom|Kommo) account"/);
		expect(raw).not.toMatch(/"(accessToken|clientSecret|apiKey|password)"\s*:/i);
	});

	test('an empty value of a list loaded from the account is a choice the list offers (the editor flags any other), in every enabled node', async () => {
		const emptyLoaded: EmptyLoadedChoice[] = [];
		for (const node of ours.filter((n) => !n.disabled)) {
			const description = descriptionOf(node);
			checkParameters(
				description.properties,
				node.parameters as IDataObject,
				{ node, description, root: node.parameters as IDataObject, path: '' },
				[],
				emptyLoaded,
			);
		}
		nock.disableNetConnect();
		const unmatched: string[] = [];
		const recordUnmatched = (request: { method?: string; path?: string }) =>
			unmatched.push(`${request.method} ${request.path}`);
		nock.emitter.on('no match', recordUnmatched);
		kommo().get('/api/v4/leads/pipelines').times(10).reply(200, pipelinesFixture);
		const missing: string[] = [];
		// a field the user must fill anyway (the Reply admin) is not a choice the template makes
		const made = emptyLoaded.filter(
			({ node, path }) => !EXPECTED_TO_FILL[file].includes(`${node.name}: ${path}`),
		);
		for (const { node, path, method } of made) {
			const options = (await loadOptions({
				node: {
					name: node.name,
					type: ourNodeName(node)!,
					parameters: node.parameters as IDataObject,
					credentials: { intercomKommoKommoApi: 'Kommo account' },
				},
				method,
				credentials,
			})) as INodePropertyOptions[];
			if (!options.some((option) => option.value === '')) missing.push(`${node.name}: ${path}`);
		}
		nock.cleanAll();
		nock.emitter.removeListener('no match', recordUnmatched);
		nock.enableNetConnect();
		expect(unmatched).toEqual([]);
		expect(missing).toEqual([]);
		expect(made.map(({ node, path }) => `${node.name}: ${path}`)).toEqual(
			EMPTY_LOADED_CHOICES[file],
		);
	});

	test('every node n8n would flag as unfinished is one the sticky notes tell the user to fill', () => {
		const flagged: string[] = [];
		for (const node of ours.filter((n) => !n.disabled)) {
			const description = descriptionOf(node);
			const issues = NodeHelpers.getNodeParametersIssues(description.properties, node, description);
			for (const parameter of Object.keys(issues?.parameters ?? {})) {
				flagged.push(`${node.name}: ${parameter}`);
			}
		}
		expect(flagged).toEqual(EXPECTED_TO_FILL[file]);
	});
});
