#!/usr/bin/env node
'use strict';
/**
 * `npm start`: a real n8n with this package installed as a community node, a
 * "Seedance API" credential and the example workflows, in the foreground.
 *
 *   - API: the local simulator (simulator/cli.js), or the real API when
 *     SEEDANCE_API_KEY is set (base URL SEEDANCE_BASE_URL, default
 *     https://api.aiid.edu.kg).
 *   - n8n 2.41.1 (the harness default) under Node 24 from ~/.cache/n8n-nodes-seedance (installed the
 *     first time, about 7 minutes), user folder .n8n-local/ (kept between runs).
 *   - Port 5678 or the next free one (N8N_PORT / PORT choose another start).
 *   - Ctrl-C stops n8n (and its task runners) and the simulator.
 *
 * Run through npm (`npm start` builds first) or `node scripts/start.js` after
 * `npm run build`. `rm -rf .n8n-local` starts over (new owner, fresh examples).
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('./n8n/harness');
const setup = require('./n8n/local-setup');

const { step } = setup;
const LOCAL_DIR = path.join(harness.REPO_ROOT, '.n8n-local');
const STATE_FILE = path.join(LOCAL_DIR, 'start-state.json');
const OWNER_FILE = path.join(LOCAL_DIR, 'owner.json');
const DEFAULT_N8N_PORT = 5678;

let shuttingDown = false;
let simulator;
let server;

async function main() {
	harness.useOwnSignalHandlers();
	process.on('SIGINT', () => shutdown('Ctrl-C', 0));
	process.on('SIGTERM', () => shutdown('SIGTERM', 0));

	step(`n8n ${harness.N8N_VERSION}: checking the cache in ${harness.INSTALL_DIR}`);
	if (!harness.isN8nInstalled()) {
		step('n8n is not installed yet: installing it now (first time only, about 7 minutes; progress below)');
	}
	harness.ensureN8nInstalled();
	step('n8n is installed');

	// The state only describes what is in the database next to it.
	const databaseExists = fs.existsSync(path.join(LOCAL_DIR, '.n8n', 'database.sqlite'));
	const state = (databaseExists && harness.readJsonIfPresent(STATE_FILE)) || {};
	const api = await setup.chooseApi();
	simulator = api.simulator;
	if (shuttingDown) return;

	step(`preparing the n8n user folder ${path.relative(process.cwd(), LOCAL_DIR) || LOCAL_DIR} with the built package`);
	const n8n = harness.prepareUserFolder({ dir: LOCAL_DIR, binaryDataMode: 'filesystem' });

	const credential = { id: setup.CREDENTIAL_ID, name: setup.CREDENTIAL_NAME };
	const credentialState = { baseUrl: api.baseUrl, key: setup.keyFingerprint(api.apiKey), callbacks: api.callbacks };
	if (JSON.stringify(state.credential) !== JSON.stringify(credentialState)) {
		step(`importing the "${credential.name}" credential (base URL ${api.baseUrl})`);
		await n8n.importCredential({ ...credential, apiKey: api.apiKey, baseUrl: api.baseUrl, data: setup.credentialData(api) });
		state.credential = credentialState;
		harness.writeJson(STATE_FILE, state);
	} else {
		step(`the "${credential.name}" credential already points at ${api.baseUrl}`);
	}
	if (shuttingDown) return;

	// Examples are imported once (later runs keep your edits); new example files are added.
	state.examples ??= {};
	const examples = setup.exampleFiles().map((file) => ({ file, workflow: setup.readExample(file) }));
	const toImport = examples.filter(({ workflow }) => !state.examples[workflow.id]);
	if (toImport.length > 0) {
		step(`importing ${toImport.length} example workflow(s): ${toImport.map(({ file }) => path.basename(file)).join(', ')}`);
		await n8n.importWorkflows(toImport.map(({ workflow }) => setup.withCredential(workflow, credential)));
		const forms = toImport.filter(({ workflow }) => setup.formPaths(workflow).length > 0);
		if (forms.length > 0) {
			step(`publishing the form workflow(s) so their form URLs work: ${forms.map(({ workflow }) => workflow.name).join(', ')}`);
			await n8n.publishWorkflows(forms.map(({ workflow }) => workflow.id));
		}
		for (const { file, workflow } of toImport) state.examples[workflow.id] = path.basename(file);
		harness.writeJson(STATE_FILE, state);
	} else {
		step(`the ${examples.length} example workflows are already imported`);
	}
	if (shuttingDown) return;

	const preferredPort = Number(process.env.N8N_PORT || process.env.PORT || DEFAULT_N8N_PORT);
	const port = await harness.findFreePortFrom(preferredPort);
	if (port !== preferredPort) step(`port ${preferredPort} is taken: using ${port}`);
	step(`starting n8n on port ${port} (about 15 s)`);
	server = await n8n.startN8n({ port });
	if (shuttingDown) return;

	const owner = await setup.ensureOwner(server.url, OWNER_FILE);
	printSummary({ api, owner, examples, port });

	// Foreground until Ctrl-C; if n8n dies on its own, say so and stop the rest.
	watchServer();
}

function printSummary({ api, owner, examples, port }) {
	const url = `http://localhost:${port}`;
	const lines = [
		'',
		'n8n with the Seedance node is running.',
		'',
		`  Editor:     ${url}`,
	];
	if (owner) {
		lines.push(`  Login:      ${owner.email}`);
		lines.push(`  Password:   ${owner.password}${owner.created ? '   (created now; saved in .n8n-local/owner.json)' : ''}`);
	} else {
		lines.push('  Login:      the owner account you created earlier in this folder');
	}
	if (api.kind === 'simulator') {
		lines.push(`  Simulator:  ${simulator.baseUrl}  (the "Seedance API" credential points here; requests: ${simulator.adminUrl}/requests)`);
	} else {
		lines.push(`  API:        ${api.baseUrl}  (real API: every generated video is a billed task)`);
	}
	lines.push('', '  Workflows (Overview in the editor):');
	lines.push(...setup.workflowLines(examples, url, url));
	lines.push('', 'Press Ctrl-C to stop n8n and the simulator.', '');
	process.stdout.write(`${lines.join('\n')}\n`);
}

function watchServer() {
	const timer = setInterval(async () => {
		if (shuttingDown) return clearInterval(timer);
		try {
			const response = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5000) });
			await response.arrayBuffer();
		} catch {
			if (shuttingDown) return;
			// One failed probe may be a busy server; a dead process is not.
			try {
				process.kill(server.pid, 0);
			} catch {
				clearInterval(timer);
				step(`n8n stopped unexpectedly; last log lines:\n${server.output().split('\n').slice(-20).join('\n')}`);
				await shutdown('n8n exited', 1);
			}
		}
	}, 5000);
}

async function shutdown(reason, exitCode) {
	if (shuttingDown) return;
	shuttingDown = true;
	step(`${reason}: stopping n8n${simulator ? ' and the simulator' : ''}…`);
	try {
		await server?.stop();
		await simulator?.stop();
		await harness.stopAllChildren({ graceMs: 5000 });
	} finally {
		step('stopped');
		process.exit(exitCode);
	}
}


main().catch(async (error) => {
	process.stderr.write(`\nnpm start failed: ${error.stack || error.message}\n`);
	await shutdown('error', 1);
});
