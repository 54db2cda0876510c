'use strict';
/**
 * What `npm start`, `npm run start:queue` and `npm run demo` share: which API the
 * credential points at (the local simulator, or the real API when SEEDANCE_API_KEY is
 * set), the owner account, the example workflows wired to that credential, and small
 * console helpers.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const harness = require('./harness');

const DEFAULT_BASE_URL = 'https://api.aiid.edu.kg';
const EXAMPLES_DIR = path.join(harness.REPO_ROOT, 'examples');
/** The credential the example files reference; imported under this id so they match as they are. */
const CREDENTIAL_ID = 'seedanceApiCred1';
const CREDENTIAL_NAME = 'Seedance API';
const SIMULATOR_KEY = 'sim-local-key';
// Slow enough to watch a task go queued -> running -> succeeded, fast enough to try things.
const SIMULATOR_ARGS = ['--flavour', 'ark', '--queued-ms', '1500', '--task-ms', '6000'];
const DEFAULT_SIMULATOR_PORT = 4010;

const startedAt = Date.now();

/** "[  12.3s] message" on stderr: progress lines while installing and booting. */
function step(message) {
	const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
	process.stderr.write(`[${seconds}s] ${message}\n`);
}

/** The real API from the environment, or undefined to use the simulator. */
function realApiFromEnv() {
	const apiKey = process.env.SEEDANCE_API_KEY?.trim();
	if (!apiKey) return undefined;
	const baseUrl = (process.env.SEEDANCE_BASE_URL?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
	return { apiKey, baseUrl };
}

/** A short, non-reversible fingerprint of a key: tells whether the credential must be re-imported. */
function keyFingerprint(apiKey) {
	return crypto.createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}

/** The example workflow files (examples/*.json), by file name. */
function exampleFiles() {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => path.join(EXAMPLES_DIR, name));
}

function readExample(fileOrName) {
	const file = fileOrName.includes(path.sep) ? fileOrName : path.join(EXAMPLES_DIR, fileOrName);
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Every Seedance node (and Seedance Tool node) of a workflow. */
function seedanceNodes(workflow) {
	return workflow.nodes.filter((node) => node.type.startsWith(`${harness.PACKAGE_NAME}.`));
}

/** A copy of the workflow whose Seedance nodes use `credential` ({id, name}). */
function withCredential(workflow, credential) {
	const copy = structuredClone(workflow);
	for (const node of seedanceNodes(copy)) {
		node.credentials = { [harness.CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
	}
	return copy;
}

/** The workflow's trigger nodes that serve a form (their production path). */
function formPaths(workflow) {
	return workflow.nodes
		.filter((node) => node.type === 'n8n-nodes-base.formTrigger')
		.map((node) => node.parameters?.options?.path || node.parameters?.path || node.webhookId);
}

/**
 * The API the credential uses: the real one when SEEDANCE_API_KEY is set, else the simulator
 * started on port 4010 or the next free one. `simulator` is its handle (stop it on exit).
 */
async function chooseApi() {
	const real = realApiFromEnv();
	if (real) {
		step(`SEEDANCE_API_KEY is set: the credential uses the real API at ${real.baseUrl} (key ${harness.maskSecret(real.apiKey)}); no simulator`);
		// Callbacks: by the base URL (Ark and BytePlus call back), as for any user.
		return { ...real, kind: 'real', callbacks: 'auto' };
	}
	const port = await harness.findFreePortFrom(DEFAULT_SIMULATOR_PORT);
	const mediaPort = await harness.findFreePortFrom(port + 1);
	step(`starting the API simulator on port ${port} (media on ${mediaPort})`);
	const simulator = await harness.startSimulator({ apiKey: SIMULATOR_KEY, port, mediaPort, args: SIMULATOR_ARGS });
	// The simulator calls back as Ark does, from a host the node cannot recognise as Ark.
	return { apiKey: SIMULATOR_KEY, baseUrl: simulator.baseUrl, kind: 'simulator', simulator, callbacks: 'yes' };
}

/** Creates the owner account on a fresh n8n (saving it, password included, in `ownerFile`), else reuses the saved one. */
async function ensureOwner(url, ownerFile) {
	const saved = harness.readJsonIfPresent(ownerFile);
	if (await harness.needsOwnerSetup(url)) {
		const owner = {
			email: 'admin@seedance.test',
			firstName: 'Seedance',
			lastName: 'Admin',
			password: `Sd-${crypto.randomBytes(9).toString('base64url')}-7x`,
		};
		step(`setting up the owner account ${owner.email}`);
		await harness.setupOwner(url, owner);
		harness.writeJson(ownerFile, owner, 0o600);
		return { ...owner, created: true };
	}
	return saved ? { ...saved, created: false } : undefined;
}

/** The credential's data for the chosen API. */
function credentialData(api) {
	return { apiKey: api.apiKey, baseUrl: api.baseUrl, callbacks: api.callbacks };
}

/** The printed list of the imported example workflows: editor links, and form links where a workflow has a form. */
function workflowLines(examples, editorUrl, formBaseUrl) {
	const lines = [];
	for (const { workflow } of examples) {
		lines.push(`    - ${workflow.name}: ${editorUrl}/workflow/${workflow.id}`);
		for (const formPath of formPaths(workflow)) lines.push(`        form: ${formBaseUrl}/form/${formPath}`);
	}
	return lines;
}

module.exports = {
	chooseApi,
	credentialData,
	ensureOwner,
	DEFAULT_BASE_URL,
	EXAMPLES_DIR,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	step,
	realApiFromEnv,
	keyFingerprint,
	exampleFiles,
	readExample,
	seedanceNodes,
	withCredential,
	formPaths,
	workflowLines,
};
