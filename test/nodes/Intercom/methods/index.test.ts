/** The Intercom node's loadOptions: exactly the methods its fields name, each a function. */
import { Intercom } from '../../../../nodes/Intercom/Intercom.node';
import { loadOptions } from '../../../../nodes/Intercom/methods';
import { loadOptionsMethodsIn } from '../../../helpers/descriptions';

test('every loadOptionsMethod the descriptions name is exported, and nothing else', () => {
	const named = loadOptionsMethodsIn(new Intercom().description.properties);
	expect([...named].sort()).toEqual(Object.keys(loadOptions).sort());
	for (const method of Object.values(loadOptions)) expect(typeof method).toBe('function');
});

test('the node carries them as methods.loadOptions', () => {
	expect(new Intercom().methods.loadOptions).toBe(loadOptions);
});
