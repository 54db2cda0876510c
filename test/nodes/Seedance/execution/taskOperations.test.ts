import { binaryBuffer, runSeedance } from '../../../helpers/n8nRunner';
import { createRequests, credentialsFor, type Simulator, withSimulator } from '../../../helpers/simulator';

async function createTasks(sim: Simulator, prompts: string[], extra: object = {}): Promise<string[]> {
	const { items, error } = await runSeedance({
		parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', waitForCompletion: false, ...extra },
		items: prompts.map((prompt) => ({ json: { prompt } })),
		credentials: credentialsFor(sim),
	});
	expect(error).toBeUndefined();
	return items.map((item) => item.json.taskId as string);
}

const settle = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe('Get Task', () => {
	it('reads the task, simplified, and downloads its video once it succeeded', async () => {
		await withSimulator({}, async (sim) => {
			const [taskId] = await createTasks(sim, ['p']);
			await settle(400);
			const { error, items } = await runSeedance({ parameters: { operation: 'get', taskId }, credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ taskId, status: 'succeeded', model: 'doubao-seedance-1-0-pro-250528' });
			expect(binaryBuffer(items[0]).length).toBeGreaterThan(1000);
			expect(sim.requests.at(-1)?.path).toBe(`/api/v3/contents/generations/tasks/${taskId}`);
		});
	});

	it('outputs the raw task object when Simplify is off', async () => {
		await withSimulator({}, async (sim) => {
			const [taskId] = await createTasks(sim, ['p']);
			await settle(400);
			const { items } = await runSeedance({
				parameters: { operation: 'get', taskId, simplify: false, downloadVideo: false },
				credentials: credentialsFor(sim),
			});
			expect(items[0].json).toEqual(sim.taskObject(taskId));
		});
	});

	it('returns a failed task as data (the status is the answer), not as an error', async () => {
		await withSimulator({ outcome: () => ({ status: 'failed' }) }, async (sim) => {
			const [taskId] = await createTasks(sim, ['p']);
			await settle(400);
			const { error, items } = await runSeedance({ parameters: { operation: 'get', taskId }, credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ taskId, status: 'failed', errorCode: 'OutputVideoSensitiveContentDetected' });
			expect(items[0].binary).toBeUndefined();
		});
	});

	it('URL-encodes the task ID into the path', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({ parameters: { operation: 'get', taskId: 'a b?c#d' }, credentials: credentialsFor(sim) });
			expect(sim.requests[0].path).toBe('/api/v3/contents/generations/tasks/a%20b%3Fc%23d');
			expect(error?.message).toMatch(/^Task not found \(HTTP 404 ResourceNotFound\): .*\[item 0, task a b\?c#d\]/);
		});
	});
});

describe('List Tasks (Ark)', () => {
	it('sends the filters as Ark query parameters, task IDs as a repeated key', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const ids = await createTasks(sim, ['a', 'b', 'c']);
			await settle(400);
			const { error, items } = await runSeedance({
				parameters: {
					operation: 'list',
					limit: 10,
					filters: { status: 'succeeded', taskIds: `${ids[0]}, ${ids[2]}`, model: 'doubao-seedance-1-0-pro-250528', serviceTier: 'default' },
				},
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(items.map((item) => item.json.taskId).sort()).toEqual([ids[0], ids[2]].sort());
			expect(sim.requests.at(-1)?.query).toEqual({
				page_num: '1',
				page_size: '10',
				'filter.status': 'succeeded',
				'filter.task_ids': [ids[0], ids[2]],
				'filter.model': 'doubao-seedance-1-0-pro-250528',
				'filter.service_tier': 'default',
			});
		});
	});

	it('stops at the limit, or follows every page with Return All', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			await createTasks(sim, Array.from({ length: 7 }, (_, i) => `p${i}`));
			const limited = await runSeedance({ parameters: { operation: 'list', limit: 3 }, credentials: credentialsFor(sim) });
			expect(limited.items).toHaveLength(3);
			const all = await runSeedance({ parameters: { operation: 'list', returnAll: true }, credentials: credentialsFor(sim) });
			expect(all.items).toHaveLength(7);
			expect(all.items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
		});
	});

	it.each([404, 405])('says plainly that the provider does not offer listing (HTTP %s)', async (status) => {
		await withSimulator({ flavour: 'aggregator', missingEndpointStatus: status }, async (sim) => {
			const { error } = await runSeedance({ parameters: { operation: 'list' }, credentials: credentialsFor(sim) });
			expect(error?.message).toMatch(new RegExp(`^This provider does not offer listing tasks \\(HTTP ${status}`));
		});
	});
});

describe('Cancel or Delete Task (Ark)', () => {
	it('cancels a queued task', async () => {
		await withSimulator({ flavour: 'ark', queuedMs: 60_000 }, async (sim) => {
			const [taskId] = await createTasks(sim, ['p']);
			const { error, items } = await runSeedance({ parameters: { operation: 'delete', taskId }, credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(items[0].json).toEqual({ taskId, success: true });
			expect(sim.taskObject(taskId).status).toBe('cancelled');
			expect(sim.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v3/contents/generations/tasks/${taskId}` });
		});
	});

	it('refuses to delete a running task with the server\'s message and the task ID', async () => {
		await withSimulator({ flavour: 'ark', queuedMs: 0, taskMs: 60_000 }, async (sim) => {
			const [taskId] = await createTasks(sim, ['p']);
			await settle(100);
			const { error } = await runSeedance({ parameters: { operation: 'delete', taskId }, credentials: credentialsFor(sim) });
			expect(error?.message).toMatch(/^The API rejected deleting the task \(HTTP 400/);
			expect(error?.message).toContain(`task ${taskId}`);
			expect(sim.requests.filter((request) => request.method === 'DELETE')).toHaveLength(1);
		});
	});

	it.each([404, 405])('says plainly that the provider does not offer deleting (HTTP %s)', async (status) => {
		await withSimulator({ flavour: 'aggregator', missingEndpointStatus: status }, async (sim) => {
			const { error } = await runSeedance({ parameters: { operation: 'delete', taskId: 'task_1' }, credentials: credentialsFor(sim) });
			expect(error?.message).toMatch(/^This provider does not offer cancelling or deleting tasks/);
			expect(createRequests(sim)).toHaveLength(0);
		});
	});
});
