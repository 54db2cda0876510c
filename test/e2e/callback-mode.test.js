'use strict';
/**
 * The Seedance node's Wait Mode "Callback" (issue 10) in a real n8n 2.x (`n8n start`, as
 * `npm start` runs it) with the built package installed as a community node, against the
 * API simulator (Ark flavour: it POSTs the task object to the task's `callback_url` on every
 * status change, as Ark does, once, without retries).
 *
 * Every run is started through a published Webhook trigger (POST, "respond immediately")
 * whose body carries the prompts: Webhook -> Prompts (Code, one item per prompt) -> Seedance
 * (Generate Video, Wait for Completion on, Poll Interval 1 s, Max Wait 300 s) -> Done (NoOp).
 * The execution is watched over REST (every 200 ms).
 *
 *   5 items      Callback mode, tasks ending 300 ms apart, one of them failed ([sim:fail]),
 *                Continue (regular output): waiting within 2 s of the last create; no status
 *                read from the wait start to the last final callback (a 1 s poll would read
 *                ~3 times before the first one); success within 2 s of the last final
 *                callback; 5 items, paired, 4 videos (the simulator's size) and the failed task
 *                as an error item, with the same fields and error message as the same run in
 *                Poll mode.
 *   out of order the same with the items starting 200 ms apart (Settings > Batching) and item
 *                0's create answered 503 once (Retry-After 1 s; the node retries it), so
 *                item 0 gets its task last: still no status read before the last final callback.
 *   restart      5 items, n8n stopped once the execution waits and started again (same
 *                folder, same port) before the tasks end: success with all 5 videos.
 *   forged       a POST to the resume URL claiming `succeeded` for each task while the
 *                simulator still runs them: 2xx, the execution stays waiting, nothing is
 *                downloaded; it resumes with the videos when the real callbacks come.
 *   refused      credential Callbacks "This Host Does Not Call Back", and "Auto" with a
 *                127.0.0.1 base URL: the execution fails naming "Wait Mode", no task created.
 *
 *   npx jest --config test/e2e/jest.config.js callback-mode     (after npm run build)
 */

const harness = require('../../scripts/n8n/harness');
const { cleanUp, startServerSession } = require('./support/session');

const { NODE_TYPE, CREDENTIAL_TYPE } = harness;
const API_KEY = 'sk-e2e-callback-mode-5e1f02b7';
const VIDEO_BYTES = 28672;
const TASKS_PATH = '/api/v3/contents/generations/tasks';
const MODEL = 'doubao-seedance-1-0-pro-250528';
const SEEDANCE = 'Seedance';
const FINISHED = ['success', 'error', 'crashed', 'canceled'];
const FINAL_STATUSES = ['succeeded', 'failed', 'expired', 'cancelled'];
/** ~1 s queued, then 3 s running. */
const SHORT = '[sim:queued_ms=1000] [sim:task_ms=3000]';

/**
 * What n8n may answer a callback: 200 from the node, or a refusal by n8n itself while the
 * execution runs (before the wait is stored, during the resume): 409 on 2.x; n8n 1.x answers
 * some of the early `queued` callbacks 500 instead.
 */
function answersAllowed(callback) {
	return harness.N8N_MAJOR < 2 && callback.taskStatus === 'queued' ? [200, 409, 500] : [200, 409];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function record(label, value) {
	process.stdout.write(`[callback-mode] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
}

// ------------------------------------------------------------ workflows

function webhookWorkflow({ key, name, credential, waitMode, onError, webhookId, requestOptions }) {
	return {
		name,
		nodes: [
			{
				id: `cb-${key}-webhook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { httpMethod: 'POST', path: `seedance-e2e-callback-${key}`, responseMode: 'onReceived', options: {} },
			},
			{
				id: `cb-${key}-prompts`,
				name: 'Prompts',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: 'return $input.first().json.body.prompts.map((prompt, n) => ({ json: { n, prompt } }));' },
			},
			{
				id: `cb-${key}-seedance`,
				name: SEEDANCE,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'video',
					operation: 'generate',
					model: MODEL,
					prompt: '={{ $json.prompt }}',
					additionalFields: { duration: 5 },
					waitForCompletion: true,
					waitMode,
					downloadVideo: true,
					simplify: true,
					options: { pollInterval: 1, maxWait: 300 },
					...(requestOptions ? { requestOptions } : {}),
				},
				credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
				...(onError ? { onError } : {}),
			},
			{ id: `cb-${key}-done`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [660, 0], parameters: {} },
		],
		connections: {
			Webhook: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: SEEDANCE, type: 'main', index: 0 }]] },
			[SEEDANCE]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', saveDataErrorExecution: 'all', saveDataSuccessExecution: 'all' },
	};
}

