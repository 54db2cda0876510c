'use strict';
/**
 * Queue mode in a real n8n 2.40 (scripts/n8n/queue.js): a private Postgres and Redis, n8n
 * main, 2 workers and 1 webhook processor sharing one user folder with the built package
 * in its nodes folder, against the API simulator (Ark flavour). Binary data in n8n's
 * queue-mode default, the database store.
 *
 *   fan-out   20 executions of a published Webhook workflow started together through the
 *             webhook processor, 5 items each, Poll mode: all 20 succeed on the workers,
 *             both workers take executions, none runs twice, 100 tasks created (one per
 *             prompt, no duplicate), 100 videos downloaded and stored in Postgres, each
 *             readable through main's REST API with the bytes the simulator served.
 *   worker killed  an execution polling 3 long tasks; its worker is SIGKILLed. Measured and
 *             recorded: the execution's status over time (n8n 2.x does not retry a stalled
 *             job: once the job's lock expires the execution is stored as `error`,
 *             MaxStalledCountError), that no worker re-ran it (no second set of tasks), and
 *             whether n8n kept the node's custom data `seedanceTaskIds`.
 *
 * Needs PostgreSQL and redis-server: scripts/n8n/install-queue-deps.sh installs them
 * (apt-get, as root) when missing; if that is impossible the suite fails, it is never skipped.
 *
 *   npm run build && npx jest --config test/e2e/jest.config.js queue-mode
 */
const fs = require('node:fs');

const harness = require('../../scripts/n8n/harness');
const queue = require('../../scripts/n8n/queue');

const { NODE_TYPE, CREDENTIAL_TYPE } = harness;
const API_KEY = 'sk-e2e-queue-mode-5b1e07c2';
const VIDEO_BYTES = 20480;
const TASKS_PATH = '/api/v3/contents/generations/tasks';
const MODEL = 'doubao-seedance-1-0-pro-250528';
const SEEDANCE = 'Seedance';
const RUNS = 20;
const ITEMS = 5;
const FAN_OUT_PATH = 'seedance-e2e-queue-fan-out';
const CRASH_PATH = 'seedance-e2e-queue-crash';
const FINISHED = ['success', 'error', 'crashed', 'canceled'];
// Short Bull lock settings so a dead worker's job is noticed in seconds (n8n defaults:
// lock 60 s, renewed every 10 s, stalled-job check every 30 s).
const LOCK_ENV = { QUEUE_WORKER_LOCK_DURATION: '15000', QUEUE_WORKER_LOCK_RENEW_TIME: '5000', QUEUE_WORKER_STALLED_INTERVAL: '5000' };

