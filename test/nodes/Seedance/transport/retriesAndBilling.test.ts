import { runSeedance } from '../../../helpers/n8nRunner';
import { createRequests, credentialsFor, type Simulator, withSimulator } from '../../../helpers/simulator';

const createOnly = { operation: 'generate', prompt: 'p', waitForCompletion: false };
const createAndWait = { operation: 'generate', prompt: 'p', downloadVideo: false, options: { pollInterval: 1 } };
const CREATE = { method: 'POST', path: '/api/v3/contents/generations/tasks' };
const READ = { method: 'GET', path: '/api/v3/contents/generations/tasks/' };

const run = async (sim: Simulator, parameters: object, extra: object = {}) =>
	await runSeedance({ parameters: parameters as never, credentials: credentialsFor(sim), ...extra });

describe('create requests: retried only when the server certainly did not accept them', () => {
	it('retries after 429, honouring Retry-After, and bills one task', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'status', status: 429, headers: { 'Retry-After': '1' }, match: CREATE });
			const started = Date.now();
			const { error, items } = await run(sim, createOnly);
			expect(error).toBeUndefined();
			expect(items[0].json.taskId).toEqual(expect.any(String));
			expect(createRequests(sim).map((request) => request.status)).toEqual([429, 200]);
			expect(Date.now() - started).toBeGreaterThanOrEqual(950);
			expect(sim.stats.tasksCreated).toBe(1);
		});
	});

	it('retries after 503 and bills one task', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'status', status: 503, match: CREATE, times: 2 });
			const { error } = await run(sim, createOnly);
			expect(error).toBeUndefined();
			expect(createRequests(sim).map((request) => request.status)).toEqual([503, 503, 200]);
			expect(sim.stats.tasksCreated).toBe(1);
		});
	});

	it('retries when the connection is refused (nothing reached the server)', async () => {
		await withSimulator({}, async (sim) => {
			await sim.pause();
			setTimeout(() => void sim.resume(), 700);
			const { error } = await run(sim, createOnly);
			expect(error).toBeUndefined();
			expect(createRequests(sim)).toHaveLength(1);
			expect(sim.stats.tasksCreated).toBe(1);
		});
	});

	it.each([
		['a 500 after the task was accepted', { kind: 'acceptThenStatus', status: 500 }, /^The Seedance server failed while creating the task \(HTTP 500/],
		['a 502 after the task was accepted', { kind: 'acceptThenStatus', status: 502 }, /^The Seedance server failed while creating the task \(HTTP 502/],
		['a connection reset after the task was accepted', { kind: 'reset', afterAccept: true }, /^Could not complete creating the task: the connection was reset/],
		['an HTML error page', { kind: 'html' }, /^The Seedance server failed while creating the task \(HTTP 502\): 502 Bad Gateway/],
		['a 200 without a task ID', { kind: 'badShape' }, /^The API answered creating the task with HTTP 200 and an answer without a task ID/],
		['an empty 200', { kind: 'empty' }, /^The API answered creating the task with HTTP 200 and an empty body/],
	])('does not re-send after %s, and says the task may exist', async (_, fault, expected) => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ ...fault, match: CREATE });
			const { error } = await run(sim, createOnly);
			expect(error?.message).toMatch(expected);
			expect(error?.message).toMatch(/\[item 0\]$/);
			expect(error?.description).toMatch(/may still have created \(and billed\) the task/);
			expect(createRequests(sim)).toHaveLength(1);
		});
	});

	it('does not re-send a create request that timed out', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'timeout', match: CREATE });
			const started = Date.now();
			const { error } = await run(sim, { ...createOnly, requestOptions: { timeout: 1000 } });
			expect(error?.message).toMatch(/^Could not complete creating the task: the request timed out \[item 0\]/);
			expect(createRequests(sim)).toHaveLength(1);
			expect(Date.now() - started).toBeLessThan(3000);
		});
	});

	it('gives up when rate limiting outlasts the item\'s Max Wait, naming the status and the server message', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'status', status: 429, headers: { 'Retry-After': '0' }, match: CREATE, times: Infinity });
			const started = Date.now();
			const { error } = await run(sim, { ...createAndWait, options: { pollInterval: 1, maxWait: 2 } });
			expect(error?.message).toMatch(/^Rate limited by the API \(HTTP 429 RateLimitExceeded\.EndpointRPMExceeded\)/);
			expect(error?.description).toMatch(/Gave up after [2-4] attempts/);
			expect(error?.description).not.toMatch(/may still have created/);
			// "Retry-After: 0" still backs off (0.5 s, 1 s, ...): no request storm.
			expect(createRequests(sim).length).toBeGreaterThanOrEqual(2);
			expect(createRequests(sim).length).toBeLessThanOrEqual(4);
			expect(Date.now() - started).toBeLessThan(4000);
			expect(sim.stats.tasksCreated).toBe(0);
		});
	});

	it('a 429 holds back the other items\' requests too, until Retry-After', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'status', status: 429, headers: { 'Retry-After': '1' }, match: CREATE });
			const { error } = await runSeedance({
				parameters: { ...createOnly, prompt: '={{ $json.prompt }}', options: { maxConcurrentRequests: 1 } },
				items: [{ json: { prompt: 'a' } }, { json: { prompt: 'b' } }, { json: { prompt: 'c' } }],
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			const [limited, next] = createRequests(sim);
			expect(limited.status).toBe(429);
			expect(next.time - limited.time).toBeGreaterThanOrEqual(950);
			expect(sim.stats.tasksCreated).toBe(3);
		});
	});

	it('does not retry 400, 401, 403 or 404', async () => {
		for (const status of [400, 401, 403, 404]) {
			await withSimulator({}, async (sim) => {
				sim.injectFault({ kind: 'status', status, match: CREATE });
				const { error } = await run(sim, createOnly);
				expect(error?.message).toContain(`(HTTP ${status}`);
				expect(createRequests(sim)).toHaveLength(1);
			});
		}
	});
});

