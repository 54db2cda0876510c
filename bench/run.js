'use strict';
/**
 * `npm run bench` (after `npm run build`): the Seedance node's benchmarks, inside a real n8n
 * 2.x (scripts/n8n/harness.js) against the API simulator, one `n8n execute` per scenario
 * (figure 5, Wait Mode Callback beside Poll: one `n8n start` for its two runs, at the end).
 * Prints progress lines and a table (figure, measured, target, met?) and saves everything
 * as JSON: bench-results/latest.json plus a timestamped copy, and the table as
 * bench-results/latest.md (latest-only.* when BENCH_ONLY picks scenarios). Timings never
 * fail the run: it exits 0 unless something crashed.
 *
 * Figure 5 alone: BENCH_ONLY=server-callback-ark,server-poll-ark node bench/run.js
 * Figure 6 alone, with its optional Max Running Tasks = 20 runs: BENCH_ONLY='pacing-*' node bench/run.js
 *
 * Environment (all optional): BENCH_BATCH_ITEMS (50), BENCH_TASK_MS (20000),
 * BENCH_POLL_INTERVAL_S (10), BENCH_SEQUENTIAL_ITEMS (5), BENCH_CREATE_ITEMS (1000),
 * BENCH_VIDEO_COUNT (20), BENCH_BIG_VIDEO_MIB (50), BENCH_SMALL_VIDEO_MIB (1),
 * BENCH_SERVER_ITEMS (20: items of the Callback / Poll runs in one `n8n start`),
 * BENCH_IDLE_WAIT_S (600: longest wait for a quiet machine before a scenario),
 * BENCH_OVERHEAD_ROUNDS (1: runs of each 1,000-create scenario, alternating; figures use medians),
 * BENCH_PACING_ITEMS (200), BENCH_PACING_TASK_MS (2000), BENCH_PACING_POLL_S (1): figure 6's load,
 * BENCH_ONLY (comma-separated scenario ids; "id-prefix*" picks every id starting so, optional
 * scenarios included), BENCH_KEEP=1 (keep the n8n user folder),
 * BENCH_VERBOSE=1 (the harness's own log lines).
 */
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

if (process.env.BENCH_VERBOSE !== '1') process.env.N8N_HARNESS_QUIET = '1';
const harness = require('../scripts/n8n/harness');
const { defineScenarios, pacedSimulatorArgs } = require('./scenarios');
const { measureScenario, measureServerScenario } = require('./measure');
const { startServer } = require('./lib/server');
const { buildFigures } = require('./figures');
const { figuresTable, seconds } = require('./lib/report');

const RESULTS_DIR = path.join(harness.REPO_ROOT, 'bench-results');

function intEnv(name, fallback) {
	const value = Number(process.env[name]);
	return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

const config = {
	batchItems: intEnv('BENCH_BATCH_ITEMS', 50),
	taskMs: intEnv('BENCH_TASK_MS', 20000),
	pollIntervalS: intEnv('BENCH_POLL_INTERVAL_S', 10),
	sequentialItems: intEnv('BENCH_SEQUENTIAL_ITEMS', 5),
	createItems: intEnv('BENCH_CREATE_ITEMS', 1000),
	videoCount: intEnv('BENCH_VIDEO_COUNT', 20),
	serverItems: intEnv('BENCH_SERVER_ITEMS', 20),
	bigVideoMiB: intEnv('BENCH_BIG_VIDEO_MIB', 50),
	smallVideoMiB: intEnv('BENCH_SMALL_VIDEO_MIB', 1),
	idleWaitS: intEnv('BENCH_IDLE_WAIT_S', 600),
	overheadRounds: intEnv('BENCH_OVERHEAD_ROUNDS', 1),
	pacingItems: intEnv('BENCH_PACING_ITEMS', 200),
	pacingTaskMs: intEnv('BENCH_PACING_TASK_MS', 2000),
	pacingPollS: intEnv('BENCH_PACING_POLL_S', 1),
	only: (process.env.BENCH_ONLY ?? '').split(',').map((id) => id.trim()).filter(Boolean),
};

const benchStartedAt = Date.now();
function progress(message) {
	const elapsed = ((Date.now() - benchStartedAt) / 1000).toFixed(0).padStart(4);
	process.stdout.write(`[bench ${elapsed} s] ${message}\n`);
}

function tryExec(command, args, options = {}) {
	try {
		return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], ...options }).trim();
	} catch {
		return undefined;
	}
}

function environment(installed) {
	const cpus = os.cpus();
	return {
		cpuModel: cpus[0]?.model,
		cpus: cpus.length,
		memoryBytes: os.totalmem(),
		platform: `${os.platform()} ${os.release()}`,
		benchNode: process.version,
		n8nVersion: installed.version,
		n8nNode: tryExec(installed.nodeBinary, ['--version']),
		package: JSON.parse(fs.readFileSync(path.join(harness.REPO_ROOT, 'package.json'), 'utf8')).version,
		gitCommit: tryExec('git', ['rev-parse', '--short', 'HEAD'], { cwd: harness.REPO_ROOT }),
		gitUncommittedFiles: (tryExec('git', ['status', '--porcelain'], { cwd: harness.REPO_ROOT }) ?? '').split('\n').filter(Boolean).length,
	};
}

