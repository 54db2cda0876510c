'use strict';
/**
 * The built package inside a real n8n, run headless through the n8n CLI
 * (import:credentials, import:workflow, execute) against the API simulator
 * (simulator/cli.js, Ark flavour): n8n knows the node type
 * `n8n-nodes-seedance.seedance` and the credential type `seedanceApi`,
 * decrypts the credential and sends its key, and stores a downloaded video as
 * binary data in filesystem mode.
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../../scripts/n8n/harness');
const { manualTriggerToSeedance, SEEDANCE_NAME } = require('./support/workflows');

const API_KEY = 'sk-e2e-0123456789abcdef';
const TASKS_PATH = '/api/v3/contents/generations/tasks';
const VIDEO_BYTES = 20000;

describe('n8n CLI runs the Seedance community node', () => {
	let userFolder;
	let n8n;
	let api;
	let existingTask;
	let workflowIds;

	beforeAll(async () => {
		harness.ensureN8nInstalled({ install: false });
		api = await harness.startSimulator({ apiKey: API_KEY, args: ['--flavour', 'ark', '--video-bytes', String(VIDEO_BYTES)] });
		// A task created outside n8n, finished before the workflows run.
		existingTask = await createFinishedTask(api, 'An existing task [sim:queued_ms=0] [sim:task_ms=100]');
		userFolder = harness.createTempDir();
		n8n = harness.prepareUserFolder({
			dir: userFolder,
			packageDir: process.env.SEEDANCE_PACKAGE_DIR || undefined,
			binaryDataMode: 'filesystem',
		});
		const [goodKey, refusedKey] = await n8n.importCredentials([
			{ name: 'Seedance e2e', apiKey: API_KEY, baseUrl: api.baseUrl },
			{ name: 'Seedance refused key', apiKey: 'sk-e2e-wrong-key-000000', baseUrl: `${api.baseUrl}/` },
		]);
		const [getTask, generate, refused] = await n8n.importWorkflows([
			manualTriggerToSeedance({
				name: 'e2e get task',
				credential: goodKey,
				parameters: { operation: 'get', taskId: existingTask.id, downloadVideo: false },
			}),
			manualTriggerToSeedance({
				name: 'e2e generate and download',
				credential: goodKey,
				parameters: {
					operation: 'generate',
					model: 'doubao-seedance-1-0-pro-250528',
					prompt: 'A red fox runs through fresh snow',
					additionalFields: { duration: 5 },
					options: { pollInterval: 1, maxWait: 60 },
				},
			}),
			manualTriggerToSeedance({
				name: 'e2e refused key',
				credential: refusedKey,
				parameters: { operation: 'get', taskId: existingTask.id, downloadVideo: false },
			}),
		]);
		workflowIds = { getTask, generate, refused };
	});

	afterAll(async () => {
		await api?.stop();
		if (userFolder && process.env.KEEP_N8N_E2E !== '1') fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test('executes the node type n8n-nodes-seedance.seedance with a seedanceApi credential', async () => {
		const run = await n8n.executeWorkflow(workflowIds.getTask);

		expect(run.status).toBe('success');
		const [item] = harness.nodeOutputItems(run, SEEDANCE_NAME);
		expect(item.json).toEqual(
			expect.objectContaining({ taskId: existingTask.id, status: 'succeeded', videoUrl: existingTask.content.video_url }),
		);
		// The credential was decrypted and applied: the key went out as a bearer token.
		const reads = (await api.requests()).filter((request) => request.path === `${TASKS_PATH}/${existingTask.id}`);
		expect(reads.length).toBeGreaterThanOrEqual(1);
		expect(reads.every((request) => request.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
	});

	test('generates a video, waits for it and stores the download as filesystem binary data', async () => {
		const run = await n8n.executeWorkflow(workflowIds.generate);

		const create = (await api.requests()).find((request) => request.method === 'POST' && request.path === TASKS_PATH && request.body.duration === 5);
		expect(create.body).toEqual(expect.objectContaining({ model: 'doubao-seedance-1-0-pro-250528', duration: 5 }));
		expect(JSON.stringify(create.body)).toContain('A red fox runs through fresh snow');

		const [item] = harness.nodeOutputItems(run, SEEDANCE_NAME);
		expect(item.json).toEqual(expect.objectContaining({ status: 'succeeded', taskId: create.taskId }));
		expect(item.json.taskId).toMatch(/^cgt-/);
		const video = item.binary?.data;
		expect(video).toEqual(expect.objectContaining({ mimeType: 'video/mp4' }));
		// Filesystem mode: the item carries a reference, the bytes are on disk.
		expect(video.data).toBe('filesystem-v2');
		expect(video.id).toMatch(/^filesystem-v2:/);
		const storedFile = findFile(path.join(userFolder, '.n8n'), path.basename(video.id.split(':')[1]));
		expect(storedFile).toBeDefined();
		expect(fs.statSync(storedFile).size).toBe(VIDEO_BYTES);
		expect(fs.readFileSync(storedFile).subarray(4, 8).toString('latin1')).toBe('ftyp');
	});

	test('a refused API key fails the Seedance node with the HTTP status', async () => {
		const run = await n8n.executeWorkflow(workflowIds.refused, { allowFailure: true });

		expect(run.status).toBe('error');
		const { error } = run.data.resultData;
		expect(error.node?.name).toBe(SEEDANCE_NAME);
		expect(error.httpCode).toBe('401');
		expect(error.message).toMatch(/401/);
		// A trailing slash in the credential's base URL is tolerated.
		const requests = await api.requests();
		expect(requests.some((request) => request.headers.authorization === 'Bearer sk-e2e-wrong-key-000000')).toBe(true);
	});
});

/** Creates a task straight at the simulator (as another client would) and waits until it succeeded. */
async function createFinishedTask(simulator, prompt) {
	const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
	const created = await fetch(`${simulator.baseUrl}${TASKS_PATH}`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ model: 'doubao-seedance-1-0-pro-250528', prompt }),
	});
	const { id } = await created.json();
	for (let attempt = 0; attempt < 100; attempt++) {
		const task = await (await fetch(`${simulator.baseUrl}${TASKS_PATH}/${id}`, { headers })).json();
		if (task.status === 'succeeded') return task;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`Task ${id} did not succeed`);
}

function findFile(directory, fileName) {
	for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
		const entryPath = path.join(directory, entry.name);
		if (entry.isFile() && entry.name === fileName) return entryPath;
		if (entry.isDirectory()) {
			const found = findFile(entryPath, fileName);
			if (found) return found;
		}
	}
	return undefined;
}
