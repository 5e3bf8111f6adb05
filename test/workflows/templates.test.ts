/**
 * The template workflows in `workflows/`: checked against our nodes' descriptions the way n8n reads
 * them, and the forward template run end to end through n8n's WorkflowExecute against nock'd
 * Intercom and Kommo.
 *
 * n8n's own nodes are not installed here, so `n8n-nodes-base.if`, `.noOp` and `.stickyNote` are
 * test doubles. The IF double declares IF v2's "conditions" filter parameter and asks n8n-core for
 * its value with `extractValue: true`, exactly as IF v2 does: the conditions in the template are
 * evaluated by n8n-workflow's own filter code (`executeFilter`), not by anything written here.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { NodeHelpers } from 'n8n-workflow';
import type {
	IConnections,
	IDataObject,
	INode,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';

import { IntercomKommoIntercomApi } from '../../credentials/IntercomKommoIntercomApi.credentials';
import { IntercomKommoKommoApi } from '../../credentials/IntercomKommoKommoApi.credentials';
import { IntercomKommoKommoOAuth2Api } from '../../credentials/IntercomKommoKommoOAuth2Api.credentials';
import { CustomerLock } from '../../nodes/CustomerLock/CustomerLock.node';
import { Intercom } from '../../nodes/Intercom/Intercom.node';
import { IntercomTrigger } from '../../nodes/IntercomTrigger/IntercomTrigger.node';
import { Kommo } from '../../nodes/Kommo/Kommo.node';
import { KommoTrigger } from '../../nodes/KommoTrigger/KommoTrigger.node';
import { IntercomTranscript } from '../../nodes/Transcript/IntercomTranscript.node';
import { parseMarker } from '../../nodes/shared/transcriptMarker';
import {
	createWorkflowFromNodes,
	deliverWebhook,
	PACKAGE,
	registerCredentials,
	loadOptions,
	registerNodes,
	runWorkflow,
} from '../helpers/n8n';
import type { NodeClass, RunResult } from '../helpers/n8n';
import { registerBaseNodeDoubles } from '../helpers/baseNodeDoubles';
import { generatedConversation, messageNumbers } from '../nodes/Transcript/helpers';
import { forgetProcessMemory } from '../../nodes/shared/processMemory';
import { pipelinesFixture } from '../nodes/Kommo/kommoTestKit';
import { useClock } from '../../nodes/shared/clock';
import { IntercomCatchUpTrigger } from '../../nodes/IntercomCatchUpTrigger/IntercomCatchUpTrigger.node';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { commonPollingParameters } = require('n8n-core/dist/nodes-loader/constants') as {
	commonPollingParameters: INodeProperties[];
};

const OUR_NODES: Record<string, NodeClass> = {
	intercomTrigger: IntercomTrigger,
	intercom: Intercom,
	intercomTranscript: IntercomTranscript,
	kommo: Kommo,
	kommoTrigger: KommoTrigger,
	customerLock: CustomerLock,
	intercomCatchUpTrigger: IntercomCatchUpTrigger,
};

registerNodes(...Object.values(OUR_NODES));
registerCredentials(IntercomKommoIntercomApi, IntercomKommoKommoApi, IntercomKommoKommoOAuth2Api);
registerBaseNodeDoubles();

// ---------------------------------------------------------------------------------------------
// the template files

interface ExportedWorkflow {
	id: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings: IDataObject;
	pinData: IDataObject;
	[key: string]: unknown;
}

const TEMPLATE_DIR = join(__dirname, '..', '..', 'workflows');
const FORWARD = 'intercom-chat-to-kommo-deal.json';
const REVERSE = 'kommo-stage-to-intercom-tag.json';
const QUEUE_FORWARD = 'intercom-chat-to-kommo-deal.queue-mode.json';
const ERROR_REPORT = 'error-report.json';

function loadTemplate(file: string): ExportedWorkflow {
	return JSON.parse(readFileSync(join(TEMPLATE_DIR, file), 'utf8')) as ExportedWorkflow;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BASE_TYPES = [
	'n8n-nodes-base.if',
	'n8n-nodes-base.noOp',
	'n8n-nodes-base.stickyNote',
	// a visitor's chat whose email matches a customer: new deal, skip, or on as usual
	'n8n-nodes-base.switch',
	// the catch-up hands each chat to this workflow itself
	'n8n-nodes-base.executeWorkflow',
	'n8n-nodes-base.executeWorkflowTrigger',
];
/** n8n's own nodes only the queue-mode template uses (its per-customer lock), run by the cluster e2e. */
const QUEUE_BASE_TYPES = ['n8n-nodes-base.redis', 'n8n-nodes-base.wait'];

