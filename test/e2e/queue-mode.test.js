'use strict';
/**
 * Queue mode in a real n8n 2.x (scripts/n8n/queue.js; 2.41.1 unless N8N_E2E_VERSION): a private
 * Postgres and Redis, n8n main, 2 workers and 1 webhook processor sharing one user folder with
 * the built package in its nodes folder, against the API simulator (Ark flavour, sending
 * callbacks). Binary data in n8n's queue-mode default, the database store. WEBHOOK_URL (so
 * `$execution.resumeUrl`) points every process at the webhook processor, which serves
 * `/webhook-waiting/*` (main does too unless N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true).
 *
 *   fan-out   20 executions of a published Webhook workflow started together through the
 *             webhook processor, 5 items each, Poll mode: all 20 succeed on the workers,
 *             both workers take executions, none runs twice, 100 tasks created (one per
 *             prompt, no duplicate), 100 videos downloaded and stored in Postgres, each
 *             readable through main's REST API with the bytes the simulator served.
 *   callback fan-out  the same 20 x 5 in Wait Mode "Callback" (credential Callbacks: yes),
 *             tasks of ~19 s: all 20 reach `waiting` together and hold no worker (Bull has
 *             no active job, each worker logged "finished" for them, and a Poll-mode probe
 *             execution started then succeeds while all 20 still wait - with 2 workers x 10
 *             slots, 20 polling executions would have held every slot); no status GET while
 *             no callback arrives; every task's callback_url is the webhook processor's
 *             /webhook-waiting/<its execution>; the callbacks are answered there (200/409,
 *             never 401/404/5xx) and each execution resumes on a worker exactly once (two
 *             "Worker started" lines: the first run and the resume); all 20 `success`,
 *             100 videos (each downloaded once), 100 creates, one per prompt. Prints the time
 *             to all waiting, from the last final callback to the last success, and the
 *             status GETs during the wait.
 *   worker killed  an execution polling 3 long tasks; its worker is SIGKILLed. Measured and
 *             recorded: the execution's status over time (n8n 2.x does not retry a stalled
 *             job: once the job's lock expires the execution is stored as `error`,
 *             MaxStalledCountError), that no worker re-ran it (no second set of tasks), and
 *             whether n8n kept the node's custom data `seedanceTaskIds`.
 *   worker killed while waiting (Callback mode)  a replacement worker is started if one is
 *             dead (the test above kills one); 10 executions x 3 items wait for ~21 s tasks;
 *             the worker that ran most of them is SIGKILLed during the wait: all 10 stay
 *             `waiting`, then resume on the surviving worker when the callbacks come and
 *             end `success` with their 30 videos, no task created twice. The wait lives
 *             in Postgres, not in a worker.
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
// Callback mode (Wait Mode "Callback"): tasks long enough that all executions wait together.
const CALLBACK_FAN_OUT_PATH = 'seedance-e2e-queue-callback-fan-out';
const CALLBACK_CRASH_PATH = 'seedance-e2e-queue-callback-crash';
const PROBE_PATH = 'seedance-e2e-queue-probe';
const CALLBACK_FAN_OUT_MARKERS = '[sim:queued_ms=1000] [sim:task_ms=18000]';
const CALLBACK_CRASH_RUNS = 10;
const CALLBACK_CRASH_ITEMS = 3;
const CALLBACK_CRASH_MARKERS = '[sim:queued_ms=1000] [sim:task_ms=20000]';
const CALLBACK_MAX_WAIT_S = 600; // far beyond the test: a lost callback shows as a timeout here, not as n8n's timeout resume
const FINAL_TASK_STATUSES = ['succeeded', 'failed', 'expired', 'cancelled'];
// Short Bull lock settings so a dead worker's job is noticed in seconds (n8n defaults:
// lock 60 s, renewed every 10 s, stalled-job check every 30 s).
const LOCK_ENV = { QUEUE_WORKER_LOCK_DURATION: '15000', QUEUE_WORKER_LOCK_RENEW_TIME: '5000', QUEUE_WORKER_STALLED_INTERVAL: '5000' };

function record(label, value) {
	process.stdout.write(`[queue-mode] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function webhookWorkflow({ name, path, webhookId, promptsCode, pollInterval = 1, waitMode = 'poll' }) {
	const waiting =
		waitMode === 'callback'
			? { waitForCompletion: true, waitMode: 'callback', downloadVideo: true, options: { maxWait: CALLBACK_MAX_WAIT_S } }
			: { waitForCompletion: true, downloadVideo: true, options: { pollInterval, maxWait: 600 } };
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
					...waiting,
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
		// Callbacks on: only tasks created with a callback_url (Callback mode) get them.
		simulator = await harness.startSimulator({ apiKey: API_KEY, args: ['--flavour', 'ark', '--video-bytes', String(VIDEO_BYTES)] });
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
				// The simulator is on 127.0.0.1, which "auto" does not count as a host that calls back.
				const [credential, callbackCredential] = await n8n.importCredentials([
					{ name: 'Seedance queue e2e', apiKey: API_KEY, baseUrl: simulator.baseUrl },
					{ name: 'Seedance queue e2e (callbacks)', apiKey: API_KEY, baseUrl: simulator.baseUrl, data: { apiKey: API_KEY, baseUrl: simulator.baseUrl, callbacks: 'yes' } },
				]);
				const withCredential = (workflow, { id, name } = credential) => {
					workflow.nodes.find((node) => node.name === SEEDANCE).credentials = { [CREDENTIAL_TYPE]: { id, name } };
					return workflow;
				};
				const [fanOut, crash, callbackFanOut, callbackCrash, probe] = await n8n.importWorkflows([
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
					withCredential(
						webhookWorkflow({
							name: 'e2e queue: callback fan-out',
							path: CALLBACK_FAN_OUT_PATH,
							webhookId: '0e7c9a51-3f1b-4d7a-9b1e-6c2a4f8d0a03',
							waitMode: 'callback',
							promptsCode: promptsCode({ label: 'cbfan', items: ITEMS, markers: CALLBACK_FAN_OUT_MARKERS }),
						}),
						callbackCredential,
					),
					withCredential(
						webhookWorkflow({
							name: 'e2e queue: worker killed while waiting (callback)',
							path: CALLBACK_CRASH_PATH,
							webhookId: '0e7c9a51-3f1b-4d7a-9b1e-6c2a4f8d0a04',
							waitMode: 'callback',
							promptsCode: promptsCode({ label: 'cbkill', items: CALLBACK_CRASH_ITEMS, markers: CALLBACK_CRASH_MARKERS }),
						}),
						callbackCredential,
					),
					withCredential(
						webhookWorkflow({
							name: 'e2e queue: probe (poll, 1 short task)',
							path: PROBE_PATH,
							webhookId: '0e7c9a51-3f1b-4d7a-9b1e-6c2a4f8d0a05',
							promptsCode: promptsCode({ label: 'probe', items: 1, markers: '[sim:queued_ms=0] [sim:task_ms=500]' }),
						}),
					),
				]);
				Object.assign(workflowIds, { fanOut, crash, callbackFanOut, callbackCrash, probe });
				await n8n.publishWorkflows([fanOut, crash, callbackFanOut, callbackCrash, probe]);
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

	const statusCounts = (executions) => executions.reduce((all, execution) => ({ ...all, [execution.status]: (all[execution.status] ?? 0) + 1 }), {});
	const countBy = (values) => values.reduce((all, value) => ({ ...all, [value]: (all[value] ?? 0) + 1 }), {});

	/** Polls until `count` executions of the workflow exist and all have `status`; fails at once when one has finished instead. */
	async function allWithStatus(workflowId, count, status, timeoutMs) {
		const deadline = Date.now() + timeoutMs;
		let executions = [];
		while (Date.now() < deadline) {
			executions = await harness.listExecutions(rest, workflowId);
			if (executions.length >= count && executions.every((execution) => execution.status === status)) return executions;
			if (executions.some((execution) => FINISHED.includes(execution.status))) break;
			await sleep(500);
		}
		throw new Error(`${count} executions all "${status}" at once expected within ${timeoutMs} ms; have ${JSON.stringify(statusCounts(executions))}`);
	}

	/** Jobs in Bull's lists in Redis: `active` = held by a worker now, `wait` = queued for a worker. */
	function bullJobs() {
		const total = (list) =>
			stack.redis
				.cli('--scan', '--pattern', `*:${list}`)
				.split('\n')
				.filter(Boolean)
				.reduce((sum, key) => sum + Number(stack.redis.cli('LLEN', key)), 0);
		return { active: total('active'), wait: total('wait') };
	}

	/** How often each execution appears in the workers' "Worker started execution N" lines. */
	function startsPerExecution(executionIds, workers = stack.workers) {
		const starts = countBy(workers.flatMap((worker) => queue.executionsStartedBy(worker)));
		return Object.fromEntries(executionIds.map((id) => [id, starts[id] ?? 0]));
	}

	/** The Seedance output of each execution: `items` succeeded items, each with its video in the database store. */
	async function videosOf(executions, items) {
		const delivered = [];
		for (const { id } of executions) {
			const execution = await harness.waitForExecution(rest, id);
			const output = harness.nodeOutputItems(execution, SEEDANCE);
			expect(output).toHaveLength(items);
			for (const item of output) {
				expect(item.json.status).toBe('succeeded');
				expect(item.binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4' }));
				expect(item.binary.data.id).toMatch(/^database:/);
				delivered.push({ taskId: item.json.taskId, binaryId: item.binary.data.id, executionId: String(id) });
			}
		}
		return delivered;
	}

	/** Reads every video back through main's REST API: the simulator's bytes (size, MP4 `ftyp`). */
	async function expectStoredVideos(delivered) {
		for (const video of delivered) {
			const response = await fetch(`${stack.main.url}/rest/binary-data?id=${encodeURIComponent(video.binaryId)}&action=download`, { headers: rest.headers });
			const bytes = Buffer.from(await response.arrayBuffer());
			expect(response.status).toBe(200);
			expect(bytes.length).toBe(VIDEO_BYTES);
			expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
		}
	}

	/**
	 * The simulator's records about a set of tasks: status reads (GET of one task, or a List Tasks
	 * request filtered by their IDs), media downloads, callback POSTs.
	 */
	async function providerRecords(taskIds) {
		const ids = new Set(taskIds);
		const namesOurs = (request) => {
			if (request.method !== 'GET') return false;
			if (request.path.startsWith(`${TASKS_PATH}/`)) return ids.has(request.path.slice(TASKS_PATH.length + 1));
			return request.path === TASKS_PATH && [request.query?.['filter.task_ids'] ?? []].flat().some((id) => ids.has(id));
		};
		const statusGets = (await simulator.requests()).filter(namesOurs);
		const downloads = (await simulator.mediaRequests()).filter((request) => request.method === 'GET' && taskIds.some((id) => request.path.includes(id)));
		const callbacks = (await simulator.callbacks()).filter((callback) => ids.has(callback.taskId));
		return { statusGets, downloads, callbacks };
	}

	/**
	 * Every callback POST was answered by n8n's waiting-webhook route within the simulator's 5 s
	 * (a provider does not wait long, and may not retry): 200 (acknowledged or resumed) or 409
	 * (the execution was running: before its wait, or already resumed). Never a wrong token or
	 * path (401/404), a 5xx, or no answer. Last in a test: the other checks tell more first.
	 */
	function expectCallbacksAnswered(callbacks) {
		const bad = callbacks.filter((callback) => callback.error !== null || ![200, 409].includes(callback.httpStatus));
		expect(countBy(bad.map((callback) => `${callback.taskStatus} -> ${callback.httpStatus ?? callback.error}`))).toEqual({});
	}

	const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

	test('20 webhook executions at once, 5 items each (Callback mode): all wait holding no worker, callbacks resume them on the workers, 100 videos, no duplicate task', async () => {
		const webhookProcessor = stack.webhooks[0];
		const startedAt = Date.now();
		const answers = await Promise.all(
			Array.from({ length: RUNS }, (_, run) =>
				fetch(`${webhookProcessor.url}/webhook/${CALLBACK_FAN_OUT_PATH}?run=${run}`).then(async (response) => ({ status: response.status, body: await response.text() })),
			),
		);
		expect(answers.map((answer) => answer.status)).toEqual(Array(RUNS).fill(200));

		// 1. All 20 wait at the same time (the tasks run ~19 s).
		const waiting = await allWithStatus(workflowIds.callbackFanOut, RUNS, 'waiting', 90000);
		const allWaitingAt = Date.now();
		const executionIds = waiting.map((execution) => String(execution.id)).sort();
		const sample = await rest.get(`/rest/executions/${executionIds[0]}`);
		const sampleLastNode = harness.parseExecutionData(sample.data)?.resultData?.lastNodeExecuted;
		record('callback fan-out: all waiting', {
			timeToAllWaitingMs: allWaitingAt - startedAt,
			sample: { id: sample.id, status: sample.status, waitTill: sample.waitTill, lastNodeExecuted: sampleLastNode },
		});
		expect(sample.status).toBe('waiting');
		expect(sampleLastNode).toBe(SEEDANCE);
		expect(Date.parse(sample.waitTill) - Date.now()).toBeGreaterThan((CALLBACK_MAX_WAIT_S - 120) * 1000); // Max Wait, not a short poll

		// 2. ...and no worker holds them: each worker logged its jobs as finished, Bull has no active job.
		let jobs;
		let finishedOnWorkers = [];
		for (const deadline = Date.now() + 15000; Date.now() < deadline; await sleep(500)) {
			jobs = bullJobs();
			finishedOnWorkers = [...new Set(stack.workers.flatMap((worker) => queue.executionsFinishedBy(worker)))].filter((id) => executionIds.includes(id)).sort();
			if (jobs.active === 0 && finishedOnWorkers.length === RUNS) break;
		}
		const firstRunByWorker = stack.workers.map((worker) => ({ worker: worker.name, started: queue.executionsStartedBy(worker).filter((id) => executionIds.includes(id)).length }));
		record('callback fan-out: while waiting', { bullJobs: jobs, jobsFinishedOnWorkers: finishedOnWorkers.length, firstRunByWorker });
		expect(jobs.active).toBe(0);
		expect(finishedOnWorkers).toEqual(executionIds);
		expect(startsPerExecution(executionIds)).toEqual(Object.fromEntries(executionIds.map((id) => [id, 1])));

		// 3. The workers are free: a Poll-mode execution started now runs and succeeds while all 20
		// still wait. (2 workers x 10 slots: 20 polling executions would hold every slot.)
		const probeStartedAt = Date.now();
		const probeAnswer = await fetch(`${webhookProcessor.url}/webhook/${PROBE_PATH}?run=p1`);
		await probeAnswer.arrayBuffer();
		expect(probeAnswer.status).toBe(200);
		const [probe] = await finishedExecutions(workflowIds.probe, 1, 60000);
		const probeMs = Date.now() - probeStartedAt;
		const afterProbe = await harness.listExecutions(rest, workflowIds.callbackFanOut);
		record('callback fan-out: probe (Poll mode, 1 task of 0.5 s) while all wait', { probeStatus: probe.status, probeMs, callbackExecutions: statusCounts(afterProbe) });
		expect(probe.status).toBe('success');
		expect(statusCounts(afterProbe)).toEqual({ waiting: RUNS });

		// 4. The callbacks resume them; all 20 succeed.
		const executions = await finishedExecutions(workflowIds.callbackFanOut, RUNS, 3 * 60 * 1000);
		expect(executions).toHaveLength(RUNS);
		expect(executions.map((execution) => execution.status)).toEqual(Array(RUNS).fill('success'));
		expect(new Set(executions.map((execution) => execution.mode))).toEqual(new Set(['webhook']));
		const lastSuccessAt = Math.max(...executions.map((execution) => Date.parse(execution.stoppedAt)));

		// Each ran twice on a worker - the first run (until the wait) and the resume - never more.
		const starts = startsPerExecution(executionIds);
		const resumedOn = stack.workers.map((worker) => ({ worker: worker.name, starts: queue.executionsStartedBy(worker).filter((id) => executionIds.includes(id)).length }));
		record('callback fan-out: worker starts (first run + resume)', { perWorker: resumedOn });
		expect(starts).toEqual(Object.fromEntries(executionIds.map((id) => [id, 2])));

		// The API: one create per prompt, 100 different tasks, each with callback_url = the webhook
		// processor's /webhook-waiting/<the execution that created it>.
		const creates = await createsFor('cbfan');
		const prompts = creates.map((create) => JSON.stringify(create.body).match(/cbfan run (\d+) clip (\d+)/).slice(1).join('/'));
		expect(creates).toHaveLength(RUNS * ITEMS);
		expect(new Set(prompts).size).toBe(RUNS * ITEMS);
		expect(creates.every((create) => create.status === 200)).toBe(true);
		const createdIds = creates.map((create) => create.taskId);
		expect(new Set(createdIds).size).toBe(RUNS * ITEMS);
		const callbackUrlOf = new Map(creates.map((create) => [create.taskId, create.body.callback_url]));
		record('callback fan-out: a callback_url', callbackUrlOf.get(createdIds[0]));

		const delivered = await videosOf(executions, ITEMS);
		expect(delivered).toHaveLength(RUNS * ITEMS);
		expect(delivered.map((video) => video.taskId).sort()).toEqual([...createdIds].sort());
		const waitingRoute = new RegExp(`^${escapeRegExp(webhookProcessor.url)}/webhook-waiting/(\\d+)[/?]`);
		const wrongUrls = delivered.filter((video) => callbackUrlOf.get(video.taskId)?.match(waitingRoute)?.[1] !== video.executionId);
		expect(wrongUrls.map((video) => ({ ...video, callbackUrl: callbackUrlOf.get(video.taskId) }))).toEqual([]);
		await expectStoredVideos(delivered);

		// The provider's view: each video downloaded once; every callback answered by the webhook
		// processor's waiting-webhook route; no status polling while no callback comes.
		const { statusGets, downloads, callbacks } = await providerRecords(createdIds);
		expect(downloads).toHaveLength(RUNS * ITEMS);
		expect(new Set(downloads.map((request) => request.path)).size).toBe(RUNS * ITEMS);

		const executionOf = new Map(delivered.map((video) => [video.taskId, video.executionId]));
		const finals = callbacks.filter((callback) => FINAL_TASK_STATUSES.includes(callback.taskStatus));
		const nonFinals = callbacks.filter((callback) => !FINAL_TASK_STATUSES.includes(callback.taskStatus));
		const firstFinalAt = Math.min(...finals.map((callback) => callback.time));
		const lastFinalAt = Math.max(...finals.map((callback) => callback.time));
		const quietFrom = Math.max(allWaitingAt, Math.max(...nonFinals.map((callback) => callback.time)) + 3000);
		const quietGets = statusGets.filter((request) => request.time >= quietFrom && request.time < firstFinalAt);
		const callbackAnswers = countBy(callbacks.map((callback) => `${callback.taskStatus} -> ${callback.httpStatus ?? callback.error}`));
		record('callback fan-out: numbers', {
			timeToAllWaitingMs: allWaitingAt - startedAt,
			probeMs,
			firstFinalCallbackAfterAllWaitingMs: firstFinalAt - allWaitingAt,
			lastFinalCallbackToLastSuccessMs: lastSuccessAt - lastFinalAt,
			totalMs: lastSuccessAt - startedAt,
			callbacks: callbacks.length,
			callbackAnswers,
			statusGets: {
				total: statusGets.length,
				listRequests: statusGets.filter((request) => request.path === TASKS_PATH).length,
				beforeAllWaiting: statusGets.filter((request) => request.time < allWaitingAt).length,
				duringWait: statusGets.filter((request) => request.time >= allWaitingAt && request.time <= lastSuccessAt).length,
				fromFirstFinalCallback: statusGets.filter((request) => request.time >= firstFinalAt).length,
				quietWindowMs: firstFinalAt - quietFrom,
				inQuietWindow: quietGets.length,
			},
			downloads: downloads.length,
		});
		expect(finals).toHaveLength(RUNS * ITEMS); // one final callback per task: succeeded
		expect(new Set(finals.map((callback) => callback.taskId)).size).toBe(RUNS * ITEMS);
		expect(finals.every((callback) => callback.taskStatus === 'succeeded')).toBe(true);
		expect(callbacks.filter((callback) => !callback.url.startsWith(`${webhookProcessor.url}/webhook-waiting/`)).map((callback) => callback.url)).toEqual([]);
		// Resumed by the callbacks: no execution ended before its last task did (its Max Wait is 10 min).
		const lastFinalOf = {};
		for (const callback of finals) {
			const id = executionOf.get(callback.taskId);
			lastFinalOf[id] = Math.max(lastFinalOf[id] ?? 0, callback.time);
		}
		const endedEarly = executions.filter((execution) => Date.parse(execution.stoppedAt) < lastFinalOf[String(execution.id)]);
		expect(endedEarly.map((execution) => execution.id)).toEqual([]);
		// No polling: while no callback arrived (after the last queued/running one had been handled),
		// nobody read these tasks.
		expect(firstFinalAt - quietFrom).toBeGreaterThan(3000);
		expect(quietGets).toEqual([]);
		expectCallbacksAnswered(callbacks);
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

	test('a worker SIGKILLed while 10 executions wait in Callback mode: they stay waiting, resume on the other worker and succeed with their videos', async () => {
		// Two live workers (the Poll-mode crash test above kills one: start a replacement).
		const startedWorkers = [];
		while (stack.workers.filter((worker) => worker.isRunning()).length < 2) startedWorkers.push((await stack.startWorker()).name);
		const live = stack.workers.filter((worker) => worker.isRunning());
		const webhookProcessor = stack.webhooks[0];

		const startedAt = Date.now();
		const answers = await Promise.all(
			Array.from({ length: CALLBACK_CRASH_RUNS }, (_, run) =>
				fetch(`${webhookProcessor.url}/webhook/${CALLBACK_CRASH_PATH}?run=${run}`).then(async (response) => ({ status: response.status, body: await response.text() })),
			),
		);
		expect(answers.map((answer) => answer.status)).toEqual(Array(CALLBACK_CRASH_RUNS).fill(200));
		const waiting = await allWithStatus(workflowIds.callbackCrash, CALLBACK_CRASH_RUNS, 'waiting', 90000);
		const allWaitingAt = Date.now();
		const executionIds = waiting.map((execution) => String(execution.id)).sort();

		// The worker that put most of them to wait is the victim.
		const firstRuns = live
			.map((worker) => ({ worker, ids: [...new Set(queue.executionsStartedBy(worker))].filter((id) => executionIds.includes(id)) }))
			.sort((a, b) => b.ids.length - a.ids.length);
		const { worker: victim, ids: victimIds } = firstRuns[0];
		const survivor = firstRuns[1].worker;
		expect(firstRuns.flatMap((entry) => entry.ids).sort()).toEqual(executionIds);
		expect(victimIds.length).toBeGreaterThan(0);

		// The kill happens during the wait: every task exists and none has ended yet.
		const creates = await createsFor('cbkill');
		expect(creates).toHaveLength(CALLBACK_CRASH_RUNS * CALLBACK_CRASH_ITEMS);
		const taskIds = creates.map((create) => create.taskId);
		const { callbacks: callbacksBeforeKill } = await providerRecords(taskIds);
		expect(callbacksBeforeKill.filter((callback) => FINAL_TASK_STATUSES.includes(callback.taskStatus))).toEqual([]);
		record('callback crash: before the kill', {
			startedWorkers,
			timeToAllWaitingMs: allWaitingAt - startedAt,
			firstRuns: firstRuns.map((entry) => ({ worker: entry.worker.name, executions: entry.ids.length })),
			victim: victim.name,
			survivor: survivor.name,
			bullJobs: bullJobs(),
		});

		const killedAt = Date.now();
		victim.kill('SIGKILL'); // the worker and its task runner
		await victim.exited;
		await sleep(5000);
		const afterKill = await harness.listExecutions(rest, workflowIds.callbackCrash);
		expect(statusCounts(afterKill)).toEqual({ waiting: CALLBACK_CRASH_RUNS });

		const executions = await finishedExecutions(workflowIds.callbackCrash, CALLBACK_CRASH_RUNS, 3 * 60 * 1000);
		expect(executions.map((execution) => execution.status)).toEqual(Array(CALLBACK_CRASH_RUNS).fill('success'));
		const lastSuccessAt = Math.max(...executions.map((execution) => Date.parse(execution.stoppedAt)));

		// Resumed on the survivor: each execution started twice in all (first run + resume), the
		// resume on the survivor - also those the victim had run.
		expect(startsPerExecution(executionIds)).toEqual(Object.fromEntries(executionIds.map((id) => [id, 2])));
		const survivorStarts = startsPerExecution(executionIds, [survivor]);
		expect(survivorStarts).toEqual(Object.fromEntries(executionIds.map((id) => [id, victimIds.includes(id) ? 1 : 2])));

		const delivered = await videosOf(executions, CALLBACK_CRASH_ITEMS);
		expect(delivered.map((video) => video.taskId).sort()).toEqual([...taskIds].sort());
		await expectStoredVideos(delivered);
		expect(await createsFor('cbkill')).toHaveLength(CALLBACK_CRASH_RUNS * CALLBACK_CRASH_ITEMS); // no task created twice
		const { statusGets, downloads, callbacks } = await providerRecords(taskIds);
		expect(downloads).toHaveLength(CALLBACK_CRASH_RUNS * CALLBACK_CRASH_ITEMS);
		const finals = callbacks.filter((callback) => FINAL_TASK_STATUSES.includes(callback.taskStatus));
		record('callback crash: after the kill', {
			firstFinalCallbackAfterKillMs: Math.min(...finals.map((callback) => callback.time)) - killedAt,
			lastFinalCallbackToLastSuccessMs: lastSuccessAt - Math.max(...finals.map((callback) => callback.time)),
			lastSuccessAfterKillMs: lastSuccessAt - killedAt,
			callbackAnswers: countBy(callbacks.map((callback) => `${callback.taskStatus} -> ${callback.httpStatus ?? callback.error}`)),
			statusGetsAfterKill: statusGets.filter((request) => request.time >= killedAt).length,
			resumesOnSurvivor: Object.values(survivorStarts).reduce((sum, n) => sum + n, 0) - (CALLBACK_CRASH_RUNS - victimIds.length),
		});
		expect(finals).toHaveLength(CALLBACK_CRASH_RUNS * CALLBACK_CRASH_ITEMS);
		expectCallbacksAnswered(callbacks);
	});
});
