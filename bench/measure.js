'use strict';
/**
 * Runs one scenario once and collects its raw measurements: the execution's run data
 * timings, the `n8n execute` wall time, the n8n process tree's peak memory, the CPU other
 * processes on the machine used meanwhile, and what the simulator received. `derive` then
 * adds the per-kind numbers the figures are built from.
 */
const os = require('node:os');

const simApi = require('./lib/sim');
const { executeWorkflow } = require('./lib/execute');
const { nodeTiming, workflowDurationMs, outputItems } = require('./lib/runData');
const { RssSampler, ForeignCpuMeter, foreignN8nProcesses } = require('./lib/proc');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Other processes using more than this many cores on average make a measurement "contended". */
const CONTENDED_CORES = 0.2;
const IDLE_PROBE_MS = 3000;

/**
 * Waits until no n8n started by someone else runs and other processes use less than
 * CONTENDED_CORES (another engineer's jest or e2e run shares the 2 cores), at most
 * `maxWaitS`. Resolves what it saw.
 */
async function waitForQuietMachine(maxWaitS, progress) {
	const started = Date.now();
	let lastReport = 0;
	for (;;) {
		const foreign = foreignN8nProcesses();
		const meter = new ForeignCpuMeter().start();
		await sleep(IDLE_PROBE_MS);
		const { foreignCores } = meter.stop();
		const waitedMs = Date.now() - started;
		const quiet = foreign.length === 0 && foreignCores < CONTENDED_CORES;
		const why = [
			foreign.length > 0 ? `another n8n is running (pid ${foreign.map((p) => p.pid).join(', ')})` : '',
			foreignCores >= CONTENDED_CORES ? `other processes use ${foreignCores.toFixed(2)} cores` : '',
		].filter(Boolean).join(', ');
		if (quiet) return { waitedMs, quietAtStart: true, foreignCoresAtStart: foreignCores, foreignN8nAtStart: [] };
		if (waitedMs >= maxWaitS * 1000) {
			progress(`  WARNING: still not quiet after ${Math.round(waitedMs / 1000)} s (${why}); measuring anyway`);
			return { waitedMs, quietAtStart: false, foreignCoresAtStart: foreignCores, foreignN8nAtStart: foreign };
		}
		if (Date.now() - lastReport >= 15000) {
			lastReport = Date.now();
			progress(`  waiting for a quiet machine: ${why} (${Math.round(waitedMs / 1000)} s so far)`);
		}
	}
}

async function measureScenario(scenario, { n8n, sims, config, progress }) {
	const quiet = await waitForQuietMachine(config.idleWaitS, progress);
	const sim = sims[scenario.sim];
	await simApi.reset(sim);
	const loadAverage1m = os.loadavg()[0];
	const cpu = new ForeignCpuMeter().start();
	let sampler;
	let memory;
	const startedAt = Date.now();
	let execution;
	try {
		execution = await executeWorkflow(n8n, scenario.workflowId, {
			timeoutMs: scenario.timeoutMs,
			onSpawn: (pid) => (sampler = new RssSampler(pid, { intervalMs: 100 }).start()),
		});
	} finally {
		memory = sampler?.stop();
	}
	const wallMs = Date.now() - startedAt;
	const otherCpu = cpu.stop(memory?.descendantCpuTicks ?? 0);
	const { run } = execution;
	const error = run.data?.resultData?.error;
	if (error) {
		throw new Error(`the execution failed${error.node?.name ? ` in node "${error.node.name}"` : ''}: ${error.message}${error.description ? ` (${error.description})` : ''}`);
	}
	const records = await simApi.requests(sim);
	const counted = simApi.countRequests(records);
	const stats = await simApi.stats(sim);
	const result = {
		id: scenario.id,
		group: scenario.group ?? scenario.id,
		title: scenario.title,
		sim: scenario.sim,
		measuredNode: scenario.node,
		wallMs,
		workflowMs: workflowDurationMs(run),
		node: nodeTiming(run, scenario.node),
		memory,
		machine: {
			loadAverage1mAtStart: loadAverage1m,
			waitedForQuietMs: quiet.waitedMs,
			quietAtStart: quiet.quietAtStart,
			otherProcessesCoresAtStart: quiet.foreignCoresAtStart,
			otherN8nAtStart: quiet.foreignN8nAtStart,
			otherProcessesCpuS: otherCpu.foreignCpuS,
			otherProcessesCores: otherCpu.foreignCores,
			ownCpuS: otherCpu.ownCpuS,
		},
		api: {
			creates: counted.creates,
			createStatuses: counted.createStatuses,
			getRequests: counted.getRequests,
			listRequests: counted.listRequests,
			listStatuses: counted.listStatuses,
			otherRequests: counted.otherRequests,
			statusRequests: counted.statusRequests,
			maxInFlight: stats.maxInFlight,
			maxMediaInFlight: stats.maxMediaInFlight,
		},
	};
	result.contended = !quiet.quietAtStart || memory.foreignN8nSeen.length > 0 || otherCpu.foreignCores >= CONTENDED_CORES;
	await derive(scenario, result, { run, records, counted, sim });
	return result;
}