function ourNodeName(node: INode): string | undefined {
	return node.type.startsWith(`${PACKAGE}.`) ? node.type.slice(PACKAGE.length + 1) : undefined;
}

function descriptionOf(node: INode): INodeTypeDescription {
	const NodeClass = OUR_NODES[ourNodeName(node) ?? ''];
	if (!NodeClass) throw new Error(`${node.name}: ${node.type} is not a node of this package`);
	const description = new NodeClass().description as INodeTypeDescription;
	// n8n's loader adds Poll Times to every polling node (n8n-core nodes-loader)
	if (description.polling) {
		return { ...description, properties: [...commonPollingParameters, ...description.properties] };
	}
	return description;
}

/** Closed - Won (142) and Closed - Lost (143) have these IDs in every Kommo pipeline of every account. */
const isUniversalStage = (key: string, value: unknown) =>
	key === 'stageId' && (value === 142 || value === 143);

const isExpression = (value: unknown) => typeof value === 'string' && value.startsWith('=');

/**
 * Every key set in the template must be a parameter n8n shows for these values (a hidden or unknown
 * key is dropped by n8n on import and silently does nothing), with a value of the right kind: a
 * listed option, never a hard-coded ID where the editor loads the choices from an account.
 */
function checkParameters(
	properties: INodeProperties[],
	values: IDataObject,
	context: { node: INode; description: INodeTypeDescription; root: IDataObject; path: string },
	problems: string[],
	emptyLoaded: EmptyLoadedChoice[] = [],
) {
	for (const [key, value] of Object.entries(values)) {
		const where = `${context.node.name}: ${context.path}${key}`;
		const candidates = properties.filter((property) => property.name === key);
		if (!candidates.length) {
			problems.push(`${where} is not a parameter of ${context.node.type}`);
			continue;
		}
		const shown = candidates.filter((property) =>
			NodeHelpers.displayParameter(
				values as never,
				property,
				context.node,
				context.description,
				context.root as never,
			),
		);
		if (!shown.length) {
			problems.push(`${where} is hidden for these settings, so n8n would drop it`);
			continue;
		}
		const property = shown[0];
		const loaded = property.typeOptions?.loadOptionsMethod !== undefined;
		const allowed = (property.options ?? []) as INodePropertyOptions[];
		const allowedValues = allowed.map((option) => option.value);
		if (property.type === 'options') {
			if (loaded) {
				if (value === '') {
					emptyLoaded.push({
						node: context.node,
						path: `${context.path}${key}`,
						method: String(property.typeOptions?.loadOptionsMethod),
					});
				} else if (!isExpression(value) && !isUniversalStage(key, value)) {
					problems.push(`${where} hard-codes "${String(value)}", an ID of one account`);
				}
			} else if (!isExpression(value) && !allowedValues.includes(value as string)) {
				problems.push(`${where} = "${String(value)}" is not one of ${allowedValues.join(', ')}`);
			}
		} else if (property.type === 'multiOptions') {
			if (!Array.isArray(value)) {
				if (!isExpression(value)) problems.push(`${where} must be a list`);
			} else if (loaded) {
				if (value.length) problems.push(`${where} hard-codes IDs of one account`);
			} else {
				for (const entry of value) {
					if (!allowedValues.includes(entry as string)) {
						problems.push(`${where} holds "${String(entry)}", not one of its options`);
					}
				}
			}
		} else if (property.type === 'boolean' || property.type === 'number') {
			if (typeof value !== property.type && !isExpression(value)) {
				problems.push(`${where} must be a ${property.type}`);
			}
		} else if (property.type === 'string' || property.type === 'json') {
			if (typeof value !== 'string') problems.push(`${where} must be text`);
		} else if (property.type === 'resourceLocator') {
			const locator = value as IDataObject;
			const modes = (property.modes ?? []).map((mode) => mode.name);
			if (locator?.__rl !== true || !modes.includes(String(locator.mode))) {
				problems.push(
					`${where} is not a resource locator with one of the modes ${modes.join(', ')}`,
				);
			}
		} else if (property.type === 'collection') {
			checkParameters(
				allowed as unknown as INodeProperties[],
				value as IDataObject,
				{ ...context, path: `${context.path}${key}.` },
				problems,
				emptyLoaded,
			);
		} else if (property.type === 'fixedCollection') {
			const groups = allowed as unknown as INodePropertyCollection[];
			for (const [groupName, rows] of Object.entries(value as IDataObject)) {
				const group = groups.find((candidate) => candidate.name === groupName);
				if (!group) {
					problems.push(`${where}.${groupName} is not a group of this collection`);
					continue;
				}
				const list = property.typeOptions?.multipleValues ? (rows as IDataObject[]) : [rows];
				list.forEach((row, index) =>
					checkParameters(
						group.values,
						row as IDataObject,
						{ ...context, path: `${context.path}${key}.${groupName}[${index}].` },
						problems,
						emptyLoaded,
					),
				);
			}
		} else if (property.type !== 'notice') {
			problems.push(`${where} has a type (${property.type}) this check does not know`);
		}
	}
}

