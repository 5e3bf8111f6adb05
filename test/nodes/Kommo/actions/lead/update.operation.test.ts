import { CHECKBOX_TICK, IGNORE_TAG } from '../../../../../nodes/Kommo/helpers/tagMapping';
import { BASE, kommo, runKommo, setUpKommoTests } from '../../kommoTestKit';

setUpKommoTests();

const enumsOf = (...names: string[]) =>
	names.map((value, index) => ({ id: 9100 + index, value, sort: index }));
const segmentSelect = {
	id: 801,
	name: 'Segment',
	type: 'select',
	enums: enumsOf('VIP', 'Enterprise', 'Churn risk'),
};
const topicsMulti = {
	id: 802,
	name: 'Topics',
	type: 'multiselect',
	enums: enumsOf('Billing', 'Bug', 'Feature request'),
};
const escalated = { id: 803, name: 'Escalated', type: 'checkbox', enums: null };
const tagText = { id: 804, name: 'Intercom tags', type: 'text', enums: null };

/** An Intercom conversation as the Intercom node outputs it: `tags.tags[].name`. */
const conversation = (...names: string[]) => ({
	json: {
		id: '215468',
		tags: {
			type: 'tag.list',
			tags: names.map((name, index) => ({ type: 'tag', id: String(index + 1), name })),
		},
	},
});

const mapTags = (
	fieldId: number,
	exceptions: Array<{ tag: string; option: string }> = [],
	extra = {},
) => ({
	resource: 'lead',
	operation: 'update',
	leadId: '19619',
	mapTags: true,
	tagFieldId: fieldId,
	tagExceptions: { exception: exceptions },
	...extra,
});

test('tags are added with tags_to_add, so the lead keeps its existing tags', async () => {
	const scope = kommo()
		.patch('/api/v4/leads/19619', (body) => {
			// `_embedded.tags` would replace every tag: it must not be sent
			expect(body._embedded).toBeUndefined();
			expect(body).toEqual({ tags_to_add: [{ name: 'intercom' }, { name: 'vip' }], price: 2000 });
			return true;
		})
		.reply(200, {
			id: 19619,
			updated_at: 1700001000,
			_links: { self: { href: `${BASE}/api/v4/leads/19619` } },
		});
	const result = await runKommo({
		resource: 'lead',
		operation: 'update',
		leadId: '19619',
		updateFields: { tagsToAdd: 'intercom, vip', price: 2000 },
	});
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')).toEqual([{ id: 19619, updated: true, updatedAt: 1700001000 }]);
	scope.done();
});

test('moves a lead to another stage', async () => {
	const scope = kommo()
		.patch('/api/v4/leads/19619', { pipeline_id: 7000001, status_id: 60000001, name: 'Renamed' })
		.reply(200, { id: 19619, updated_at: 1700001000 });
	const result = await runKommo({
		resource: 'lead',
		operation: 'update',
		leadId: 19619,
		updateFields: { name: ' Renamed ', pipelineId: 7000001, statusId: 60000001 },
	});
	expect(result.error()).toBeUndefined();
	scope.done();
});

test('select: tags map to the option of the same name, exceptions first, the first mapped tag wins', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/801')
		.reply(200, segmentSelect)
		.patch('/api/v4/leads/19619', {
			custom_fields_values: [{ field_id: 801, values: [{ enum_id: 9101 }] }],
		})
		.reply(200, { id: 19619, updated_at: 1700001000 });
	const result = await runKommo(mapTags(801, [{ tag: 'big-account', option: 'Enterprise' }]), [
		conversation('needs-reply', 'BIG-ACCOUNT', 'vip'),
	]);
	expect(result.error()).toBeUndefined();
	expect(result.json('Kommo')[0].tagMapping).toEqual({
		fieldId: 801,
		fieldName: 'Segment',
		fieldType: 'select',
		written: true,
		mappedTags: ['BIG-ACCOUNT', 'vip'],
		unmatchedTags: ['needs-reply'],
	});
	scope.done();
});

test('multiselect: every mapped tag, deduplicated; ignored tags dropped', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/802')
		.reply(200, topicsMulti)
		.patch('/api/v4/leads/19619', {
			custom_fields_values: [{ field_id: 802, values: [{ enum_id: 9100 }, { enum_id: 9102 }] }],
		})
		.reply(200, { id: 19619, updated_at: 1700001000 });
	const result = await runKommo(
		mapTags(802, [
			{ tag: 'invoice', option: 'Billing' },
			{ tag: 'feature', option: 'Feature request' },
			{ tag: 'bug', option: IGNORE_TAG },
		]),
		[conversation('billing', 'Invoice', 'feature', 'bug')],
	);
	expect(result.error()).toBeUndefined();
	scope.done();
});

