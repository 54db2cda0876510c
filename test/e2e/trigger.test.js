'use strict';
/**
 * The Seedance Trigger in a real n8n 2.x (`n8n start`, one for the file) with the built
 * package installed as a community node, against the API simulator (Ark flavour), which
 * POSTs each task object to its `callback_url` on every status change, as Ark does.
 *
 *   callbacks    examples/trigger-publish.json (Seedance Trigger, Download Video on ->
 *                IF -> NoOp), published. Another workflow, run with `n8n execute`, creates
 *                3 tasks with Seedance Generate Video (Wait for Completion off,
 *                callback_url = the trigger's production URL). Each task calls back 3 times
 *                (queued, running, succeeded): exactly 3 executions of the trigger
 *                workflow follow, one per task, each with that task's video in binary.
 *   forged       a POST to the same URL claiming `succeeded` for a task the simulator
 *                still runs: answered 200, no execution, no download.
 *
 *   npm run build && npx jest --config test/e2e/jest.config.js trigger
 */

const harness = require('../../scripts/n8n/harness');
const { cleanUp, startServerSession } = require('./support/session');
const examples = require('./support/examples');

const { NODE_TYPE, CREDENTIAL_TYPE, PACKAGE_NAME } = harness;
const API_KEY = 'sk-e2e-trigger-3c9a41d7e2';
const VIDEO_BYTES = 20480;
const TASKS_PATH = '/api/v3/contents/generations/tasks';
const MODEL = 'doubao-seedance-1-0-pro-250528';
const TRIGGER = 'Seedance Trigger';
const PUBLISH = 'Publish Video (Connect YouTube or Google Drive Here)';
const FAST = '[sim:queued_ms=1000] [sim:task_ms=1500]';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Manual Trigger -> Prompts (Code) -> Seedance Generate Video, not waiting, with callback_url. */
function createTasksWorkflow({ credential, prompts, callbackUrl }) {
	return {
		name: 'e2e trigger: create tasks',
		nodes: [
			{ id: 'tr-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'tr-prompts',
				name: 'Prompts',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: `return ${JSON.stringify(prompts)}.map((prompt) => ({ json: { prompt } }));` },
			},
			{
				id: 'tr-generate',
				name: 'Create Video Task',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'video',
					operation: 'generate',
					model: MODEL,
					prompt: '={{ $json.prompt }}',
					additionalFields: { callback_url: callbackUrl, duration: 5 },
					waitForCompletion: false,
				},
				credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: 'Create Video Task', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

describe('Seedance Trigger in a real n8n', () => {
	let simulator;
	let userFolder;
	let n8n;
	let server;
	let rest;
	let triggerWorkflow;
	let createWorkflowId;
	let webhookUrl;

	beforeAll(async () => {
		harness.ensureN8nInstalled({ install: false });
		simulator = await harness.startSimulator({ apiKey: API_KEY, args: ['--flavour', 'ark', '--video-bytes', String(VIDEO_BYTES)] });
		userFolder = harness.createTempDir('n8n-seedance-trigger-');
		n8n = harness.prepareUserFolder({ dir: userFolder, packageDir: process.env.SEEDANCE_PACKAGE_DIR || undefined });
		const credential = await n8n.importCredential({ name: 'Seedance API', apiKey: API_KEY, baseUrl: simulator.baseUrl });

		triggerWorkflow = examples.loadExample('trigger-publish.json', credential);
		triggerWorkflow.settings = { ...triggerWorkflow.settings, saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };
		const port = await harness.findFreePort();
		const trigger = examples.node(triggerWorkflow, TRIGGER);
		webhookUrl = `http://localhost:${port}/webhook/${trigger.webhookId}/seedance`;
		const prompts = [0, 1, 2].map((n) => `trigger clip ${n}: waves on a pier ${FAST}`);
		[, createWorkflowId] = await n8n.importWorkflows([
			triggerWorkflow,
			createTasksWorkflow({ credential, prompts, callbackUrl: webhookUrl }),
		]);
		await n8n.publishWorkflow(triggerWorkflow.id);

		({ server, rest } = await startServerSession(n8n, { port }));
	});

	afterAll(async () => await cleanUp({ server, simulator, folder: userFolder }));

	async function triggerExecutions() {
		return await harness.listExecutions(rest, triggerWorkflow.id);
	}

	test('n8n lists the trigger as a trigger node with the Seedance credential', async () => {
		const types = await rest.get('/types/nodes.json');
		const type = types.find((candidate) => candidate.name === `${PACKAGE_NAME}.seedanceTrigger`);
		expect(type).toEqual(expect.objectContaining({ displayName: 'Seedance Trigger', group: ['trigger'], inputs: [] }));
		expect(type.webhooks).toEqual([expect.objectContaining({ httpMethod: 'POST', name: 'default' })]);
		expect(type.credentials).toEqual([expect.objectContaining({ name: CREDENTIAL_TYPE, required: true })]);
	});

	test('3 tasks created with callback_url: exactly 3 executions, one per task, each with its video', async () => {
		const run = await n8n.executeWorkflow(createWorkflowId);
		const taskIds = harness.nodeOutputItems(run, 'Create Video Task').map((item) => item.json.taskId);
		expect(taskIds).toHaveLength(3);

		// Every task calls back on each status change: wait for its final callback to be answered.
		const deadline = Date.now() + 45000;
		let callbacks = [];
		while (Date.now() < deadline) {
			callbacks = (await simulator.callbacks()).filter((callback) => taskIds.includes(callback.taskId));
			const answeredFinal = taskIds.filter((id) =>
				callbacks.some((callback) => callback.taskId === id && callback.taskStatus === 'succeeded' && callback.httpStatus),
			);
			if (answeredFinal.length === 3) break;
			await sleep(300);
		}
		for (const id of taskIds) {
			const ofTask = callbacks.filter((callback) => callback.taskId === id);
			expect(ofTask.map((callback) => callback.taskStatus)).toEqual(expect.arrayContaining(['running', 'succeeded']));
			for (const callback of ofTask) expect(callback).toEqual(expect.objectContaining({ url: webhookUrl, httpStatus: 200 }));
		}

		let executions = [];
		const settled = Date.now() + 20000;
		while (Date.now() < settled) {
			executions = await triggerExecutions();
			if (executions.length >= 3 && executions.every((execution) => execution.status === 'success')) break;
			await sleep(300);
		}
		await sleep(2000); // nothing more may follow
		executions = await triggerExecutions();
		expect(executions).toHaveLength(3);

		const seen = [];
		for (const { id } of executions) {
			const execution = await harness.waitForExecution(rest, id);
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('webhook');
			const [item] = outputOf(execution, TRIGGER);
			expect(item.json).toEqual(expect.objectContaining({ status: 'succeeded', model: MODEL }));
			expect(item.binary.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4', fileName: `${item.json.taskId}.mp4` }));
			// The bytes as the next node got them (n8n 1.x stores the trigger's own output with the
			// temporary binary ID of the webhook call, and moves the file once the execution ends).
			const published = outputOf(execution, PUBLISH);
			expect(published).toHaveLength(1);
			expect(n8n.readBinaryData(published[0].binary.data).length).toBe(VIDEO_BYTES);
			seen.push(item.json.taskId);
		}
		expect(seen.sort()).toEqual([...taskIds].sort());
		// One video download per task: the repeats were refused before any download.
		const downloads = (await simulator.mediaRequests()).filter((request) => request.status === 200);
		expect(downloads).toHaveLength(3);
	});

	test('a forged callback (succeeded, while the task runs) is answered 200 and starts nothing', async () => {
		const created = await fetch(`${simulator.baseUrl}${TASKS_PATH}`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ model: MODEL, prompt: 'forged [sim:queued_ms=0] [sim:stay_running]' }),
		});
		const { id } = await created.json();
		const before = (await triggerExecutions()).length;
		const mediaBefore = (await simulator.mediaRequests()).length;

		const answer = await fetch(webhookUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ id, status: 'succeeded', content: { video_url: `${simulator.mediaBaseUrl}/videos/${id}.mp4` } }),
		});
		expect(answer.status).toBe(200);
		await answer.arrayBuffer();
		await sleep(2000);
		expect((await triggerExecutions()).length).toBe(before);
		expect((await simulator.mediaRequests()).length).toBe(mediaBefore);
		const reads = (await simulator.requests()).filter((request) => request.method === 'GET' && request.path === `${TASKS_PATH}/${id}`);
		expect(reads).toHaveLength(1);
		expect(reads[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
	});
});

/** The items a node put out in a stored execution (REST shape). */
function outputOf(execution, nodeName) {
	const runs = execution.data.resultData.runData[nodeName] ?? [];
	return runs.flatMap((nodeRun) => nodeRun.data?.main?.[0] ?? []);
}
