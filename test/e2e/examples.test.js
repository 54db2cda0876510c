'use strict';
/**
 * The example workflows in examples/ (the files users import), run by a real
 * n8n (2.x by default; N8N_E2E_VERSION=1.123.81 for 1.x) with the built package
 * installed as a community node, against the
 * API simulator (simulator/cli.js, Ark flavour). Each test checks what its
 * example promises, from both sides: what n8n put out, and what the simulator
 * received (its request and callback record, read over /__sim/*).
 *
 *   form-to-video         the form served by `n8n start`, submitted over HTTP with
 *                         a real multipart upload, and in headless Chromium; the
 *                         image goes out as the first_frame data URL, the MP4
 *                         comes back to the form user (a browser download);
 *                         without a file, a text-only request
 *   sheet-rows-to-videos  `n8n execute`: one task per row, all created before
 *                         any status read, one MP4 per row, in row order
 *   callback-long-jobs    `n8n execute` leaves the run waiting on the Seedance
 *                         node (Wait Mode "Callback"); the simulator's callbacks
 *                         resume it in `n8n start`; no status polls while it
 *                         waits, the videos in the node's output
 *   prompt-to-video       `n8n execute` (what `npm run demo` runs)
 *   ai-agent-tool         imported; n8n offers the node as a tool
 *
 * Test-only changes to the examples: the credential id, a 1 s poll interval,
 * and simulator timing markers in the callback example's prompt.
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../../scripts/n8n/harness');
const { cleanUp, startServerSession } = require('./support/session');
const examples = require('./support/examples');
const editor = require('./support/editor');
const forms = require('./support/forms');
const media = require('./support/media');

const API_KEY = 'sk-e2e-examples-5f1c0a9d7b3e';
const VIDEO_BYTES = 65536; // differs from the sample's own size: the padding must arrive too
const TASKS_PATH = '/api/v3/contents/generations/tasks';
const FINAL_STATUSES = ['succeeded', 'failed', 'expired', 'cancelled'];
const CALLBACK_PROMPTS = 'Prompts (Stand-in for a Form or Sheet)';
const CALLBACK_NODE = 'Generate Videos (Callback)';
const CALLBACK_PUBLISH = 'Publish Each Video (Connect YouTube or Google Drive Here)';
const FORM_SCREENSHOT = path.join(harness.REPO_ROOT, 'test-results', 'example-form-to-video.png');

describe('example workflows in a real n8n', () => {
	let simulator;
	let userFolder;
	let n8n;
	let server;
	let rest;
	const workflows = {};

	beforeAll(async () => {
		harness.ensureN8nInstalled({ install: false });
		simulator = await harness.startSimulator({ apiKey: API_KEY, args: ['--flavour', 'ark', '--video-bytes', String(VIDEO_BYTES)] });
		userFolder = harness.createTempDir();
		n8n = harness.prepareUserFolder({ dir: userFolder, packageDir: process.env.SEEDANCE_PACKAGE_DIR || undefined });
		const credential = await n8n.importCredential({
			name: 'Seedance API',
			apiKey: API_KEY,
			baseUrl: simulator.baseUrl,
			// The simulator calls back as Ark does, from a host the node cannot tell is Ark.
			data: { apiKey: API_KEY, baseUrl: simulator.baseUrl, callbacks: 'yes' },
		});

		workflows.form = examples.loadExample('form-to-video.json', credential);
		workflows.sheet = examples.loadExample('sheet-rows-to-videos.json', credential);
		// Seconds between status changes, so the tasks end well after the execution waits.
		workflows.callback = examples.appendToPrompt(
			examples.loadExample('callback-long-jobs.json', credential),
			CALLBACK_NODE,
			'[sim:queued_ms=4000] [sim:task_ms=4000]',
		);
		workflows.prompt = examples.loadExample('prompt-to-video.json', credential);
		workflows.agent = examples.loadExample('ai-agent-tool.json', credential);
		await n8n.importWorkflows(Object.values(workflows));
		await n8n.publishWorkflow(workflows.form.id);

		({ server, rest } = await startServerSession(n8n));
	});

	afterAll(async () => await cleanUp({ server, simulator, folder: userFolder }));

	/** Requests the simulator recorded since `sinceId` (its record ids only grow). */
	async function requestsSince(sinceId) {
		return (await simulator.requests()).filter((request) => request.id > sinceId);
	}

	async function lastRequestId() {
		const requests = await simulator.requests();
		return requests.length > 0 ? requests[requests.length - 1].id : 0;
	}

	/** The video as the simulator serves it (fetched again from the task's signed URL). */
	async function servedVideo(videoUrl) {
		const response = await fetch(videoUrl);
		expect(response.status).toBe(200);
		return Buffer.from(await response.arrayBuffer());
	}

	function expectPlayableMp4(bytes) {
		const mp4 = media.describeMp4(bytes);
		expect(mp4).toEqual(expect.objectContaining({ startsWithFtyp: true, hasMoov: true, hasMdat: true, size: VIDEO_BYTES }));
		const probe = media.probeVideo(bytes); // undefined where ffprobe is not installed
		if (probe) expect(probe).toEqual(expect.objectContaining({ codec: 'h264', width: 320, height: 240 }));
	}

	describe('form-to-video.json', () => {
		const formUrl = () => `${server.url}/form/${examples.formPaths(workflows.form)[0]}`;

		test('an uploaded image goes out as the first_frame data URL, and the form user gets the MP4 back', async () => {
			const png = fs.readFileSync(media.SAMPLE_PNG);
			const prompt = 'The boat in the picture sails out of the harbour at sunset';
			const since = await lastRequestId();

			const result = await forms.submitFormAndGetFiles(formUrl(), [prompt, { file: png, fileName: 'boat.png', mimeType: 'image/png' }]);

			// The simulator got one create: the prompt, and the upload as the first frame, byte for byte.
			const creates = (await requestsSince(since)).filter((request) => request.method === 'POST' && request.path === TASKS_PATH);
			expect(creates).toHaveLength(1);
			const [create] = creates;
			expect(create.headers.authorization).toBe(`Bearer ${API_KEY}`);
			expect(create.body).toEqual({
				model: 'doubao-seedance-1-0-pro-250528',
				prompt,
				duration: 5,
				ratio: 'adaptive',
				content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` }, role: 'first_frame' }],
			});

			// The completion page hands the browser exactly one file: the task's MP4, as served.
			expect(result.files).toHaveLength(1);
			const [file] = result.files;
			expect(file).toEqual(expect.objectContaining({ fileName: `${create.taskId}.mp4`, type: 'video/mp4' }));
			expectPlayableMp4(file.data);
			const task = (await simulator.tasks()).find((candidate) => candidate.id === create.taskId);
			expect(task.status).toBe('succeeded');

			// In n8n, the run went through the image branch only.
			const execution = await harness.waitForExecution(rest, result.executionId);
			expect(execution.status).toBe('success');
			const ran = Object.keys(execution.data.resultData.runData);
			expect(ran).toEqual(expect.arrayContaining(['Video Request Form', 'Image Uploaded?', 'Image to Video', 'Send the Video']));
			expect(ran).not.toContain('Text to Video');
			expect(ran).not.toContain('Send the Text-Only Video');
			const [videoItem] = execution.data.resultData.runData['Image to Video'][0].data.main[0];
			expect(file.data.equals(await servedVideo(videoItem.json.videoUrl))).toBe(true);
		});

		test('in Chromium: the person filling in the form uploads a picture and downloads the MP4', async () => {
			const png = fs.readFileSync(media.SAMPLE_PNG);
			const since = await lastRequestId();
			const browser = await editor.launchChromium();
			try {
				const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1000, height: 800 } });
				const page = await context.newPage();
				page.setDefaultTimeout(30000);
				await page.goto(formUrl());
				await page.getByLabel('Prompt').fill('A paper plane glides over a sunny park');
				await page.locator('input[type="file"]').setInputFiles({ name: 'plane.png', mimeType: 'image/png', buffer: png });
				await editor.saveScreenshot(page, FORM_SCREENSHOT);
				const download = page.waitForEvent('download', { timeout: 60000 });
				await page.locator('#submit-btn').click();
				const file = path.join(userFolder, 'download.mp4');
				await (await download).saveAs(file);
				await page.getByText('Your video is ready').waitFor(); // the Form Ending page

				const [create] = (await requestsSince(since)).filter((request) => request.method === 'POST' && request.path === TASKS_PATH);
				expect(create.body.content).toEqual([
					{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` }, role: 'first_frame' },
				]);
				expect((await download).suggestedFilename()).toBe(`${create.taskId}.mp4`);
				expectPlayableMp4(fs.readFileSync(file));
			} finally {
				await browser.close();
			}
		});

		test('without an upload, the prompt alone makes the video', async () => {
			const prompt = 'A lighthouse in a storm, waves crashing, night';
			const since = await lastRequestId();

			const result = await forms.submitFormAndGetFiles(formUrl(), [prompt, forms.EMPTY_FILE_INPUT]);

			const creates = (await requestsSince(since)).filter((request) => request.method === 'POST' && request.path === TASKS_PATH);
			expect(creates).toHaveLength(1);
			expect(creates[0].body).toEqual({ model: 'doubao-seedance-1-0-pro-250528', prompt, duration: 5, ratio: '16:9' });
			expect(result.files).toHaveLength(1);
			expect(result.files[0]).toEqual(expect.objectContaining({ fileName: `${creates[0].taskId}.mp4`, type: 'video/mp4' }));
			expectPlayableMp4(result.files[0].data);

			const execution = await harness.waitForExecution(rest, result.executionId);
			// n8n dropped the empty file input: the trigger's item has no binary at all.
			const [submission] = execution.data.resultData.runData['Video Request Form'][0].data.main[0];
			expect(submission.json.Prompt).toBe(prompt);
			expect(submission.binary).toBeUndefined();
			const ran = Object.keys(execution.data.resultData.runData);
			expect(ran).toEqual(expect.arrayContaining(['Text to Video', 'Send the Text-Only Video']));
			expect(ran).not.toContain('Image to Video');
		});
	});

	test('sheet-rows-to-videos.json: one task per row, all created at once, one MP4 per row in row order', async () => {
		const since = await lastRequestId();

		const run = await n8n.executeWorkflow(workflows.sheet.id);

		const rows = harness.nodeOutputItems(run, 'Rows (Stand-in for Google Sheets)').map((item) => item.json);
		expect(rows.length).toBeGreaterThanOrEqual(3);
		const requests = await requestsSince(since);
		const creates = requests.filter((request) => request.method === 'POST' && request.path === TASKS_PATH);
		const reads = requests.filter((request) => request.method === 'GET' && request.path.startsWith(TASKS_PATH));

		// One create per row, with that row's columns as JSON types.
		expect(creates).toHaveLength(rows.length);
		expect(creates.map((request) => request.body).sort(byPrompt)).toEqual(
			rows
				.map((row) => ({ model: 'doubao-seedance-1-0-pro-fast-251015', prompt: row.prompt, duration: row.duration, ratio: row.ratio }))
				.sort(byPrompt),
		);
		// All tasks were created before the first status read: the rows run together, not one after another.
		expect(Math.max(...creates.map((request) => request.time))).toBeLessThanOrEqual(Math.min(...reads.map((request) => request.time)));

		// One output item per row, in row order, each with its own task's MP4.
		const items = harness.nodeOutputItems(run, 'Upload Each Video (Connect Google Drive or YouTube Here)');
		expect(items).toHaveLength(rows.length);
		const taskIdByPrompt = new Map(creates.map((request) => [request.body.prompt, request.taskId]));
		for (const [index, item] of items.entries()) {
			expect(item.json).toEqual(expect.objectContaining({ status: 'succeeded', taskId: taskIdByPrompt.get(rows[index].prompt) }));
			expect(item.binary.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4', fileName: `${item.json.taskId}.mp4` }));
			const bytes = n8n.readBinaryData(item.binary.data);
			expectPlayableMp4(bytes);
			expect(bytes.equals(await servedVideo(item.json.videoUrl))).toBe(true);
		}
		expect(new Set(items.map((item) => item.json.taskId)).size).toBe(rows.length);
	});

	test('callback-long-jobs.json: one node waits for the callbacks, with no status polls while it waits', async () => {
		const since = await lastRequestId();

		// `n8n execute` creates the tasks, reads them once, and leaves the execution waiting on the node.
		const parked = await n8n.executeWorkflow(workflows.callback.id);
		expect(parked.status).toBe('waiting');
		expect(Object.keys(parked.data.resultData.runData)).toEqual(['Start', CALLBACK_PROMPTS, CALLBACK_NODE]);
		const [{ id: executionId }] = await harness.listExecutions(rest, workflows.callback.id);

		// `n8n start` takes the callbacks; the last final one resumes the execution.
		const execution = await harness.waitForExecution(rest, executionId, { timeoutMs: 90000 });
		expect(execution.status).toBe('success');

		const requests = await requestsSince(since);
		const creates = requests.filter((request) => request.method === 'POST' && request.path === TASKS_PATH);
		expect(creates).toHaveLength(2);
		// n8n 2.x signs the resume URL; 1.x's $execution.resumeUrl carries no signature.
		const signature = harness.N8N_MAJOR >= 2 ? '\\?signature=\\w+' : '';
		for (const create of creates) {
			expect(create.body.callback_url).toMatch(new RegExp(`^${escapeRegExp(server.url)}/webhook-waiting/${executionId}${signature}$`));
		}

		// The simulator POSTed every status change of both tasks to that URL.
		const callbacks = [];
		for (const create of creates) {
			await waitFor(async () => (await callbacksOf(create.taskId)).some((callback) => FINAL_STATUSES.includes(callback.taskStatus)));
			const ofTask = await callbacksOf(create.taskId);
			expect(ofTask.map((callback) => callback.taskStatus)).toEqual(['queued', 'running', 'succeeded']);
			callbacks.push(...ofTask);
		}
		const finals = callbacks.filter((callback) => FINAL_STATUSES.includes(callback.taskStatus)).map((callback) => callback.time);
		const lastCreate = Math.max(...creates.map((create) => create.time));

		// No polling: one list read right after the creates (before the execution waited), then
		// nothing until a final callback; at the last one, a read confirms and each task is read
		// once to be finished (a second process, `n8n start`, reads once more at the first final
		// callback since it knows nothing of the run yet).
		const taskReads = requests.filter((request) => request.method === 'GET' && request.path.startsWith(TASKS_PATH));
		const beforeFirstFinal = taskReads.filter((request) => request.time < Math.min(...finals));
		expect(beforeFirstFinal.map((request) => request.path)).toEqual([TASKS_PATH]);
		expect(beforeFirstFinal[0].time).toBeGreaterThanOrEqual(lastCreate);
		expect(taskReads.length).toBeLessThanOrEqual(1 + 2 + creates.length);
		const gets = taskReads.filter((request) => request.path !== TASKS_PATH);
		expect(gets.map((request) => request.path).sort()).toEqual(creates.map((create) => `${TASKS_PATH}/${create.taskId}`).sort());
		for (const get of gets) expect(get.time).toBeGreaterThanOrEqual(Math.max(...finals));

		// The node's output after resuming: one item per prompt, each with its MP4 in "data".
		const items = execution.data.resultData.runData[CALLBACK_NODE][0].data.main[0];
		expect(items.map((item) => [item.pairedItem, item.json.status])).toEqual([
			[{ item: 0 }, 'succeeded'],
			[{ item: 1 }, 'succeeded'],
		]);
		// Each item holds the task created for its own prompt (the creates run at once, in any order).
		const prompts = execution.data.resultData.runData[CALLBACK_PROMPTS][0].data.main[0].map((item) => item.json.prompt);
		const taskOfPrompt = (prompt) => creates.find((create) => String(create.body.prompt).startsWith(prompt))?.taskId;
		expect(items.map((item) => item.json.taskId)).toEqual(prompts.map(taskOfPrompt));
		expect(new Set(items.map((item) => item.json.taskId)).size).toBe(2);
		for (const item of items) {
			const bytes = n8n.readBinaryData(item.binary.data);
			expectPlayableMp4(bytes);
			expect(bytes.equals(await servedVideo(item.json.videoUrl))).toBe(true);
		}
		expect(execution.data.resultData.runData[CALLBACK_PUBLISH][0].data.main[0]).toHaveLength(2);
	});

	test('prompt-to-video.json (npm run demo): prompt in, MP4 out', async () => {
		const since = await lastRequestId();

		const run = await n8n.executeWorkflow(workflows.prompt.id);

		const [item] = harness.nodeOutputItems(run, 'Generate Video');
		const [create] = (await requestsSince(since)).filter((request) => request.method === 'POST');
		expect(create.body).toEqual({
			model: 'doubao-seedance-1-0-pro-fast-251015',
			prompt: 'A red fox runs through fresh snow at dawn, cinematic, slow motion',
			duration: 5,
			ratio: '16:9',
		});
		expect(item.json).toEqual(expect.objectContaining({ taskId: create.taskId, status: 'succeeded' }));
		expectPlayableMp4(n8n.readBinaryData(item.binary.data));
	});

	test('ai-agent-tool.json: imports, with the node attached to the agent as "Seedance Tool"', async () => {
		const nodeTypes = await rest.get('/types/nodes.json');
		const tool = nodeTypes.find((type) => type.name === `${harness.NODE_TYPE}Tool`);
		expect(tool).toEqual(expect.objectContaining({ displayName: 'Seedance Tool', outputs: ['ai_tool'] }));
		expect(tool.credentials).toEqual([expect.objectContaining({ name: harness.CREDENTIAL_TYPE })]);

		const saved = await rest.get(`/rest/workflows/${workflows.agent.id}`);
		// Every node of the example is a type (and version) this n8n knows.
		for (const node of saved.nodes) {
			const known = nodeTypes.filter((type) => type.name === node.type).flatMap((type) => [type.version].flat());
			expect({ node: node.name, known: known.includes(node.typeVersion) }).toEqual({ node: node.name, known: true });
		}
		const toolNodes = saved.nodes.filter((node) => node.type === `${harness.NODE_TYPE}Tool`);
		expect(toolNodes.map((node) => node.parameters.operation).sort()).toEqual(['generate', 'get']);
		for (const node of toolNodes) {
			expect(saved.connections[node.name].ai_tool[0]).toEqual([{ node: 'Video Agent', type: 'ai_tool', index: 0 }]);
		}
		expect(saved.connections['OpenAI Chat Model'].ai_languageModel[0][0].node).toBe('Video Agent');
	});

	async function callbacksOf(taskId) {
		return (await simulator.callbacks()).filter((callback) => callback.taskId === taskId);
	}
});

function byPrompt(a, b) {
	return a.prompt.localeCompare(b.prompt);
}

function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function waitFor(check, { timeoutMs = 10000, intervalMs = 200 } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error('condition not met in time');
}