// ------------------------------------------------------------ the tests

describe('Seedance Wait Mode "Callback" in a real n8n', () => {
	let simulator;
	let userFolder;
	let n8n;
	let server;
	let owner;
	let rest;
	let firstBootMs;
	const workflows = {};

	beforeAll(async () => {
		harness.ensureN8nInstalled({ install: false });
		simulator = await harness.startSimulator({ apiKey: API_KEY, args: ['--flavour', 'ark', '--video-bytes', String(VIDEO_BYTES)] });
		userFolder = harness.createTempDir('n8n-seedance-callback-mode-');
		n8n = harness.prepareUserFolder({ dir: userFolder, packageDir: process.env.SEEDANCE_PACKAGE_DIR || undefined });
		const [callsBack, noCallbacks, autoCallbacks] = await n8n.importCredentials([
			{ name: 'Seedance sim (calls back)', apiKey: API_KEY, data: { apiKey: API_KEY, baseUrl: simulator.baseUrl, callbacks: 'yes' } },
			{ name: 'Seedance sim (no callbacks)', apiKey: API_KEY, data: { apiKey: API_KEY, baseUrl: simulator.baseUrl, callbacks: 'no' } },
			{ name: 'Seedance sim (auto)', apiKey: API_KEY, data: { apiKey: API_KEY, baseUrl: simulator.baseUrl, callbacks: 'auto' } },
		]);
		const definitions = [
			{ key: 'callback', credential: callsBack, waitMode: 'callback', onError: 'continueRegularOutput', webhookId: '0b7e3d52-6f1a-4c9e-8d20-3a9c5e1f7b01' },
			{ key: 'poll', credential: callsBack, waitMode: 'poll', onError: 'continueRegularOutput', webhookId: '0b7e3d52-6f1a-4c9e-8d20-3a9c5e1f7b02' },
			{ key: 'refused-no', credential: noCallbacks, waitMode: 'callback', webhookId: '0b7e3d52-6f1a-4c9e-8d20-3a9c5e1f7b03' },
			{ key: 'refused-auto', credential: autoCallbacks, waitMode: 'callback', webhookId: '0b7e3d52-6f1a-4c9e-8d20-3a9c5e1f7b04' },
			// Items start 200 ms apart (Settings > Batching), so the order of the creates is known.
			{
				key: 'batched',
				credential: callsBack,
				waitMode: 'callback',
				onError: 'continueRegularOutput',
				webhookId: '0b7e3d52-6f1a-4c9e-8d20-3a9c5e1f7b05',
				requestOptions: { batching: { batch: { batchSize: 1, batchInterval: 200 } } },
			},
		];
		const ids = await n8n.importWorkflows(
			definitions.map((definition) => webhookWorkflow({ ...definition, name: `e2e callback mode: ${definition.key}` })),
		);
		definitions.forEach((definition, index) => {
			workflows[definition.key] = { id: ids[index], path: `seedance-e2e-callback-${definition.key}` };
		});
		await n8n.publishWorkflows(ids);

		const bootStartedAt = Date.now();
		({ server, owner, rest } = await startServerSession(n8n));
		firstBootMs = Date.now() - bootStartedAt;
		record('first n8n boot (ms)', String(firstBootMs));
	});

	afterAll(async () => await cleanUp({ server, simulator, folder: userFolder }));

	// ------------------------------------------------------------ helpers

	/** POSTs the prompts to a workflow's webhook; resolves the new execution's id once it is listed. */
	async function startRun(workflowKey, prompts) {
		const { id: workflowId, path } = workflows[workflowKey];
		const before = new Set((await harness.listExecutions(rest, workflowId)).map((execution) => execution.id));
		const answer = await fetch(`${server.url}/webhook/${path}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ prompts }),
		});
		await answer.arrayBuffer();
		expect(answer.status).toBe(200);
		const deadline = Date.now() + 20000;
		while (Date.now() < deadline) {
			const fresh = (await harness.listExecutions(rest, workflowId)).filter((execution) => !before.has(execution.id));
			if (fresh.length > 0) {
				expect(fresh).toHaveLength(1);
				return fresh[0].id;
			}
			await sleep(100);
		}
		throw new Error(`No execution of workflow ${workflowKey} appeared within 20 s`);
	}

	/** Polls the execution every 200 ms until its status is one of `statuses`; resolves {status, seenAt, history}. */
	async function watchUntil(executionId, statuses, { timeoutMs = 60000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		const history = [];
		while (Date.now() < deadline) {
			const execution = await rest.get(`/rest/executions/${executionId}`);
			const seenAt = Date.now();
			if (history.at(-1)?.status !== execution.status) history.push({ status: execution.status, seenAt });
			if (statuses.includes(execution.status)) return { execution, seenAt, history };
			if (FINISHED.includes(execution.status)) {
				const data = harness.parseExecutionData(execution.data);
				record(`execution ${executionId} ended "${execution.status}" while waiting for ${statuses.join('/')}`, {
					error: errorSummary(data?.resultData?.error),
					history,
				});
				throw new Error(`Execution ${executionId} ended "${execution.status}", expected ${statuses.join('/')}`);
			}
			await sleep(200);
		}
		throw new Error(`Execution ${executionId} is not ${statuses.join('/')} after ${timeoutMs} ms (history ${JSON.stringify(history)})`);
	}

	/** The accepted creates whose body contains `label`, in arrival order. */
	async function createsFor(label) {
		return (await simulator.requests()).filter(
			(request) => request.method === 'POST' && request.path === TASKS_PATH && request.status === 200 && JSON.stringify(request.body).includes(label),
		);
	}

	/** Status reads (GET of one task, or the list filtered by task IDs) concerning any of `taskIds`. */
	function statusReadsOf(requests, taskIds) {
		return requests.filter(
			(request) =>
				request.method === 'GET' &&
				(taskIds.some((id) => request.path === `${TASKS_PATH}/${id}`) ||
					(request.path === TASKS_PATH && taskIds.some((id) => JSON.stringify(request.query ?? {}).includes(id)))),
		);
	}

	async function callbacksOf(taskIds) {
		return (await simulator.callbacks()).filter((callback) => taskIds.includes(callback.taskId));
	}

	/** Waits until every task has had its final callback attempted (with an answer or an error). */
	async function finalCallbacksOf(taskIds, { timeoutMs = 60000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const callbacks = await callbacksOf(taskIds);
			const finals = callbacks.filter((callback) => FINAL_STATUSES.includes(callback.taskStatus));
			if (taskIds.every((id) => finals.some((callback) => callback.taskId === id && (callback.httpStatus !== null || callback.error)))) {
				return { callbacks, finals };
			}
			await sleep(100);
		}
		throw new Error(`Not every task of ${taskIds.join(', ')} had its final callback within ${timeoutMs} ms`);
	}

	/** Creates in prompt order: create n is the one whose body carries "clip n:". */
	function createsInPromptOrder(creates, label, count) {
		return Array.from({ length: count }, (_, n) => {
			const found = creates.filter((create) => JSON.stringify(create.body).includes(`${label} clip ${n}:`));
			expect(found).toHaveLength(1);
			return found[0];
		});
	}

	function describeOutput(items) {
		return items.map((item) => ({
			json: item.json,
			binary: Object.fromEntries(Object.entries(item.binary ?? {}).map(([key, value]) => [key, { fileName: value.fileName, mimeType: value.mimeType, fileSize: value.fileSize }])),
			pairedItem: item.pairedItem,
		}));
	}

	async function executionWithData(executionId) {
		return await harness.waitForExecution(rest, executionId, { timeoutMs: 5000, intervalMs: 200 });
	}

	// ------------------------------------------------------------ 1. five items

	test('5 items: waits without polling, resumes on the final callbacks, and outputs what Poll mode outputs', async () => {
		const label = 'five-items';
		// The tasks end 300 ms apart (about 4.0 to 5.2 s after their creates), so a status read made
		// before callbacks have claimed every task final would land between the final callbacks.
		const prompts = Array.from(
			{ length: 5 },
			(_, n) => `${label} clip ${n}: a kite over dunes [sim:queued_ms=1000] [sim:task_ms=${3000 + 300 * n}]${n === 2 ? ' [sim:fail]' : ''}`,
		);

		const executionId = await startRun('callback', prompts);
		const waiting = await watchUntil(executionId, ['waiting'], { timeoutMs: 30000 });
		const creates = createsInPromptOrder(await createsFor(label), label, 5);
		const taskIds = creates.map((create) => create.taskId);
		const lastCreateAt = Math.max(...creates.map((create) => create.time));
		const waitingAfterLastCreateMs = waiting.seenAt - lastCreateAt;
		record('5 items: tasks', taskIds);
		record('5 items: first seen waiting, ms after the last create (REST polled every 200 ms)', String(waitingAfterLastCreateMs));
		expect(waitingAfterLastCreateMs).toBeLessThanOrEqual(2000);
		// While it waits, the final callbacks have not come yet (the test would measure nothing otherwise).
		const earlyFinals = (await callbacksOf(taskIds)).filter((callback) => FINAL_STATUSES.includes(callback.taskStatus));
		expect(earlyFinals).toEqual([]);

		// Every task's callback_url is this execution's resume URL (n8n may add the node's path), with its signature.
		for (const create of creates) {
			expect(create.body.callback_url.startsWith(`${server.url}/webhook-waiting/${executionId}`)).toBe(true);
			// n8n 2.x signs the resume URL with the execution's resume token; 1.x's carries none.
			const rest = create.body.callback_url.slice(`${server.url}/webhook-waiting/${executionId}`.length);
			if (harness.N8N_MAJOR >= 2) expect(rest).toMatch(/^\?signature=[0-9a-f]{64}$/);
			else expect(rest).toBe('');
		}
		record('5 items: callback_url', creates[0].body.callback_url);

		const { callbacks, finals } = await finalCallbacksOf(taskIds, { timeoutMs: 30000 });
		const firstFinalAt = Math.min(...finals.map((callback) => callback.time));
		const lastFinalAt = Math.max(...finals.map((callback) => callback.time));
		const done = await watchUntil(executionId, FINISHED, { timeoutMs: 30000 });
		const execution = await executionWithData(executionId);
		const stoppedAt = Date.parse(execution.stoppedAt);
		const finishedAfterLastFinalMs = stoppedAt - lastFinalAt;

		const requests = await simulator.requests();
		const reads = statusReadsOf(requests, taskIds);
		const readsBeforeWaiting = reads.filter((read) => read.time <= waiting.seenAt);
		const readsBeforeFirstFinal = reads.filter((read) => read.time > waiting.seenAt && read.time < firstFinalAt);
		const readsBetweenFinals = reads.filter((read) => read.time >= firstFinalAt && read.time <= lastFinalAt);
		const readsAfterLastFinal = reads.filter((read) => read.time > lastFinalAt);
		const describeRead = (read, from) => `+${read.time - from} ms ${read.method} ${read.path}${read.query && Object.keys(read.query).length ? ` ${JSON.stringify(read.query)}` : ''}`;
		record('5 items: callbacks (ms after the last create)', callbacks.map((callback) => `+${callback.time - lastCreateAt} ${callback.taskId} ${callback.taskStatus} -> ${callback.httpStatus ?? callback.error}`));
		record('5 items: status reads (ms after the last create)', reads.map((read) => describeRead(read, lastCreateAt)));
		const firstReadIds = [readsBeforeWaiting[0]?.query?.['filter.task_ids'] ?? []].flat();
		record('5 items: measured', {
			waitingAfterLastCreateMs,
			itemsInCreateOrder: [...creates].sort((a, b) => a.time - b.time).map((create) => taskIds.indexOf(create.taskId)),
			itemsInTheFirstReadsOrder: firstReadIds.map((id) => taskIds.indexOf(id)),
			firstFinalCallbackAfterLastCreateMs: firstFinalAt - lastCreateAt,
			lastFinalCallbackAfterLastCreateMs: lastFinalAt - lastCreateAt,
			statusReadsBeforeWaitingSeen: readsBeforeWaiting.length,
			statusReadsFromWaitStartToFirstFinalCallback: readsBeforeFirstFinal.length,
			statusReadsBetweenFirstAndLastFinalCallback: readsBetweenFinals.length,
			statusReadsAfterLastFinalCallback: readsAfterLastFinal.length,
			finishedAfterLastFinalCallbackMs: finishedAfterLastFinalMs,
			status: done.execution.status,
			statusHistory: done.history.map((entry) => `${entry.status} at +${entry.seenAt - lastCreateAt} ms`),
		});
		// No status request while waiting until callbacks have claimed every task final: none from
		// the wait start to the first final callback (a node polling every 1 s would read ~3 times
		// there), and none up to the last final callback (1.2 s later).
		expect(readsBeforeFirstFinal).toEqual([]);
		expect(readsBetweenFinals).toEqual([]);
		for (const callback of callbacks) expect(answersAllowed(callback)).toContain(callback.httpStatus);
		expect(finals.some((callback) => callback.httpStatus === 200)).toBe(true);

		expect(execution.status).toBe('success');
		expect(finishedAfterLastFinalMs).toBeLessThanOrEqual(2000);

		// The output: one item per input item, paired, 4 videos, the failed task as an error item.
		const items = harness.nodeOutputItems(execution, SEEDANCE);
		record('5 items: Seedance output', describeOutput(items));
		expect(items).toHaveLength(5);
		expect(items.map(pairedIndex)).toEqual([0, 1, 2, 3, 4]);
		items.forEach((item, n) => {
			if (n === 2) {
				expect(item.json.error).toMatch(/^The task ended failed/);
				expect(item.json.error).toContain(taskIds[2]);
				expect(item.json.taskId).toBe(taskIds[2]);
				expect(item.json.taskStatus).toBe('failed');
				expect(item.binary).toBeUndefined();
				return;
			}
			expect(item.json.error).toBeUndefined();
			expect(item.json).toEqual(expect.objectContaining({ taskId: taskIds[n], status: 'succeeded', videoUrl: expect.stringContaining(`/videos/${taskIds[n]}.mp4`) }));
			expect(item.binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4', fileName: `${taskIds[n]}.mp4` }));
			expect(n8n.readBinaryData(item.binary.data).length).toBe(VIDEO_BYTES);
		});
		const downstream = harness.nodeOutputItems(execution, 'Done');
		expect(downstream).toHaveLength(5);
		expect(downstream.map((item) => item.json.taskId)).toEqual(taskIds);
		// One download per succeeded task.
		const downloads = (await simulator.mediaRequests()).filter((request) => request.status === 200 && taskIds.includes(request.taskId));
		expect(downloads.map((request) => request.taskId).sort()).toEqual(taskIds.filter((_, n) => n !== 2).sort());

		// The same prompts in Poll mode: the same fields, the same error message (task IDs aside).
		const pollLabel = 'five-poll';
		const pollPrompts = prompts.map((prompt) => prompt.replace(label, pollLabel));
		const pollExecutionId = await startRun('poll', pollPrompts);
		await watchUntil(pollExecutionId, FINISHED, { timeoutMs: 60000 });
		const pollExecution = await executionWithData(pollExecutionId);
		expect(pollExecution.status).toBe('success');
		const pollItems = harness.nodeOutputItems(pollExecution, SEEDANCE);
		const pollTaskIds = createsInPromptOrder(await createsFor(pollLabel), pollLabel, 5).map((create) => create.taskId);
		record('5 items: the same run in Poll mode, Seedance output', describeOutput(pollItems));
		expect(pollItems).toHaveLength(5);
		const shape = (item, ids) => ({
			keys: Object.keys(item.json).sort(),
			status: item.json.status,
			taskStatus: item.json.taskStatus,
			error: typeof item.json.error === 'string' ? ids.reduce((text, id, n) => text.split(id).join(`<task ${n}>`), item.json.error) : item.json.error,
			binary: Object.keys(item.binary ?? {}).sort(),
			mimeType: item.binary?.data?.mimeType,
			paired: pairedIndex(item),
		});
		expect(items.map((item) => shape(item, taskIds))).toEqual(pollItems.map((item) => shape(item, pollTaskIds)));
	});

	test('5 items whose creates finish out of order (item 0 answered 503 once): still no status read before the last final callback', async () => {
		const label = 'out-of-order';
		const prompts = Array.from({ length: 5 }, (_, n) => `${label} clip ${n}: a paper boat [sim:queued_ms=1000] [sim:task_ms=${3000 + 300 * n}]`);
		// Items start 200 ms apart; item 0's create, the first, is refused with 503 and
		// Retry-After 1 s (no task made; the node retries it): its task is created last. (Not a
		// 429: that holds every item of the run for the Retry-After, and then all go at once.)
		await simulator.admin('faults', {
			method: 'POST',
			body: { match: { method: 'POST', path: TASKS_PATH }, times: 1, kind: 'status', status: 503, headers: { 'retry-after': '1' } },
		});

		const executionId = await startRun('batched', prompts);
		const waiting = await watchUntil(executionId, ['waiting'], { timeoutMs: 30000 });
		const creates = createsInPromptOrder(await createsFor(label), label, 5);
		const taskIds = creates.map((create) => create.taskId);
		const refused = (await simulator.requests()).filter((request) => request.method === 'POST' && request.path === TASKS_PATH && request.status === 503);
		const lastCreateAt = Math.max(...creates.map((create) => create.time));
		const createOrder = [...creates].sort((a, b) => a.time - b.time).map((create) => taskIds.indexOf(create.taskId));
		const { callbacks, finals } = await finalCallbacksOf(taskIds, { timeoutMs: 30000 });
		const firstFinalAt = Math.min(...finals.map((callback) => callback.time));
		const lastFinalAt = Math.max(...finals.map((callback) => callback.time));
		await watchUntil(executionId, FINISHED, { timeoutMs: 30000 });
		const execution = await executionWithData(executionId);
		const reads = statusReadsOf(await simulator.requests(), taskIds);
		const early = reads.filter((read) => read.time > waiting.seenAt && read.time <= lastFinalAt);
		record('out of order: measured', {
			refusedCreates: refused.length,
			itemsInCreateOrder: createOrder,
			waitingAfterLastCreateMs: waiting.seenAt - lastCreateAt,
			finalCallbacks: finals.map((callback) => `+${callback.time - firstFinalAt} ms item ${taskIds.indexOf(callback.taskId)} ${callback.taskStatus} -> ${callback.httpStatus ?? callback.error}`),
			statusReadsFromWaitStartToLastFinalCallback: early.map(
				(read) => `+${read.time - firstFinalAt} ms (after the first final callback) ${read.method} ${read.path}${read.query && Object.keys(read.query).length ? ' (list)' : ''}`,
			),
			statusReadsAfterLastFinalCallback: reads.filter((read) => read.time > lastFinalAt).length,
			finishedAfterLastFinalCallbackMs: Date.parse(execution.stoppedAt) - lastFinalAt,
			status: execution.status,
		});
		expect(refused).toHaveLength(1);
		expect(createOrder[0]).not.toBe(0); // the case under test: item 0 did not get its task first
		for (const callback of callbacks) expect(answersAllowed(callback)).toContain(callback.httpStatus);
		expect(early).toEqual([]);
		expect(execution.status).toBe('success');
		expect(Date.parse(execution.stoppedAt) - lastFinalAt).toBeLessThanOrEqual(2000);
		const items = harness.nodeOutputItems(execution, SEEDANCE);
		expect(items.map(pairedIndex)).toEqual([0, 1, 2, 3, 4]);
		items.forEach((item, n) => {
			expect(item.json).toEqual(expect.objectContaining({ taskId: taskIds[n], status: 'succeeded' }));
			expect(n8n.readBinaryData(item.binary.data).length).toBe(VIDEO_BYTES);
		});
	});

	// ------------------------------------------------------------ 2. restart

	test('n8n restarted while the execution waits: it still resumes to success with all 5 videos', async () => {
		const label = 'restart';
		// The tasks must end after n8n is back (callbacks sent while it is down are lost):
		// wait start + stop (<= 10 s) + boot (the first boot took firstBootMs) + margin.
		const taskMs = Math.max(15000, firstBootMs * 2 + 8000);
		const prompts = Array.from({ length: 5 }, (_, n) => `${label} clip ${n}: rain on a window [sim:queued_ms=500] [sim:task_ms=${taskMs}]`);
		record('restart: task_ms', String(taskMs));

		const executionId = await startRun('callback', prompts);
		const waiting = await watchUntil(executionId, ['waiting'], { timeoutMs: 30000 });
		const creates = createsInPromptOrder(await createsFor(label), label, 5);
		const taskIds = creates.map((create) => create.taskId);
		const lastCreateAt = Math.max(...creates.map((create) => create.time));
		record('restart: first seen waiting, ms after the last create', String(waiting.seenAt - lastCreateAt));

		const port = server.port;
		const stopStartedAt = Date.now();
		await server.stop();
		const stoppedAt = Date.now();
		const restartedAt = Date.now();
		server = await n8n.startN8n({ port });
		const readyAt = Date.now();
		rest = await harness.loginRest(server.url, owner);
		record('restart: timing (ms after the last create)', {
			stopCalled: stopStartedAt - lastCreateAt,
			stopped: stoppedAt - lastCreateAt,
			bootMs: readyAt - restartedAt,
			ready: readyAt - lastCreateAt,
		});

		// Still waiting after the restart.
		const afterRestart = await rest.get(`/rest/executions/${executionId}`);
		expect(afterRestart.status).toBe('waiting');

		const { callbacks, finals } = await finalCallbacksOf(taskIds, { timeoutMs: taskMs + 30000 });
		record('restart: callbacks (ms after the last create)', callbacks.map((callback) => `+${callback.time - lastCreateAt} ${callback.taskId} ${callback.taskStatus} -> ${callback.httpStatus ?? callback.error}`));
		const finalsWhileDown = finals.filter((callback) => callback.time < readyAt);
		if (finalsWhileDown.length > 0) {
			throw new Error(`Test timing: ${finalsWhileDown.length} final callback(s) came before n8n was back (task_ms ${taskMs} too short for this machine)`);
		}
		const lastFinalAt = Math.max(...finals.map((callback) => callback.time));
		await watchUntil(executionId, FINISHED, { timeoutMs: 30000 });
		const execution = await executionWithData(executionId);
		const reads = statusReadsOf(await simulator.requests(), taskIds);
		const firstFinalAt = Math.min(...finals.map((callback) => callback.time));
		const readsWhileWaiting = reads.filter((read) => read.time > waiting.seenAt && read.time < firstFinalAt);
		record('restart: measured', {
			status: execution.status,
			finishedAfterLastFinalCallbackMs: Date.parse(execution.stoppedAt) - lastFinalAt,
			statusReadsFromWaitStartToFirstFinalCallback: readsWhileWaiting.length,
			statusReadsAfterFirstFinalCallback: reads
				.filter((read) => read.time >= firstFinalAt)
				.map((read) => `+${read.time - firstFinalAt} ms ${read.method} ${read.path}${read.query && Object.keys(read.query).length ? ' (list)' : ''}`),
			error: errorSummary(execution.data?.resultData?.error),
		});
		expect(readsWhileWaiting).toEqual([]);
		expect(execution.status).toBe('success');

		const items = harness.nodeOutputItems(execution, SEEDANCE);
		record('restart: Seedance output', describeOutput(items));
		expect(items).toHaveLength(5);
		expect(items.map(pairedIndex)).toEqual([0, 1, 2, 3, 4]);
		items.forEach((item, n) => {
			expect(item.json).toEqual(expect.objectContaining({ taskId: taskIds[n], status: 'succeeded' }));
			expect(n8n.readBinaryData(item.binary.data).length).toBe(VIDEO_BYTES);
		});
		expect(harness.nodeOutputItems(execution, 'Done')).toHaveLength(5);
	});

	// ------------------------------------------------------------ 3. forged callback

	test('a forged callback claiming "succeeded" while the tasks run: 2xx, still waiting, then resumes on the real callbacks', async () => {
		const label = 'forged';
		const prompts = Array.from({ length: 2 }, (_, n) => `${label} clip ${n}: fog in a forest [sim:queued_ms=0] [sim:task_ms=9000]`);

		const executionId = await startRun('callback', prompts);
		await watchUntil(executionId, ['waiting'], { timeoutMs: 30000 });
		const creates = createsInPromptOrder(await createsFor(label), label, 2);
		const taskIds = creates.map((create) => create.taskId);
		const resumeUrl = creates[0].body.callback_url;
		expect(creates[1].body.callback_url).toBe(resumeUrl);
		const states = (await simulator.tasks()).filter((task) => taskIds.includes(task.id)).map((task) => task.status);
		expect(states).toEqual(['running', 'running']);

		const forgedAt = Date.now();
		const answers = [];
		for (const id of taskIds) {
			const answer = await fetch(resumeUrl, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ id, status: 'succeeded', content: { video_url: `${simulator.mediaBaseUrl}/videos/${id}.mp4` } }),
			});
			answers.push({ id, status: answer.status, body: (await answer.text()).slice(0, 200) });
		}
		record('forged: answers', answers);
		for (const answer of answers) {
			expect(answer.status).toBeGreaterThanOrEqual(200);
			expect(answer.status).toBeLessThan(300);
		}

		await sleep(3000);
		const stillWaiting = await rest.get(`/rest/executions/${executionId}`);
		const readsAfterForge = statusReadsOf(await simulator.requests(), taskIds).filter((read) => read.time >= forgedAt);
		const downloadsAfterForge = (await simulator.mediaRequests()).filter((request) => taskIds.includes(request.taskId));
		record('forged: 3 s later', {
			status: stillWaiting.status,
			statusReadsAfterForging: readsAfterForge.map((read) => `+${read.time - forgedAt} ms ${read.method} ${read.path}`),
			downloads: downloadsAfterForge.length,
		});
		expect(stillWaiting.status).toBe('waiting');
		expect(downloadsAfterForge).toEqual([]);
		// The tasks are still running at the provider: the claim was not believed.
		expect((await simulator.tasks()).filter((task) => taskIds.includes(task.id)).map((task) => task.status)).toEqual(['running', 'running']);

		const { finals } = await finalCallbacksOf(taskIds, { timeoutMs: 30000 });
		await watchUntil(executionId, FINISHED, { timeoutMs: 30000 });
		const execution = await executionWithData(executionId);
		record('forged: resumed', {
			status: execution.status,
			finishedAfterLastFinalCallbackMs: Date.parse(execution.stoppedAt) - Math.max(...finals.map((c) => c.time)),
		});
		expect(execution.status).toBe('success');
		const items = harness.nodeOutputItems(execution, SEEDANCE);
		expect(items).toHaveLength(2);
		items.forEach((item, n) => {
			expect(item.json).toEqual(expect.objectContaining({ taskId: taskIds[n], status: 'succeeded' }));
			expect(n8n.readBinaryData(item.binary.data).length).toBe(VIDEO_BYTES);
		});
	});

	// ------------------------------------------------------------ 4. refused

	test.each([
		['refused-no', 'Callbacks "This Host Does Not Call Back"'],
		['refused-auto', 'Callbacks "Auto" with a 127.0.0.1 base URL'],
	])('%s: Callback mode with %s fails naming "Wait Mode" and creates no task', async (workflowKey) => {
		const label = `${workflowKey}-run`;
		const requestsBefore = (await simulator.requests()).length;
		const executionId = await startRun(workflowKey, [`${label} clip 0: a quiet street ${SHORT}`]);
		await watchUntil(executionId, FINISHED, { timeoutMs: 30000 });
		const execution = await executionWithData(executionId);
		const error = execution.data?.resultData?.error;
		record(`${workflowKey}: execution`, { status: execution.status, error: errorSummary(error) });
		expect(execution.status).toBe('error');
		expect(error?.node?.name).toBe(SEEDANCE);
		expect(`${error?.message ?? ''}\n${error?.description ?? ''}`).toContain('Wait Mode');
		expect(await createsFor(label)).toEqual([]);
		const apiRequests = (await simulator.requests()).slice(requestsBefore);
		record(`${workflowKey}: API requests during the run`, apiRequests.map((request) => `${request.method} ${request.path}`));
		expect(apiRequests.filter((request) => request.method === 'POST')).toEqual([]);
	});
});

function errorSummary(error) {
	return error && { name: error.name, message: error.message, description: error.description, node: error.node?.name };
}

/** The input item an output item is paired to. */
function pairedIndex(item) {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'number' ? paired : paired?.item;
}
