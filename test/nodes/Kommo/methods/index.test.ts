/** The Kommo node's loadOptions and listSearch: exactly the methods its fields name, each a function. */
import type { INodeProperties } from 'n8n-workflow';

import { Kommo } from '../../../../nodes/Kommo/Kommo.node';
import { listSearch, loadOptions } from '../../../../nodes/Kommo/methods';
import { loadOptionsMethodsIn } from '../../../helpers/descriptions';

test('every loadOptionsMethod the descriptions name is exported, and nothing else', () => {
	const named = loadOptionsMethodsIn(new Kommo().description.properties);
	expect([...named].sort()).toEqual(Object.keys(loadOptions).sort());
	for (const method of Object.values(loadOptions)) expect(typeof method).toBe('function');
});

test('every searchListMethod of a From List mode is exported, and nothing else', () => {
	const named = new Kommo().description.properties
		.filter((property: INodeProperties) => property.type === 'resourceLocator')
		.flatMap((property) => property.modes ?? [])
		.map((mode) => mode.typeOptions?.searchListMethod)
		.filter((method): method is string => typeof method === 'string');
	expect([...new Set(named)].sort()).toEqual(Object.keys(listSearch).sort());
	for (const method of Object.values(listSearch)) expect(typeof method).toBe('function');
});

test('the node carries them as methods.loadOptions and methods.listSearch', () => {
	const { methods } = new Kommo();
	expect(methods.loadOptions).toBe(loadOptions);
	expect(methods.listSearch).toBe(listSearch);
});
