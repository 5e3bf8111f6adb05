/** "Stage → Intercom Tag": the rows, the filter they make, and the tag of a stage. */
import { FilterConfigError } from '../../../../nodes/KommoTrigger/helpers/filters';
import {
	buildStageTagMap,
	checkStageTags,
	combineVerdicts,
	tagForStage,
} from '../../../../nodes/KommoTrigger/helpers/stageTags';

const rows = (...mapping: Array<[unknown, unknown]>) => ({
	mapping: mapping.map(([stageId, tag]) => ({ stageId, tag })),
});

describe('buildStageTagMap', () => {
	test('bare stage ids, pipeline-pinned ones from an expression, tags trimmed', () => {
		expect(buildStageTagMap(rows([142, ' deal_won '], ['6950551:58141807', 'qualified']))).toEqual([
			{ pipelineId: null, statusId: 142, tag: 'deal_won' },
			{ pipelineId: 6950551, statusId: 58141807, tag: 'qualified' },
		]);
	});

	test('no option, no rows: an empty mapping', () => {
		expect(buildStageTagMap(undefined)).toEqual([]);
		expect(buildStageTagMap({})).toEqual([]);
		expect(buildStageTagMap({ mapping: [] })).toEqual([]);
	});

	test.each<[string, unknown, string]>([
		['no stage', rows(['', 'x']), 'row 1 of Stage → Intercom Tag has no stage'],
		['a null stage', rows([142, 'a'], [null, 'x']), 'row 2 of Stage → Intercom Tag has no stage'],
		['no tag', rows([142, '  ']), 'row 1 of Stage → Intercom Tag has no Intercom tag name'],
		['a stage that is no id', rows(['won', 'x']), 'Stage "won" is not a Kommo id'],
		['too many parts', rows(['1:2:3', 'x']), 'Stage "1:2:3" is not a Kommo stage'],
		['rows that are not a list', { mapping: 'x' }, 'Stage → Intercom Tag is not a list of rows'],
	])('%s is a configuration error', (_label, value, message) => {
		expect(() => buildStageTagMap(value)).toThrow(FilterConfigError);
		expect(() => buildStageTagMap(value)).toThrow(message);
	});
});

describe('checkStageTags', () => {
	const mapping = buildStageTagMap(rows([142, 'deal_won'], ['6950551:58141807', 'qualified']));

	test('without rows every event passes', () => {
		expect(checkStageTags([], null, null)).toBe('match');
		expect(checkStageTags([], 1, 2)).toBe('match');
	});

	test('with rows, a stage without a row is a miss; an unknown stage is undecided', () => {
		expect(checkStageTags(mapping, 7000001, 142)).toBe('match');
		expect(checkStageTags(mapping, 6950551, 58141807)).toBe('match');
		expect(checkStageTags(mapping, 7000001, 58141807)).toBe('miss');
		expect(checkStageTags(mapping, 6950551, 58141803)).toBe('miss');
		expect(checkStageTags(mapping, 6950551, null)).toBe('unknown');
		// a pinned row needs the pipeline to be known
		expect(checkStageTags(mapping, null, 58141807)).toBe('unknown');
	});
});

describe('tagForStage', () => {
	test('a row pinned to the pipeline wins over a bare one, in either order; else the first', () => {
		const bareFirst = buildStageTagMap(
			rows([142, 'won_any'], ['6950551:142', 'won_sales'], [142, 'later']),
		);
		const pinnedFirst = buildStageTagMap(rows(['6950551:142', 'won_sales'], [142, 'won_any']));
		for (const mapping of [bareFirst, pinnedFirst]) {
			expect(tagForStage(mapping, 6950551, 142)).toBe('won_sales');
			expect(tagForStage(mapping, 7000001, 142)).toBe('won_any');
			expect(tagForStage(mapping, null, 142)).toBe('won_any');
		}
	});

	test('null when no row fits or the stage is not known', () => {
		const mapping = buildStageTagMap(rows(['6950551:58141807', 'qualified']));
		expect(tagForStage(mapping, 7000001, 58141807)).toBeNull();
		expect(tagForStage(mapping, 6950551, 143)).toBeNull();
		expect(tagForStage(mapping, 6950551, null)).toBeNull();
		expect(tagForStage([], 6950551, 142)).toBeNull();
	});
});

test('combineVerdicts: any miss misses, else any unknown is undecided', () => {
	expect(combineVerdicts()).toBe('match');
	expect(combineVerdicts('match', 'match')).toBe('match');
	expect(combineVerdicts('match', 'unknown')).toBe('unknown');
	expect(combineVerdicts('unknown', 'miss')).toBe('miss');
	expect(combineVerdicts('miss', 'match')).toBe('miss');
});
