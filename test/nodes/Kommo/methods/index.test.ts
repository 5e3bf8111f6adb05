/** The Kommo node's loadOptions: exactly the methods its fields name, each a function. */
import { Kommo } from '../../../../nodes/Kommo/Kommo.node';
import { loadOptions } from '../../../../nodes/Kommo/methods';
import { loadOptionsMethodsIn } from '../../../helpers/descriptions';

test('every loadOptionsMethod the descriptions name is exported, and nothing else', () => {
	const named = loadOptionsMethodsIn(new Kommo().description.properties);
	expect([...named].sort()).toEqual(Object.keys(loadOptions).sort());
	for (const method of Object.values(loadOptions)) expect(typeof method).toBe('function');
});

test('the node carries them as methods.loadOptions', () => {
	expect(new Kommo().methods.loadOptions).toBe(loadOptions);
});