function record(label, value) {
	process.stdout.write(`[queue-mode] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function webhookWorkflow({ name, path, webhookId, promptsCode, pollInterval = 1 }) {
	return {
		name,
		nodes: [
			{
				id: 'q-webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { httpMethod: 'GET', path, responseMode: 'onReceived', options: {} },
			},
			{
				id: 'q-prompts',
				name: 'Prompts',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [240, 0],
				parameters: { jsCode: promptsCode },
			},
			{
				id: 'q-seedance',
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
					options: { pollInterval, maxWait: 600 },
				},
				credentials: {}, // filled in beforeAll
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: SEEDANCE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', saveDataErrorExecution: 'all', saveDataSuccessExecution: 'all' },
	};
}

/** Code: one item per clip, the prompt naming the run (?run=...) and the clip. */
function promptsCode({ label, items, markers }) {
	return [
		`const run = $('Webhook').first().json.query.run;`,
		`return Array.from({ length: ${items} }, (_, n) => ({ json: { n, prompt: \`${label} run \${run} clip \${n}: a paper boat on a river ${markers}\` } }));`,
	].join('\n');
}

/** Signs in like the editor; returns the raw headers too (for binary downloads). */
async function login(url, owner) {
	const rest = await harness.loginRest(url, owner);
	const browserId = harness.randomId(24);
	const answer = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	await answer.arrayBuffer();
	const headers = { cookie: (answer.headers.get('set-cookie') ?? '').split(';')[0], 'browser-id': browserId };
	return { ...rest, headers };
}

describe('queue mode: main, 2 workers and a webhook processor on Postgres and Redis', () => {
	let simulator;
	let root;
	let stack;
	let rest;
	const workflowIds = {};

	beforeAll(async () => {
		harness.ensureN8nInstalled({ install: false });
		queue.ensureQueueDeps(); // installs postgresql + redis-server when missing; throws (fails the suite) when it cannot
		simulator = await harness.startSimulator({ apiKey: API_KEY, args: ['--flavour', 'ark', '--video-bytes', String(VIDEO_BYTES), '--no-callbacks'] });
		root = harness.createTempDir('n8n-seedance-queue-');
		stack = await queue.startQueueStack({
			root,
			workers: 2,
			webhooks: 1,
			packageDir: process.env.SEEDANCE_PACKAGE_DIR || undefined,
			mainPort: await harness.findFreePort(),
			webhookPort: await harness.findFreePort(),
			postgresPort: await harness.findFreePort(),
			redisPort: await harness.findFreePort(),
			postgresSettings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
			env: LOCK_ENV,
			beforeN8n: async (n8n) => {
				const credential = await n8n.importCredential({ name: 'Seedance queue e2e', apiKey: API_KEY, baseUrl: simulator.baseUrl });
				const withCredential = (workflow) => {
					workflow.nodes.find((node) => node.name === SEEDANCE).credentials = { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
					return workflow;
				};
				const [fanOut, crash] = await n8n.importWorkflows([
					withCredential(
						webhookWorkflow({
							name: 'e2e queue: fan-out',
							path: FAN_OUT_PATH,
							webhookId: '0e7c9a51-3f1b-4d7a-9b1e-6c2a4f8d0a01',
							promptsCode: promptsCode({ label: 'fan-out', items: ITEMS, markers: '[sim:queued_ms=500] [sim:task_ms=3000]' }),
						}),
					),
					withCredential(
						webhookWorkflow({
							name: 'e2e queue: worker killed',
							path: CRASH_PATH,
							webhookId: '0e7c9a51-3f1b-4d7a-9b1e-6c2a4f8d0a02',
							promptsCode: promptsCode({ label: 'crash', items: 3, markers: '[sim:queued_ms=0] [sim:stay_running]' }),
						}),
					),
				]);
				Object.assign(workflowIds, { fanOut, crash });
				await n8n.publishWorkflows([fanOut, crash]);
			},
		});
		const owner = await harness.setupOwner(stack.main.url);
		rest = await login(stack.main.url, owner);
	});

	afterAll(async () => {
		await stack?.stop();
		await simulator?.stop();
		if (root && process.env.KEEP_N8N_E2E !== '1') fs.rmSync(root, { recursive: true, force: true });
	});

	async function createsFor(label) {
		return (await simulator.requests()).filter(
			(request) => request.method === 'POST' && request.path === TASKS_PATH && JSON.stringify(request.body).includes(`${label} run `),
		);
	}

	async function finishedExecutions(workflowId, count, timeoutMs) {
		const deadline = Date.now() + timeoutMs;
		let executions = [];
		while (Date.now() < deadline) {
			executions = await harness.listExecutions(rest, workflowId);
			if (executions.length >= count && executions.every((execution) => FINISHED.includes(execution.status))) return executions;
			await sleep(1000);
		}
		const counts = executions.reduce((all, execution) => ({ ...all, [execution.status]: (all[execution.status] ?? 0) + 1 }), {});
		throw new Error(`${count} finished executions expected within ${timeoutMs} ms; have ${JSON.stringify(counts)}`);
	}

	test('20 webhook executions at once, 5 items each (Poll mode): 100 videos, no duplicate task, both workers used', async () => {
		const startedAt = Date.now();
		const answers = await Promise.all(
			Array.from({ length: RUNS }, (_, run) => fetch(`${stack.webhooks[0].url}/webhook/${FAN_OUT_PATH}?run=${run}`).then(async (response) => ({ status: response.status, body: await response.text() }))),
		);
		expect(answers.map((answer) => answer.status)).toEqual(Array(RUNS).fill(200));

		const executions = await finishedExecutions(workflowIds.fanOut, RUNS, 4 * 60 * 1000);
		const elapsedMs = Date.now() - startedAt;
		expect(executions).toHaveLength(RUNS);
		expect(executions.map((execution) => execution.status)).toEqual(Array(RUNS).fill('success'));
		expect(new Set(executions.map((execution) => execution.mode))).toEqual(new Set(['webhook']));

		// Which worker ran what (each worker logs "Worker started execution N").
		const executionIds = executions.map((execution) => String(execution.id)).sort();
		const byWorker = stack.workers.map((worker) => queue.executionsStartedBy(worker).filter((id) => executionIds.includes(id)));
		record('fan-out: executions per worker', { elapsedMs, perWorker: byWorker.map((ids) => ids.length), byWorker });
		for (const ids of byWorker) expect(ids.length).toBeGreaterThan(0);
		expect([...byWorker.flat()].sort()).toEqual(executionIds); // each execution started once, on one worker

		// The API: one create per prompt (20 runs x 5 clips), 100 different tasks.
		const creates = await createsFor('fan-out');
		const prompts = creates.map((create) => JSON.stringify(create.body).match(/fan-out run (\d+) clip (\d+)/).slice(1).join('/'));
		expect(creates).toHaveLength(RUNS * ITEMS);
		expect(new Set(prompts).size).toBe(RUNS * ITEMS);
		expect(creates.every((create) => create.status === 200)).toBe(true);
		const createdIds = creates.map((create) => create.taskId);
		expect(new Set(createdIds).size).toBe(RUNS * ITEMS);

		// Every execution delivered its 5 videos, stored in Postgres (database mode), readable from main.
		const delivered = [];
		for (const { id } of executions) {
			const execution = await harness.waitForExecution(rest, id);
			const items = harness.nodeOutputItems(execution, SEEDANCE);
			expect(items).toHaveLength(ITEMS);
			for (const item of items) {
				expect(item.json.status).toBe('succeeded');
				expect(item.binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4' }));
				expect(item.binary.data.id).toMatch(/^database:/);
				delivered.push({ taskId: item.json.taskId, binaryId: item.binary.data.id, executionId: id });
			}
		}
		expect(delivered).toHaveLength(RUNS * ITEMS);
		expect(delivered.map((video) => video.taskId).sort()).toEqual([...createdIds].sort());

		const downloads = (await simulator.mediaRequests()).filter((request) => request.method === 'GET' && createdIds.some((id) => request.path.includes(id)));
		record('fan-out: media downloads', { total: downloads.length, distinctTasks: new Set(downloads.map((request) => request.path)).size });
		expect(new Set(downloads.map((request) => request.path)).size).toBe(RUNS * ITEMS);

		const sample = await fetch(`${stack.main.url}/rest/binary-data?id=${encodeURIComponent(delivered[0].binaryId)}&action=download`, { headers: rest.headers });
		expect(sample.status).toBe(200);
		let checked = 0;
		for (const video of delivered) {
			const response = await fetch(`${stack.main.url}/rest/binary-data?id=${encodeURIComponent(video.binaryId)}&action=download`, { headers: rest.headers });
			const bytes = Buffer.from(await response.arrayBuffer());
			expect(response.status).toBe(200);
			expect(bytes.length).toBe(VIDEO_BYTES);
			expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
			checked++;
		}
		expect(checked).toBe(RUNS * ITEMS);
		const stored = stack.postgres.psql('SELECT count(*) FROM binary_data');
		record('fan-out: rows in Postgres binary_data', stored);
		expect(Number(stored)).toBeGreaterThanOrEqual(RUNS * ITEMS);
	});

	test('a worker SIGKILLed while its execution polls: the execution ends as failed (stalled job), is not re-run, and what n8n keeps of the task IDs', async () => {
		const answer = await fetch(`${stack.webhooks[0].url}/webhook/${CRASH_PATH}?run=k`);
		expect(answer.status).toBe(200);
		await answer.arrayBuffer();

		// Wait until the 3 tasks exist and the node has polled them for a few seconds.
		let creates = [];
		const deadline = Date.now() + 90000;
		while (Date.now() < deadline) {
			creates = await createsFor('crash');
			if (creates.length === 3) break;
			await sleep(250);
		}
		expect(creates).toHaveLength(3);
		const taskIds = creates.map((create) => create.taskId);
		await sleep(4000);

		const running = (await harness.listExecutions(rest, workflowIds.crash)).filter((execution) => !FINISHED.includes(execution.status));
		expect(running).toHaveLength(1);
		const executionId = String(running[0].id);
		const victim = stack.workers.find((worker) => queue.executionsStartedBy(worker).includes(executionId));
		expect(victim).toBeDefined();
		const survivor = stack.workers.find((worker) => worker !== victim);
		const before = await rest.get(`/rest/executions/${executionId}`);
		record('crash: before the kill', { executionId, worker: victim.name, status: before.status, customData: before.customData, taskIds });

		const killedAt = Date.now();
		victim.kill('SIGKILL'); // the worker and its task runner, as when a container is OOM-killed
		await victim.exited;

		// Watch the execution while n8n notices (short Bull lock settings, see LOCK_ENV): the
		// job's lock expires, the surviving worker's stalled-job check fails the job (n8n 2.x sets
		// maxStalledCount 0: no retry), and the process that enqueued it (here the webhook
		// processor, waiting on job.finished()) stores the execution as failed.
		const timeline = [];
		let last;
		let crashed;
		while (Date.now() - killedAt < 60000) {
			const current = await rest.get(`/rest/executions/${executionId}`);
			if (current.status !== last) timeline.push({ afterMs: Date.now() - killedAt, status: current.status });
			last = current.status;
			if (FINISHED.includes(current.status)) {
				crashed = { ...current, data: harness.parseExecutionData(current.data) };
				break;
			}
			await sleep(500);
		}
		record('crash: execution status after the kill', timeline);
		expect(crashed).toBeDefined();
		const error = crashed.data?.resultData?.error;
		record('crash: final state', { status: crashed.status, stoppedAt: crashed.stoppedAt, error: error && { name: error.name, message: error.message } });
		expect(crashed.status).toBe('error');
		expect(error?.message).toMatch(/failed to be processed too many times/);

		// Not re-run by the surviving worker: still exactly the 3 tasks, and it never started the execution.
		expect(await createsFor('crash')).toHaveLength(3);
		expect(queue.executionsStartedBy(survivor)).not.toContain(executionId);

		// What n8n kept: custom data (execution_metadata), run data, error.
		const { data } = crashed;
		const metadataRows = stack.postgres.psql(`SELECT key, value FROM execution_metadata WHERE "executionId" = ${Number(executionId)}`);
		const kept = JSON.stringify({ customData: crashed.customData ?? {}, runData: data?.resultData?.runData ?? {}, error: data?.resultData?.error ?? null, metadataRows });
		const found = taskIds.filter((id) => kept.includes(id));
		record('crash: what n8n keeps', {
			status: crashed.status,
			customData: crashed.customData,
			executionMetadataRows: metadataRows,
			nodesWithRunData: Object.keys(data?.resultData?.runData ?? {}),
			error: data?.resultData?.error?.message,
			taskIdsFoundInN8n: found,
		});
		// Measured with n8n 2.40.7: a worker saves custom data only when the execution ends (or
		// with progress saving, after a node finishes), so a worker that dies mid-node takes the
		// task IDs with it. They remain at the provider (List Tasks), not in n8n.
		expect(found).toEqual([]);
		const atProvider = await (await fetch(`${simulator.baseUrl}${TASKS_PATH}?page_size=50&filter.status=running`, { headers: { Authorization: `Bearer ${API_KEY}` } })).json();
		expect(taskIds.every((id) => atProvider.items.some((item) => item.id === id))).toBe(true);
	});
});