test('checkbox: ticked when a listed tag is present', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/803')
		.reply(200, escalated)
		.patch('/api/v4/leads/19619', {
			custom_fields_values: [{ field_id: 803, values: [{ value: true }] }],
		})
		.reply(200, { id: 19619, updated_at: 1700001000 });
	const result = await runKommo(mapTags(803, [{ tag: 'escalated', option: '' }]), [
		conversation('billing', 'Escalated'),
	]);
	expect(result.json('Kommo')[0].tagMapping).toMatchObject({
		mappedTags: ['Escalated'],
		unmatchedTags: ['billing'],
	});
	scope.done();
});

test('checkbox: no listed tag → left alone, or unticked with "Clear the Field"', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/803')
		.times(2)
		.reply(200, escalated)
		.patch('/api/v4/leads/19619', {
			custom_fields_values: [{ field_id: 803, values: [{ value: false }] }],
		})
		.reply(200, { id: 19619, updated_at: 1700001000 });
	const untouched = await runKommo(mapTags(803, [{ tag: 'escalated', option: '' }]), [
		conversation('billing'),
	]);
	// nothing to write: no PATCH at all
	expect(untouched.json('Kommo')).toEqual([
		expect.objectContaining({
			id: 19619,
			updated: false,
			tagMapping: expect.objectContaining({ written: false }),
		}),
	]);
	const cleared = await runKommo(
		mapTags(803, [{ tag: 'escalated', option: '' }], { whenNoTagMatches: 'clear' }),
		[conversation('billing')],
	);
	expect(cleared.json('Kommo')[0]).toMatchObject({ updated: true });
	scope.done();
});

test('text: tag names comma-joined, with exceptions renaming', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/804')
		.reply(200, tagText)
		.patch('/api/v4/leads/19619', {
			custom_fields_values: [{ field_id: 804, values: [{ value: 'billing, Very Important' }] }],
		})
		.reply(200, { id: 19619, updated_at: 1700001000 });
	const result = await runKommo(
		mapTags(804, [
			{ tag: 'vip', option: 'Very Important' },
			{ tag: 'spam', option: IGNORE_TAG },
		]),
		[conversation('billing', 'vip', 'spam')],
	);
	expect(result.error()).toBeUndefined();
	scope.done();
});

test('text: tags that would pass Kommo\'s 256 characters are left out, whole, after "…"; the item is written and says so', async () => {
	// 30 tags of 8 characters: 298 characters comma-joined; 25 of them and ", …" make 251
	const tags = Array.from(
		{ length: 30 },
		(_, index) => `topic-${String(index + 1).padStart(2, '0')}`,
	);
	const kept = `${tags.slice(0, 25).join(', ')}, …`;
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/804')
		.reply(200, tagText)
		.patch('/api/v4/leads/19619', {
			custom_fields_values: [{ field_id: 804, values: [{ value: kept }] }],
		})
		.reply(200, { id: 19619, updated_at: 1700001000 });
	const result = await runKommo(mapTags(804), [conversation(...tags)]);
	expect(result.error()).toBeUndefined();
	expect([...kept].length).toBeLessThanOrEqual(256);
	expect(result.json('Kommo')).toEqual([
		{
			id: 19619,
			updated: true,
			updatedAt: 1700001000,
			tagMapping: {
				fieldId: 804,
				fieldName: 'Intercom tags',
				fieldType: 'text',
				written: true,
				mappedTags: tags,
				unmatchedTags: [],
				tagsTruncated: true,
				leftOutTags: tags.slice(25),
			},
		},
	]);
	scope.done();
});

test('a select with nothing matching is cleared (values: null) only when asked', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/801')
		.reply(200, segmentSelect)
		.patch('/api/v4/leads/19619', { custom_fields_values: [{ field_id: 801, values: null }] })
		.reply(200, { id: 19619, updated_at: 1700001000 });
	const result = await runKommo(mapTags(801, [], { whenNoTagMatches: 'clear' }), [
		conversation('unknown'),
	]);
	expect(result.error()).toBeUndefined();
	scope.done();
});

test('option names match case-insensitively; typed comma-separated tag names work too', async () => {
	const scope = kommo()
		.get('/api/v4/leads/custom_fields/802')
		.reply(200, topicsMulti)
		.patch('/api/v4/leads/19619', {
			custom_fields_values: [{ field_id: 802, values: [{ enum_id: 9101 }, { enum_id: 9100 }] }],
		})
		.reply(200, { id: 19619, updated_at: 1700001000 });
	const result = await runKommo(mapTags(802, [], { tagNames: 'BUG, billing, bug' }));
	expect(result.error()).toBeUndefined();
	scope.done();
});