function summarize(values) {
	if (values.length === 0) return { count: 0 };
	const sorted = [...values].sort((a, b) => a - b);
	const sum = sorted.reduce((total, value) => total + value, 0);
	return { count: sorted.length, min: sorted[0], max: sorted[sorted.length - 1], mean: sum / sorted.length };
}

async function derive(scenario, result, { run, records, counted, sim }) {
	const items = outputItems(run, scenario.node);
	result.outputs = {
		items: items.length,
		statuses: items.reduce((tally, item) => {
			const status = item.json?.status ?? (item.json?.error ? 'error' : 'unknown');
			tally[status] = (tally[status] ?? 0) + 1;
			return tally;
		}, {}),
		withBinary: items.filter((item) => item.binary && Object.keys(item.binary).length > 0).length,
	};
	if (scenario.kind === 'batch' || scenario.kind === 'loop' || scenario.kind === 'memory') {
		const created = new Set(counted.createdTaskIds);
		const tasks = (await simApi.tasks(sim)).filter((task) => created.has(task.id));
		const durations = tasks.filter((task) => task.finishedAtMs).map((task) => task.finishedAtMs - task.createdAtMs);
		const lastFinishedAt = Math.max(...tasks.map((task) => task.finishedAtMs ?? 0));
		const createTimes = records.filter((record) => record.method === 'POST').map((record) => record.time);
		result.tasks = {
			count: tasks.length,
			durationMs: summarize(durations),
			createSpreadMs: createTimes.length ? Math.max(...createTimes) - Math.min(...createTimes) : 0,
			lastFinishedAfterNodeStartMs: lastFinishedAt - result.node.firstStartMs,
			nodeEndAfterLastFinishMs: result.node.lastEndMs - lastFinishedAt,
		};
		const perTask = [...created].map((id) => counted.perTaskReads.get(id) ?? 0);
		const getsPerTask = [...created].map(
			(id) => records.filter((record) => record.method === 'GET' && record.path.endsWith(`/${encodeURIComponent(id)}`)).length,
		);
		result.reads = {
			perTask: summarize(perTask),
			getsPerTask: summarize(getsPerTask),
			statusRequestsPerTask: created.size ? counted.statusRequests / created.size : 0,
		};
	}
	if (scenario.kind === 'creates') {
		const createTimes = records.filter((record) => record.method === 'POST').map((record) => record.time);
		result.createBodySample = counted.createBodies[0];
		result.creates = {
			accepted: counted.createStatuses['200'] ?? 0,
			firstAfterNodeStartMs: Math.min(...createTimes) - result.node.firstStartMs,
			spreadMs: Math.max(...createTimes) - Math.min(...createTimes),
		};
	}
	if (scenario.kind === 'memory') {
		const storedBytes = items.map((item) => Number(item.binary?.data?.bytes ?? NaN));
		result.downloads = {
			videos: items.filter((item) => item.binary?.data).length,
			expectedBytesEach: scenario.videoBytes,
			allComplete: storedBytes.every((bytes) => bytes === scenario.videoBytes),
			storedBytes: storedBytes.reduce((total, bytes) => total + (Number.isFinite(bytes) ? bytes : 0), 0),
			storage: [...new Set(items.map((item) => String(item.binary?.data?.id ?? 'in-memory').split(':')[0]))],
			maxParallel: result.api.maxMediaInFlight,
		};
	}
}

module.exports = { measureScenario, waitForQuietMachine, CONTENDED_CORES };
