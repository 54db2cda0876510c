#!/usr/bin/env node
'use strict';
/**
 * Binary data in queue mode (n8n's database store): RUNS executions started together through
 * the webhook processor, each generating and downloading one video of VIDEO_MB MiB, run by
 * 2 workers. Samples the resident memory (RSS) of every n8n process every 250 ms and prints
 * the peaks, the time, and what Postgres holds afterwards.
 *
 *   npm run build && node bench/queue-binary.js            # 20 x 50 MiB (about 2-3 minutes)
 *   QUEUE_BENCH_RUNS=4 QUEUE_BENCH_VIDEO_MB=20 node bench/queue-binary.js
 *   QUEUE_BENCH_ENV='N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE=40' node bench/queue-binary.js
 *
 * Not part of CI (it moves about 1 GB through Postgres). Writes bench-results/queue-binary.json
 * (other settings: bench-results/queue-binary-<runs>x<MiB>-custom.json).
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../scripts/n8n/harness');
const queue = require('../scripts/n8n/queue');

const RUNS = Number(process.env.QUEUE_BENCH_RUNS || 20);
const VIDEO_MB = Number(process.env.QUEUE_BENCH_VIDEO_MB || 50);
const API_KEY = 'sk-bench-queue-binary';
const HOOK = 'seedance-bench-queue-binary';
const MiB = 1024 * 1024;
const extraEnv = Object.fromEntries(
	(process.env.QUEUE_BENCH_ENV || '')
		.split(/\s+/)
		.filter(Boolean)
		.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes) => Math.round(bytes / MiB);

function workflow(credential) {
	return {
		name: 'bench: queue binary',
		nodes: [
			{
				id: 'b-webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '7a0f3c2e-1b4d-4e8a-9c5f-2d6b8e1a3f90',
				parameters: { httpMethod: 'GET', path: HOOK, responseMode: 'onReceived', options: {} },
			},
			{
				id: 'b-seedance',
				name: 'Seedance',
				type: harness.NODE_TYPE,
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					resource: 'video',
					operation: 'generate',
					model: 'doubao-seedance-1-0-pro-250528',
					prompt: `={{ 'bench run ' + $json.query.run + ' [sim:queued_ms=0] [sim:task_ms=2000] [sim:video_mb=${VIDEO_MB}]' }}`,
					waitForCompletion: true,
					downloadVideo: true,
					options: { pollInterval: 1, maxWait: 900 },
				},
				credentials: { [harness.CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Seedance', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', saveDataErrorExecution: 'all', saveDataSuccessExecution: 'all' },
	};
}

async function main() {
	harness.ensureN8nInstalled({ install: false });
	queue.ensureQueueDeps();
	const simulator = await harness.startSimulator({ apiKey: API_KEY, args: ['--flavour', 'ark', '--no-callbacks'] });
	const root = harness.createTempDir('n8n-seedance-queue-bench-');
	let workflowId;
	const stack = await queue.startQueueStack({
		root,
		workers: 2,
		webhooks: 1,
		mainPort: await harness.findFreePort(),
		webhookPort: await harness.findFreePort(),
		postgresPort: await harness.findFreePort(),
		redisPort: await harness.findFreePort(),
		env: extraEnv,
		beforeN8n: async (n8n) => {
			const credential = await n8n.importCredential({ name: 'bench', apiKey: API_KEY, baseUrl: simulator.baseUrl });
			workflowId = await n8n.importWorkflow(workflow(credential));
			await n8n.publishWorkflow(workflowId);
		},
	});
	try {
		const owner = await harness.setupOwner(stack.main.url);
		const rest = await harness.loginRest(stack.main.url, owner);
		const processes = [stack.main, ...stack.workers, ...stack.webhooks];
		const idle = Object.fromEntries(processes.map((p) => [p.name, mib(queue.rssOfTree(p.pid).self)]));
		const peak = Object.fromEntries(processes.map((p) => [p.name, { self: 0, withRunner: 0 }]));
		let postgresPeak = 0;
		let sampling = true;
		const sampler = (async () => {
			while (sampling) {
				for (const p of processes) {
					const { self, total } = queue.rssOfTree(p.pid);
					peak[p.name].self = Math.max(peak[p.name].self, self);
					peak[p.name].withRunner = Math.max(peak[p.name].withRunner, total);
				}
				postgresPeak = Math.max(postgresPeak, queue.rssOfTree(stack.postgres.pid).total);
				await sleep(250);
			}
		})();

		const startedAt = Date.now();
		process.stderr.write(`[bench] starting ${RUNS} executions, one ${VIDEO_MB} MiB video each\n`);
		await Promise.all(Array.from({ length: RUNS }, (_, run) => fetch(`${stack.webhooks[0].url}/webhook/${HOOK}?run=${run}`).then((r) => r.arrayBuffer())));
		let executions = [];
		const deadline = Date.now() + 20 * 60 * 1000;
		while (Date.now() < deadline) {
			executions = await harness.listExecutions(rest, workflowId);
			if (executions.length >= RUNS && executions.every((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status))) break;
			await sleep(1000);
		}
		const elapsedS = (Date.now() - startedAt) / 1000;
		sampling = false;
		await sampler;

		const statuses = executions.reduce((all, e) => ({ ...all, [e.status]: (all[e.status] ?? 0) + 1 }), {});
		const errors = [];
		for (const e of executions.filter((x) => x.status !== 'success').slice(0, 3)) {
			const full = await harness.waitForExecution(rest, e.id);
			errors.push(full.data?.resultData?.error?.message);
		}
		const perWorker = stack.workers.map((w) => queue.executionsStartedBy(w).length);
		const stored = stack.postgres.psql('SELECT count(*), coalesce(sum(octet_length(data)), 0) FROM binary_data').split('\t').map(Number);
		const result = {
			n8n: harness.N8N_VERSION,
			runs: RUNS,
			videoMiB: VIDEO_MB,
			env: extraEnv,
			elapsedSeconds: Math.round(elapsedS),
			statuses,
			errors,
			executionsPerWorker: perWorker,
			idleRssMiB: idle,
			peakRssMiB: Object.fromEntries(Object.entries(peak).map(([name, value]) => [name, { process: mib(value.self), withTaskRunner: mib(value.withRunner) }])),
			postgresPeakRssMiB: mib(postgresPeak),
			binaryDataRows: stored[0],
			binaryDataMiB: mib(stored[1]),
			postgresDataDirMiB: Number(require('node:child_process').execSync(`du -sm ${path.join(root, 'postgres')}`).toString().split('\t')[0]),
		};
		process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
		const out = path.join(harness.REPO_ROOT, 'bench-results');
		fs.mkdirSync(out, { recursive: true });
		const custom = RUNS !== 20 || VIDEO_MB !== 50 || Object.keys(extraEnv).length > 0;
		fs.writeFileSync(path.join(out, custom ? `queue-binary-${RUNS}x${VIDEO_MB}-custom.json` : 'queue-binary.json'), `${JSON.stringify(result, null, 2)}\n`);
	} finally {
		await stack.stop();
		await simulator.stop();
		if (process.env.KEEP_N8N_E2E !== '1') fs.rmSync(root, { recursive: true, force: true });
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error.message}\n`);
	process.exit(1);
});