/**
 * A run of some scenarios only (BENCH_ONLY) keeps the last full run's latest.json / latest.md:
 * it writes latest-only.json / latest-only.md and an "only" timestamped copy instead.
 */
function saveResults(report) {
	fs.mkdirSync(RESULTS_DIR, { recursive: true });
	const stamp = new Date(report.startedAt).toISOString().replace(/[:.]/g, '-');
	const json = `${JSON.stringify(report, null, 2)}\n`;
	const partial = report.config.only.length > 0 ? '-only' : '';
	const files = {
		latest: path.join(RESULTS_DIR, `latest${partial}.json`),
		stamped: path.join(RESULTS_DIR, `bench${partial}-${stamp}.json`),
		table: path.join(RESULTS_DIR, `latest${partial}.md`),
	};
	// write to a temp file first, so an interrupted write never leaves a broken latest.json
	for (const file of [files.stamped, files.latest]) {
		fs.writeFileSync(`${file}.tmp`, json);
		fs.renameSync(`${file}.tmp`, file);
	}
	fs.writeFileSync(files.table, `${report.tableMarkdown}\n\n${report.notes.map((note) => `- ${note}`).join('\n')}\n`);
	return files;
}

/** Installs dist/ into the user folder; waits a little if a concurrent `npm run build` has just emptied dist/. */
async function prepareUserFolder(userFolder) {
	for (let attempt = 1; ; attempt++) {
		try {
			return harness.prepareUserFolder({ dir: userFolder, binaryDataMode: 'filesystem' });
		} catch (error) {
			if (attempt >= 12 || !/not built/.test(error.message)) throw error;
			progress(`  dist/ is incomplete (another build running?), retrying in 5 s`);
			await new Promise((resolve) => setTimeout(resolve, 5000));
		}
	}
}

/**
 * The `server` scenarios (Wait Mode Callback beside Poll): their Webhook workflows are
 * published, then one `n8n start` serves them all, one run at a time, and is stopped.
 */
async function runServerScenarios(scenarios, { n8n, sims, results, crashes, offset, total }) {
	let server;
	try {
		progress(`publishing ${scenarios.length} Webhook workflow(s) and starting n8n (n8n start) for them`);
		await n8n.publishWorkflows(scenarios.map((scenario) => scenario.workflowId));
		const session = await startServer(n8n);
		server = session.server;
		progress(`  n8n ready on ${server.url} after ${seconds(session.bootMs, 1)}`);
		for (const [index, scenario] of scenarios.entries()) {
			progress(`${offset + index + 1}/${total} ${scenario.id}: ${scenario.title}`);
			try {
				const result = await measureServerScenario(scenario, { n8n, server, rest: session.rest, sims, config, progress });
				results.push(result);
				const phases = Object.entries(result.reads.windows).map(([name, phase]) => `${name} ${phase.gets} GETs + ${phase.lists} lists`).join(', ');
				progress(
					`  held ${seconds(result.held.heldMs, 2)} (${seconds(result.held.heldPerTaskMs, 3)} per task; REST watch: ${seconds(result.held.restWatchRunningMs.lowerMs, 2)}-${seconds(result.held.restWatchRunningMs.upperMs, 2)}), ` +
						`execution ${seconds(result.held.executionMs, 1)}; API: ${result.api.creates} creates, ${phases}; ` +
						`${result.api.callbacks} callbacks; ${result.api.videoDownloads} videos; other processes ${result.machine.otherProcessesCores.toFixed(2)} cores` +
						(result.contended ? ' [CONTENDED]' : ''),
				);
			} catch (error) {
				crashes.push({ scenario: scenario.id, error: error.message });
				progress(`  CRASHED: ${error.message.split('\n')[0]}`);
			}
		}
	} catch (error) {
		for (const scenario of scenarios) if (![...results, ...crashes].some((done) => (done.id ?? done.scenario) === scenario.id)) crashes.push({ scenario: scenario.id, error: error.message });
		progress(`  n8n server scenarios CRASHED: ${error.message.split('\n')[0]}`);
	} finally {
		await server?.stop();
	}
}

