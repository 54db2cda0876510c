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
const { triggerRun, watchExecution, finishedExecution, observedRunningMs } = require('./lib/server');
const { endedExecutionEvents } = require('./lib/eventLog');

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
		kind: scenario.kind,
		sim: scenario.sim,
		measuredNode: scenario.node,
		wallMs,
		workflowMs: workflowDurationMs(run),
		node: nodeTiming(run, scenario.node),
		memory,
		machine: machineRecord(loadAverage1m, quiet, otherCpu),
		api: {
			...requestCounts(counted),
			maxInFlight: stats.maxInFlight,
			maxMediaInFlight: stats.maxMediaInFlight,
			rateLimited: stats.rateLimited,
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
	if (scenario.kind === 'pacing') await derivePacing(scenario, result, { records, counted, sim });
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

/** Most records in any `windowMs` (records sorted by time). */
function maxInWindow(times, windowMs) {
	let most = 0;
	for (let first = 0, last = 0; last < times.length; last++) {
		while (times[last] - times[first] >= windowMs) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

/**
 * Figure 6 (pacing against the provider's limits): the 429 answers (the simulator's counter,
 * and the records by request kind and time), the busiest minute of accepted requests, and
 * how long the simulator itself was busy (first create to the last task's end).
 */
async function derivePacing(scenario, result, { records, counted, sim }) {
	result.variant = scenario.variant;
	result.variantLabel = scenario.variantLabel;
	result.nodeOptions = scenario.nodeOptions;
	const created = new Set(counted.createdTaskIds);
	const tasks = (await simApi.tasks(sim)).filter((task) => created.has(task.id));
	const firstCreateAt = Math.min(...records.filter((record) => record.method === 'POST').map((record) => record.time));
	const lastFinishedAt = Math.max(...tasks.map((task) => task.finishedAtMs ?? Infinity));
	const kindOf = (record) => {
		if (record.method === 'POST') return 'create';
		if (record.path.startsWith(`${simApi.TASKS_PATH}/`)) return 'get';
		return record.path === simApi.TASKS_PATH || record.path === `${simApi.TASKS_PATH}/` ? 'list' : 'other';
	};
	const refused = records.filter((record) => record.status === 429);
	const refusedAt = refused.map((record) => record.time - result.node.firstStartMs);
	const acceptedTimes = records.filter((record) => record.status !== 429).map((record) => record.time).sort((a, b) => a - b);
	result.tasks = {
		count: tasks.length,
		unfinished: tasks.filter((task) => !task.finishedAtMs).length,
		durationMs: summarize(tasks.filter((task) => task.finishedAtMs).map((task) => task.finishedAtMs - task.createdAtMs)),
		firstCreateAfterNodeStartMs: firstCreateAt - result.node.firstStartMs,
		simulatorSpanMs: lastFinishedAt - firstCreateAt,
		lastFinishedAfterNodeStartMs: lastFinishedAt - result.node.firstStartMs,
		nodeEndAfterLastFinishMs: result.node.lastEndMs - lastFinishedAt,
	};
	result.http429 = {
		simulatorCounter: result.api.rateLimited,
		recorded: refused.length,
		byKind: refused.reduce((tally, record) => ({ ...tally, [kindOf(record)]: (tally[kindOf(record)] ?? 0) + 1 }), {}),
		// the first request answered (not 429) after the last 429: when the run got through again
		nextAcceptedAfterNodeStartMs: refused.length
			? Math.min(...records.filter((record) => record.status !== 429 && record.time > Math.max(...refused.map((late) => late.time))).map((record) => record.time)) - result.node.firstStartMs
			: undefined,
		acceptedBeforeFirst: refused.length ? records.filter((record) => record.status !== 429 && record.time < Math.min(...refused.map((late) => late.time))).length : undefined,
		firstAfterNodeStartMs: refusedAt.length ? Math.min(...refusedAt) : undefined,
		lastAfterNodeStartMs: refusedAt.length ? Math.max(...refusedAt) : undefined,
	};
	result.requests = {
		total: records.length,
		perTask: created.size ? records.length / created.size : 0,
		accepted: acceptedTimes.length,
		mostAcceptedInOneMinute: maxInWindow(acceptedTimes, 60_000),
		statusRequestsPerTask: created.size ? counted.statusRequests / created.size : 0,
	};
}

const FINAL_TASK_STATUSES = ['succeeded', 'failed', 'expired', 'cancelled'];
/** How often the REST watch of a server scenario reads the execution's status. */
const WATCH_INTERVAL_MS = 100;

/** The task IDs a status request names: the one of GET /tasks/{id}, or a list's filter.task_ids. */
function namedTaskIds(record) {
	if (record.path.startsWith(`${simApi.TASKS_PATH}/`)) return [decodeURIComponent(record.path.slice(simApi.TASKS_PATH.length + 1))];
	const ids = record.query?.['filter.task_ids'];
	return ids === undefined ? [] : [ids].flat();
}

/**
 * Runs one `server` scenario once in the running n8n (run.js starts it): POSTs to the
 * workflow's webhook, watches the execution over REST every 100 ms until it ends, and
 * collects what n8n recorded, what the simulator received and the callbacks it sent.
 *
 * Held time (the execution occupies an n8n process: status `running`), from n8n's own records:
 *   start:  the execution's startedAt (n8n's database);
 *   wait:   the stoppedAt n8n saved when the execution turned `waiting` (read over REST while
 *           it waited: n8n overwrites it when the execution ends);
 *   resume: n8n's event log (`n8n.audit.workflow.executed` of the resumed run, emitted just
 *           after n8n sets it running; the resumed node's start in run data as a fallback);
 *   end:    the execution's stoppedAt.
 * Poll mode: start -> end. Callback mode: (start -> wait) + (resume -> end). Cross-check: the
 * bracket the REST watch puts on the time the execution was `running` (lib/server.js).
 *
 * Status requests (GET /tasks/{id} and list requests, at the simulator) from the first create to
 * the end, split into reads of running tasks (a task the request names had not ended when it
 * was sent: the cost of waiting) and finish reads (every task it names had ended), and, in
 * Callback mode, by the moments above and the last task's first final callback.
 */
async function measureServerScenario(scenario, { n8n, server, rest, sims, config, progress }) {
	const quiet = await waitForQuietMachine(config.idleWaitS, progress);
	const sim = sims[scenario.sim];
	await simApi.reset(sim);
	const loadAverage1m = os.loadavg()[0];
	const cpu = new ForeignCpuMeter().start();
	const sampler = new RssSampler(server.pid, { intervalMs: 100 }).start();
	const startedAt = Date.now();
	let memory;
	let trigger;
	let watch;
	try {
		trigger = await triggerRun(server, rest, { workflowId: scenario.workflowId, path: scenario.webhookPath });
		watch = await watchExecution(rest, scenario.workflowId, trigger.executionId, { intervalMs: WATCH_INTERVAL_MS, timeoutMs: scenario.timeoutMs });
	} finally {
		memory = sampler.stop();
	}
	const wallMs = Date.now() - startedAt;
	const otherCpu = cpu.stop();
	const execution = await finishedExecution(rest, trigger.executionId);
	const error = execution.data?.resultData?.error;
	if (execution.status !== 'success' || error) {
		throw new Error(
			`execution ${trigger.executionId} ended "${execution.status}"${error ? `: ${error.message}${error.node?.name ? ` (node "${error.node.name}")` : ''}` : ''}; statuses seen ${watch.history.map((entry) => entry.status).join(' -> ')}`,
		);
	}
	const [records, callbacks, simTasks, media] = await Promise.all([simApi.requests(sim), simApi.callbacks(sim), simApi.tasks(sim), simApi.mediaRequests(sim)]);
	const events = await endedExecutionEvents(n8n.userFolder, trigger.executionId);
	const counted = simApi.countRequests(records);
	const created = new Set(counted.createdTaskIds);
	const tasks = simTasks.filter((task) => created.has(task.id));
	const endOf = new Map(tasks.map((task) => [task.id, task.finishedAtMs ?? Infinity]));
	const createTimes = records.filter((record) => record.method === 'POST' && record.taskId).map((record) => record.time);
	const firstCreateAt = Math.min(...createTimes);
	const lastCreateAt = Math.max(...createTimes);
	const lastTaskEndAt = Math.max(...endOf.values());
	const n8nStartedAt = Date.parse(execution.startedAt);
	const n8nStoppedAt = Date.parse(execution.stoppedAt);
	const seedance = nodeTiming(execution, scenario.node);

	// The wait as n8n recorded it, its resume, and the callbacks.
	const waiting = watch.history.find((entry) => entry.status === 'waiting');
	const waitStartAt = waiting ? Date.parse(waiting.stoppedAt ?? '') || waiting.seenAt : undefined;
	const runStarts = events.filter((event) => event.name === 'n8n.audit.workflow.executed').map((event) => event.at);
	const resumedRunStart = waiting ? runStarts.find((at) => at > waitStartAt) : undefined;
	const resumeAt = waiting ? (resumedRunStart ?? seedance.firstStartMs) : undefined;
	const ownCallbacks = callbacks.filter((callback) => created.has(callback.taskId));
	const firstFinalCallbackAt = [...created].map((id) =>
		Math.min(...ownCallbacks.filter((callback) => callback.taskId === id && FINAL_TASK_STATUSES.includes(callback.taskStatus)).map((callback) => callback.time)),
	);
	const lastFinalCallbackAt = ownCallbacks.length > 0 ? Math.max(...firstFinalCallbackAt) : undefined;
	const webhookCalls = events.filter((event) => event.name === 'n8n.audit.workflow.resumed').map((event) => event.at);

	// Status requests.
	const statusRecords = records.filter(simApi.isStatusRequest).filter((record) => record.time >= firstCreateAt && record.time <= n8nStoppedAt);
	const ofRunningTasks = (record) => namedTaskIds(record).some((id) => (endOf.get(id) ?? Infinity) > record.time);
	const tally = (list) => {
		const lists = list.filter((record) => !record.path.startsWith(`${simApi.TASKS_PATH}/`)).length;
		return { requests: list.length, gets: list.length - lists, lists };
	};
	const between = (from, to) => statusRecords.filter((record) => record.time >= from && record.time < to);
	const reads = {
		total: tally(statusRecords),
		ofRunningTasks: tally(statusRecords.filter(ofRunningTasks)),
		finish: tally(statusRecords.filter((record) => !ofRunningTasks(record))),
		windows:
			waiting && lastFinalCallbackAt !== undefined
				? {
						beforeWait: tally(between(firstCreateAt, waitStartAt + 1)),
						whileWaitingForTasks: tally(between(waitStartAt + 1, lastFinalCallbackAt)),
						afterLastFinalCallbackStillWaiting: tally(between(lastFinalCallbackAt, resumeAt)),
						resumedRun: tally(between(resumeAt, n8nStoppedAt + 1)),
					}
				: {
						whileTasksRan: tally(between(firstCreateAt, lastTaskEndAt)),
						afterLastTaskEnded: tally(between(lastTaskEndAt, n8nStoppedAt + 1)),
					},
		statusRequestsPerTask: created.size ? statusRecords.length / created.size : 0,
		perTask: summarize([...created].map((id) => counted.perTaskReads.get(id) ?? 0)),
		afterEnd: records.filter(simApi.isStatusRequest).filter((record) => record.time > n8nStoppedAt).length,
	};

	const held = waiting
		? {
				source: resumedRunStart
					? "n8n: startedAt -> stoppedAt saved at the wait; event log's resumed run start (n8n.audit.workflow.executed) -> stoppedAt"
					: "n8n: startedAt -> stoppedAt saved at the wait; resumed node's start (run data) -> stoppedAt",
				firstPhaseMs: waitStartAt - n8nStartedAt,
				waitedMs: resumeAt - waitStartAt,
				resumePhaseMs: n8nStoppedAt - resumeAt,
				heldMs: waitStartAt - n8nStartedAt + (n8nStoppedAt - resumeAt),
				resumedNodeStartAfterResumeMs: seedance.firstStartMs - resumeAt,
				fromLastFinalCallbackToEndMs: lastFinalCallbackAt !== undefined ? n8nStoppedAt - lastFinalCallbackAt : undefined,
			}
		: { source: 'n8n: startedAt -> stoppedAt', heldMs: n8nStoppedAt - n8nStartedAt };
	held.executionMs = n8nStoppedAt - n8nStartedAt;
	held.heldPerTaskMs = created.size ? held.heldMs / created.size : 0;
	held.restWatchRunningMs = observedRunningMs(watch.history, trigger.triggeredAt);
	held.restWatchAgrees = held.restWatchRunningMs.lowerMs <= held.heldMs && held.heldMs <= held.restWatchRunningMs.upperMs;
	held.watchIntervalMs = WATCH_INTERVAL_MS;
	held.firstRunStartEventAfterStartedAtMs = runStarts.length > 0 ? runStarts[0] - n8nStartedAt : undefined;

	const items = outputItems(execution, scenario.node);
	const relative = (at) => (at === undefined || !Number.isFinite(at) ? undefined : at - n8nStartedAt);
	const result = {
		id: scenario.id,
		group: scenario.group ?? scenario.id,
		title: scenario.title,
		kind: scenario.kind,
		waitMode: scenario.waitMode,
		sim: scenario.sim,
		measuredNode: scenario.node,
		executionId: trigger.executionId,
		wallMs,
		workflowMs: n8nStoppedAt - n8nStartedAt,
		node: seedance,
		memory,
		machine: machineRecord(loadAverage1m, quiet, otherCpu),
		held,
		reads,
		// moments, in ms after n8n's startedAt
		timeline: {
			triggered: relative(trigger.triggeredAt),
			firstCreate: relative(firstCreateAt),
			lastCreate: relative(lastCreateAt),
			waitStart: relative(waitStartAt),
			lastTaskEnded: relative(lastTaskEndAt),
			firstFinalCallbackSent: relative(firstFinalCallbackAt.length > 0 ? Math.min(...firstFinalCallbackAt) : undefined),
			lastFinalCallbackSent: relative(lastFinalCallbackAt),
			lastWebhookCallAnswered: relative(webhookCalls.at(-1)),
			resumedRunStart: relative(resumeAt),
			resumedNodeStart: waiting ? relative(seedance.firstStartMs) : undefined,
			end: relative(n8nStoppedAt),
		},
		n8n: {
			createdAt: execution.createdAt,
			startedAt: execution.startedAt,
			stoppedAt: execution.stoppedAt,
			statusHistory: watch.history.map(({ status, seenAt, previousPollAt, stoppedAt, waitTill }) => ({
				status,
				seenAtMs: relative(seenAt),
				previousPollAtMs: relative(previousPollAt),
				stoppedAt,
				waitTill,
			})),
			restPolls: watch.polls,
			eventLog: events.map((event) => ({ ...event, atMs: relative(event.at), at: undefined })),
			webhookCallsAnswered: webhookCalls.length,
			webhookCallsWhileWaiting: webhookCalls.filter((at) => waiting && at > waitStartAt && at < resumeAt).length,
		},
		api: {
			...requestCounts(counted),
			callbacks: ownCallbacks.length,
			callbackAnswers: ownCallbacks.reduce((answers, callback) => {
				const key = `${callback.taskStatus} ${callback.httpStatus ?? callback.error}`;
				answers[key] = (answers[key] ?? 0) + 1;
				return answers;
			}, {}),
			videoDownloads: media.filter((request) => request.status === 200 && created.has(request.taskId)).length,
		},
		tasks: {
			count: tasks.length,
			durationMs: summarize(tasks.filter((task) => task.finishedAtMs).map((task) => task.finishedAtMs - task.createdAtMs)),
			createSpreadMs: lastCreateAt - firstCreateAt,
			endAfterLastTaskMs: n8nStoppedAt - lastTaskEndAt,
		},
		outputs: {
			items: items.length,
			statuses: items.reduce((statuses, item) => {
				const status = item.json?.status ?? (item.json?.error ? 'error' : 'unknown');
				statuses[status] = (statuses[status] ?? 0) + 1;
				return statuses;
			}, {}),
			withBinary: items.filter((item) => item.binary && Object.keys(item.binary).length > 0).length,
		},
	};
	result.contended = !quiet.quietAtStart || memory.foreignN8nSeen.length > 0 || otherCpu.foreignCores >= CONTENDED_CORES;
	return result;
}

/** The API requests of one run, by kind, as the simulator recorded them. */
function requestCounts(counted) {
	return {
		creates: counted.creates,
		createStatuses: counted.createStatuses,
		getRequests: counted.getRequests,
		listRequests: counted.listRequests,
		listStatuses: counted.listStatuses,
		otherRequests: counted.otherRequests,
		statusRequests: counted.statusRequests,
	};
}

/** How busy the machine was around one measured run (other processes may distort its timings). */
function machineRecord(loadAverage1m, quiet, otherCpu) {
	return {
		loadAverage1mAtStart: loadAverage1m,
		waitedForQuietMs: quiet.waitedMs,
		quietAtStart: quiet.quietAtStart,
		otherProcessesCoresAtStart: quiet.foreignCoresAtStart,
		otherN8nAtStart: quiet.foreignN8nAtStart,
		otherProcessesCpuS: otherCpu.foreignCpuS,
		otherProcessesCores: otherCpu.foreignCores,
		ownCpuS: otherCpu.ownCpuS,
	};
}

module.exports = { measureScenario, measureServerScenario, waitForQuietMachine, CONTENDED_CORES };