describe('Intercom tags → lead field: every cell of the README table', () => {
	const row = (tag: string, option: string) => ({ tag, option });
	type Case = [
		string,
		object,
		string[],
		Array<{ tag: string; option: string }>,
		Array<Record<string, string | number | boolean>> | null,
	];
	const cases: Case[] = [
		// select / radio
		[
			'select, no row: the option of the same name',
			segmentSelect,
			['vip'],
			[],
			[{ enum_id: 9100 }],
		],
		[
			'select, no row: a tag named like an option ID is only a name',
			segmentSelect,
			['9101'],
			[],
			null,
		],
		[
			'select, row → option',
			segmentSelect,
			['big'],
			[row('big', 'Enterprise')],
			[{ enum_id: 9101 }],
		],
		[
			'select, row → option ID (expression)',
			segmentSelect,
			['big'],
			[row('big', '9102')],
			[{ enum_id: 9102 }],
		],
		[
			'select, row → Ignore: the next tag decides',
			segmentSelect,
			['vip', 'Enterprise'],
			[row('vip', IGNORE_TAG)],
			[{ enum_id: 9101 }],
		],
		[
			'select, row without option: the tag as itself',
			segmentSelect,
			['vip'],
			[row('vip', '')],
			[{ enum_id: 9100 }],
		],
		[
			'select, row → Tick: the tag as itself',
			segmentSelect,
			['vip'],
			[row('vip', CHECKBOX_TICK)],
			[{ enum_id: 9100 }],
		],
		// multi-select
		[
			'multiselect, no row: every option named like a tag',
			topicsMulti,
			['bug', '9102', 'Billing'],
			[],
			[{ enum_id: 9101 }, { enum_id: 9100 }],
		],
		[
			'multiselect, rows → option / Ignore / none',
			topicsMulti,
			['invoice', 'bug', 'Feature request'],
			[row('invoice', 'Billing'), row('bug', IGNORE_TAG), row('Feature request', '')],
			[{ enum_id: 9100 }, { enum_id: 9102 }],
		],
		// checkbox
		['checkbox, no row: any tag ticks it', escalated, ['billing'], [], [{ value: true }]],
		[
			'checkbox, row → Tick: only listed tags tick it',
			escalated,
			['billing'],
			[row('escalated', CHECKBOX_TICK)],
			null,
		],
		[
			'checkbox, row → Tick, tag present',
			escalated,
			['billing', 'Escalated'],
			[row('escalated', CHECKBOX_TICK)],
			[{ value: true }],
		],
		[
			'checkbox, row without option: like Tick',
			escalated,
			['escalated'],
			[row('escalated', '')],
			[{ value: true }],
		],
		[
			'checkbox, row → Ignore: that tag never ticks it',
			escalated,
			['spam'],
			[row('spam', IGNORE_TAG)],
			null,
		],
		[
			'checkbox, row → Ignore, another tag ticks it',
			escalated,
			['spam', 'billing'],
			[row('spam', IGNORE_TAG)],
			[{ value: true }],
		],
		// text
		['text, no row: the tag names', tagText, ['billing', '142'], [], [{ value: 'billing, 142' }]],
		[
			'text, row → text replaces the name',
			tagText,
			['vip'],
			[row('vip', 'Very Important')],
			[{ value: 'Very Important' }],
		],
		[
			'text, row → Ignore: dropped',
			tagText,
			['vip', 'spam'],
			[row('spam', IGNORE_TAG)],
			[{ value: 'vip' }],
		],
		[
			'text, row without option: the tag name',
			tagText,
			['vip'],
			[row('vip', '')],
			[{ value: 'vip' }],
		],
		[
			'text, row → Tick: the tag name',
			tagText,
			['vip'],
			[row('vip', CHECKBOX_TICK)],
			[{ value: 'vip' }],
		],
	];

	test.each(cases)('%s', async (_label, field, tags, exceptions, values) => {
		const id = (field as { id: number }).id;
		const scope = kommo().get(`/api/v4/leads/custom_fields/${id}`).reply(200, field);
		if (values) {
			scope
				.patch('/api/v4/leads/19619', { custom_fields_values: [{ field_id: id, values }] })
				.reply(200, { id: 19619, updated_at: 1700001000 });
		}
		const result = await runKommo(mapTags(id, exceptions), [conversation(...tags)]);
		expect(result.error()).toBeUndefined();
		expect(result.json('Kommo')[0]).toMatchObject({ updated: values !== null });
		scope.done();
	});
});
