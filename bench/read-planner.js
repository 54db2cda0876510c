'use strict';
/**
 * `npm run bench:planner` (after `npm run build`): the status-read planner of Poll mode
 * (dist/nodes/Seedance/waiting/readPlanner.js) against modelled providers, in simulated time,
 * at ratios the load test cannot afford to run (10 s polls, 60 s tasks, 200-task sheets take
 * 20 minutes). For each case it prints the GETs per task, how late the run saw tasks end
 * (mean and worst, after their real end) and when it saw the last one, beside what reading
 * every waiting task every round costs. No n8n, no HTTP: the planner's own decisions only.
 *
 * A modelled provider runs `slots` tasks at once and starts queued ones in creation order
 * (or, in the out-of-order cases, youngest first); tasks are queued at least 100 ms, created
 * 5 ms apart. "Seen out of order" swaps the order the run first sees its tasks in by up to
 * that many places (creates answered out of order). Runs are reproducible (a fixed seed).
 */
const path = require('node:path');

const { ReadPlanner } = require(path.join(__dirname, '..', 'dist', 'nodes', 'Seedance', 'waiting', 'readPlanner.js'));

const CASES = [
	{ name: 'load test: 200 x 2 s, 10 at once, poll 1 s', tasks: 200, slots: 10, runMs: 2000, pollMs: 1000 },
	{ name: 'the same, seen up to 3 places out of order', tasks: 200, slots: 10, runMs: 2000, pollMs: 1000, seenOutOfOrder: 3 },
	{ name: 'the same, runs of 2-4 s', tasks: 200, slots: 10, runMs: 2000, runSpreadMs: 2000, pollMs: 1000 },
	{ name: 'no queue: 200 x 2 s, all at once, poll 1 s', tasks: 200, slots: 200, runMs: 2000, pollMs: 1000 },
	{ name: 'small sheet: 5 x 2 s, poll 1 s', tasks: 5, slots: 10, runMs: 2000, pollMs: 1000 },
	{ name: 'real timing: 200 x 60 s, 10 at once, poll 10 s', tasks: 200, slots: 10, runMs: 60_000, pollMs: 10_000 },
	{ name: 'real timing, no queue: 200 x 60 s, all at once, poll 10 s', tasks: 200, slots: 200, runMs: 60_000, pollMs: 10_000 },
	{ name: 'real timing, runs of 60-120 s, 3 places out of order', tasks: 200, slots: 10, runMs: 60_000, runSpreadMs: 60_000, pollMs: 10_000, seenOutOfOrder: 3 },
	{ name: 'Lite tier: 50 x 90-120 s, 5 at once, poll 10 s', tasks: 50, slots: 5, runMs: 90_000, runSpreadMs: 30_000, pollMs: 10_000 },
	{ name: 'provider out of order (youngest first): 200 x 60 s, poll 10 s', tasks: 200, slots: 10, runMs: 60_000, pollMs: 10_000, youngestFirst: true },
];

const QUEUED_MS = 100;
/** RequestBudget.busy at an unknown budget: 150 requests in the last minute. */
const BUSY_REQUESTS = 150;
const CREATE_GAP_MS = 5;

/** A small seeded generator (mulberry32), so every run of the benchmark sees the same tasks. */
function seeded(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** When each task starts and ends at the modelled provider. */
function schedule(spec, random) {
	const tasks = Array.from({ length: spec.tasks }, (_, i) => ({
		id: `task-${i}`,
		createdAt: i * CREATE_GAP_MS,
		runMs: spec.runMs + random() * (spec.runSpreadMs ?? 0),
	}));
	const waiting = [];
	const running = [];
	let next = 0;
	while (next < tasks.length || waiting.length > 0) {
		const arrival = next < tasks.length ? tasks[next].createdAt + QUEUED_MS : Infinity;
		const firstEnd = running.length > 0 ? Math.min(...running.map((task) => task.endAt)) : Infinity;
		const now = Math.min(arrival, firstEnd);
		if (arrival <= firstEnd) waiting.push(tasks[next++]);
		else running.splice(running.findIndex((task) => task.endAt === firstEnd), 1);
		while (running.length < spec.slots && waiting.length > 0) {
			const task = spec.youngestFirst ? waiting.pop() : waiting.shift();
			task.startAt = now;
			task.endAt = now + task.runMs;
			running.push(task);
		}
	}
	return tasks;
}

function statusAt(task, at) {
	if (at < task.startAt) return 'queued';
	return at < task.endAt ? 'running' : 'succeeded';
}

/** Rounds one poll interval apart from the first poll after the creates, until every end is seen. */
function simulate(spec, planned) {
	const random = seeded(20261130);
	const tasks = schedule(spec, random);
	const seenOrder = tasks
		.map((task, i) => ({ task, key: i + random() * (spec.seenOutOfOrder ?? 0) }))
		.sort((a, b) => a.key - b.key)
		.map(({ task }) => task);
	const planner = new ReadPlanner();
	for (const task of seenOrder) planner.noteKnown(task.id, 'queued', task.createdAt);
	const byId = new Map(tasks.map((task) => [task.id, task]));
	const waiting = new Set(tasks.map((task) => task.id));
	// Requests of the last minute (the creates, then the reads), for the run's "busy" flag.
	const requestTimes = tasks.map((task) => task.createdAt);
	let reads = 0;
	let lateSum = 0;
	let worstLate = 0;
	let lastSeen = 0;
	for (let round = seenOrder[seenOrder.length - 1].createdAt + spec.pollMs; waiting.size > 0; round += spec.pollMs) {
		const ids = seenOrder.filter((task) => waiting.has(task.id)).map((task) => task.id);
		while (requestTimes.length > 0 && requestTimes[0] <= round - 60_000) requestTimes.shift();
		const chosen = planned ? planner.plan(ids, round, spec.pollMs, requestTimes.length >= BUSY_REQUESTS) : ids;
		for (const id of chosen) {
			const task = byId.get(id);
			const status = statusAt(task, round);
			reads++;
			requestTimes.push(round);
			planner.observe(id, status, round);
			if (status !== 'succeeded') continue;
			waiting.delete(id);
			lateSum += round - task.endAt;
			worstLate = Math.max(worstLate, round - task.endAt);
			lastSeen = round;
		}
	}
	const lastEnd = Math.max(...tasks.map((task) => task.endAt));
	return { readsPerTask: reads / spec.tasks, meanLateS: lateSum / spec.tasks / 1000, worstLateS: worstLate / 1000, lastSeenAfterS: (lastSeen - lastEnd) / 1000, lastEndS: lastEnd / 1000 };
}

const rows = CASES.map((spec) => ({ spec, planned: simulate(spec, true), everyTask: simulate(spec, false) }));
const fixed = (value, digits) => value.toFixed(digits);
console.log('Read planner (simulated time): GETs per task; how late ends were seen (mean / worst); last end seen after the real last end');
console.log('| case | last task ends | planner: GETs/task, late mean / worst, last seen | every task every round: GETs/task, late mean / worst |');
console.log('| --- | --- | --- | --- |');
for (const { spec, planned, everyTask } of rows) {
	console.log(
		`| ${spec.name} | ${fixed(planned.lastEndS, 1)} s | ${fixed(planned.readsPerTask, 2)}, ${fixed(planned.meanLateS, 1)} / ${fixed(planned.worstLateS, 1)} s, +${fixed(planned.lastSeenAfterS, 1)} s ` +
			`| ${fixed(everyTask.readsPerTask, 2)}, ${fixed(everyTask.meanLateS, 1)} / ${fixed(everyTask.worstLateS, 1)} s |`,
	);
}