/** A list loaded from the account (`loadOptionsMethod`) that the template leaves at its empty default. */
interface EmptyLoadedChoice {
	node: INode;
	path: string;
	method: string;
}

/** Every text in the parameters that is not an expression. */
function literalStrings(value: unknown, found: string[] = []): string[] {
	if (typeof value === 'string') {
		if (!value.startsWith('=') && !UUID.test(value)) found.push(value);
	} else if (Array.isArray(value)) {
		for (const entry of value) literalStrings(entry, found);
	} else if (value && typeof value === 'object') {
		for (const entry of Object.values(value)) literalStrings(entry, found);
	}
	return found;
}

function outputCount(node: INode): number {
	if (node.type === 'n8n-nodes-base.if') return 2;
	// Switch v3 in Rules mode: one output per rule, and the fallback's when it has its own
	if (node.type === 'n8n-nodes-base.switch') {
		const rules = (node.parameters.rules as IDataObject | undefined)?.values;
		const fallback = (node.parameters.options as IDataObject | undefined)?.fallbackOutput;
		return (Array.isArray(rules) ? rules.length : 0) + (fallback === 'extra' ? 1 : 0);
	}
	if (node.type === 'n8n-nodes-base.stickyNote') return 0;
	const outputs = ourNodeName(node) ? descriptionOf(node).outputs : ['main'];
	return Array.isArray(outputs) ? outputs.length : 1;
}

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
	const TRIGGERS = [`${PACKAGE}.intercomTrigger`, `${PACKAGE}.kommoTrigger`];

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

