'use strict';
/**
 * The benchmark scenarios. Each one is a workflow (bench/lib/workflows.js) executed once by
 * `n8n execute` in real n8n against a simulator, measured from three sides: n8n's run data
 * (the node's own execution time), the wall clock around `n8n execute` (n8n's boot
 * included), and the simulator's record (what the API received).
 */
const crypto = require('node:crypto');

const workflows = require('./lib/workflows');

const { NAMES } = workflows;

/**
 * Figure 6's simulators: the provider's limits for 1.0 pro on Ark's default tier, as the load
 * test (scripts/load/seedance.load.ts) sets them: 10 tasks running at once (the others stay
 * queued, started in order), 600 API requests per sliding minute (then 429 with Retry-After),
 * tasks queued 100 ms at least and running `config.pacingTaskMs`, 50 ms per API answer.
 */
const PACED_SIMULATOR = Object.freeze({ maxConcurrentTasks: 10, rateLimitPerMinute: 600, queuedMs: 100, apiLatencyMs: 50 });

function pacedSimulatorArgs(config) {
	return [
		'--max-concurrent-tasks', String(PACED_SIMULATOR.maxConcurrentTasks),
		'--rate-limit-per-minute', String(PACED_SIMULATOR.rateLimitPerMinute),
		'--queued-ms', String(PACED_SIMULATOR.queuedMs),
		'--task-ms', String(config.pacingTaskMs),
		'--api-latency-ms', String(PACED_SIMULATOR.apiLatencyMs),
	];
}

/**
 * Figure 6's runs per flavour: the node's defaults (Requests per Minute 0: learned from the
 * first 429; Max Running Tasks 0: none), Requests per Minute = 600 (the provider's budget),
 * and, optional (run only when BENCH_ONLY names it), Requests per Minute 600 + Max Running Tasks 20.
 */
const PACING_VARIANTS = Object.freeze([
	{ suffix: 'learn', label: 'defaults (Requests per Minute 0: learned at the first 429; Max Running Tasks 0)', options: {} },
	{ suffix: 'rpm600', label: 'Requests per Minute = 600', options: { requestsPerMinute: 600 } },
	{ suffix: 'rpm600-running20', label: 'Requests per Minute = 600, Max Running Tasks = 20', options: { requestsPerMinute: 600, maxRunningTasks: 20 }, optional: true },
]);

/** Prompt markers that set a task's life in the simulator. */
function markers({ taskMs, queuedMs = 0, videoMiB }) {
	return [
		taskMs !== undefined ? `[sim:task_ms=${taskMs}]` : '',
		taskMs !== undefined ? `[sim:queued_ms=${queuedMs}]` : '',
		videoMiB !== undefined ? `[sim:video_mb=${videoMiB}]` : '',
	].join('');
}

/**
 * @param config bench configuration (run.js)
 * @param credentials { aggregator, ark, arkCallbacks, header, aggregatorPaced, arkPaced } as imported
 * @param sims { aggregator, ark, aggregatorPaced, arkPaced } started simulators
 * @returns the scenario list, in run order
 */
