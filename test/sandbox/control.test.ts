import type { Sandbox } from '../../sandbox';
import { controlCall, intercomCall, kommoCall, startSandbox } from './helpers';

type Outcome = number | 'network-error';

async function call(sandbox: Sandbox, api: 'intercom' | 'kommo'): Promise<Outcome> {
	try {
		const reply =
			api === 'intercom'
				? await intercomCall(sandbox, 'GET', '/tags')
				: await kommoCall(sandbox, 'GET', '/api/v4/account');
		return reply.status;
	} catch {
		return 'network-error';
	}
}

describe('sandbox: control endpoints', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox({ kommoRateLimit: false });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => sandbox.reset());

	it('exposes the whole state, including Kommo notes and Intercom conversation tags', async () => {
		const state = await controlCall(sandbox, 'GET', '/state');
		expect(state.status).toBe(200);
		expect(state.body.summary).toEqual({
			intercom: { admins: 2, contacts: 2, tags: 4, conversations: 2 },
			kommo: { contacts: 1, leads: 2, notes: 1, pipelines: 2, webhooks: 0 },
		});
		expect(state.body.kommo.notes[0]).toMatchObject({
			entity_type: 'leads',
			entity_id: 30000001,
			note_type: 'common',
		});
		expect(state.body.intercom.conversations[0].tags).toEqual([
			expect.objectContaining({ id: '9000001' }),
		]);
		const index = await controlCall(sandbox, 'GET', '');
		expect(index.body.intercom).toMatchObject({
			baseUrl: sandbox.intercomUrl,
			accessToken: sandbox.tokens.intercom,
		});
		expect(index.body.kommo).toMatchObject({
			baseUrl: sandbox.kommoUrl,
			account: { id: 31000001, subdomain: 'demo' },
		});
	});

	it('duplicates a Kommo contact: same email, no leads, most recently updated; the search finds both', async () => {
		const before = await controlCall(sandbox, 'GET', '/state');
		const original = before.body.kommo.contacts[0];
		const email = original.custom_fields_values.find(
			(field: { field_code: string }) => field.field_code === 'EMAIL',
		).values[0].value;

		const duplicated = await controlCall(
			sandbox,
			'POST',
			`/kommo/contacts/${original.id}/duplicate`,
			{
				name: 'Duplicate from an import',
			},
		);
		expect(duplicated.status).toBe(200);
		const copy = duplicated.body.contact;
		expect(copy).toEqual({ id: expect.any(Number), name: 'Duplicate from an import' });
		expect(copy.id).not.toBe(original.id);

		const search = await kommoCall(
			sandbox,
			'GET',
			`/api/v4/contacts?query=${encodeURIComponent(email)}&with=leads&order[updated_at]=desc`,
		);
		expect(search.status).toBe(200);
		const found = search.body._embedded.contacts;
		expect(found.map((contact: { id: number }) => contact.id)).toEqual([copy.id, original.id]);
		expect(found[0]._embedded.leads).toEqual([]);
		expect(found[1]._embedded.leads.length).toBeGreaterThan(0);

		expect((await controlCall(sandbox, 'POST', '/kommo/contacts/999/duplicate')).status).toBe(400);
	});

	it('seeds custom data (replacing or merging) and leaves the state alone on a bad seed', async () => {
		const seeded = await controlCall(sandbox, 'POST', '/seed', {
			kommo: { contacts: [{ id: 777, name: 'Only Contact' }] },
		});
		expect(seeded.status).toBe(200);
		expect(seeded.body.summary.kommo).toMatchObject({ contacts: 1, leads: 0 });
		expect(sandbox.state.kommo.contacts.map((contact: any) => contact.id)).toEqual([777]);
		expect(sandbox.state.kommo.account?.id).toBe(31000001); // from the "empty" preset
		expect(sandbox.state.intercom.conversations).toEqual([]);

		const merged = await controlCall(sandbox, 'POST', '/seed', {
			merge: true,
			kommo: { contacts: [{ id: 778, name: 'Second' }] },
		});
		expect(merged.body.summary.kommo.contacts).toBe(2);

		const bad = await controlCall(sandbox, 'POST', '/seed', {
			merge: true,
			kommo: { leads: [{ name: 'x', contacts: [999] }] },
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error).toContain('unknown contact 999');
		expect(sandbox.state.kommo.leads).toEqual([]);
		expect(sandbox.state.kommo.contacts).toHaveLength(2);
	});

	it('resets to the start seed, dropping changes, log and faults', async () => {
		await kommoCall(sandbox, 'POST', '/api/v4/leads/notes', [
			{ entity_id: 30000001, note_type: 'common', params: { text: 'x' } },
		]);
		await intercomCall(sandbox, 'POST', '/conversations/1001/tags', {
			id: '9000002',
			admin_id: '5001001',
		});
		await controlCall(sandbox, 'POST', '/faults', { rate: 1, kinds: ['500'] });
		expect(sandbox.state.kommo.notes).toHaveLength(2);

		const reset = await controlCall(sandbox, 'POST', '/reset');
		expect(reset.status).toBe(200);
		expect(sandbox.state.kommo.notes).toHaveLength(1);
		expect(sandbox.state.intercom.conversations[0].tags.map((tag: any) => tag.id)).toEqual([
			'9000001',
		]);
		expect((await controlCall(sandbox, 'GET', '/faults')).body.rate).toBe(0);
		expect(sandbox.log).toEqual([]);
		expect((await intercomCall(sandbox, 'GET', '/tags')).status).toBe(200);
	});

	it('logs every API request with api, method, path and status, and counts them', async () => {
		await intercomCall(sandbox, 'GET', '/conversations/1001');
		await kommoCall(sandbox, 'GET', '/api/v4/contacts?query=nobody');
		await kommoCall(sandbox, 'GET', '/api/v4/account', undefined, 'bad');
		const log = await controlCall(sandbox, 'GET', '/log');
		expect(
			log.body.entries.map((entry: any) => [
				entry.api,
				entry.method,
				entry.path,
				entry.status,
				entry.fault,
			]),
		).toEqual([
			['intercom', 'GET', '/intercom/conversations/1001', 200, null],
			['kommo', 'GET', '/kommo/api/v4/contacts?query=nobody', 204, null],
			['kommo', 'GET', '/kommo/api/v4/account', 401, null],
		]);
		expect(log.body.counters).toMatchObject({
			total: 3,
			byApi: { intercom: 1, kommo: 2 },
			byStatus: { 200: 1, 204: 1, 401: 1 },
		});
		const since = await controlCall(sandbox, 'GET', `/log?since=${log.body.entries[1].seq}`);
		expect(since.body.entries).toHaveLength(1);
	});

	it('injects faults at about the configured rate, deterministically for a fixed seed', async () => {
		const faults = {
			rate: 0.2,
			kinds: ['429', '500', '502', 'timeout', 'reset'],
			apis: ['intercom', 'kommo'],
			seed: 42,
			timeoutMs: 10,
		};
		const run = async (calls: number): Promise<Outcome[]> => {
			sandbox.reset();
			const set = await controlCall(sandbox, 'POST', '/faults', faults);
			expect(set.status).toBe(200);
			const outcomes: Outcome[] = [];
			for (let i = 0; i < calls; i++)
				outcomes.push(await call(sandbox, i % 2 ? 'kommo' : 'intercom'));
			return outcomes;
		};
		const first = await run(200);
		const entries = sandbox.log.filter((entry) => entry.api !== 'control');
		expect(entries).toHaveLength(200);
		const injected = entries.filter((entry) => entry.fault !== null);
		// 20% of 200 = 40; a fixed seed makes the count exact run to run, the bound checks the rate
		expect(injected.length).toBeGreaterThanOrEqual(28);
		expect(injected.length).toBeLessThanOrEqual(52);
		expect(new Set(injected.map((entry) => entry.fault))).toEqual(new Set(faults.kinds));
		expect(Object.values(sandbox.counters.faults).reduce((sum, n) => sum + n, 0)).toBe(
			injected.length,
		);

		// what the client saw matches the injected kind
		entries.forEach((entry, i) => {
			const expected =
				entry.fault === null
					? 200
					: entry.fault === 'timeout' || entry.fault === 'reset'
						? 'network-error'
						: Number(entry.fault);
			expect([i, first[i]]).toEqual([i, expected]);
		});

		// the same seed replays the same faults on the same requests
		const second = await run(60);
		expect(second).toEqual(first.slice(0, 60));
		expect(second.filter((outcome) => outcome !== 200).length).toBeGreaterThan(0);
		await controlCall(sandbox, 'POST', '/faults', { rate: 0 });
	});

	it('limits faults to the chosen APIs and plays a forced sequence first', async () => {
		await controlCall(sandbox, 'POST', '/faults', { rate: 1, kinds: ['503'], apis: ['kommo'] });
		expect(await call(sandbox, 'intercom')).toBe(200);
		expect(await call(sandbox, 'kommo')).toBe(503);

		await controlCall(sandbox, 'POST', '/faults', {
			sequence: ['429', 'none', '500'],
			apis: ['kommo'],
		});
		const outcomes = [];
		for (let i = 0; i < 4; i++) outcomes.push(await call(sandbox, 'kommo'));
		expect(outcomes).toEqual([429, 200, 500, 200]);

		await controlCall(sandbox, 'POST', '/faults', { rate: 0 });
	});

	it('a lost response stores the write but the client sees a drop or a 502; on a GET it is the plain fault', async () => {
		const notesOn = () =>
			sandbox.state.kommo.notes.filter(
				(note: { params?: { text?: string } }) => note.params?.text === 'lost answer',
			).length;
		const before = notesOn();
		const write = [{ entity_id: 30000001, note_type: 'common', params: { text: 'lost answer' } }];

		await controlCall(sandbox, 'POST', '/faults', { sequence: ['lost-502'], apis: ['kommo'] });
		const proxied = await kommoCall(sandbox, 'POST', '/api/v4/leads/notes', write);
		expect(proxied.status).toBe(502);
		expect(notesOn()).toBe(before + 1);

		await controlCall(sandbox, 'POST', '/faults', { sequence: ['lost-reset'], apis: ['kommo'] });
		await expect(kommoCall(sandbox, 'POST', '/api/v4/leads/notes', write)).rejects.toThrow();
		expect(notesOn()).toBe(before + 2);

		await controlCall(sandbox, 'POST', '/faults', { sequence: ['lost-502'], apis: ['kommo'] });
		expect((await kommoCall(sandbox, 'GET', '/api/v4/leads/30000001')).status).toBe(502);
		const log = (await controlCall(sandbox, 'GET', '/log')).body as {
			entries: Array<{ fault: string | null }>;
		};
		expect(log.entries.map((entry) => entry.fault).filter(Boolean)).toEqual(
			expect.arrayContaining(['lost-502', 'lost-reset', '502']),
		);
		await controlCall(sandbox, 'POST', '/faults', { rate: 0 });
	});

	it('refuses fault settings it does not know', async () => {
		const invalid = await controlCall(sandbox, 'POST', '/faults', { rate: 2 });
		expect(invalid.status).toBe(400);
		const unknownKind = await controlCall(sandbox, 'POST', '/faults', {
			rate: 0.5,
			kinds: ['418'],
		});
		expect(unknownKind.status).toBe(400);
	});
});
