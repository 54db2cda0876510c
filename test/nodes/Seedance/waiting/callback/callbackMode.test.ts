import { forgetRun, runKey } from '../../../../../nodes/Seedance/waiting/callback/callbackClaims';
import { startCallbackRun } from '../../../../helpers/callbackRunner';
import { binaryBuffer, runSeedance } from '../../../../helpers/n8nRunner';
import { API_KEY, createRequests, type Simulator, withSimulator } from '../../../../helpers/simulator';

const CALLBACK_STATE_KEY = 'seedanceCallbackWait';
const rows = (...prompts: string[]) => prompts.map((prompt, index) => ({ json: { prompt, row: index } }));
const generate = (extra: object = {}) => ({
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode: 'callback',
	...extra,
});
const callbackCredentials = (sim: Simulator, callbacks = 'yes') => ({ apiKey: API_KEY, baseUrl: sim.baseUrl, callbacks });
const statusReads = (sim: Simulator) => sim.requests.filter((request) => request.method === 'GET');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until every task the simulator holds has ended. */
async function allEnded(sim: Simulator): Promise<void> {
	for (let i = 0; i < 200; i++) {
		if ([...sim.tasks.keys()].every((id) => !['queued', 'running'].includes(sim.taskObject(id).status))) return;
		await sleep(25);
	}
	throw new Error('the simulator tasks did not end');
}