async function main() {
	const installed = harness.ensureN8nInstalled();
	progress(`n8n ${installed.version} under Node ${tryExec(installed.nodeBinary, ['--version'])}, ${os.cpus().length} cores; config ${JSON.stringify(config)}`);

	const apiKey = `bench-${crypto.randomBytes(12).toString('hex')}`;
	const userFolder = harness.createTempDir('n8n-seedance-bench-');
	const sims = {};
	const results = [];
	const crashes = [];
	try {
		progress('starting the simulators (aggregator and ark flavours)');
		sims.aggregator = await harness.startSimulator({ apiKey, args: ['--flavour', 'aggregator'] });
		sims.ark = await harness.startSimulator({ apiKey, args: ['--flavour', 'ark'] });
		// figure 6: the provider's limits (10 tasks running, the rest queued; 600 API requests a minute)
		progress(`starting the rate-limited simulators for figure 6 (${pacedSimulatorArgs(config).join(' ')})`);
		sims.aggregatorPaced = await harness.startSimulator({ apiKey, args: ['--flavour', 'aggregator', ...pacedSimulatorArgs(config)] });
		sims.arkPaced = await harness.startSimulator({ apiKey, args: ['--flavour', 'ark', ...pacedSimulatorArgs(config)] });

		progress(`preparing the n8n user folder ${userFolder} (package from dist/, filesystem binary data)`);
		const n8n = await prepareUserFolder(userFolder);
		const [aggregator, ark, arkCallbacks, header, aggregatorPaced, arkPaced] = await n8n.importCredentials([
			{ name: 'Seedance bench aggregator', apiKey, baseUrl: sims.aggregator.baseUrl },
			{ name: 'Seedance bench ark', apiKey, baseUrl: sims.ark.baseUrl },
			// Callbacks "This Host Calls Back": the simulator on 127.0.0.1 does, as Ark does
			{ name: 'Seedance bench ark (calls back)', apiKey, baseUrl: sims.ark.baseUrl, data: { apiKey, baseUrl: sims.ark.baseUrl, callbacks: 'yes' } },
			{ name: 'Bench header auth', type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${apiKey}` } },
			{ name: 'Seedance bench aggregator (rate-limited)', apiKey, baseUrl: sims.aggregatorPaced.baseUrl },
			{ name: 'Seedance bench ark (rate-limited)', apiKey, baseUrl: sims.arkPaced.baseUrl },
		]);
		const scenarios = defineScenarios(config, { aggregator, ark, arkCallbacks, header, aggregatorPaced, arkPaced }, sims);
		const ids = await n8n.importWorkflows(scenarios.map((scenario) => scenario.workflow));
		scenarios.forEach((scenario, index) => (scenario.workflowId = ids[index]));
		progress(`imported ${scenarios.length} workflows; running each once`);
		const serverScenarios = scenarios.filter((scenario) => scenario.kind === 'server');
		const cliScenarios = scenarios.filter((scenario) => scenario.kind !== 'server');

		for (const [index, scenario] of cliScenarios.entries()) {
			progress(`${index + 1}/${scenarios.length} ${scenario.id}: ${scenario.title}`);
			try {
				const result = await measureScenario(scenario, { n8n, sims, config, progress });
				results.push(result);
				progress(
					`  node ${seconds(result.node.executionTimeMs, 2)} (${result.node.runs} run${result.node.runs > 1 ? 's' : ''}), ` +
						`n8n execute ${seconds(result.wallMs, 1)}, peak RSS ${(result.memory.peakTreeBytes / 2 ** 20).toFixed(0)} MiB, ` +
						`API: ${result.api.creates} creates, ${result.api.getRequests} GETs, ${result.api.listRequests} lists` +
						(result.kind === 'pacing' ? `, ${result.api.rateLimited} x 429; simulator busy ${seconds(result.tasks.simulatorSpanMs, 1)}` : '') +
						'; ' +
						`other processes ${result.machine.otherProcessesCores.toFixed(2)} cores` +
						(result.contended ? ' [CONTENDED]' : ''),
				);
			} catch (error) {
				crashes.push({ scenario: scenario.id, error: error.message });
				progress(`  CRASHED: ${error.message.split('\n')[0]}`);
			}
		}
		if (serverScenarios.length > 0) await runServerScenarios(serverScenarios, { n8n, sims, results, crashes, offset: cliScenarios.length, total: scenarios.length });
	} finally {
		await Promise.all(Object.values(sims).map((sim) => sim.stop()));
		if (process.env.BENCH_KEEP === '1') progress(`kept the n8n user folder ${userFolder}`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
	}

	const { figures, notes } = buildFigures(config, results);
	const tableMarkdown = figuresTable(figures);
	const report = {
		benchmark: 'n8n-nodes-seedance',
		command: 'npm run bench',
		startedAt: new Date(benchStartedAt).toISOString(),
		durationS: Math.round((Date.now() - benchStartedAt) / 1000),
		environment: environment(installed),
		config,
		figures,
		notes,
		tableMarkdown,
		crashes,
		scenarios: results,
	};
	const files = saveResults(report);

	process.stdout.write(`\nSeedance node benchmarks, n8n ${installed.version}, ${report.environment.cpus} cores (${report.environment.cpuModel}), ${report.startedAt.slice(0, 10)}\n\n`);
	process.stdout.write(`${tableMarkdown}\n\n`);
	for (const note of notes) process.stdout.write(`- ${note}\n`);
	process.stdout.write(`\nsaved ${path.relative(process.cwd(), files.latest)}, ${path.relative(process.cwd(), files.stamped)} and ${path.relative(process.cwd(), files.table)} (${report.durationS} s in all)\n`);
	if (crashes.length > 0) {
		process.stdout.write(`${crashes.length} scenario(s) crashed: ${crashes.map((crash) => crash.scenario).join(', ')}\n`);
		process.exitCode = 1;
	}
}

main().catch((error) => {
	process.stderr.write(`bench crashed: ${error.stack ?? error}\n`);
	process.exitCode = 1;
});
