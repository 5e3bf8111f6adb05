import {
	buildLeadFilter,
	checkFilter,
	FilterConfigError,
} from '../../../../nodes/KommoTrigger/helpers/filters';

describe('lead filter', () => {
	test('no filter matches everything, even unknown positions', () => {
		const filter = buildLeadFilter([], []);
		expect(checkFilter(filter, null, null)).toBe('match');
		expect(checkFilter(filter, 1, 2)).toBe('match');
	});

	test('pipeline and stage filters (stage values are pipeline:status; bare status matches any pipeline)', () => {
		const filter = buildLeadFilter(['6950551', 7012345], ['6950551:58141811', '7012345:142']);
		expect(checkFilter(filter, 6950551, 58141811)).toBe('match');
		expect(checkFilter(filter, 7012345, 142)).toBe('match');
		expect(checkFilter(filter, 6950551, 142)).toBe('miss'); // won, but in the other pipeline
		expect(checkFilter(filter, 8000000, 58141811)).toBe('miss');
		expect(checkFilter(filter, null, 58141811)).toBe('unknown');
		expect(checkFilter(filter, 6950551, null)).toBe('unknown');

		const anyWon = buildLeadFilter([], ['142']);
		expect(checkFilter(anyWon, 6950551, 142)).toBe('match');
		expect(checkFilter(anyWon, null, 142)).toBe('match');
		expect(checkFilter(anyWon, 6950551, 143)).toBe('miss');
		expect(checkFilter(buildLeadFilter([], ['6950551:142']), null, 142)).toBe('unknown');
		expect(checkFilter(buildLeadFilter('6950551, 7012345', ''), 7012345, 1)).toBe('match');
	});

	test('rejects values that are not Kommo ids', () => {
		expect(() => buildLeadFilter(['abc'], [])).toThrow(FilterConfigError);
		expect(() => buildLeadFilter([], ['1:2:3'])).toThrow(FilterConfigError);
		expect(() => buildLeadFilter([], ['0'])).toThrow(/Stage "0" is not a Kommo id/);
		expect(() => buildLeadFilter(['1e3'], [])).toThrow(/Pipeline "1e3" is not a Kommo id/);
	});

	// read by the package's one list reader and one id reader (test/nodes/shared)
	test('list entries are trimmed and empty ones dropped; ids are read like everywhere else', () => {
		// an undefined entry used to fail as the pipeline "undefined"
		expect(buildLeadFilter([' 6950551 ', undefined, null, ''], []).pipelineIds).toEqual(
			new Set([6950551]),
		);
		expect(buildLeadFilter([], [' 6950551 : 142 ']).stages).toEqual([
			{ pipelineId: 6950551, statusId: 142 },
		]);
		// up to 2^53 - 1, where 15 digits used to be the limit
		expect(buildLeadFilter(['9007199254740991'], []).pipelineIds).toEqual(
			new Set([9007199254740991]),
		);
	});
});