describe('Wait Mode "Callback": the execution waits in n8n, callbacks resume it', () => {
	it('creates every task with the resume URL, reads them once, then waits with no process polling', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 1500 }, async (sim) => {
			const started = Date.now();
			const run = await startCallbackRun({
				parameters: generate({ options: { maxWait: 600 } }),
				items: rows('a', 'b', 'c'),
				credentials: callbackCredentials(sim),
			});
			expect(run.first.error).toBeUndefined();
			expect(run.waiting).toBe(true);
			// Max Wait from now, as n8n's waitTill.
			expect(run.waitTill!.getTime()).toBeGreaterThanOrEqual(started + 600_000);
			expect(run.waitTill!.getTime()).toBeLessThan(Date.now() + 600_000 + 1000);
			const creates = createRequests(sim);
			expect(creates).toHaveLength(3);
			for (const create of creates) expect(create.body.callback_url).toMatch(/^http:\/\/localhost:5678\/webhook-waiting\/test-\d+/);
			// One read of all tasks after the last create: a single list request (Ark), no GET.
			expect(sim.requests.filter((request) => request.method === 'GET').map((request) => request.path)).toEqual([
				'/api/v3/contents/generations/tasks',
			]);
			// The waiting output: one item per input item, each task's state as last seen.
			expect(run.first.items.map((item) => [item.pairedItem, item.json.taskId, item.json.status])).toEqual(
				[...sim.tasks.keys()].map((id, index) => [{ item: index }, id, expect.stringMatching(/^(queued|running)$/)]),
			);
		});
	});

	it('a callback saying queued or running, or naming another task, is acknowledged without a request; the last final one resumes with the videos', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 600 }, async (sim) => {
			const run = await startCallbackRun({ parameters: generate(), items: rows('a', 'b'), credentials: callbackCredentials(sim) });
			expect(run.waiting).toBe(true);
			const [first, second] = [...sim.tasks.keys()];
			const before = sim.requests.length;

			expect((await run.deliver({ id: first, status: 'running' })).resumed).toBeUndefined();
			expect((await run.deliver({ id: 'cgt-of-another-run', status: 'succeeded' })).resumed).toBeUndefined();
			expect(sim.requests.length).toBe(before);

			await allEnded(sim);
			// The first final callback: the other task is not known final yet, so nothing is read.
			expect((await run.deliver(sim.taskObject(first))).resumed).toBeUndefined();
			expect(sim.requests.length).toBe(before);
			// The last one: the tasks are read (not trusted), and the execution resumes.
			const { resumed } = await run.deliver(sim.taskObject(second));
			expect(resumed).toBeDefined();
			expect(run.waiting).toBe(false);
			expect(resumed!.error).toBeUndefined();
			expect(resumed!.items.map((item) => [item.pairedItem, item.json.taskId, item.json.status])).toEqual([
				[{ item: 0 }, first, 'succeeded'],
				[{ item: 1 }, second, 'succeeded'],
			]);
			for (const item of resumed!.items) {
				expect(binaryBuffer(item).length).toBeGreaterThan(0);
				expect(item[CALLBACK_STATE_KEY]).toBeUndefined();
			}
		});
	});

	it('reads nothing until every task has been said final, whatever order the creates ended in', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 300 }, async (sim) => {
			// Item 0's first create is refused (429): its task is created last.
			sim.injectFault({ kind: 'status', status: 429, headers: { 'retry-after': '0' }, match: { method: 'POST' }, times: 1 });
			const run = await startCallbackRun({ parameters: generate(), items: rows('a', 'b', 'c'), credentials: callbackCredentials(sim) });
			expect(run.waiting).toBe(true);
			const itemTasks = run.first.items.map((item) => String(item.json.taskId));
			expect(itemTasks[0]).toBe([...sim.tasks.keys()][2]);
			await allEnded(sim);
			const before = sim.requests.length;
			expect((await run.deliver(sim.taskObject(itemTasks[1]))).resumed).toBeUndefined();
			expect((await run.deliver(sim.taskObject(itemTasks[2]))).resumed).toBeUndefined();
			expect(sim.requests.length).toBe(before);
			const { resumed } = await run.deliver(sim.taskObject(itemTasks[0]));
			expect(resumed!.items.map((item) => item.json.taskId)).toEqual(itemTasks);
			// One list request to confirm, then one GET per task to finish it (as Poll mode).
			expect(sim.requests.slice(before).map((request) => `${request.method} ${request.path.replace(/cgt-[\w-]+$/, 'ID')}`)).toEqual([
				'GET /api/v3/contents/generations/tasks',
				...itemTasks.map(() => 'GET /api/v3/contents/generations/tasks/ID'),
			]);
		});
	});

	it('a process that knows nothing of the run (another webhook processor, a restart) reads once for a burst of final callbacks, and resumes once', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 300 }, async (sim) => {
			const run = await startCallbackRun({ parameters: generate(), items: rows('a', 'b', 'c', 'd', 'e'), credentials: callbackCredentials(sim) });
			const taskIds = run.first.items.map((item) => String(item.json.taskId));
			forgetRun(runKey('seedance', taskIds));
			await allEnded(sim);
			const before = sim.requests.length;
			const answers = await Promise.all(taskIds.map(async (taskId) => await run.deliver(sim.taskObject(taskId))));
			expect(answers.filter((answer) => answer.resumed)).toHaveLength(1);
			const lists = sim.requests.slice(before).filter((request) => request.method === 'GET' && request.path === '/api/v3/contents/generations/tasks');
			expect(lists).toHaveLength(1);
		});
	});

	it('gives exactly what Poll mode gives: the same fields, the same binary, the same pairing', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 300 }, async (sim) => {
			const options = { options: { pollInterval: 1, downloadLastFrame: true } };
			const poll = await runSeedance({ parameters: generate({ ...options, waitMode: 'poll' }), items: rows('a', 'b'), credentials: callbackCredentials(sim) });
			const run = await startCallbackRun({ parameters: generate(options), items: rows('a', 'b'), credentials: callbackCredentials(sim) });
			expect(run.waiting).toBe(true);
			await allEnded(sim);
			const ids = [...sim.tasks.keys()].slice(2);
			await run.deliver(sim.taskObject(ids[0]));
			const { resumed } = await run.deliver(sim.taskObject(ids[1]));
			const shape = (items: typeof poll.items) =>
				items.map((item) => ({
					keys: Object.keys(item).sort(),
					json: Object.keys(item.json).sort(),
					status: item.json.status,
					pairedItem: item.pairedItem,
					binary: Object.fromEntries(Object.entries(item.binary ?? {}).map(([name, data]) => [name, [data.mimeType, data.fileName?.replace(/^.*?(-last-frame)?\.(\w+)$/, '$1.$2')]])),
				}));
			expect(shape(resumed!.items)).toEqual(shape(poll.items));
			expect(resumed!.items.map((item) => binaryBuffer(item).length)).toEqual(poll.items.map((item) => binaryBuffer(item).length));
		});
	});

	it('a forged callback claiming every task final does not resume while the API says otherwise', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 60_000 }, async (sim) => {
			const run = await startCallbackRun({ parameters: generate(), items: rows('a', 'b'), credentials: callbackCredentials(sim) });
			const ids = [...sim.tasks.keys()];
			const readsBefore = statusReads(sim).length;
			for (const id of ids) {
				const { answer, resumed } = await run.deliver({ id, status: 'succeeded', content: { video_url: 'http://evil.example/x.mp4' } });
				expect(resumed).toBeUndefined();
				expect(answer.workflowData).toBeUndefined();
			}
			// Claims covering every task made it read them: still running, so it keeps waiting.
			expect(statusReads(sim).length).toBeGreaterThan(readsBefore);
			expect(run.waiting).toBe(true);
		});
	});

	it('a callback it cannot check (the API fails) is acknowledged and the execution keeps waiting; the next one resumes it', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 200 }, async (sim) => {
			const run = await startCallbackRun({ parameters: generate(), items: rows('a'), credentials: callbackCredentials(sim) });
			expect(run.waiting).toBe(true);
			await allEnded(sim);
			const [taskId] = [...sim.tasks.keys()];
			const fault = sim.injectFault({ kind: 'status', status: 500, match: { method: 'GET' }, times: 1000 });
			const failed = await run.deliver(sim.taskObject(taskId));
			expect(failed.resumed).toBeUndefined();
			expect(failed.answer.workflowData).toBeUndefined();
			expect(fault.hits).toBeGreaterThan(0);
			expect(run.waiting).toBe(true);
			fault.cancel();
			const { resumed } = await run.deliver(sim.taskObject(taskId));
			expect(resumed!.items.map((item) => item.json.status)).toEqual(['succeeded']);
		});
	});

	it('when the read before the wait fails, the first final callback reads every task, so one that ended unseen is not waited for', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 400 }, async (sim) => {
			const created = await runSeedance({
				parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', waitForCompletion: false },
				items: rows('fast [sim:task_ms=50]', 'slow'),
				credentials: callbackCredentials(sim),
			});
			const [fast, slow] = created.items.map((item) => String(item.json.taskId));
			await sleep(200);
			// Every read of the wait's first moment fails: the fast task ends unseen, and it calls back no more.
			const fault = sim.injectFault({ kind: 'status', status: 500, match: { method: 'GET' }, times: 1000 });
			const run = await startCallbackRun({
				parameters: { operation: 'wait', taskId: '={{ $json.taskId }}', waitMode: 'callback' },
				items: created.items.map((item) => ({ json: item.json })),
				credentials: callbackCredentials(sim),
			});
			fault.cancel();
			expect(run.waiting).toBe(true);
			await allEnded(sim);
			const { resumed } = await run.deliver(sim.taskObject(slow));
			expect(resumed!.items.map((item) => [item.json.taskId, item.json.status])).toEqual([
				[fast, 'succeeded'],
				[slow, 'succeeded'],
			]);
		});
	});

	it('a run whose tasks have all ended when it reads them finishes at once, like Poll mode, and never waits', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 100 }, async (sim) => {
			const created = await runSeedance({
				parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', waitForCompletion: false },
				items: rows('a', 'b'),
				credentials: callbackCredentials(sim),
			});
			await allEnded(sim);
			const run = await startCallbackRun({
				parameters: { operation: 'wait', taskId: '={{ $json.taskId }}', waitMode: 'callback' },
				items: created.items.map((item) => ({ json: item.json })),
				credentials: callbackCredentials(sim),
			});
			expect(run.waiting).toBe(false);
			expect(run.first.error).toBeUndefined();
			expect(run.first.items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
			expect(run.first.items.every((item) => binaryBuffer(item).length > 0)).toBe(true);
		});
	});

	it('a failed task is reported as in Poll mode: the run fails naming every task, or an error item under Continue On Fail', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 400 }, async (sim) => {
			const failing = await startCallbackRun({ parameters: generate(), items: rows('good', 'bad [sim:fail]'), credentials: callbackCredentials(sim) });
			await allEnded(sim);
			const [good, bad] = [...sim.tasks.keys()];
			await failing.deliver(sim.taskObject(good));
			const { resumed } = await failing.deliver(sim.taskObject(bad));
			expect(resumed!.error?.message).toMatch(/^The task ended failed: OutputVideoSensitiveContentDetected/);
			expect(resumed!.error?.description).toContain(good);
			expect(resumed!.error?.description).toContain(bad);

			const continuing = await startCallbackRun({
				parameters: generate(),
				items: rows('good', 'bad [sim:fail]'),
				credentials: callbackCredentials(sim),
				continueOnFail: true,
			});
			await allEnded(sim);
			const [good2, bad2] = [...sim.tasks.keys()].slice(2);
			await continuing.deliver(sim.taskObject(bad2));
			const second = await continuing.deliver(sim.taskObject(good2));
			expect(second.resumed!.items.map((item) => [item.pairedItem, item.json.status ?? null, item.json.taskId])).toEqual([
				[{ item: 0 }, 'succeeded', good2],
				[{ item: 1 }, null, bad2],
			]);
			expect(second.resumed!.items[1].json).toMatchObject({ error: expect.stringMatching(/^The task ended failed/), taskStatus: 'failed' });
		});
	});

	it('an item that failed before the wait (Continue On Fail) comes out as its error item on resume, beside the videos', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 400 }, async (sim) => {
			sim.injectFault({ kind: 'status', status: 400, match: { method: 'POST' }, times: 1 });
			const run = await startCallbackRun({ parameters: generate(), items: rows('a', 'b', 'c'), credentials: callbackCredentials(sim), continueOnFail: true });
			expect(run.waiting).toBe(true);
			await allEnded(sim);
			const ids = [...sim.tasks.keys()];
			expect(ids).toHaveLength(2);
			await run.deliver(sim.taskObject(ids[0]));
			const { resumed } = await run.deliver(sim.taskObject(ids[1]));
			expect(resumed!.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			const failedItem = resumed!.items.find((item) => item.json.error);
			expect(failedItem?.json.error).toMatch(/^The API rejected creating the task \(HTTP 400/);
			expect(resumed!.items.filter((item) => item.json.status === 'succeeded')).toHaveLength(2);
		});
	});

	it('creates every task before waiting even with Max Running Tasks set (it is a Poll-mode option)', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 60_000 }, async (sim) => {
			const run = await startCallbackRun({
				parameters: generate({ options: { maxRunningTasks: 1 } }),
				items: rows('a', 'b', 'c'),
				credentials: callbackCredentials(sim),
			});
			expect(run.waiting).toBe(true);
			expect(createRequests(sim)).toHaveLength(3);
		});
	});

	describe('when Max Wait passes first (n8n resumes the node without running it)', () => {
		it('On Timeout "output": each item gives its task as last seen, no request sent then', async () => {
			await withSimulator({ flavour: 'ark', taskMs: 60_000 }, async (sim) => {
				const run = await startCallbackRun({ parameters: generate({ options: { onTimeout: 'output' } }), items: rows('a', 'b'), credentials: callbackCredentials(sim) });
				const requests = sim.requests.length;
				const timedOut = await run.timeOut();
				expect(sim.requests.length).toBe(requests);
				expect(timedOut.error).toBeUndefined();
				expect(timedOut.items.map((item) => [item.json.taskId, item.json.status])).toEqual(
					[...sim.tasks.keys()].map((id) => [id, expect.stringMatching(/^(queued|running)$/)]),
				);
			});
		});

		it('On Timeout "fail": the run fails naming every task; with Continue On Fail each item is a timeout error with its task ID', async () => {
			await withSimulator({ flavour: 'ark', taskMs: 60_000 }, async (sim) => {
				const failing = await startCallbackRun({ parameters: generate(), items: rows('a', 'b'), credentials: callbackCredentials(sim) });
				const failed = await failing.timeOut();
				expect(failed.error?.message).toMatch(/^The tasks had not all ended when the maximum wait of 1200 s passed/);
				const itemTasks = failing.first.items.map((item) => item.json.taskId);
				expect(failed.error?.description).toContain(`Tasks of this run: ${itemTasks[0]} (item 0), ${itemTasks[1]} (item 1).`);

				const continuing = await startCallbackRun({ parameters: generate(), items: rows('a', 'b'), credentials: callbackCredentials(sim), continueOnFail: true });
				const items = (await continuing.timeOut()).items;
				const ids = [...sim.tasks.keys()].slice(2);
				expect(items.map((item) => [item.json.taskId, item.json.error])).toEqual(
					ids.map((id, index) => [id, expect.stringMatching(new RegExp(`^The task is still (queued|running) after the maximum wait of 1200 s \\[item ${index}, task ${id}\\]`))]),
				);
			});
		});

		it('a callback after the wait resumed on time changes nothing (the execution no longer waits)', async () => {
			await withSimulator({ flavour: 'ark', taskMs: 60_000 }, async (sim) => {
				const run = await startCallbackRun({ parameters: generate({ options: { onTimeout: 'output' } }), items: rows('a'), credentials: callbackCredentials(sim) });
				await run.timeOut();
				expect(run.waiting).toBe(false);
				await expect(run.deliver({ id: [...sim.tasks.keys()][0], status: 'succeeded' })).rejects.toThrow('not waiting');
			});
		});
	});

	describe('refused before any request', () => {
		it('a provider that documents no callbacks (the credential says Auto, the host is not Ark), or one said not to call back', async () => {
			for (const callbacks of ['auto', 'no']) {
				await withSimulator({ flavour: 'ark' }, async (sim) => {
					const { error } = await runSeedance({ parameters: generate(), items: rows('a'), credentials: callbackCredentials(sim, callbacks) });
					expect(error?.message).toMatch(/^Wait Mode: "Callback" needs a provider that calls back/);
					expect(error?.description).toMatch(/No request was sent/);
					expect(sim.requests).toHaveLength(0);
				});
			}
		});

		it('a Callback URL of the user\'s own, which would send the callbacks elsewhere', async () => {
			await withSimulator({ flavour: 'ark' }, async (sim) => {
				const { error } = await runSeedance({
					parameters: generate({ additionalFields: { callback_url: 'https://example.com/hook' } }),
					items: rows('a'),
					credentials: callbackCredentials(sim),
				});
				expect(error?.message).toMatch(/^Callback URL: is set, but Wait Mode "Callback" sets it/);
				expect(sim.requests).toHaveLength(0);
			});
		});

		it('the node as an AI Agent\'s tool (the agent cannot be put to wait)', async () => {
			await withSimulator({ flavour: 'ark' }, async (sim) => {
				const { error } = await runSeedance({ parameters: generate(), items: rows('a'), credentials: callbackCredentials(sim), asTool: true });
				expect(error?.message).toMatch(/^Wait Mode: "Callback" is not available to an AI Agent's tool/);
				expect(sim.requests).toHaveLength(0);
			});
		});

		it('items that mix Poll and Callback', async () => {
			await withSimulator({ flavour: 'ark' }, async (sim) => {
				const { error } = await runSeedance({
					parameters: generate({ waitMode: '={{ $json.row === 0 ? "callback" : "poll" }}' }),
					items: rows('a', 'b'),
					credentials: callbackCredentials(sim),
				});
				expect(error?.message).toMatch(/^Wait Mode: must be the same for every item/);
				expect(sim.requests).toHaveLength(0);
			});
		});
	});

	it('Wait for Task waits by callback too, for tasks created in the execution with its resume URL', async () => {
		await withSimulator({ flavour: 'ark', taskMs: 500 }, async (sim) => {
			const created = await runSeedance({
				parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', waitForCompletion: false },
				items: rows('a', 'b'),
				credentials: callbackCredentials(sim),
			});
			const run = await startCallbackRun({
				parameters: { operation: 'wait', taskId: '={{ $json.taskId }}', waitMode: 'callback' },
				items: created.items.map((item) => ({ json: item.json })),
				credentials: callbackCredentials(sim),
			});
			expect(run.waiting).toBe(true);
			await allEnded(sim);
			const ids = [...sim.tasks.keys()];
			await run.deliver(sim.taskObject(ids[0]));
			const { resumed } = await run.deliver(sim.taskObject(ids[1]));
			expect(resumed!.items.map((item) => [item.json.taskId, item.json.status])).toEqual(ids.map((id) => [id, 'succeeded']));
		});
	});
});