describe.each([FORWARD, QUEUE_FORWARD, REVERSE])('template %s', (file) => {
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
		expect(triggers).toHaveLength(1);
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
					name: expect.stringMatching(/^(Intercom|Kommo) account$/),
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
		for (const { node, path, method } of emptyLoaded) {
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
		expect(emptyLoaded.map(({ node, path }) => `${node.name}: ${path}`)).toEqual(
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

describe('the two chat templates have one shape', () => {
	/** What each file holds for "one run per customer at a time", beside the note that explains it. */
	const LOCK_STEPS: Record<string, { lock: string[]; release: string }> = {
		[FORWARD]: { lock: ['Lock customer'], release: 'Release customer' },
		[QUEUE_FORWARD]: {
			lock: ['Lock customer', 'Got the lock?', 'Wait a second'],
			release: 'Release customer',
		},
	};

	/** The file without its lock steps: every other node, and the edges with the lock as one step. */
	function shape(file: string) {
		const template = loadTemplate(file);
		const { lock, release } = LOCK_STEPS[file];
		const stepOf = (name: string) =>
			lock.includes(name) ? 'LOCK' : name === release ? 'RELEASE' : name;
		const nodes = template.nodes
			.filter((node) => stepOf(node.name) === node.name && node.name !== 'Sticky: lock')
			.map((node) => {
				const copy = JSON.parse(JSON.stringify(node)) as IDataObject;
				// each workflow has its own Production URL
				if (node.name === 'Intercom Trigger') delete copy.webhookId;
				return copy;
			});
		const edges = new Set<string>();
		for (const [from, outputs] of Object.entries(template.connections)) {
			outputs.main.forEach((targets, output) => {
				for (const target of targets ?? []) {
					const a = stepOf(from);
					const b = stepOf(target.node);
					// inside the lock (Got the lock? → Wait a second → Lock customer) is the lock itself
					if (a === 'LOCK' && b === 'LOCK') continue;
					edges.add(`${a}[${a === 'LOCK' ? 0 : output}] → ${b}`);
				}
			});
		}
		return { nodes, edges: [...edges].sort() };
	}

	test('the one-process and queue-mode files differ only in the lock steps', () => {
		const one = shape(FORWARD);
		const queue = shape(QUEUE_FORWARD);
		expect(queue.nodes).toEqual(one.nodes);
		expect(queue.edges).toEqual(one.edges);
		// and the lock wraps everything that reads Kommo and writes to it
		expect(one.edges).toEqual(
			expect.arrayContaining([
				'Has customer email?[0] → LOCK',
				'LOCK[0] → Find contact by email',
				'Transcript[1] → RELEASE',
				'Copy Intercom tags to deal[0] → RELEASE',
			]),
		);
	});

	test('both keep the lock for one customer, by the email Find contact by email searches', () => {
		const email = "$('Get conversation').item.json.customer.email";
		for (const file of [FORWARD, QUEUE_FORWARD]) {
			const nodes = loadTemplate(file).nodes;
			const keys = ['Lock customer', 'Release customer'].map(
				(name) => nodes.find((node) => node.name === name)!.parameters.key as string,
			);
			expect(keys[0]).toBe(keys[1]);
			expect(keys[0]).toContain(email);
			expect(nodes.find((node) => node.name === 'Find contact by email')!.parameters.email).toBe(
				`={{ ${email} }}`,
			);
		}
	});
});

/** Parameters the user must fill after importing (the sticky notes say so). */
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
};

const EXPECTED_TO_FILL: Record<string, string[]> = {
	[FORWARD]: [],
	[QUEUE_FORWARD]: [],
	[REVERSE]: [],
};

// ---------------------------------------------------------------------------------------------
// running the forward template

const INTERCOM = 'https://api.intercom.io';
const KOMMO = 'https://acme.kommo.com';
const INTERCOM_TOKEN = ['intercom', 'template', 'token'].join('-');
const KOMMO_TOKEN = ['kommo', 'template', 'token'].join('-');
const CLIENT_SECRET = 'template-test-client-secret';

const credentials = {
	intercomKommoIntercomApi: {
		accessToken: INTERCOM_TOKEN,
		region: 'us',
		baseUrl: '',
		clientSecret: CLIENT_SECRET,
		apiVersion: '2.14',
	},
	intercomKommoKommoApi: {
		subdomain: 'acme',
		domain: 'kommo.com',
		baseUrl: '',
		accessToken: KOMMO_TOKEN,
		maxRequestsPerSecond: 7,
	},
};

const intercom = () =>
	nock(INTERCOM, {
		reqheaders: { authorization: `Bearer ${INTERCOM_TOKEN}`, 'intercom-version': '2.14' },
	});
const kommo = () => nock(KOMMO, { reqheaders: { authorization: `Bearer ${KOMMO_TOKEN}` } });

const CONVERSATION_ID = '215470';
const EMAIL = 'jane@example.com';
const CONTACT_ID = 406322;
const LEAD_ID = 19619;
const LEAD_NAME = `Intercom chat #${CONVERSATION_ID} – Jane Doe`;

/** GET /conversations/{id} as Intercom answers it: the generated chat plus its contact and tags. */
function conversation(messages: number, options: { withContact?: boolean } = {}): IDataObject {
	return {
		...generatedConversation(CONVERSATION_ID, messages),
		contacts: {
			type: 'contact.list',
			contacts:
				options.withContact === false ? [] : [{ type: 'contact', id: 'c1', external_id: null }],
		},
		tags: { type: 'tag.list', tags: [{ type: 'tag', id: '9001', name: 'VIP' }] },
	};
}

let notificationCounter = 0;

function notification(): string {
	const fixture = JSON.parse(
		readFileSync(
			join(__dirname, '..', 'fixtures', 'intercom', 'webhooks', 'conversation-user-replied.json'),
			'utf8',
		),
	) as IDataObject;
	return JSON.stringify({ ...fixture, id: `notif_template_${++notificationCounter}` });
}

function signed(body: string) {
	return {
		'content-type': 'application/json',
		'x-hub-signature': `sha1=${createHmac('sha1', CLIENT_SECRET).update(body).digest('hex')}`,
	};
}

let workflowCounter = 0;

/** The template's nodes as n8n holds them after import: credentials resolved to an ID. */
function importedNodes(template: ExportedWorkflow): INode[] {
	return template.nodes.map((node) => {
		const copy = JSON.parse(JSON.stringify(node)) as INode;
		for (const [type, reference] of Object.entries(copy.credentials ?? {})) {
			copy.credentials![type] = { id: `cred-${type}`, name: reference.name };
		}
		return copy;
	});
}

/** One webhook from Intercom: the trigger checks it, then the template runs on its output. */
async function deliverToForward(
	workflowId: string,
	staticData: IDataObject,
	configure: (nodes: INode[]) => void = () => {},
): Promise<RunResult> {
	const template = loadTemplate(FORWARD);
	const nodes = importedNodes(template);
	configure(nodes);
	const workflow = createWorkflowFromNodes({
		nodes,
		connections: template.connections,
		id: workflowId,
		staticData,
	});
	const body = notification();
	const { response, result: webhook } = await deliverWebhook({
		workflow,
		nodeName: 'Intercom Trigger',
		headers: signed(body),
		body,
		credentials,
	});
	expect(response.status).toBe(200);
	const input = webhook.workflowData![0];
	const result = await runWorkflow({
		nodes: [{ name: 'Intercom Trigger', type: 'intercomTrigger' }],
		workflow,
		input,
		credentials,
	});
	return result;
}

function recordNotePosts(scope: nock.Scope, leadId: number, count: number, firstId = 70001) {
	const posts: IDataObject[][] = [];
	for (let i = 0; i < count; i++) {
		scope
			.post('/api/v4/leads/notes', (body: IDataObject[]) => {
				posts.push(body);
				return true;
			})
			.reply(200, { _embedded: { notes: [{ id: firstId + i, entity_id: leadId }] } });
	}
	return posts;
}

function contactWithLeads(leadIds: number[]) {
	return {
		_embedded: {
			contacts: [
				{
					id: CONTACT_ID,
					name: 'Jane Doe',
					custom_fields_values: [
						{
							field_code: 'EMAIL',
							field_type: 'multitext',
							values: [{ value: EMAIL, enum_code: 'WORK' }],
						},
					],
					_embedded: { leads: leadIds.map((id) => ({ id })) },
				},
			],
		},
	};
}

function lead(id: number, statusId: number, updatedAt = 1700000000) {
	return {
		id,
		name: `Deal ${id}`,
		status_id: statusId,
		pipeline_id: 6950551,
		updated_at: updatedAt,
	};
}

const PIPELINES = {
	_embedded: {
		pipelines: [
			{
				id: 6950551,
				name: 'Sales',
				_embedded: {
					statuses: [
						{ id: 58141807, name: 'Qualified' },
						{ id: 142, name: 'Closed - won' },
						{ id: 143, name: 'Closed - lost' },
					],
				},
			},
		],
	},
};

const NOTES_QUERY = { limit: '250', 'filter[note_type][]': 'common', 'order[id]': 'desc' };

/** Kommo's answers for Find by Email when the contact has these leads. */
/** `namesCached`: an earlier run of the same process already read the pipeline names */
function findsContact(scope: nock.Scope, leads: IDataObject[], namesCached = false) {
	scope
		.get('/api/v4/contacts')
		.query({ limit: '250', query: EMAIL, with: 'leads' })
		.reply(200, contactWithLeads(leads.map((entry) => Number(entry.id))));
	if (leads.length) {
		const ids = leads.map((entry) => String(entry.id));
		scope
			.get('/api/v4/leads')
			.query({ limit: '250', 'filter[id][]': ids.length === 1 ? ids[0] : ids })
			.reply(200, { _embedded: { leads } });
		if (!namesCached) scope.get('/api/v4/leads/pipelines').reply(200, PIPELINES);
	}
}

function notesOnLead(texts: string[]) {
	return texts.length
		? {
				_embedded: {
					notes: texts
						.map((text, index) => ({
							id: 70001 + index,
							note_type: 'common',
							params: { text },
						}))
						.reverse(),
				},
			}
		: undefined;
}

const noteBody = (leadId: number, text: string) => [
	{ entity_id: leadId, note_type: 'common', params: { text } },
];

/** Counts the requests a scope answered: Kommo calls per chat. */
function countRequests(scope: nock.Scope): () => number {
	let count = 0;
	scope.on('request', () => count++);
	return () => count;
}

describe('the forward template, run on a webhook from Intercom', () => {
	beforeAll(() => nock.disableNetConnect());
	beforeEach(() => {
		forgetProcessMemory();
		let now = 1_800_000_000_000;
		useClock({ now: () => now, sleep: async (ms: number) => void (now += ms) });
	});
	afterEach(() => {
		nock.cleanAll();
		forgetProcessMemory();
		useClock();
	});
	afterAll(() => nock.restore());

	test('open deal found: all notes of the chat go on it; the next webhook writes only new messages', async () => {
		const workflowId = `wf-template-${++workflowCounter}`;
		const staticData: IDataObject = {};

		// 1st webhook: 200 messages, more than one note
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(200));
		const first = kommo();
		findsContact(first, [lead(LEAD_ID, 58141807)]);
		// the contact's only open deal needs no link check: one notes read, for the transcript key
		first.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(204);
		const posts = recordNotePosts(first, LEAD_ID, 2);

		const run1 = await deliverToForward(workflowId, staticData);
		expect(run1.error()).toBeUndefined();
		const [rendered] = run1.json('Transcript');
		expect(rendered.noteCount).toBe(2);
		const notes = rendered.notes as IDataObject[];
		expect(run1.json('Find contact by email')[0]).toMatchObject({
			found: true,
			contactId: CONTACT_ID,
			leadId: LEAD_ID,
			leadChoice: 'latest-open',
			transcriptKey: null,
		});
		expect(posts).toEqual(notes.map((note) => noteBody(LEAD_ID, note.text as string)));
		expect(
			messageNumbers(posts.map((body) => (body[0].params as IDataObject).text as string)),
		).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
		expect(posts.map((body) => parseMarker((body[0].params as IDataObject).text))).toEqual(
			notes.map((note) => note.idempotencyKey),
		);
		expect(run1.ran('Create deal for contact')).toBe(false);
		expect(run1.ran('Create deal and contact')).toBe(false);
		expect(run1.json('Add notes to deal')).toEqual([
			expect.objectContaining({ entityId: LEAD_ID, written: 2, skipped: 0 }),
		]);
		expect(run1.ran('Release customer')).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);
		const written = posts.map((body) => (body[0].params as IDataObject).text as string);

		// 2nd webhook, nothing new (Intercom's retry): Kommo's newest note says so, nothing written
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(200));
		const second = kommo();
		findsContact(second, [lead(LEAD_ID, 58141807)], true);
		second
			.get(`/api/v4/leads/${LEAD_ID}/notes`)
			.query(NOTES_QUERY)
			.reply(200, notesOnLead(written));
		const run2 = await deliverToForward(workflowId, staticData);
		expect(run2.error()).toBeUndefined();
		expect(run2.json('Transcript', 1)).toEqual([
			expect.objectContaining({ reason: 'No messages newer than the ones already on the deal.' }),
		]);
		expect(run2.ran('Has open deal?')).toBe(false);
		expect(run2.ran('Release customer')).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);

		// 3rd webhook, two new messages, and a second open deal: one note on the deal with the chat
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(202));
		const third = kommo();
		const kommoCalls = countRequests(third);
		findsContact(
			third,
			[lead(LEAD_ID, 58141807, 1700000000), lead(555, 58141807, 1800000000)],
			true,
		);
		third.get('/api/v4/leads/555/notes').query(NOTES_QUERY).reply(204);
		third.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(200, notesOnLead(written));
		const newPosts = recordNotePosts(third, LEAD_ID, 1, 70010);
		const run3 = await deliverToForward(workflowId, staticData);
		expect(run3.error()).toBeUndefined();
		expect(run3.json('Find contact by email')[0]).toMatchObject({
			leadId: LEAD_ID,
			leadChoice: 'linked-to-conversation',
			transcriptKey: notes[1].idempotencyKey,
		});
		expect(newPosts).toHaveLength(1);
		const newText = (newPosts[0][0].params as IDataObject).text as string;
		expect(messageNumbers([newText])).toEqual([201, 202]);
		expect(newText).not.toContain('Opening message');
		// the existing-deal path: contacts, leads, the two deals' notes (each read once), the note.
		// Before Kommo was the one record, Add Note read the deal's notes a second time (6 calls).
		expect(kommoCalls()).toBe(5);
		expect(nock.pendingMocks()).toEqual([]);
		// static data is never written: Kommo is the only record
		expect(staticData).toEqual({});
	});

	test('contact without an open deal: a deal is created for the contact and gets the notes', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(3));
		const scope = kommo();
		findsContact(scope, [lead(LEAD_ID, 142)]);
		// the closed deal may hold the chat already (it was won while the chat went on)
		scope.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(204);
		let created: unknown;
		scope
			.post('/api/v4/leads', (body) => {
				created = body;
				return true;
			})
			.reply(200, { _embedded: { leads: [{ id: 777, request_id: '0' }] } });
		const posts = recordNotePosts(scope, 777, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(created).toEqual([
			{ name: LEAD_NAME, _embedded: { contacts: [{ id: CONTACT_ID, is_main: true }] } },
		]);
		const [rendered] = run.json('Transcript');
		expect(posts).toEqual([noteBody(777, (rendered.notes as IDataObject[])[0].text as string)]);
		expect(run.ran('Create deal and contact')).toBe(false);
		expect(run.json('Add notes to new deal')[0]).toMatchObject({ entityId: 777, written: 1 });
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('the deal holding the chat was won: the reply goes to a new deal with only the new messages', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(4));
		const scope = kommo();
		findsContact(scope, [lead(LEAD_ID, 142)]);
		const onWonDeal = `[Intercom] Chat #${CONVERSATION_ID}\n\n#intercom-kommo key=intercom:${CONVERSATION_ID}:src-${CONVERSATION_ID}-50001`;
		scope
			.get(`/api/v4/leads/${LEAD_ID}/notes`)
			.query(NOTES_QUERY)
			.reply(200, notesOnLead([onWonDeal]));
		scope
			.post('/api/v4/leads')
			.reply(200, { _embedded: { leads: [{ id: 779, request_id: '0' }] } });
		const posts = recordNotePosts(scope, 779, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(run.json('Find contact by email')[0]).toMatchObject({
			leadId: null,
			transcriptKey: `intercom:${CONVERSATION_ID}:src-${CONVERSATION_ID}-50001`,
		});
		expect(messageNumbers([(posts[0][0].params as IDataObject).text as string])).toEqual([3, 4]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('two Kommo contacts with the email and no open deal: one deal, for the most recently updated contact, and one set of notes', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(3));
		const scope = kommo();
		const duplicate = (id: number, updatedAt: number, leadIds: number[]) => ({
			...contactWithLeads(leadIds)._embedded.contacts[0],
			id,
			updated_at: updatedAt,
		});
		scope
			.get('/api/v4/contacts')
			.query({ limit: '250', query: EMAIL, with: 'leads' })
			.reply(200, {
				_embedded: {
					contacts: [
						duplicate(CONTACT_ID, 1700000000, [LEAD_ID]),
						duplicate(406400, 1700009999, []),
					],
				},
			})
			.get('/api/v4/leads')
			.query({ limit: '250', 'filter[id][]': String(LEAD_ID) })
			.reply(200, { _embedded: { leads: [lead(LEAD_ID, 143)] } })
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES)
			.get(`/api/v4/leads/${LEAD_ID}/notes`)
			.query(NOTES_QUERY)
			.reply(204);
		const created: unknown[] = [];
		scope
			.post('/api/v4/leads', (body) => {
				created.push(body);
				return true;
			})
			.reply(200, { _embedded: { leads: [{ id: 778, request_id: '0' }] } });
		const posts = recordNotePosts(scope, 778, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(run.json('Find contact by email')).toEqual([
			expect.objectContaining({
				found: true,
				contactId: 406400,
				leadId: null,
				contacts: [
					expect.objectContaining({ id: 406400 }),
					expect.objectContaining({ id: CONTACT_ID }),
				],
			}),
		]);
		expect(created).toEqual([
			[{ name: LEAD_NAME, _embedded: { contacts: [{ id: 406400, is_main: true }] } }],
		]);
		expect(posts).toHaveLength(1);
		expect(run.json('Add notes to new deal')).toEqual([
			expect.objectContaining({ entityId: 778, written: 1 }),
		]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('two Kommo contacts with the email, each with an open deal: the notes go only on the most recently updated deal', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(3));
		const scope = kommo();
		const duplicate = (id: number, leadIds: number[]) => ({
			...contactWithLeads(leadIds)._embedded.contacts[0],
			id,
		});
		scope
			.get('/api/v4/contacts')
			.query({ limit: '250', query: EMAIL, with: 'leads' })
			.reply(200, {
				_embedded: { contacts: [duplicate(CONTACT_ID, [LEAD_ID]), duplicate(406400, [556])] },
			})
			.get('/api/v4/leads')
			.query({ limit: '250', 'filter[id][]': ['556', String(LEAD_ID)] })
			.reply(200, {
				_embedded: {
					leads: [lead(LEAD_ID, 58141807, 1700000000), lead(556, 58141807, 1700005000)],
				},
			})
			.get('/api/v4/leads/pipelines')
			.reply(200, PIPELINES)
			// neither deal holds this chat yet: both are looked at, newest first, once each
			.get('/api/v4/leads/556/notes')
			.query(true)
			.reply(204)
			.get(`/api/v4/leads/${LEAD_ID}/notes`)
			.query(true)
			.reply(204);
		const posts = recordNotePosts(scope, 556, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(run.json('Find contact by email')).toEqual([
			expect.objectContaining({ leadId: 556, contactId: 406400, leadChoice: 'latest-open' }),
		]);
		expect(posts).toHaveLength(1);
		expect(posts[0][0]).toMatchObject({ entity_id: 556 });
		expect(run.ran('Create deal for contact')).toBe(false);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('no Kommo contact with the email: deal and contact are created in one request', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(2));
		const scope = kommo();
		scope.get('/api/v4/contacts').query({ limit: '250', query: EMAIL, with: 'leads' }).reply(204);
		let created: unknown;
		scope
			.post('/api/v4/leads/complex', (body) => {
				created = body;
				return true;
			})
			.reply(200, [
				{ id: 888, contact_id: 999, company_id: null, request_id: ['0'], merged: false },
			]);
		const posts = recordNotePosts(scope, 888, 1);

		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(created).toEqual([
			{
				name: LEAD_NAME,
				_embedded: {
					contacts: [
						{
							name: 'Jane Doe',
							custom_fields_values: [
								{ field_code: 'EMAIL', values: [{ value: EMAIL, enum_code: 'WORK' }] },
							],
						},
					],
				},
			},
		]);
		expect(posts).toHaveLength(1);
		expect(posts[0][0]).toMatchObject({ entity_id: 888, note_type: 'common' });
		expect(run.json('Add notes to new deal')[0]).toMatchObject({ entityId: 888, written: 1 });
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('a customer without an email stops at "No email": nothing is written to Kommo', async () => {
		// an anonymous visitor: no email on the contact, none on any message
		const anonymous = conversation(2, { withContact: false });
		const authors = [
			(anonymous.source as IDataObject).author,
			...((anonymous.conversation_parts as IDataObject).conversation_parts as IDataObject[]).map(
				(part) => part.author,
			),
		] as IDataObject[];
		for (const author of authors) delete author.email;
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, anonymous);
		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {});
		expect(run.error()).toBeUndefined();
		expect(run.ran('No email: nothing written — add the email in Intercom')).toBe(true);
		expect(run.ran('Lock customer')).toBe(false);
		expect(run.ran('Transcript')).toBe(false);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('a failed note write: the next webhook writes only the notes not on the deal, by its newest note', async () => {
		let now = 1_800_000_000_000;
		useClock({ now: () => now, sleep: async (ms: number) => void (now += ms) });
		const workflowId = `wf-template-${++workflowCounter}`;
		const staticData: IDataObject = {};

		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(200));
		const first = kommo();
		findsContact(first, [lead(LEAD_ID, 58141807)]);
		first.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(204);
		const posts = recordNotePosts(first, LEAD_ID, 1);
		first.post('/api/v4/leads/notes').reply(400, {
			title: 'Bad Request',
			type: 'https://httpstatus.es/400',
			status: 400,
			detail: 'Request validation failed',
		});
		const failed = await deliverToForward(workflowId, staticData);
		expect(failed.error()).toBeDefined();
		expect(failed.ran('Release customer')).toBe(false);
		const firstRender = failed.json('Transcript')[0];
		expect(firstRender.noteCount).toBe(2);
		expect(posts).toHaveLength(1);
		expect(nock.pendingMocks()).toEqual([]);

		// Kommo works again: the failed run's lock expires, and only the second note is written
		const onLead = [(posts[0][0].params as IDataObject).text as string];
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(200));
		const second = kommo();
		findsContact(second, [lead(LEAD_ID, 58141807)], true);
		second.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(200, notesOnLead(onLead));
		const retried = recordNotePosts(second, LEAD_ID, 1, 70002);
		const again = await deliverToForward(workflowId, staticData);
		expect(again.error()).toBeUndefined();
		// the same messages under the same key; only the header's "(part 2/2)" is gone
		const missing = (firstRender.notes as IDataObject[])[1];
		const [rewritten] = again.json('Transcript')[0].notes as IDataObject[];
		expect(rewritten.idempotencyKey).toBe(missing.idempotencyKey);
		expect(messageNumbers([rewritten.text as string])).toEqual(
			messageNumbers([missing.text as string]),
		);
		expect(retried).toEqual([noteBody(LEAD_ID, rewritten.text as string)]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('"Copy Intercom tags to deal" is off as imported; once a field is chosen and it is on, the tags go into it', async () => {
		intercom().get(`/conversations/${CONVERSATION_ID}`).reply(200, conversation(2));
		const scope = kommo();
		findsContact(scope, [lead(LEAD_ID, 58141807)]);
		scope.get(`/api/v4/leads/${LEAD_ID}/notes`).query(NOTES_QUERY).reply(204);
		recordNotePosts(scope, LEAD_ID, 1);
		scope
			.get('/api/v4/leads/custom_fields/801')
			.reply(200, {
				id: 801,
				name: 'Segment',
				type: 'select',
				enums: [
					{ id: 9100, value: 'Standard', sort: 0 },
					{ id: 9101, value: 'VIP', sort: 1 },
				],
			})
			.patch(`/api/v4/leads/${LEAD_ID}`, {
				custom_fields_values: [{ field_id: 801, values: [{ enum_id: 9101 }] }],
			})
			.reply(200, { id: LEAD_ID, updated_at: 1700001000 });

		const template = loadTemplate(FORWARD);
		expect(template.nodes.find((n) => n.name === 'Copy Intercom tags to deal')?.disabled).toBe(
			true,
		);
		const run = await deliverToForward(`wf-template-${++workflowCounter}`, {}, (nodes) => {
			const copyTags = nodes.find((n) => n.name === 'Copy Intercom tags to deal')!;
			delete copyTags.disabled;
			copyTags.parameters.tagFieldId = 801;
		});
		expect(run.error()).toBeUndefined();
		expect(run.json('Copy Intercom tags to deal')[0]).toMatchObject({
			id: LEAD_ID,
			updated: true,
			tagMapping: { fieldId: 801, written: true, mappedTags: ['VIP'] },
		});
		expect(run.ran('Release customer')).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);
	});
});
