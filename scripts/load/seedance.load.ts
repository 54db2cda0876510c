/**
 * Load test: 200 items in ONE execution of the real Seedance node (Generate Video, wait and
 * download on, default Max Concurrent Requests) against a simulator that behaves like Ark's
 * default tier for 1.0 pro: 10 tasks running at once (the rest wait queued), 600 API
 * requests per minute (then 429 with Retry-After), tasks of about 2 s.
 *
 * It checks that every item ends with its own video, that no task was created twice, that
 * outputs are paired with their inputs, and that the node never had more requests open than
 * its limit; and it prints what the run cost: wall time, requests by kind and per task,
 * 429s, media requests. Run it with `npx jest -c scripts/load/jest.config.js`.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { runSeedance, type RunResult } from '../../test/helpers/n8nRunner';
import { API_KEY, type Simulator, withSimulator } from '../../test/helpers/simulator';

const ITEMS = Number(process.env.SEEDANCE_LOAD_ITEMS ?? 200);
const FLAVOURS = (process.env.SEEDANCE_LOAD_FLAVOURS ?? 'aggregator,ark').split(',').map((flavour) => flavour.trim()).filter(Boolean);
const POLL_INTERVAL_S = Number(process.env.SEEDANCE_LOAD_POLL ?? 1);
const TASK_MS = Number(process.env.SEEDANCE_LOAD_TASK_MS ?? 2000);
/** Time the API takes to answer: without it every request is over at once and "max in flight" says nothing. */
const API_LATENCY_MS = Number(process.env.SEEDANCE_LOAD_LATENCY_MS ?? 50);
/** The node's "Requests per Minute" and "Max Running Tasks" (0: the defaults, learn / no limit). */
const REQUESTS_PER_MINUTE = Number(process.env.SEEDANCE_LOAD_RPM ?? 0);
const MAX_RUNNING_TASKS = Number(process.env.SEEDANCE_LOAD_MAX_RUNNING ?? 0);
/** The node's default "Max Concurrent Requests" (description/waitAndOutput.ts). */
const NODE_MAX_CONCURRENT_REQUESTS = 10;
const TASKS_PATH = '/api/v3/contents/generations/tasks';

const SIMULATOR = {
	maxConcurrentTasks: 10,
	rateLimitPerMinute: 600,
	queuedMs: 100,
	taskMs: TASK_MS,
	apiLatencyMs: API_LATENCY_MS,
};

interface Report {
	flavour: string;
	items: number;
	pollIntervalS: number;
	wallTimeS: number;
	succeeded: number;
	failed: number;
	failures: Record<string, number>;
	apiRequests: number;
	creates: number;
	tasksCreated: number;
	statusReads: number;
	listReads: number;
	perTask: { creates: number; statusReads: number; listReads: number; apiRequests: number };
	http429: number;
	rateLimitedBySimulator: number;
	otherErrors: Record<string, number>;
	mediaRequests: number;
	maxInFlight: number;
	maxMediaInFlight: number;
	firstTaskDoneS: number | null;
	lastTaskDoneS: number | null;
	idealS: number;
}

/** The same message for every item and task, so failures can be counted by kind. */
const kindOf = (message: string) =>
	message
		.replace(/\[item \d+(, task [^\]]+)?\]/g, '[item N$1]')
		.replace(/task (cgt-|task_)[\w-]+/g, 'task <id>')
		.replace(/\d+ attempts/g, 'N attempts');

function summarise(flavour: string, sim: Simulator, result: RunResult, wallTimeMs: number): Report {
	const failures: Record<string, number> = {};
	let succeeded = 0;
	for (const item of result.items) {
		if (item.json.error === undefined && item.json.status === 'succeeded' && item.binary?.data) succeeded++;
		else {
			const kind = kindOf(String(item.json.error ?? `status ${String(item.json.status)}, binary: ${Boolean(item.binary?.data)}`));
			failures[kind] = (failures[kind] ?? 0) + 1;
		}
	}
	if (result.error) failures[`node failed: ${kindOf(result.error.message)}`] = ITEMS - result.items.length;
	const otherErrors: Record<string, number> = {};
	for (const request of sim.requests) {
		if (request.status !== null && request.status >= 400 && request.status !== 429) {
			const key = `${request.method} ${request.path.startsWith(`${TASKS_PATH}/`) ? `${TASKS_PATH}/{id}` : request.path} -> ${request.status}`;
			otherErrors[key] = (otherErrors[key] ?? 0) + 1;
		}
	}
	const tasks = [...sim.tasks.values()];
	const started = Math.min(...tasks.map((task) => task.createdAtMs));
	const finished = tasks.map((task) => task.finishedAtMs).filter((at): at is number => typeof at === 'number');
	const stats = sim.stats;
	const per = (count: number) => Math.round((count / ITEMS) * 100) / 100;
	return {
		flavour,
		items: ITEMS,
		pollIntervalS: POLL_INTERVAL_S,
		wallTimeS: Math.round(wallTimeMs / 100) / 10,
		succeeded,
		failed: ITEMS - succeeded,
		failures,
		apiRequests: sim.requests.length,
		creates: stats.creates,
		tasksCreated: stats.tasksCreated,
		statusReads: stats.statusReads,
		listReads: stats.listReads,
		perTask: { creates: per(stats.creates), statusReads: per(stats.statusReads), listReads: per(stats.listReads), apiRequests: per(sim.requests.length) },
		http429: sim.requests.filter((request) => request.status === 429).length,
		rateLimitedBySimulator: stats.rateLimited,
		otherErrors,
		mediaRequests: sim.mediaRequests.length,
		maxInFlight: stats.maxInFlight,
		maxMediaInFlight: (stats as { maxMediaInFlight?: number }).maxMediaInFlight ?? -1,
		firstTaskDoneS: finished.length ? Math.round((Math.min(...finished) - started) / 100) / 10 : null,
		lastTaskDoneS: finished.length ? Math.round((Math.max(...finished) - started) / 100) / 10 : null,
		// 10 tasks at a time: the simulator alone needs ceil(items / 10) rounds of queued + running.
		idealS: Math.ceil(ITEMS / SIMULATOR.maxConcurrentTasks) * (TASK_MS / 1000),
	};
}

