'use strict';
/**
 * Run control in a real n8n 2.40 (one `n8n start` for the file) with the built
 * package installed as a community node, against the API simulator (Ark
 * flavour, one process for the file):
 *
 *   stop          a published Webhook workflow (respond immediately) makes 5
 *                 items and generates 5 videos that run ~60 s; the execution is
 *                 stopped over REST (POST /rest/executions/:id/stop) once the 5
 *                 tasks exist and their status has been read. The execution
 *                 ends within 2 s, the node sends nothing more, and what n8n
 *                 keeps of the stopped run is recorded (and must name the tasks).
 *   error output  3 items, the middle one ends `failed` at the simulator
 *                 ([sim:fail]); onError continueErrorOutput: output 1 gets that
 *                 item ({error, details: {taskId, ...}}, paired to its input), output 0 the two
 *                 videos as binary data.
 *   stop workflow the same 3 items, onError stopWorkflow: the run fails and its
 *                 error names all 3 task IDs the run created.
 *   continue      the same 3 items, onError continueRegularOutput: the failed
 *                 item comes out on the main output with {error, taskId}.
 *
 * The node's parameters are those of the rewritten node: resource 'video',
 * operation 'generate', options.pollInterval (s), options.maxWait (s), ...
 *
 *   npm run build && npx jest --config test/e2e/jest.config.js run-control
 */

const harness = require('../../scripts/n8n/harness');
const { cleanUp, startServerSession } = require('./support/session');
const { NODE_TYPE, CREDENTIAL_TYPE } = harness;

const API_KEY = 'sk-e2e-run-control-8d2b61f0';
const VIDEO_BYTES = 24576;
const TASKS_PATH = '/api/v3/contents/generations/tasks';
const MODEL = 'doubao-seedance-1-0-pro-250528';
const SEEDANCE = 'Seedance';
const FAST = '[sim:queued_ms=0] [sim:task_ms=300]';
const SLOW = '[sim:queued_ms=0] [sim:task_ms=60000]';
const WEBHOOK_PATH = 'seedance-e2e-run-control-stop';
const FINISHED = ['success', 'error', 'crashed', 'canceled'];

