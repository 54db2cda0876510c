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
 *   callback-long-jobs    `n8n execute` parks the run in the Wait node; the
 *                         simulator's callbacks resume it in `n8n start`; no
 *                         status polls, one read after the final callback
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
		const credential = await n8n.importCredential({ name: 'Seedance API', apiKey: API_KEY, baseUrl: simulator.baseUrl });

		workflows.form = examples.loadExample('form-to-video.json', credential);
		workflows.sheet = examples.loadExample('sheet-rows-to-videos.json', credential);
		// Seconds between status changes, so each callback finds the run parked in the Wait node.
		workflows.callback = examples.appendToPrompt(
			examples.loadExample('callback-long-jobs.json', credential),
			'Create Video Task',
			'[sim:queued_ms=6000] [sim:task_ms=5000]',
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

	test('callback-long-jobs.json: the callbacks resume the run, with no status polls', async () => {
		const since = await lastRequestId();

		// `n8n execute` creates the task and parks the run in the Wait node.
		const parked = await n8n.executeWorkflow(workflows.callback.id);
		expect(parked.status).toBe('waiting');
		expect(Object.keys(parked.data.resultData.runData)).toEqual(['Start', 'Create Video Task', 'Wait for Callback']);
		const [{ id: executionId }] = await harness.listExecutions(rest, workflows.callback.id);

		// `n8n start` resumes it on each callback until the task is final.
		const execution = await harness.waitForExecution(rest, executionId, { timeoutMs: 90000 });
		expect(execution.status).toBe('success');

		const requests = await requestsSince(since);
		const creates = requests.filter((request) => request.method === 'POST' && request.path === TASKS_PATH);
		expect(creates).toHaveLength(1);
		const [create] = creates;
		const callbackUrl = create.body.callback_url;
		// n8n 2.x signs the resume URL; 1.x's $execution.resumeUrl carries no signature.
		const signature = harness.N8N_MAJOR >= 2 ? '\\?signature=\\w+' : '';
		expect(callbackUrl).toMatch(new RegExp(`^${escapeRegExp(server.url)}/webhook-waiting/${executionId}${signature}$`));

		// The simulator POSTed every status change to that one URL; n8n took every one that found the run waiting.
		await waitFor(async () => (await callbacksOf(create.taskId)).some((callback) => FINAL_STATUSES.includes(callback.taskStatus)));
		const callbacks = await callbacksOf(create.taskId);
		expect(callbacks.map((callback) => callback.taskStatus)).toEqual(['queued', 'running', 'succeeded']);
		expect(new Set(callbacks.map((callback) => callback.url))).toEqual(new Set([callbackUrl]));
		const accepted = callbacks.filter((callback) => callback.httpStatus === 200);
		expect(accepted.map((callback) => callback.taskStatus)).toEqual(expect.arrayContaining(['running', 'succeeded']));

		// Each accepted callback resumed the Wait node once; the non-final ones looped back to it.
		const { runData } = execution.data.resultData;
		expect(runData['Wait for Callback']).toHaveLength(accepted.length);
		expect(runData['Keep Task ID']).toHaveLength(accepted.length - 1);
		expect(runData['Wait for Task (Fallback)']).toBeUndefined();

		// Zero polls: no list, and the only status read is Get Video's, after the final callback.
		const taskReads = requests.filter((request) => request.method === 'GET' && request.path.startsWith(TASKS_PATH));
		expect(taskReads).toHaveLength(1);
		expect(taskReads[0].path).toBe(`${TASKS_PATH}/${create.taskId}`);
		const finalCallback = callbacks.find((callback) => callback.taskStatus === 'succeeded');
		expect(taskReads[0].time).toBeGreaterThanOrEqual(finalCallback.time);

		// Get Video downloaded the MP4 into the binary field "data".
		const [item] = runData['Get Video'][0].data.main[0];
		expect(item.json).toEqual(expect.objectContaining({ taskId: create.taskId, status: 'succeeded' }));
		const bytes = n8n.readBinaryData(item.binary.data);
		expectPlayableMp4(bytes);
		expect(bytes.equals(await servedVideo(item.json.videoUrl))).toBe(true);
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
