#!/usr/bin/env node
'use strict';
/**
 * `npm run start:queue`: n8n in queue mode on this machine, in the foreground.
 *
 *   - PostgreSQL and Redis (Debian packages `postgresql`, `redis-server`, installed with
 *     apt-get the first time when missing), data in .n8n-local/queue/{postgres,redis}.
 *   - n8n main (`n8n start`, port 5678 or the next free one), 2 workers (`n8n worker`,
 *     QUEUE_WORKERS changes the count) and 1 webhook processor (`n8n webhook`, the next free
 *     port), all with the user folder .n8n-local/queue/user, whose nodes folder holds this
 *     package (where Community Nodes installs it), so every process loads it.
 *   - The "Seedance API" credential and the example workflows imported, the form example
 *     published; an owner account created the first time (.n8n-local/queue/owner.json).
 *   - The API simulator (port 4010 or the next free one), or the real API when
 *     SEEDANCE_API_KEY is set (SEEDANCE_BASE_URL).
 *   - Ctrl-C stops n8n, Redis, Postgres and the simulator. `rm -rf .n8n-local/queue` starts over.
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('./n8n/harness');
const queue = require('./n8n/queue');
const setup = require('./n8n/local-setup');

const { step } = setup;
const ROOT = path.join(harness.REPO_ROOT, '.n8n-local', 'queue');
const STATE_FILE = path.join(ROOT, 'start-state.json');
const OWNER_FILE = path.join(ROOT, 'owner.json');
const WORKERS = Number(process.env.QUEUE_WORKERS || 2);

let shuttingDown = false;
let simulator;
let stack;

async function main() {
	queue.useOwnSignalHandlers();
	process.on('SIGINT', () => shutdown('Ctrl-C', 0));
	process.on('SIGTERM', () => shutdown('SIGTERM', 0));

	step(`n8n ${harness.N8N_VERSION}: checking the cache in ${harness.INSTALL_DIR}`);
	if (!harness.isN8nInstalled()) step('n8n is not installed yet: installing it now (first time only, about 7 minutes)');
	harness.ensureN8nInstalled();
	step('checking PostgreSQL and Redis (installed with apt-get when missing)');
	queue.ensureQueueDeps();
	if (shuttingDown) return;

	// The state describes what is in the Postgres database next to it.
	const databaseExists = fs.existsSync(path.join(ROOT, 'postgres', 'PG_VERSION'));
	const state = (databaseExists && harness.readJsonIfPresent(STATE_FILE)) || {};
	const api = await setup.chooseApi();
	simulator = api.simulator;
	if (shuttingDown) return;

	const examples = setup.exampleFiles().map((file) => ({ file, workflow: setup.readExample(file) }));
	const credential = { id: setup.CREDENTIAL_ID, name: setup.CREDENTIAL_NAME };
	const preferredPort = Number(process.env.N8N_PORT || process.env.PORT || 5678);
	step(`starting PostgreSQL and Redis (data in ${path.relative(process.cwd(), ROOT) || ROOT}), then n8n main, ${WORKERS} workers and a webhook processor`);
	stack = await queue.startQueueStack({
		root: ROOT,
		workers: WORKERS,
		webhooks: 1,
		mainPort: preferredPort,
		beforeN8n: async (n8n) => {
			const credentialState = { baseUrl: api.baseUrl, key: setup.keyFingerprint(api.apiKey), callbacks: api.callbacks };
			if (JSON.stringify(state.credential) !== JSON.stringify(credentialState)) {
				step(`importing the "${credential.name}" credential (base URL ${api.baseUrl})`);
				await n8n.importCredential({ ...credential, apiKey: api.apiKey, baseUrl: api.baseUrl, data: setup.credentialData(api) });
				state.credential = credentialState;
				harness.writeJson(STATE_FILE, state);
			}
			state.examples ??= {};
			const toImport = examples.filter(({ workflow }) => !state.examples[workflow.id]);
			if (toImport.length > 0) {
				step(`importing ${toImport.length} example workflow(s)`);
				await n8n.importWorkflows(toImport.map(({ workflow }) => setup.withCredential(workflow, credential)));
				const forms = toImport.filter(({ workflow }) => setup.formPaths(workflow).length > 0);
				if (forms.length > 0) await n8n.publishWorkflows(forms.map(({ workflow }) => workflow.id));
				for (const { file, workflow } of toImport) state.examples[workflow.id] = path.basename(file);
				harness.writeJson(STATE_FILE, state);
			}
		},
	});
	if (shuttingDown) return;
	const owner = await setup.ensureOwner(stack.main.url, OWNER_FILE);
	printSummary({ api, owner, examples });
	watch();
}

function printSummary({ api, owner, examples }) {
	const url = stack.main.url;
	const hooks = stack.webhooks[0].url;
	const lines = ['', 'n8n in queue mode with the Seedance node is running.', '', `  Editor (main):      ${url}`];
	if (owner) {
		lines.push(`  Login:              ${owner.email}`);
		lines.push(`  Password:           ${owner.password}${owner.created ? '   (created now; saved in .n8n-local/queue/owner.json)' : ''}`);
	}
	lines.push(`  Webhook processor:  ${hooks}   (production /webhook/*, /form/*, /webhook-waiting/*; WEBHOOK_URL points here)`);
	lines.push(`  Workers:            ${stack.workers.map((w) => `pid ${w.pid} (health http://127.0.0.1:${w.healthPort}/healthz)`).join(', ')}`);
	lines.push(`  PostgreSQL:         127.0.0.1:${stack.postgres.port} database ${queue.DB_NAME}, user ${queue.DB_USER}`);
	lines.push(`  Redis:              127.0.0.1:${stack.redis.port}`);
	lines.push(`  Logs:               ${path.relative(process.cwd(), stack.logsDir)}/{main,worker-N,webhook-1,postgres,redis}.log`);
	if (api.kind === 'simulator') lines.push(`  Simulator:          ${simulator.baseUrl}  (requests: ${simulator.adminUrl}/requests)`);
	else lines.push(`  API:                ${api.baseUrl}  (real API: every generated video is a billed task)`);
	lines.push('', '  Workflows:');
	lines.push(...setup.workflowLines(examples, url, hooks));
	lines.push('', 'Press Ctrl-C to stop everything this started.', '');
	process.stdout.write(`${lines.join('\n')}\n`);
}

/** If an n8n process, Postgres or Redis dies on its own, say which and stop the rest. */
function watch() {
	const timer = setInterval(async () => {
		if (shuttingDown) return clearInterval(timer);
		const all = [stack.main, ...stack.workers, ...stack.webhooks, stack.postgres, stack.redis];
		const dead = all.find((handle) => !handle.isRunning());
		if (!dead) return;
		clearInterval(timer);
		step(`${dead.name} stopped unexpectedly; last log lines (${dead.logFile}):\n${dead.output().split('\n').slice(-20).join('\n')}`);
		await shutdown(`${dead.name} exited`, 1);
	}, 2000);
}

async function shutdown(reason, exitCode) {
	if (shuttingDown) return;
	shuttingDown = true;
	step(`${reason}: stopping n8n (main, workers, webhook processor), Redis, PostgreSQL${simulator ? ' and the simulator' : ''}…`);
	try {
		await stack?.stop();
		await simulator?.stop();
		await harness.stopAllChildren({ graceMs: 5000 });
	} finally {
		step('stopped');
		process.exit(exitCode);
	}
}


main().catch(async (error) => {
	process.stderr.write(`\nnpm run start:queue failed: ${error.stack || error.message}\n`);
	await shutdown('error', 1);
});
