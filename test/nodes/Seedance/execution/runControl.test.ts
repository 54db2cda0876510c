import { runSeedance } from '../../../helpers/n8nRunner';
import { createRequests, credentialsFor, type Simulator, withSimulator } from '../../../helpers/simulator';

/** The simulator fails the task of any prompt that says "bad". */
const failBad = (body: { prompt?: string }) => (body.prompt?.includes('bad') ? { status: 'failed' } : undefined);
const rows = (...prompts: string[]) => prompts.map((prompt) => ({ json: { prompt } }));
const generate = { operation: 'generate', prompt: '={{ $json.prompt }}', downloadVideo: false, options: { pollInterval: 1 } };
const createdIds = (sim: Simulator) => [...sim.tasks.keys()];

describe('a run of the node: failed items, a failing run, retries, batching', () => {
	it('Continue (using error output): failed items go to the error output with message, task ID and status; the rest to the main output', async () => {
		await withSimulator({ outcome: failBad }, async (sim) => {
			const { error, items, errorItems } = await runSeedance({
				parameters: generate,
				items: rows('good 0', 'bad 1', 'good 2'),
				credentials: credentialsFor(sim),
				onError: 'continueErrorOutput',
			});
			expect(error).toBeUndefined();
			expect(items.map((item) => [item.pairedItem, item.json.status])).toEqual([
				[{ item: 0 }, 'succeeded'],
				[{ item: 2 }, 'succeeded'],
			]);
			expect(errorItems).toHaveLength(1);
			const failedId = createdIds(sim).find((id) => sim.taskObject(id).status === 'failed');
			expect(errorItems[0].pairedItem).toEqual({ item: 1 });
			// n8n merges the input item into an error-output item.
			expect(errorItems[0].json).toMatchObject({
				prompt: 'bad 1',
				error: expect.stringMatching(/^The task ended failed: OutputVideoSensitiveContentDetected/),
				details: { taskId: failedId, taskStatus: 'failed' },
			});
		});
	});

	it('Continue (using error output): an API error and bad input arrive there too, with the HTTP status; the other items still run', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const { error, items, errorItems } = await runSeedance({
				parameters: { operation: 'get', taskId: '={{ $json.taskId }}', downloadVideo: false },
				items: [{ json: { taskId: 'cgt-does-not-exist' } }, { json: { taskId: '' } }],
				credentials: credentialsFor(sim),
				onError: 'continueErrorOutput',
			});
			expect(error).toBeUndefined();
			expect(items).toHaveLength(0);
			expect(errorItems.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(errorItems[0].json).toMatchObject({
				error: expect.stringMatching(/^Task not found \(HTTP 404/),
				details: { taskId: 'cgt-does-not-exist', httpCode: '404' },
			});
			expect(errorItems[1].json.error).toBe('Task ID: is empty [item 1]');
			// Only the first item sent a request.
			expect(sim.requests).toHaveLength(1);
		});
	});

	it('Continue (regular output): failed items come out on the main output with error, taskId and status beside it', async () => {
		await withSimulator({ outcome: failBad }, async (sim) => {
			const { items, errorItems } = await runSeedance({
				parameters: generate,
				items: rows('good', 'bad'),
				credentials: credentialsFor(sim),
				onError: 'continueRegularOutput',
			});
			expect(errorItems).toHaveLength(0);
			const failedId = createdIds(sim).find((id) => sim.taskObject(id).status === 'failed');
			expect(items[1]).toMatchObject({
				pairedItem: { item: 1 },
				json: { error: expect.stringMatching(/^The task ended failed/), taskId: failedId, taskStatus: 'failed' },
			});
		});
	});

	it('without Continue On Fail, the error names every task the run created, with its last status, and the run ends at once', async () => {
		const outcome = (body: { prompt?: string }) => (body.prompt === 'bad' ? { status: 'failed', taskMs: 100 } : { taskMs: 30_000 });
		await withSimulator({ outcome, queuedMs: 0 }, async (sim) => {
			const started = Date.now();
			const { error } = await runSeedance({ parameters: generate, items: rows('slow 0', 'bad', 'slow 2'), credentials: credentialsFor(sim) });
			expect(Date.now() - started).toBeLessThan(5000);
			expect(error?.message).toMatch(/^The task ended failed: OutputVideoSensitiveContentDetected/);
			const ids = createdIds(sim);
			expect(ids).toHaveLength(3);
			for (const id of ids) expect(error?.description).toContain(id);
			expect(error?.description).toMatch(/pick them up with the "Wait for Task" or "Get Task" operation/);
			const tasks = (error?.context?.tasks ?? []) as Array<{ taskId: string; status: string; itemIndex: number }>;
			expect(tasks.map((task) => [task.itemIndex, task.status])).toEqual([
				[0, expect.stringMatching(/^(queued|running)$/)],
				[1, 'failed'],
				[2, expect.stringMatching(/^(queued|running)$/)],
			]);
		});
	});

	it('once the run is going to fail, no further task is created', async () => {
		await withSimulator({}, async (sim) => {
			// Batching: one item per 700 ms. The first create is refused (400); the others never go out.
			sim.injectFault({ kind: 'status', status: 400, match: { method: 'POST' }, times: 1 });
			const { error } = await runSeedance({
				parameters: { ...generate, requestOptions: { batching: { batch: { batchSize: 1, batchInterval: 700 } } } },
				items: rows('a', 'b', 'c'),
				credentials: credentialsFor(sim),
			});
			expect(error?.message).toMatch(/^The API rejected creating the task \(HTTP 400/);
			expect(createRequests(sim)).toHaveLength(1);
		});
	});

	it('Batching (Settings tab) paces the creates: items per batch, then the interval', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({
				parameters: { ...generate, waitForCompletion: false, requestOptions: { batching: { batch: { batchSize: 2, batchInterval: 800 } } } },
				items: rows('a', 'b', 'c', 'd'),
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			const times = createRequests(sim).map((request) => request.time);
			expect(times).toHaveLength(4);
			const start = Math.min(...times);
			const offsets = times.map((time) => time - start).sort((a, b) => a - b);
			expect(offsets[1]).toBeLessThan(400);
			expect(offsets[2]).toBeGreaterThanOrEqual(750);
		});
	});

	it('Retry On Fail starts every attempt clean: a credential read that failed is read afresh, and one task is created', async () => {
		await withSimulator({}, async (sim) => {
			const { error, items, attempts, credentialReads } = await runSeedance({
				parameters: generate,
				items: rows('retry me'),
				credentials: credentialsFor(sim),
				failingCredentialReads: 1,
				retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
			});
			expect(error).toBeUndefined();
			expect(items[0].json.status).toBe('succeeded');
			expect(attempts).toBe(1);
			expect(credentialReads).toBeGreaterThanOrEqual(2);
			expect(createRequests(sim)).toHaveLength(1);
		});
	});

	it('a credential that cannot be read fails the node before any request, with a clear message', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({ parameters: generate, credentials: credentialsFor(sim), failingCredentialReads: 5 });
			expect(error?.message).toBe('Could not read the Seedance API credential: the credential store is unavailable');
			expect(sim.requests).toHaveLength(0);
		});
	});

	it('a cancelled execution stops waiting at once and sends nothing more', async () => {
		await withSimulator({ queuedMs: 0, taskMs: 60_000 }, async (sim) => {
			let cancel = () => {};
			const running = runSeedance({
				parameters: generate,
				items: rows('a', 'b', 'c', 'd', 'e'),
				credentials: credentialsFor(sim),
				onStart: (execution) => (cancel = execution.cancel),
			});
			while (sim.requests.filter((request) => request.method === 'GET').length === 0) await new Promise((r) => setTimeout(r, 50));
			const cancelledAt = Date.now();
			cancel();
			await running;
			expect(Date.now() - cancelledAt).toBeLessThan(2000);
			// Reads sent just before the cancel may land just after it; none is sent later.
			await new Promise((r) => setTimeout(r, 200));
			expect(sim.requests.filter((request) => request.time > cancelledAt + 100)).toEqual([]);
			const sent = sim.requests.length;
			// Longer than two poll intervals: a poller still running would read again.
			await new Promise((r) => setTimeout(r, 2500));
			expect(sim.requests).toHaveLength(sent);
			expect(createRequests(sim)).toHaveLength(5);
		});
	});
});