/** Stdout lines the README's "stopping a run" section can be written from. */
function record(label, value) {
	process.stdout.write(`[run-control] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------ workflows

function seedanceNode(credential, { parameters = {}, options = {}, onError } = {}) {
	return {
		id: 'rc-seedance',
		name: SEEDANCE,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [480, 0],
		parameters: {
			resource: 'video',
			operation: 'generate',
			model: MODEL,
			prompt: '={{ $json.prompt }}',
			additionalFields: { duration: 5 },
			waitForCompletion: true,
			downloadVideo: true,
			simplify: true,
			options: { pollInterval: 1, maxWait: 300, ...options },
			...parameters,
		},
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
		...(onError ? { onError } : {}),
	};
}

/** A Code node that outputs one item per prompt ({ n, prompt }). */
function promptsNode(prompts) {
	return {
		id: 'rc-prompts',
		name: 'Prompts',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [240, 0],
		parameters: {
			jsCode: `return ${JSON.stringify(prompts)}.map((prompt, n) => ({ json: { n, prompt } }));`,
		},
	};
}

function noOp(name, position) {
	return { id: `rc-${name.toLowerCase()}`, name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position, parameters: {} };
}

/** Manual Trigger -> Prompts -> Seedance -> Succeeded (output 0) [/ Failed (output 1)]. */
function promptsWorkflow({ name, credential, prompts, onError }) {
	const withErrorOutput = onError === 'continueErrorOutput';
	return {
		name,
		nodes: [
			{ id: 'rc-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			promptsNode(prompts),
			seedanceNode(credential, { onError }),
			noOp('Succeeded', [720, -100]),
			...(withErrorOutput ? [noOp('Failed', [720, 100])] : []),
		],
		connections: {
			Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: SEEDANCE, type: 'main', index: 0 }]] },
			[SEEDANCE]: {
				main: [
					[{ node: 'Succeeded', type: 'main', index: 0 }],
					...(withErrorOutput ? [[{ node: 'Failed', type: 'main', index: 0 }]] : []),
				],
			},
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Webhook (GET, responds at once) -> Prompts -> Seedance: started over HTTP, runs in `n8n start`. */
function webhookWorkflow({ name, credential, prompts }) {
	return {
		name,
		nodes: [
			{
				id: 'rc-webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5d0c2f7e-8a51-4c1e-9a51-2b7c1f0e6a10',
				parameters: { httpMethod: 'GET', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
			},
			promptsNode(prompts),
			seedanceNode(credential),
		],
		connections: {
			Webhook: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: SEEDANCE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', saveDataErrorExecution: 'all', saveDataSuccessExecution: 'all' },
	};
}

/** The three prompts of the error-handling tests; the middle one ends `failed`. */
function threePrompts(label) {
	return [
		`${label} clip 0: a lighthouse at dusk ${FAST}`,
		`${label} clip 1: a storm over the sea ${FAST} [sim:fail]`,
		`${label} clip 2: a harbour at dawn ${FAST}`,
	];
}

// ------------------------------------------------------------ the tests

describe('run control of the Seedance node in a real n8n', () => {
	let simulator;
	let userFolder;
	let n8n;
	let server;
	let rest;
	const workflowIds = {};

	beforeAll(async () => {
		harness.ensureN8nInstalled({ install: false });
		simulator = await harness.startSimulator({ apiKey: API_KEY, args: ['--flavour', 'ark', '--video-bytes', String(VIDEO_BYTES)] });
		userFolder = harness.createTempDir('n8n-seedance-run-control-');
		n8n = harness.prepareUserFolder({ dir: userFolder, packageDir: process.env.SEEDANCE_PACKAGE_DIR || undefined });
		const credential = await n8n.importCredential({ name: 'Seedance run control', apiKey: API_KEY, baseUrl: simulator.baseUrl });

		const stopPrompts = Array.from({ length: 5 }, (_, n) => `stop-test clip ${n}: a slow pan over mountains ${SLOW}`);
		const [stop, errorOutput, stopWorkflow, continueRegular] = await n8n.importWorkflows([
			webhookWorkflow({ name: 'e2e run control: stop', credential, prompts: stopPrompts }),
			promptsWorkflow({ name: 'e2e run control: error output', credential, prompts: threePrompts('error-output'), onError: 'continueErrorOutput' }),
			promptsWorkflow({ name: 'e2e run control: stop workflow', credential, prompts: threePrompts('stop-workflow'), onError: 'stopWorkflow' }),
			promptsWorkflow({ name: 'e2e run control: continue', credential, prompts: threePrompts('continue-regular'), onError: 'continueRegularOutput' }),
		]);
		Object.assign(workflowIds, { stop, errorOutput, stopWorkflow, continueRegular });
		await n8n.publishWorkflow(stop);

		({ server, rest } = await startServerSession(n8n));
	});

	afterAll(async () => await cleanUp({ server, simulator, folder: userFolder }));

	/** The creates the simulator accepted for prompts containing `label`, in arrival order. */
	async function createsFor(label) {
		return (await simulator.requests()).filter(
			(request) => request.method === 'POST' && request.path === TASKS_PATH && request.status === 200 && JSON.stringify(request.body).includes(label),
		);
	}

	/** Status reads (one task, or the list filtered by task IDs) that concern any of `taskIds`. */
	function statusReadsOf(requests, taskIds) {
		return requests.filter(
			(request) =>
				request.method === 'GET' &&
				(taskIds.some((id) => request.path === `${TASKS_PATH}/${id}`) ||
					(request.path === TASKS_PATH && taskIds.some((id) => JSON.stringify(request.query ?? {}).includes(id)))),
		);
	}

	async function simulatorTask(id) {
		return (await simulator.tasks()).find((task) => task.id === id);
	}

	describe('stopping a running execution (POST /rest/executions/:id/stop)', () => {
		test('ends the execution within 2 s, stops all API traffic, and keeps the task IDs', async () => {
			const label = 'stop-test';
			const started = await fetch(`${server.url}/webhook/${WEBHOOK_PATH}`);
			expect(started.status).toBe(200);
			await started.arrayBuffer();

			// Wait until the node has created the 5 tasks and is polling their status: reads at
			// least 1 s apart, so a node that kept polling would be heard in the quiet window below.
			let creates = [];
			let reads = [];
			const deadline = Date.now() + 60000;
			while (Date.now() < deadline) {
				creates = await createsFor(label);
				if (creates.length === 5) {
					reads = statusReadsOf(await simulator.requests(), creates.map((create) => create.taskId));
					if (reads.length > 0 && reads[reads.length - 1].time - reads[0].time >= 900) break;
				}
				await sleep(200);
			}
			expect(creates).toHaveLength(5);
			expect(reads.length).toBeGreaterThan(0);
			expect(reads[reads.length - 1].time - reads[0].time).toBeGreaterThanOrEqual(900);
			record('stop: status reads before the stop', reads.map((read) => `${read.method} ${read.path} ${JSON.stringify(read.query ?? {})}`));
			const taskIds = creates.map((create) => create.taskId);
			record('stop: tasks created', taskIds);

			const running = (await harness.listExecutions(rest, workflowIds.stop)).filter((execution) => !FINISHED.includes(execution.status));
			expect(running).toHaveLength(1);
			const executionId = running[0].id;

			const stopCalledAt = Date.now();
			const stopAnswer = await rest.request('POST', `/rest/executions/${executionId}/stop`);
			record('stop: POST /rest/executions/:id/stop answered', { afterMs: Date.now() - stopCalledAt, body: stopAnswer });

			// The execution ends (as n8n sees it) within 2 s of the stop call.
			let execution;
			try {
				execution = await harness.waitForExecution(rest, executionId, { timeoutMs: 2000, intervalMs: 100 });
			} catch (error) {
				record('stop: not finished 2 s after the stop call', error.message);
			}
			const endedAfterMs = Date.now() - stopCalledAt;
			record('stop: execution status', { status: execution?.status, endedAfterMs, stoppedAt: execution?.stoppedAt });
			expect(execution).toBeDefined();
			expect(['canceled', 'crashed', 'error']).toContain(execution.status);

			// From stop + 2 s on, the simulator hears nothing more for 5 s.
			await sleep(Math.max(0, stopCalledAt + 2000 - Date.now()));
			const quietFrom = await simulator.requests();
			const lastIdAtQuietStart = quietFrom.length ? quietFrom[quietFrom.length - 1].id : 0;
			const lateRequests = quietFrom.filter((request) => request.time >= stopCalledAt);
			record(
				'stop: API requests between the stop call and stop + 2 s',
				lateRequests.map((request) => `+${request.time - stopCalledAt} ms ${request.method} ${request.path}`),
			);
			await sleep(5000);
			const afterQuiet = (await simulator.requests()).filter((request) => request.id > lastIdAtQuietStart);
			record(
				'stop: API requests from stop + 2 s to stop + 7 s',
				afterQuiet.map((request) => `+${request.time - stopCalledAt} ms ${request.method} ${request.path}${request.query ? ` ${JSON.stringify(request.query)}` : ''}`),
			);
			expect(afterQuiet).toEqual([]);

			// The tasks themselves keep running at the provider (stopping n8n does not cancel them).
			const states = await Promise.all(taskIds.map(simulatorTask));
			record('stop: simulator task states', states.map((task) => task && `${task.id} ${task.status}`));

			// What n8n keeps of the stopped run. n8n 2.40 (ExecutionService.stopDuringRun) stores the
			// execution as last saved (no run data for the running node, nor for the nodes before it
			// unless "save execution progress" is on) plus a ManualExecutionCancelledError; the
			// node's own error on cancel is not saved. What survives is the execution's custom data
			// (this.customData.set(...) while running: saved by the workflowExecuteAfter hook that
			// runs on cancel), so that is where the node has to leave the task IDs.
			const stored = await rest.get(`/rest/executions/${executionId}`);
			const data = harness.parseExecutionData(stored.data);
			const resultData = data?.resultData ?? {};
			const seedanceRuns = resultData.runData?.[SEEDANCE] ?? [];
			record('stop: what n8n keeps', {
				status: stored.status,
				finished: stored.finished,
				customData: stored.customData,
				mode: stored.mode,
				nodesWithRunData: Object.keys(resultData.runData ?? {}),
				seedanceRuns: seedanceRuns.map((nodeRun) => ({
					executionStatus: nodeRun.executionStatus,
					error: nodeRun.error && { message: nodeRun.error.message, description: nodeRun.error.description },
					outputItems: (nodeRun.data?.main ?? []).map((output) => (output ?? []).map((item) => item.json)),
				})),
				error: resultData.error && {
					name: resultData.error.name,
					message: resultData.error.message,
					description: resultData.error.description,
					node: resultData.error.node?.name,
				},
				lastNodeExecuted: resultData.lastNodeExecuted,
			});
			const kept = JSON.stringify({ runData: resultData.runData ?? {}, error: resultData.error ?? null, customData: stored.customData ?? {} });
			const missing = taskIds.filter((id) => !kept.includes(id));
			record('stop: task IDs missing from the stored execution', missing);
			expect(missing).toEqual([]);
		});
	});

	describe('a task that ends failed, with each "On Error" setting', () => {
		test('continueErrorOutput: the failed item goes to the error output with its task ID, the videos to the success output', async () => {
			const label = 'error-output';
			const run = await n8n.executeWorkflow(workflowIds.errorOutput, { allowFailure: true });
			const creates = await createsFor(label);
			expect(creates).toHaveLength(3);
			const failedCreate = creates.find((create) => JSON.stringify(create.body).includes('[sim:fail]'));
			expect((await simulatorTask(failedCreate.taskId)).status).toBe('failed');

			expect(run.status).toBe('success');
			const errorItems = harness.nodeOutputItems(run, SEEDANCE, { outputIndex: 1 });
			const successItems = harness.nodeOutputItems(run, SEEDANCE, { outputIndex: 0 });
			record('continueErrorOutput: outputs', {
				success: successItems.map((item) => ({ json: item.json, binary: Object.keys(item.binary ?? {}), pairedItem: item.pairedItem })),
				error: errorItems.map((item) => ({ json: item.json, pairedItem: item.pairedItem })),
			});

			// n8n 2.40 (WorkflowExecute.handleNodeErrorOutput) moves an item to output 1 only when
			// the item carries `error` (INodeExecutionData.error), or when its json has no keys but
			// error/message/details; it then merges the paired input item's json into it. An item
			// that carries `error` loses its json to { error: message } (normalizeNodeErrors), so
			// the node puts the facts under json.details.
			expect(errorItems).toHaveLength(1);
			const [failed] = errorItems;
			expect(failed.json.error).toMatch(/^The task ended failed/);
			expect(failed.json.details).toMatchObject({ taskId: failedCreate.taskId, taskStatus: 'failed' });
			expect(pairedIndex(failed)).toBe(1);
			// The node connected to the error output got that item.
			expect(harness.nodeOutputItems(run, 'Failed').map((item) => item.json.details.taskId)).toEqual([failedCreate.taskId]);

			expect(successItems).toHaveLength(2);
			expect(successItems.map(pairedIndex)).toEqual([0, 2]);
			const succeededIds = creates.filter((create) => create !== failedCreate).map((create) => create.taskId);
			expect(successItems.map((item) => item.json.taskId).sort()).toEqual([...succeededIds].sort());
			for (const item of successItems) {
				expect(item.json.error).toBeUndefined();
				expect(item.binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4' }));
				expect(n8n.readBinaryData(item.binary.data).length).toBe(VIDEO_BYTES);
			}
			expect(harness.nodeOutputItems(run, 'Succeeded')).toHaveLength(2);
		});

		test('stopWorkflow (the default): the run fails and its error names all 3 task IDs it created', async () => {
			const label = 'stop-workflow';
			const run = await n8n.executeWorkflow(workflowIds.stopWorkflow, { allowFailure: true });
			const creates = await createsFor(label);
			expect(creates).toHaveLength(3);
			const taskIds = creates.map((create) => create.taskId);
			const failedId = creates.find((create) => JSON.stringify(create.body).includes('[sim:fail]')).taskId;
			expect((await simulatorTask(failedId)).status).toBe('failed');

			const { error } = run.data.resultData;
			record('stopWorkflow: execution error', {
				status: run.status,
				name: error?.name,
				message: error?.message,
				description: error?.description,
				node: error?.node?.name,
				taskIds,
				failedId,
			});
			expect(run.status).toBe('error');
			expect(error?.node?.name).toBe(SEEDANCE);
			const told = `${error.message ?? ''}\n${error.description ?? ''}`;
			expect(told).toContain(failedId);
			for (const id of taskIds) expect(told).toContain(id);
			expect(() => harness.nodeOutputItems(run, 'Succeeded')).toThrow(/did not run/);
		});

		test('continueRegularOutput: the failed item comes out on the main output with its error and task ID', async () => {
			const label = 'continue-regular';
			const run = await n8n.executeWorkflow(workflowIds.continueRegular, { allowFailure: true });
			const creates = await createsFor(label);
			expect(creates).toHaveLength(3);
			const failedId = creates.find((create) => JSON.stringify(create.body).includes('[sim:fail]')).taskId;

			expect(run.status).toBe('success');
			const items = harness.nodeOutputItems(run, SEEDANCE);
			record('continueRegularOutput: output', items.map((item) => ({ json: item.json, binary: Object.keys(item.binary ?? {}), pairedItem: item.pairedItem })));
			expect(items).toHaveLength(3);
			expect(items.map(pairedIndex)).toEqual([0, 1, 2]);
			const failed = items[1];
			// On the main output the facts sit beside `error` (the item carries no `error` property,
			// which n8n would reduce to { error: message }).
			expect(failed.json.error).toMatch(/^The task ended failed/);
			expect(failed.json.taskId).toBe(failedId);
			expect(failed.json.taskStatus).toBe('failed');
			expect(failed.binary).toBeUndefined();
			for (const item of [items[0], items[2]]) {
				expect(item.json.error).toBeUndefined();
				expect(item.json.status).toBe('succeeded');
				expect(item.binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4' }));
			}
			expect(harness.nodeOutputItems(run, 'Succeeded')).toHaveLength(3);
		});
	});
});

/** The input item an output item is paired to. */
function pairedIndex(item) {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'number' ? paired : paired?.item;
}
