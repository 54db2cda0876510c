import { runSeedance } from '../../../helpers/n8nRunner';
import { createRequests, credentialsFor, type Simulator, withSimulator } from '../../../helpers/simulator';

const rows = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { prompt: `row ${i}` } }));
const waitAll = { operation: 'generate', prompt: '={{ $json.prompt }}', downloadVideo: false, options: { pollInterval: 1 } };
const gets = (sim: Simulator) => sim.requests.filter((request) => request.method === 'GET' && /\/tasks\/[^/]+$/.test(request.path));
const lists = (sim: Simulator) => sim.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/tasks'));

describe('reading the status of many waiting tasks', () => {
	it('lists them with one request per round where the provider offers filter.task_ids (Ark)', async () => {
		await withSimulator({ flavour: 'ark', queuedMs: 0, taskMs: 2200 }, async (sim) => {
			const { error, items } = await runSeedance({ parameters: waitAll, items: rows(30), credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(items.every((item) => item.json.status === 'succeeded')).toBe(true);
			expect(createRequests(sim)).toHaveLength(30);
			// 2.2 s tasks polled each second: 3 rounds, one list request each. A list item is only a
			// status hint, so each task the list shows final is read once with GET, and no other GET.
			expect(lists(sim).length).toBeGreaterThanOrEqual(3);
			expect(lists(sim).length).toBeLessThanOrEqual(4);
			expect(gets(sim).map((request) => request.path.split('/').pop()).sort()).toEqual(
				items.map((item) => item.json.taskId).sort(),
			);
			const listed = lists(sim)[0].query['filter.task_ids'];
			expect([...listed].sort()).toEqual(items.map((item) => item.json.taskId).sort());
		});
	});

	it('falls back to one GET per task after a single 404 where the provider has no listing (aggregator)', async () => {
		await withSimulator({ flavour: 'aggregator', queuedMs: 0, taskMs: 1200 }, async (sim) => {
			const { error, items } = await runSeedance({ parameters: waitAll, items: rows(5), credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(items.every((item) => item.json.status === 'succeeded')).toBe(true);
			expect(lists(sim)).toHaveLength(1);
			expect(lists(sim)[0].status).toBe(404);
			// Every task is read until it is seen ending, and never more often than once a round:
			// 1.2 s tasks, rounds at 1 s and 2 s, at most 3 GETs per task.
			const readTaskIds = new Set(gets(sim).map((request) => request.path.split('/').pop()));
			expect([...readTaskIds].sort()).toEqual(items.map((item) => item.json.taskId).sort());
			expect(gets(sim).length).toBeLessThanOrEqual(15);
		});
	});

	it('does not read tasks queued behind others: a queue of 24 tasks costs about one GET per task (aggregator)', async () => {
		// Three run at once, 1.2 s each: eight waves, ~10 s, the rest wait queued at the provider.
		await withSimulator({ flavour: 'aggregator', queuedMs: 0, taskMs: 1200, maxConcurrentTasks: 3 }, async (sim) => {
			const { error, items } = await runSeedance({ parameters: waitAll, items: rows(24), credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(items.every((item) => item.json.status === 'succeeded')).toBe(true);
			expect(createRequests(sim)).toHaveLength(24);
			// Reading every waiting task each round cost 141 GETs here (measured before the read planner).
			expect(gets(sim).length).toBeGreaterThanOrEqual(24);
			expect(gets(sim).length).toBeLessThanOrEqual(24 * 2);
		});
	});

	it('reads a single waiting task with GETs only (no list probe)', async () => {
		await withSimulator({ flavour: 'ark', queuedMs: 0, taskMs: 500 }, async (sim) => {
			const { error } = await runSeedance({ parameters: waitAll, items: rows(1), credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(lists(sim)).toHaveLength(0);
			expect(gets(sim)).toHaveLength(1);
		});
	});

	it('a task missing from the list answer is read with a GET', async () => {
		await withSimulator({ flavour: 'ark', queuedMs: 0, taskMs: 300 }, async (sim) => {
			sim.injectFault({ kind: 'status', status: 200, body: { items: [], total: 0 }, match: { method: 'GET', path: /\/tasks$/ }, times: 1 });
			const { error } = await runSeedance({ parameters: waitAll, items: rows(3), credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(lists(sim)).toHaveLength(1);
			expect(gets(sim)).toHaveLength(3);
		});
	});

	it('a failed task polled by list is reported as by GET: error code, message, resolution (Ark list items are not task objects)', async () => {
		const outcome = (body: { prompt?: string }) => (body.prompt === 'row 1' ? { status: 'failed' } : undefined);
		const run = async (rows: number) =>
			await withSimulator({ flavour: 'ark', queuedMs: 0, taskMs: 1200, outcome }, async (sim) => {
				const result = await runSeedance({ parameters: waitAll, items: rowsOf(rows), credentials: credentialsFor(sim), continueOnFail: true });
				return { result, lists: lists(sim).length };
			});
		const rowsOf = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { prompt: `row ${i}` } }));
		const byList = await run(3);
		expect(byList.lists).toBeGreaterThan(0);
		const failed = byList.result.items[1].json;
		expect(failed.error).toMatch(/^The task ended failed: OutputVideoSensitiveContentDetected: /);
		expect(failed.taskStatus).toBe('failed');
		const succeeded = byList.result.items[0].json;
		expect(succeeded).toMatchObject({ status: 'succeeded', resolution: '720p', ratio: '16:9', duration: 5 });
	});

	it('items that wait on the same task ID each get their answer at the next round', async () => {
		await withSimulator({ flavour: 'ark', queuedMs: 0, taskMs: 1500 }, async (sim) => {
			const created = await runSeedance({
				parameters: { operation: 'generate', prompt: 'shared', waitForCompletion: false },
				credentials: credentialsFor(sim),
			});
			const taskId = created.items[0].json.taskId;
			const started = Date.now();
			const { error, items } = await runSeedance({
				parameters: { operation: 'wait', taskId: '={{ $json.id }}', downloadVideo: false, options: { pollInterval: 1, maxWait: 40 } },
				items: [{ json: { id: taskId } }, { json: { id: taskId } }],
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(items.map((item) => [item.json.taskId, item.json.status])).toEqual([
				[taskId, 'succeeded'],
				[taskId, 'succeeded'],
			]);
			// A 1.5 s task polled each second: done within ~3 s, not at Max Wait (40 s).
			expect(Date.now() - started).toBeLessThan(6000);
		});
	});
});