function print(report: Report): void {
	const lines = [
		'',
		`=== Seedance load: ${report.items} items, ${report.flavour} flavour, node rpm ${REQUESTS_PER_MINUTE || 'learn'}, max running ${MAX_RUNNING_TASKS || 'none'}, poll ${report.pollIntervalS} s, tasks ${TASK_MS / 1000} s, API latency ${API_LATENCY_MS} ms, sim 10 tasks at once / 600 req/min ===`,
		`wall time ............ ${report.wallTimeS} s (simulator's own minimum ~${report.idealS} s; last task done at ${report.lastTaskDoneS} s)`,
		`items ................ ${report.succeeded} succeeded, ${report.failed} failed`,
		...Object.entries(report.failures).map(([kind, count]) => `   ${count} x ${kind}`),
		`API requests ......... ${report.apiRequests} total = ${report.creates} creates + ${report.statusReads} status reads + ${report.listReads} list reads`,
		`per task ............. ${report.perTask.apiRequests} requests: ${report.perTask.creates} creates, ${report.perTask.statusReads} status reads, ${report.perTask.listReads} list reads`,
		`tasks created ........ ${report.tasksCreated}`,
		`HTTP 429 received .... ${report.http429} (rate limiter refusals: ${report.rateLimitedBySimulator})`,
		`other HTTP errors .... ${Object.keys(report.otherErrors).length ? JSON.stringify(report.otherErrors) : 'none'}`,
		`media requests ....... ${report.mediaRequests} (max ${report.maxMediaInFlight} at once)`,
		`API max in flight .... ${report.maxInFlight} (node limit ${NODE_MAX_CONCURRENT_REQUESTS})`,
		`JSON ${JSON.stringify(report)}`,
		'',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}

describe.each(FLAVOURS)('load: %s flavour', (flavour) => {
	it(`${ITEMS} items in one execution: every item gets its own video, no task twice, within the limits`, async () => {
		await withSimulator({ ...SIMULATOR, flavour }, async (sim) => {
			const items: INodeExecutionData[] = Array.from({ length: ITEMS }, (_, index) => ({ json: { prompt: `load item ${index}` } }));
			const started = Date.now();
			const result = await runSeedance({
				parameters: {
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					waitForCompletion: true,
					downloadVideo: true,
					options: {
						pollInterval: POLL_INTERVAL_S,
						...(REQUESTS_PER_MINUTE ? { requestsPerMinute: REQUESTS_PER_MINUTE } : {}),
						...(MAX_RUNNING_TASKS ? { maxRunningTasks: MAX_RUNNING_TASKS } : {}),
					},
				},
				items,
				credentials: { apiKey: API_KEY, baseUrl: sim.baseUrl },
				continueOnFail: true,
			});
			const wallTimeMs = Date.now() - started;
			const report = summarise(flavour, sim, result, wallTimeMs);
			print(report);

			// Billing: exactly one accepted task per item, each made from that item's prompt.
			expect(sim.stats.tasksCreated).toBe(ITEMS);
			const taskByPrompt = new Map<string, string[]>();
			for (const task of sim.tasks.values()) {
				const prompt = String(task.body.prompt);
				taskByPrompt.set(prompt, [...(taskByPrompt.get(prompt) ?? []), task.id]);
			}
			expect([...taskByPrompt.values()].filter((ids) => ids.length > 1)).toEqual([]);
			expect(taskByPrompt.size).toBe(ITEMS);

			// Concurrency: never more open requests than Max Concurrent Requests.
			expect(sim.stats.maxInFlight).toBeLessThanOrEqual(NODE_MAX_CONCURRENT_REQUESTS);

			// Every output item paired with its input and carrying its own task.
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(ITEMS);
			result.items.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json.taskId).toEqual(taskByPrompt.get(`load item ${index}`)?.[0]);
			});
			expect(new Set(result.items.map((item) => item.json.taskId)).size).toBe(ITEMS);

			// Every item ends with a result: its video.
			expect(report.failures).toEqual({});
			for (const item of result.items) {
				expect(item.json.status).toBe('succeeded');
				expect(item.binary?.data?.fileName).toBe(`${String(item.json.taskId)}.mp4`);
			}
			expect(JSON.stringify(result.items.map((item) => item.json))).not.toContain(API_KEY);
		});
	});
});