describe('status reads: free, so retried on any transient failure', () => {
	it.each([
		['500', { kind: 'status', status: 500 }],
		['503', { kind: 'status', status: 503 }],
		['429 with Retry-After', { kind: 'status', status: 429, headers: { 'Retry-After': '1' } }],
		['429 without Retry-After', { kind: 'status', status: 429 }],
		['a connection reset', { kind: 'reset' }],
		['an HTML page', { kind: 'html' }],
		['an empty body', { kind: 'empty' }],
	])('the wait survives %s, three times in a row', async (_, fault) => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ ...fault, match: READ, times: 3 });
			const { error, items } = await run(sim, createAndWait);
			expect(error).toBeUndefined();
			expect(items[0].json.status).toBe('succeeded');
			expect(sim.requests.filter((request) => request.method === 'GET').length).toBeGreaterThanOrEqual(4);
			expect(createRequests(sim)).toHaveLength(1);
		});
	});

	it('a status read that keeps failing ends the item with the task ID in the error', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'status', status: 500, match: READ, times: Infinity });
			const { error } = await run(sim, createAndWait);
			const taskId = [...sim.tasks.keys()][0];
			expect(error?.message).toMatch(/^The Seedance server failed while reading the task \(HTTP 500/);
			expect(error?.message).toContain(`task ${taskId}`);
			expect(error?.description).toContain(`Task ID: ${taskId}`);
		});
	});

	it('401 on a status read says the key was refused', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'status', status: 401, match: READ });
			const { error } = await run(sim, createAndWait);
			expect(error?.message).toMatch(/^The API key was refused \(HTTP 401 AuthenticationError\)/);
		});
	});
});

describe('many items', () => {
	it('creates and waits on all tasks together: 20 tasks of 1.5 s take about one task, not twenty', async () => {
		await withSimulator({ queuedMs: 0, taskMs: 1500 }, async (sim) => {
			const started = Date.now();
			const { error, items } = await runSeedance({
				parameters: { ...createAndWait, prompt: '={{ $json.prompt }}' },
				items: Array.from({ length: 20 }, (_, i) => ({ json: { prompt: `row ${i}` } })),
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(items).toHaveLength(20);
			expect(sim.stats.tasksCreated).toBe(20);
			// Concurrent, not one after another: every task was created before the first one finished.
			const lastCreate = Math.max(...createRequests(sim).map((request) => request.time));
			const firstFinish = Math.min(...[...sim.tasks.values()].map((task) => task.finishedAtMs));
			expect(lastCreate).toBeLessThan(firstFinish);
			// One after another would take 20 x 1.5 s = 30 s.
			expect(Date.now() - started).toBeLessThan(10_000);
		});
	});

	it('keeps at most "Max Concurrent Requests" requests open at once, and pairs every output with its input', async () => {
		await withSimulator({ queuedMs: 0, taskMs: 300, apiLatencyMs: 40 }, async (sim) => {
			const { error, items } = await runSeedance({
				parameters: { ...createAndWait, prompt: '={{ $json.prompt }}', options: { pollInterval: 1, maxConcurrentRequests: 3 } },
				items: Array.from({ length: 15 }, (_, i) => ({ json: { prompt: `row ${i}` } })),
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(sim.stats.maxInFlight).toBe(3);
			expect(items.map((item) => item.pairedItem)).toEqual(Array.from({ length: 15 }, (_, item) => ({ item })));
			const promptsByTask = new Map([...sim.tasks.values()].map((task) => [task.id, task.body?.prompt ?? task.request?.prompt]));
			items.forEach((item, index) => expect(promptsByTask.get(item.json.taskId as string)).toBe(`row ${index}`));
		});
	});
});
