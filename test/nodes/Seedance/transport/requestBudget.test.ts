import { RequestBudget } from '../../../../nodes/Seedance/transport/requestBudget';
import { runSeedance } from '../../../helpers/n8nRunner';
import { createRequests, credentialsFor, withSimulator } from '../../../helpers/simulator';

const never = () => new Error('cancelled');

describe('the request budget (Requests per Minute)', () => {
	it('lets a burst up to the budget through, then holds the next request', async () => {
		const budget = new RequestBudget(3);
		const started = Date.now();
		for (let i = 0; i < 3; i++) await budget.take(undefined, never);
		expect(Date.now() - started).toBeLessThan(50);
		const controller = new AbortController();
		const fourth = budget.take(controller.signal, never);
		const settled = await Promise.race([fourth.then(() => 'sent'), new Promise((r) => setTimeout(() => r('waiting'), 200))]);
		expect(settled).toBe('waiting');
		controller.abort();
		await expect(fourth).rejects.toThrow('cancelled');
	});

	it('is unlimited until a 429, then spreads reads to what the run had sent in the last minute, without holding requests itself', async () => {
		const budget = new RequestBudget();
		for (let i = 0; i < 5; i++) await budget.take(undefined, never);
		expect(budget.requestsPerMinute).toBe(Infinity);
		expect(budget.readShare(1000)).toBe(Infinity);
		budget.learnFromRateLimit();
		expect(budget.requestsPerMinute).toBe(4);
		// Learned: reads get a share (at least 1 a round); requests are not held (the key may be shared).
		expect(budget.readShare(1000)).toBe(1);
		const started = Date.now();
		for (let i = 0; i < 10; i++) await budget.take(undefined, never);
		expect(Date.now() - started).toBeLessThan(50);
		// A budget the user set is never lowered by a 429.
		const set = new RequestBudget(600);
		await set.take(undefined, never);
		set.learnFromRateLimit();
		expect(set.requestsPerMinute).toBe(600);
	});

	it('spreads status reads over the rest of the minute instead of spending them at once', async () => {
		const budget = new RequestBudget(600);
		for (let i = 0; i < 200; i++) await budget.take(undefined, never);
		// 400 left for about 60 one-second rounds: 6 a round, not 400.
		expect(budget.readShare(1000)).toBe(6);
		expect(new RequestBudget().readShare(1000)).toBe(Infinity);
	});
});

describe('a run that keeps to the provider\'s limits', () => {
	it('with Requests per Minute set, a rate-limited aggregator run gets no 429 and every item its video', async () => {
		// 8 tasks of 2.5 s polled each second would take 8 creates + 24 reads: over the 20 a minute.
		await withSimulator({ rateLimitPerMinute: 20, queuedMs: 0, taskMs: 2500 }, async (sim) => {
			const { error, items } = await runSeedance({
				parameters: {
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					downloadVideo: false,
					options: { pollInterval: 1, requestsPerMinute: 20 },
				},
				items: Array.from({ length: 8 }, (_, i) => ({ json: { prompt: `row ${i}` } })),
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(items.every((item) => item.json.status === 'succeeded')).toBe(true);
			expect(sim.stats.rateLimited).toBe(0);
			expect(createRequests(sim)).toHaveLength(8);
		});
	});

	it('Max Running Tasks: creates wait in n8n while that many of the run\'s tasks are unfinished', async () => {
		await withSimulator({ queuedMs: 0, taskMs: 600 }, async (sim) => {
			let maxUnfinished = 0;
			const timer = setInterval(() => {
				const unfinished = [...sim.tasks.keys()].filter((id) => ['queued', 'running'].includes(sim.taskObject(id).status)).length;
				maxUnfinished = Math.max(maxUnfinished, unfinished);
			}, 20);
			try {
				const { error, items } = await runSeedance({
					parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', downloadVideo: false, options: { pollInterval: 1, maxRunningTasks: 2 } },
					items: Array.from({ length: 6 }, (_, i) => ({ json: { prompt: `row ${i}` } })),
					credentials: credentialsFor(sim),
				});
				expect(error).toBeUndefined();
				expect(items).toHaveLength(6);
			} finally {
				clearInterval(timer);
			}
			expect(maxUnfinished).toBe(2);
			expect(createRequests(sim)).toHaveLength(6);
		});
	});
});