function defineScenarios(config, credentials, sims) {
	const pollOptions = { pollInterval: config.pollIntervalS };
	const batchMarkers = markers({ taskMs: config.taskMs });
	const batchTimeoutMs = 5 * 60 * 1000;
	const scenarios = [
		{
			id: 'batch-ark',
			title: `batch: ${config.batchItems} items x ${config.taskMs / 1000} s tasks, Seedance node (default: 10 requests at once), ark flavour`,
			kind: 'batch',
			sim: 'ark',
			node: NAMES.seedance,
			workflow: workflows.seedanceBatch({
				name: 'bench batch ark',
				count: config.batchItems,
				credential: credentials.ark,
				markers: batchMarkers,
				options: pollOptions,
			}),
			timeoutMs: batchTimeoutMs,
		},
		{
			id: 'batch-aggregator',
			title: `batch: ${config.batchItems} items x ${config.taskMs / 1000} s tasks, Seedance node (default), aggregator flavour`,
			kind: 'batch',
			sim: 'aggregator',
			node: NAMES.seedance,
			workflow: workflows.seedanceBatch({
				name: 'bench batch aggregator',
				count: config.batchItems,
				credential: credentials.aggregator,
				markers: batchMarkers,
				options: pollOptions,
			}),
			timeoutMs: batchTimeoutMs,
		},
		{
			id: 'batch-ark-one-request',
			title: `baseline: same batch, Seedance node with Max Concurrent Requests = 1, ark flavour`,
			kind: 'batch',
			sim: 'ark',
			node: NAMES.seedance,
			workflow: workflows.seedanceBatch({
				name: 'bench batch ark one request at a time',
				count: config.batchItems,
				credential: credentials.ark,
				markers: batchMarkers,
				options: { ...pollOptions, maxConcurrentRequests: 1 },
			}),
			timeoutMs: batchTimeoutMs,
		},
		{
			id: 'sequential-loop',
			title: `baseline: ${config.sequentialItems} items one after another (Loop Over Items, batch size 1 -> Seedance), ark flavour`,
			kind: 'loop',
			sim: 'ark',
			node: NAMES.seedance,
			workflow: workflows.seedanceLoop({
				name: 'bench sequential loop',
				count: config.sequentialItems,
				credential: credentials.ark,
				markers: batchMarkers,
				options: pollOptions,
			}),
			timeoutMs: config.sequentialItems * (config.taskMs + config.pollIntervalS * 1000) * 2 + 120_000,
		},
		{
			id: 'creates-seedance-all-at-once',
			title: `overhead: ${config.createItems} creates without waiting, Seedance node, Max Concurrent Requests = ${config.createItems} (all at once, as the HTTP Request node)`,
			kind: 'creates',
			sim: 'aggregator',
			node: NAMES.seedance,
			workflow: workflows.seedanceBatch({
				name: 'bench creates seedance all at once',
				count: config.createItems,
				credential: credentials.aggregator,
				markers: '',
				waitForCompletion: false,
				options: { maxConcurrentRequests: config.createItems },
			}),
			timeoutMs: batchTimeoutMs,
		},
		{
			id: 'creates-http-request',
			title: `overhead: ${config.createItems} creates, n8n HTTP Request node v${workflows.HTTP_REQUEST_TYPE_VERSION} (POST JSON, Header Auth, default options: no batching)`,
			kind: 'creates',
			sim: 'aggregator',
			node: NAMES.http,
			workflow: workflows.httpRequestCreates({
				name: 'bench creates http request',
				count: config.createItems,
				baseUrl: sims.aggregator.baseUrl,
				credential: credentials.header,
				markers: '',
			}),
			timeoutMs: batchTimeoutMs,
		},
		{
			id: 'creates-seedance-default',
			title: `overhead: ${config.createItems} creates without waiting, Seedance node at its default (10 requests at once)`,
			kind: 'creates',
			sim: 'aggregator',
			node: NAMES.seedance,
			workflow: workflows.seedanceBatch({
				name: 'bench creates seedance default',
				count: config.createItems,
				credential: credentials.aggregator,
				markers: '',
				waitForCompletion: false,
				options: {},
			}),
			timeoutMs: batchTimeoutMs,
		},
		...[config.smallVideoMiB, config.bigVideoMiB].map((videoMiB, index) => ({
			id: index === 0 ? 'memory-small-videos' : 'memory-big-videos',
			title: `memory: ${config.videoCount} videos x ${videoMiB} MiB downloaded, filesystem binary data mode`,
			kind: 'memory',
			sim: 'ark',
			node: NAMES.seedance,
			videoBytes: videoMiB * 1024 * 1024,
			workflow: workflows.seedanceBatch({
				name: `bench memory ${videoMiB} MiB videos`,
				count: config.videoCount,
				credential: credentials.ark,
				markers: markers({ taskMs: 1000, videoMiB }),
				options: { pollInterval: 1 },
			}),
			timeoutMs: batchTimeoutMs,
		})),
		...['aggregator', 'ark'].flatMap((flavour) =>
			PACING_VARIANTS.map((variant) => ({
				id: `pacing-${flavour}-${variant.suffix}`,
				title:
					`pacing: ${config.pacingItems} items x ${config.pacingTaskMs / 1000} s tasks, simulator at ${PACED_SIMULATOR.maxConcurrentTasks} running / ` +
					`${PACED_SIMULATOR.rateLimitPerMinute} requests a minute, poll ${config.pacingPollS} s, ${flavour} flavour, ${variant.label}`,
				kind: 'pacing',
				flavour,
				variant: variant.suffix,
				variantLabel: variant.label,
				nodeOptions: variant.options,
				optional: variant.optional === true,
				sim: `${flavour}Paced`,
				node: NAMES.seedance,
				workflow: workflows.seedanceBatch({
					name: `bench pacing ${flavour} ${variant.suffix}`,
					count: config.pacingItems,
					credential: credentials[`${flavour}Paced`],
					markers: '', // the simulator's own --queued-ms / --task-ms
					options: { pollInterval: config.pacingPollS, ...variant.options },
				}),
				timeoutMs: batchTimeoutMs,
			})),
		),
		...['callback', 'poll'].map((waitMode) => ({
			id: `server-${waitMode}-ark`,
			title:
				`${waitMode === 'callback' ? 'Callback' : 'Poll'} mode in a running n8n (n8n start, Webhook trigger): ${config.serverItems} items x ${config.taskMs / 1000} s tasks, ark flavour` +
				(waitMode === 'poll' ? `, poll ${config.pollIntervalS} s` : ', the simulator calling back'),
			kind: 'server',
			waitMode,
			sim: 'ark',
			node: NAMES.seedance,
			webhookPath: `seedance-bench-${waitMode}`,
			workflow: workflows.seedanceWebhook({
				name: `bench server ${waitMode} mode`,
				path: `seedance-bench-${waitMode}`,
				webhookId: crypto.randomUUID(),
				count: config.serverItems,
				credential: credentials.arkCallbacks,
				markers: batchMarkers,
				waitMode,
				options: waitMode === 'poll' ? pollOptions : {},
			}),
			timeoutMs: batchTimeoutMs,
		})),
	];
	return repeatOverheadRounds(scenarios.filter((scenario) => isSelected(scenario, config.only)), config.overheadRounds);
}

