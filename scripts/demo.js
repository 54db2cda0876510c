#!/usr/bin/env node
'use strict';
/**
 * `npm run demo`: the "prompt to video" example (examples/prompt-to-video.json)
 * run headless by a real n8n (`n8n execute`), with this package installed as a
 * community node. Writes the video and the output item to demo-output/.
 *
 *   npm run demo                          # against the local API simulator
 *   npm run demo -- "a cat surfing a wave" # your own prompt
 *   SEEDANCE_API_KEY=... npm run demo     # the real API (one billed task);
 *                                         # SEEDANCE_BASE_URL, SEEDANCE_MODEL optional
 *
 * Uses a fresh temporary n8n user folder (KEEP_N8N_DEMO=1 keeps it) and exits 0
 * once the video is written.
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('./n8n/harness');
const setup = require('./n8n/local-setup');

const { step } = setup;
const OUTPUT_DIR = path.join(harness.REPO_ROOT, 'demo-output');
const EXAMPLE = 'prompt-to-video.json';
const SEEDANCE_NODE = 'Generate Video';
const IDEA_NODE = 'Video Idea';
const SIMULATOR_KEY = 'sim-demo-key';

async function main() {
	const prompt = process.argv.slice(2).join(' ').trim() || process.env.SEEDANCE_PROMPT?.trim();

	step(`n8n ${harness.N8N_VERSION}: checking the cache in ${harness.INSTALL_DIR}`);
	if (!harness.isN8nInstalled()) step('n8n is not installed yet: installing it now (first time only, about 7 minutes)');
	harness.ensureN8nInstalled();

	let simulator;
	let api = setup.realApiFromEnv();
	if (api) {
		step(`SEEDANCE_API_KEY is set: using the real API at ${api.baseUrl} (key ${harness.maskSecret(api.apiKey)}). This creates ONE billed video task.`);
	} else {
		step('starting the API simulator');
		simulator = await harness.startSimulator({ apiKey: SIMULATOR_KEY, args: ['--task-ms', '3000'] });
		api = { apiKey: SIMULATOR_KEY, baseUrl: simulator.baseUrl };
	}

	const userFolder = harness.createTempDir('seedance-demo-');
	try {
		step(`preparing a fresh n8n user folder (${userFolder})`);
		const n8n = harness.prepareUserFolder({ dir: userFolder, binaryDataMode: 'filesystem' });
		const credential = await n8n.importCredential({ name: setup.CREDENTIAL_NAME, apiKey: api.apiKey, baseUrl: api.baseUrl });

		const workflow = setup.withCredential(setup.readExample(EXAMPLE), credential);
		const seedance = workflow.nodes.find((node) => node.name === SEEDANCE_NODE);
		if (prompt) setAssignment(workflow, IDEA_NODE, 'prompt', prompt);
		if (process.env.SEEDANCE_MODEL?.trim()) seedance.parameters.model = process.env.SEEDANCE_MODEL.trim();
		if (simulator) seedance.parameters.options.pollInterval = 1; // the simulator's task takes about 3 s
		const workflowId = await n8n.importWorkflow(workflow);

		const promptUsed = workflowPrompt(workflow);
		step(`running "${workflow.name}" with n8n execute (model ${seedance.parameters.model}, prompt "${promptUsed}")`);
		const runStartedAt = Date.now();
		const run = await n8n.executeWorkflow(workflowId, { timeoutMs: simulator ? 5 * 60 * 1000 : 30 * 60 * 1000 });
		step(`the workflow finished in ${((Date.now() - runStartedAt) / 1000).toFixed(1)} s`);

		const [item] = harness.nodeOutputItems(run, SEEDANCE_NODE);
		const video = item?.binary?.data;
		if (!video) throw new Error(`The "${SEEDANCE_NODE}" node put out no video: ${JSON.stringify(item?.json)}`);
		const bytes = n8n.readBinaryData(video);
		if (bytes.subarray(4, 8).toString('latin1') !== 'ftyp') throw new Error('The downloaded file is not an MP4 (no ftyp box)');

		fs.mkdirSync(OUTPUT_DIR, { recursive: true });
		const baseName = String(item.json.taskId || 'seedance-demo').replace(/[^\w.-]/g, '_');
		const videoFile = path.join(OUTPUT_DIR, `${baseName}.mp4`);
		const itemFile = path.join(OUTPUT_DIR, `${baseName}.json`);
		fs.writeFileSync(videoFile, bytes);
		fs.writeFileSync(itemFile, `${JSON.stringify({ json: item.json, binary: { data: describeBinary(video, bytes) } }, null, 2)}\n`);

		const relative = (file) => path.relative(process.cwd(), file) || file;
		process.stdout.write(
			[
				'',
				`Video task ${item.json.taskId} ${item.json.status} (${simulator ? 'simulator' : api.baseUrl}).`,
				`  video:       ${relative(videoFile)}  (${bytes.length} bytes, video/mp4)`,
				`  output item: ${relative(itemFile)}`,
				`  video URL:   ${item.json.videoUrl}`,
				'',
			].join('\n'),
		);
	} finally {
		await simulator?.stop();
		if (process.env.KEEP_N8N_DEMO === '1') step(`kept the n8n user folder ${userFolder}`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

/** Sets one field of a Set node (the example keeps the prompt there). */
function setAssignment(workflow, nodeName, field, value) {
	const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
	const assignment = node?.parameters?.assignments?.assignments?.find((candidate) => candidate.name === field);
	if (!assignment) throw new Error(`${EXAMPLE} has no "${field}" field in node "${nodeName}"`);
	assignment.value = value;
}

function workflowPrompt(workflow) {
	const node = workflow.nodes.find((candidate) => candidate.name === IDEA_NODE);
	return node?.parameters?.assignments?.assignments?.find((candidate) => candidate.name === 'prompt')?.value ?? '';
}

/** The binary's metadata as n8n put it out, without the storage reference of the temporary folder. */
function describeBinary(binary, bytes) {
	const { id, data, ...metadata } = binary;
	return { ...metadata, bytes: bytes.length };
}

main()
	.then(() => process.exit(0))
	.catch((error) => {
		process.stderr.write(`\nnpm run demo failed: ${error.stack || error.message}\n`);
		process.exit(1);
	});
