import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';

import { SeedanceTrigger } from '../../../nodes/SeedanceTrigger/SeedanceTrigger.node';
import { SEEN_LIMIT, SeenTasks } from '../../../nodes/SeedanceTrigger/seenTasks';
import { binaryBuffer } from '../../helpers/n8nRunner';
import { API_KEY, credentialsFor, type Simulator, withSimulator } from '../../helpers/simulator';
import { callbackReceiver } from '../../helpers/triggerRunner';

const SAMPLE_MP4 = readFileSync(join(__dirname, '../../../simulator/media/sample.mp4'));
const TASKS_PATH = '/api/v3/contents/generations/tasks';
const MODEL = 'doubao-seedance-1-0-pro-250528';

/** Creates a task at the simulator, as another workflow (or any client) would. */
async function createTask(sim: Simulator, prompt: string, extra: object = {}): Promise<string> {
	const response = await fetch(`${sim.baseUrl}${TASKS_PATH}`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ model: MODEL, prompt, ...extra }),
	});
	expect(response.status).toBe(200);
	return ((await response.json()) as { id: string }).id;
}

async function statusReached(sim: Simulator, taskId: string, statuses: string[], timeoutMs = 5000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = sim.taskObject(taskId)?.status as string;
		if (statuses.includes(status)) return status;
		if (Date.now() > deadline) throw new Error(`task ${taskId} is still ${status}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

function startedItems(answer: IWebhookResponseData): INodeExecutionData[] {
	return answer.workflowData?.[0] ?? [];
}

const reads = (sim: Simulator, taskId: string) =>
	sim.requests.filter((request) => request.method === 'GET' && request.path === `${TASKS_PATH}/${taskId}`);

describe('Seedance Trigger: the node', () => {
	it('is a trigger in n8n\'s terms: no inputs, one output, a POST webhook, lifecycle methods that register nothing', async () => {
		const node = new SeedanceTrigger();
		const { description } = node;
		expect(description.name).toBe('seedanceTrigger');
		expect(description.displayName).toMatch(/Trigger$/);
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.outputs).toEqual(['main']);
		expect(description.credentials).toEqual([{ name: 'seedanceApi', required: true }]);
		expect(description.webhooks).toEqual([expect.objectContaining({ name: 'default', httpMethod: 'POST', responseMode: 'onReceived' })]);
		for (const method of ['checkExists', 'create', 'delete'] as const) {
			await expect(node.webhookMethods.default[method].call({} as never)).resolves.toBe(true);
		}
		const statuses = description.properties.find((property) => property.name === 'statuses');
		expect(statuses?.default).toEqual(['succeeded', 'failed', 'expired', 'cancelled', 'otherFinal']);
	});
});

describe('Seedance Trigger: a callback', () => {
	it('for a finished task starts the workflow once, with the task read from the API and its video', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			const taskId = await createTask(sim, 'a lighthouse at dusk');
			await statusReached(sim, taskId, ['succeeded']);

			const items = startedItems(await receiver.call({ id: taskId }));
			expect(items).toHaveLength(1);
			expect(items[0].json).toMatchObject({ taskId, status: 'succeeded', model: MODEL });
			expect(items[0].binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${taskId}.mp4` });
			expect(binaryBuffer(items[0]).equals(SAMPLE_MP4)).toBe(true);
			expect(reads(sim, taskId)).toHaveLength(1);
			expect(reads(sim, taskId)[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
			for (const request of sim.mediaRequests) expect(request.headers.authorization).toBeUndefined();
		});
	});

	it('for a task still running is acknowledged without starting the workflow (default Statuses)', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			const taskId = await createTask(sim, 'slow [sim:queued_ms=0] [sim:stay_running]');
			await statusReached(sim, taskId, ['running']);
			expect(await receiver.call(sim.taskObject(taskId))).toEqual({});
			expect(reads(sim, taskId)).toHaveLength(1);
			expect(sim.mediaRequests).toHaveLength(0);
		});
	});

	it('with a forged body (succeeded, while the API says running) starts nothing and downloads nothing', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			const taskId = await createTask(sim, 'slow [sim:queued_ms=0] [sim:stay_running]');
			await statusReached(sim, taskId, ['running']);
			const forged = {
				id: taskId,
				status: 'succeeded',
				content: { video_url: `${sim.mediaBaseUrl}/videos/forged.mp4` },
			};
			expect(await receiver.call(forged)).toEqual({});
			expect(sim.mediaRequests).toHaveLength(0);
			expect(receiver.savedStaticData()).toEqual({});
		});
	});

	it('repeated for the same finished task starts the workflow once (Once per Task), across saves of static data', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			const taskId = await createTask(sim, 'a harbour at dawn');
			await statusReached(sim, taskId, ['succeeded']);
			const body = sim.taskObject(taskId);
			expect(startedItems(await receiver.call(body))).toHaveLength(1);
			expect(await receiver.call(body)).toEqual({});
			expect(await receiver.call(body)).toEqual({});
			expect(receiver.savedStaticData()).toEqual({ 'node:Seedance Trigger': { seenTasks: [`${taskId}:succeeded`] } });
			// The repeats were answered from the API's state: still read, never downloaded again.
			expect(reads(sim, taskId)).toHaveLength(3);
			expect(sim.mediaRequests.filter((request) => request.status === 200)).toHaveLength(1);
		});
	});

	it('repeated twice at the same moment still starts the workflow once', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			const taskId = await createTask(sim, 'twins');
			await statusReached(sim, taskId, ['succeeded']);
			const answers = await Promise.all([receiver.call({ id: taskId }), receiver.call({ id: taskId })]);
			expect(answers.map((answer) => startedItems(answer).length).sort()).toEqual([0, 1]);
		});
	});

	it('repeated starts the workflow each time with Once per Task off', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim), parameters: { oncePerTask: false } });
			const taskId = await createTask(sim, 'again and again');
			await statusReached(sim, taskId, ['succeeded']);
			expect(startedItems(await receiver.call({ id: taskId }))).toHaveLength(1);
			expect(startedItems(await receiver.call({ id: taskId }))).toHaveLength(1);
			expect(receiver.savedStaticData()).toEqual({});
		});
	});

	it('for a task the API does not know (404) is acknowledged, ignored and logged', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			expect(await receiver.call({ id: 'cgt-20250101000000-nope1', status: 'succeeded' })).toEqual({});
			expect(sim.requests).toHaveLength(1);
			expect(receiver.logs).toEqual([
				expect.objectContaining({ level: 'warn', message: expect.stringContaining('cgt-20250101000000-nope1') }),
			]);
			expect(JSON.stringify(receiver.logs)).not.toContain(API_KEY);
		});
	});

	it.each([
		['no body', undefined],
		['no id', { status: 'succeeded' }],
		['an id with a slash', { id: '../../admin' }],
		['an id with ".."', { id: 'cgt-..' }],
		['an empty id', { id: '  ' }],
		['an object as id', { id: { $ne: null } }],
	])('with %s is acknowledged without any request', async (_label, body) => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			expect(await receiver.call(body)).toEqual({});
			expect(sim.requests).toHaveLength(0);
			expect(receiver.logs.map((line) => line.level)).toEqual(['warn']);
		});
	});

	it('for a failed task starts the workflow with the failure as data and no binary', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			const taskId = await createTask(sim, 'doomed [sim:fail]');
			await statusReached(sim, taskId, ['failed']);
			const [item] = startedItems(await receiver.call({ id: taskId }));
			expect(item.json).toMatchObject({ taskId, status: 'failed', errorCode: 'OutputVideoSensitiveContentDetected' });
			expect(item.binary).toBeUndefined();
		});
	});

	it('honours Statuses, Download Video, Put Video in Field and Simplify', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const onlyFailed = await callbackReceiver({ credentials: credentialsFor(sim), parameters: { statuses: ['failed'] } });
			const raw = await callbackReceiver({
				credentials: credentialsFor(sim),
				parameters: { statuses: ['running', 'succeeded'], binaryPropertyName: 'video', simplify: false },
			});
			const noDownload = await callbackReceiver({ credentials: credentialsFor(sim), parameters: { downloadVideo: false } });
			const taskId = await createTask(sim, 'choices [sim:queued_ms=0] [sim:task_ms=400]');
			await statusReached(sim, taskId, ['running']);
			const [running] = startedItems(await raw.call({ id: taskId }));
			expect(running.json).toMatchObject({ id: taskId, status: 'running' });
			expect(running.binary).toBeUndefined();
			await statusReached(sim, taskId, ['succeeded']);

			expect(await onlyFailed.call({ id: taskId })).toEqual({});
			const [succeeded] = startedItems(await raw.call({ id: taskId }));
			expect(succeeded.json).toMatchObject({ id: taskId, status: 'succeeded', content: expect.any(Object) });
			expect(Object.keys(succeeded.binary ?? {})).toEqual(['video']);
			const [plain] = startedItems(await noDownload.call({ id: taskId }));
			expect(plain.json).toMatchObject({ taskId, status: 'succeeded', videoUrl: expect.stringContaining('/videos/') });
			expect(plain.binary).toBeUndefined();
		});
	});

	it('fails (n8n answers 500, the provider may call again) when the API keeps failing, and remembers nothing', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			const taskId = await createTask(sim, 'flaky');
			await statusReached(sim, taskId, ['succeeded']);
			sim.injectFault({ kind: 'status', status: 401, match: { method: 'GET' }, times: 1 });
			await expect(receiver.call({ id: taskId })).rejects.toThrow(/^The API key was refused/);
			expect(receiver.savedStaticData()).toEqual({});
			expect(startedItems(await receiver.call({ id: taskId }))).toHaveLength(1);
		});
	});

	it('remembers each started task in the node\'s static data, in order', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim), parameters: { downloadVideo: false } });
			const taskIds: string[] = [];
			for (let n = 0; n < 3; n++) taskIds.push(await createTask(sim, `remembered ${n}`));
			for (const taskId of taskIds) await statusReached(sim, taskId, ['succeeded']);
			for (const taskId of taskIds) expect(startedItems(await receiver.call({ id: taskId }))).toHaveLength(1);
			expect(receiver.savedStaticData()).toEqual({ 'node:Seedance Trigger': { seenTasks: taskIds.map((id) => `${id}:succeeded`) } });
		});
	});

	it(`remembers the last ${SEEN_LIMIT} tasks at most, forgetting the oldest`, () => {
		const staticData = {};
		const seen = new SeenTasks(staticData, 'workflow/node');
		for (let n = 0; n < SEEN_LIMIT + 5; n++) {
			expect(seen.claim(`task-${n}:succeeded`)).toBe(true);
			seen.remember(`task-${n}:succeeded`);
		}
		const kept = (staticData as { seenTasks: string[] }).seenTasks;
		expect(kept).toHaveLength(SEEN_LIMIT);
		expect(kept[0]).toBe('task-5:succeeded');
		expect(seen.claim('task-4:succeeded')).toBe(true);
		expect(seen.claim(`task-${SEEN_LIMIT + 4}:succeeded`)).toBe(false);
	});

	it('serves the simulator\'s own callbacks (queued, running, succeeded): one start per task, with the video', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const receiver = await callbackReceiver({ credentials: credentialsFor(sim) });
			const started: INodeExecutionData[] = [];
			const server = createServer((request, response) => {
				const chunks: Buffer[] = [];
				request.on('data', (chunk: Buffer) => chunks.push(chunk));
				request.on('end', () => {
					receiver
						.call(JSON.parse(Buffer.concat(chunks).toString('utf8')))
						.then((answer) => {
							started.push(...startedItems(answer));
							response.writeHead(200).end('{}');
						})
						.catch(() => response.writeHead(500).end());
				});
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			try {
				const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/x/seedance`;
				const taskIds = [
					await createTask(sim, 'one', { callback_url: callbackUrl }),
					await createTask(sim, 'two', { callback_url: callbackUrl }),
				];
				for (const taskId of taskIds) await statusReached(sim, taskId, ['succeeded']);
				const deadline = Date.now() + 5000;
				while (started.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
				await new Promise((resolve) => setTimeout(resolve, 200));
				expect(started.map((item) => item.json.taskId).sort()).toEqual([...taskIds].sort());
				for (const item of started) expect(binaryBuffer(item).equals(SAMPLE_MP4)).toBe(true);
				expect(sim.callbacks.length).toBeGreaterThanOrEqual(4);
			} finally {
				await new Promise((resolve) => server.close(resolve));
			}
		});
	});
});
