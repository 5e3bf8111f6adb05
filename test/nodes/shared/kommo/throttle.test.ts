import {
	effectiveRate,
	sendTimes,
	waitForSendSlot,
	WINDOW_MARGIN_MS,
} from '../../../../nodes/shared/kommo/throttle';
import {
	BASE,
	credentials,
	kommo,
	leadFixture,
	runKommo,
	setUpKommoTests,
	useVirtualClock,
} from '../../Kommo/kommoTestKit';
import { forgetProcessMemory } from '../../../../nodes/shared/processMemory';
import { useClock } from '../../../../nodes/shared/clock';

setUpKommoTests();

/** The largest number of sends inside any 1-second window (sends at t and t+1000 are 1000 ms apart: not in one window). */
function maxSendsPerSecond(times: number[]): number {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	for (let start = 0; start < sorted.length; start++) {
		let end = start;
		while (end + 1 < sorted.length && sorted[end + 1] - sorted[start] < 1000) end++;
		most = Math.max(most, end - start + 1);
	}
	return most;
}

function leadItems(count: number, offset = 0) {
	return Array.from({ length: count }, (_, index) => ({ json: { leadId: 1000 + offset + index } }));
}

const getLeadFromInput = { resource: 'lead', operation: 'get', leadId: '={{ $json.leadId }}' };

function mockLeads(count: number) {
	return kommo()
		.get(/\/api\/v4\/leads\/\d+/)
		.query(true)
		.times(count)
		.reply(200, (uri) => leadFixture(Number(/\/leads\/(\d+)/.exec(uri)![1]), 58141807, 6950551));
}

test('the credential can only lower the rate', () => {
	expect(effectiveRate(undefined)).toBe(7);
	expect(effectiveRate(3)).toBe(3);
	expect(effectiveRate(50)).toBe(7);
	expect(effectiveRate(0)).toBe(7);
});

test('a burst of 30 requests from three parallel executions holds 7 per second (virtual clock)', async () => {
	const scope = mockLeads(30);
	const runs = await Promise.all([
		runKommo(getLeadFromInput, leadItems(10, 0)),
		runKommo(getLeadFromInput, leadItems(10, 10)),
		runKommo(getLeadFromInput, leadItems(10, 20)),
	]);
	for (const run of runs) expect(run.error()).toBeUndefined();
	expect(runs.flatMap((run) => run.json('Kommo').map((lead) => lead.id)).sort()).toEqual(
		leadItems(30).map((item) => item.json.leadId),
	);
	const sends = sendTimes(BASE);
	expect(sends).toHaveLength(30);
	expect(maxSendsPerSecond(sends)).toBe(7);
	// the 8th send waits for the 1st to leave the window, and so on down the line
	for (let index = 7; index < sends.length; index++) {
		expect(sends[index] - sends[index - 7]).toBeGreaterThanOrEqual(1000 + WINDOW_MARGIN_MS);
	}
	scope.done();
});

test('an idle account sends a burst of up to 7 at once, then waits for the window', async () => {
	useVirtualClock();
	for (let index = 0; index < 8; index++) await waitForSendSlot(BASE, 7);
	const sends = sendTimes(BASE);
	expect(sends[6] - sends[0]).toBe(0);
	expect(sends[7] - sends[0]).toBe(1000 + WINDOW_MARGIN_MS);
});

test('a fractional rate is rounded down: 2.5 per second is 2 sends in every second', async () => {
	useVirtualClock();
	for (let index = 0; index < 6; index++) await waitForSendSlot(BASE, 2.5);
	const sends = sendTimes(BASE);
	expect(sends.map((time) => time - sends[0])).toEqual([
		0,
		0,
		1000 + WINDOW_MARGIN_MS,
		1000 + WINDOW_MARGIN_MS,
		2 * (1000 + WINDOW_MARGIN_MS),
		2 * (1000 + WINDOW_MARGIN_MS),
	]);
});

test('3.5 per second sends at most 3 in any second, so two processes given 3.5 stay within 7', async () => {
	useVirtualClock();
	// one process's scheduler stands for each worker: both get the same share of the account
	for (let index = 0; index < 12; index++) await waitForSendSlot(BASE, 3.5);
	const sends = sendTimes(BASE);
	for (let index = 3; index < sends.length; index++) {
		expect(sends[index] - sends[index - 3]).toBeGreaterThanOrEqual(1000);
	}
});

test('a lower credential setting spaces sends further apart', async () => {
	const scope = mockLeads(6);
	const result = await runKommo(getLeadFromInput, leadItems(6), {
		credentials: {
			intercomKommoKommoApi: { ...credentials.intercomKommoKommoApi, maxRequestsPerSecond: 2 },
		},
	});
	expect(result.error()).toBeUndefined();
	const sends = sendTimes(BASE);
	expect(maxSendsPerSecond(sends)).toBe(2);
	scope.done();
});

test('accounts do not wait for each other', async () => {
	useVirtualClock();
	for (let index = 0; index < 7; index++) await waitForSendSlot('https://one.kommo.com', 7);
	const before = Date.now();
	await waitForSendSlot('https://two.kommo.com', 7);
	expect(sendTimes('https://two.kommo.com')).toHaveLength(1);
	expect(sendTimes('https://one.kommo.com')).toHaveLength(7);
	// the first send of another account does not queue behind the first one's slots
	expect(sendTimes('https://two.kommo.com')[0]).toBe(sendTimes('https://one.kommo.com')[6]);
	expect(Date.now() - before).toBeLessThan(100);
});

test('real clock: 30 concurrent requests keep to 7 per second', async () => {
	forgetProcessMemory();
	useClock();
	const scope = mockLeads(30);
	const runs = await Promise.all([
		runKommo(getLeadFromInput, leadItems(15, 0)),
		runKommo(getLeadFromInput, leadItems(15, 15)),
	]);
	for (const run of runs) expect(run.error()).toBeUndefined();
	const sends = sendTimes(BASE);
	expect(sends).toHaveLength(30);
	expect(maxSendsPerSecond(sends)).toBeLessThanOrEqual(7);
	// sends 1-7 go at once; each later group of 7 waits a full window: 30 sends span 4 windows
	expect(sends[29] - sends[0]).toBeGreaterThanOrEqual(4 * (1000 + WINDOW_MARGIN_MS) - 1);
	scope.done();
}, 20000);