/**
 * Without BENCH_ONLY: every scenario but the optional ones. With it: the scenarios it names,
 * by id or by "prefix*" (optional ones included).
 */
function isSelected(scenario, only) {
	if (only.length === 0) return !scenario.optional;
	return only.some((id) => (id.endsWith('*') ? scenario.id.startsWith(id.slice(0, -1)) : scenario.id === id));
}

/**
 * With BENCH_OVERHEAD_ROUNDS > 1 the 1,000-create scenarios run that many times, in
 * alternating order (Seedance, HTTP Request, Seedance default, Seedance, ...), so a figure can
 * use medians; each repeat keeps its base id in `group` (its own id gets "#2", "#3", ...).
 */
function repeatOverheadRounds(scenarios, rounds) {
	const creates = scenarios.filter((scenario) => scenario.kind === 'creates');
	const result = [];
	for (const scenario of scenarios) {
		if (scenario.kind !== 'creates') {
			result.push({ ...scenario, group: scenario.id });
		} else if (scenario === creates[0]) {
			for (let round = 1; round <= Math.max(1, rounds); round++) {
				for (const create of creates) {
					result.push({ ...create, group: create.id, id: round === 1 ? create.id : `${create.id}#${round}`, round });
				}
			}
		}
	}
	return result;
}

module.exports = { defineScenarios, markers, pacedSimulatorArgs, PACED_SIMULATOR };
