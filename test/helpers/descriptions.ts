/**
 * Checks for the files that only declare things (`*.resource.ts`, `*.node.ts`, `methods/index.ts`):
 * what the editor offers must be what the code runs.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** A `*.resource.ts` module: its `description`, and one exported module per operation. */
export type ResourceModule = { description: INodeProperties[] } & Record<string, unknown>;

interface OperationModule {
	description: INodeProperties[];
	execute: unknown;
}

/** The `operation` selector of a resource's properties. */
export function operationSelector(
	resource: string,
	properties: INodeProperties[],
): INodeProperties {
	const selector = properties.find(
		(property) =>
			property.name === 'operation' &&
			((property.displayOptions?.show?.resource as string[] | undefined) ?? []).includes(resource),
	);
	if (!selector) throw new Error(`no operation selector for "${resource}"`);
	return selector;
}

/** The operation values the editor offers for a resource. */
export function offeredOperations(resource: string, properties: INodeProperties[]): string[] {
	return (operationSelector(resource, properties).options as INodePropertyOptions[]).map((option) =>
		String(option.value),
	);
}

/** The `value`s of a node's options-type property (e.g. `resource`). */
export function optionValues(properties: INodeProperties[], name: string): string[] {
	const property = properties.find((candidate) => candidate.name === name);
	return ((property?.options ?? []) as INodePropertyOptions[]).map((option) =>
		String(option.value),
	);
}

/** Every `loadOptionsMethod` named anywhere in the properties, nested collections included. */
export function loadOptionsMethodsIn(properties: unknown): Set<string> {
	const found = new Set<string>();
	const walk = (value: unknown) => {
		if (Array.isArray(value)) {
			value.forEach(walk);
			return;
		}
		if (typeof value !== 'object' || value === null) return;
		const record = value as Record<string, unknown>;
		const method = (record.typeOptions as { loadOptionsMethod?: unknown } | undefined)
			?.loadOptionsMethod;
		if (typeof method === 'string') found.add(method);
		walk(record.options);
		walk(record.values);
	};
	walk(properties);
	return found;
}

/**
 * The tests every resource file gets: each offered operation has a module with a description and
 * an execute, no module is exported that the editor does not offer, and each operation's fields show
 * only under that resource and operation.
 */
export function describeResource(resource: string, module: ResourceModule) {
	describe(`the "${resource}" resource`, () => {
		const selector = operationSelector(resource, module.description);
		const options = selector.options as INodePropertyOptions[];
		const offered = options.map((option) => String(option.value));
		const operationModule = (operation: string) => module[operation] as OperationModule;

		test('every offered operation is named, described, has an action and a module that runs it', () => {
			expect(offered.length).toBeGreaterThan(0);
			for (const option of options) {
				expect(option.name).toEqual(expect.any(String));
				expect(option.description).toEqual(expect.any(String));
				expect(option.action).toEqual(expect.any(String));
				const operation = operationModule(String(option.value));
				expect(Array.isArray(operation?.description)).toBe(true);
				expect(typeof operation?.execute).toBe('function');
			}
			expect(offered).toContain(selector.default);
			expect(selector.noDataExpression).toBe(true);
		});

		test('it exports a module for exactly the offered operations', () => {
			const exported = Object.keys(module).filter((key) => key !== 'description');
			expect(exported.sort()).toEqual([...offered].sort());
		});

		test("its properties are the selector and every operation's own, each once", () => {
			const own = offered.flatMap((operation) => operationModule(operation).description);
			expect(module.description[0]).toBe(selector);
			expect(module.description).toHaveLength(own.length + 1);
			for (const property of own) expect(module.description).toContain(property);
		});

		test.each(offered)('the fields of "%s" show only under it', (operation) => {
			for (const property of operationModule(operation).description) {
				expect(property.displayOptions?.show?.resource).toEqual([resource]);
				expect(property.displayOptions?.show?.operation).toEqual([operation]);
			}
		});
	});
}
