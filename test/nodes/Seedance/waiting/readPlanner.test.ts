import { ReadPlanner } from '../../../../nodes/Seedance/waiting/readPlanner';

const ROUND = 1000;
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `t${from + i}`);

/** A planner that knows tasks t0..t(count-1), created (answered queued) in that order at time 0. */
function plannerWith(count: number): ReadPlanner {
	const planner = new ReadPlanner();
	for (const taskId of ids(0, count)) planner.noteKnown(taskId, 'queued', 0);
	return planner;
}

/** One round: the planner's choice at `at`, then what the reads of that round answered. */
function round(planner: ReadPlanner, waiting: string[], at: number, answers: Record<string, string> = {}): string[] {
	const chosen = planner.plan(waiting, at, ROUND);
	for (const [taskId, status] of Object.entries(answers)) planner.observe(taskId, status, at);
	return chosen;
}

describe('ReadPlanner: which waiting tasks a round of GETs reads', () => {
	it('reads only the oldest queued task (and the youngest) at first, then twice as many while they all turn out started', () => {
		const planner = plannerWith(20);
		// The youngest as well, until one is seen queued: started, it would show all started.
		expect(round(planner, ids(0, 20), 1000, { t0: 'running', t19: 'queued' })).toEqual(['t0', 't19']);
		// t0 runs (no run measured yet: read every round) and two probes follow it.
		expect(round(planner, ids(0, 20), 2000, { t0: 'running', t1: 'running', t2: 'queued' })).toEqual(['t0', 't1', 't2']);
		// A probe still queued: back to one probe, the oldest queued task.
		expect(planner.plan(ids(0, 20), 3000, ROUND)).toEqual(['t0', 't1', 't2']);
	});

	it('does not read a task again until it has run as long as the shortest run seen', () => {
		const planner = plannerWith(3);
		round(planner, ids(0, 3), 1000, { t0: 'queued' });
		round(planner, ids(0, 3), 2000, { t0: 'running' });
		round(planner, ids(0, 3), 3000, { t0: 'running' });
		round(planner, ids(0, 3), 4000);
		// Started within one round (queued at 1000, running at 2000), ended by 5000: a 3 s run.
		planner.observe('t0', 'succeeded', 5000);
		planner.plan(ids(1, 3), 6000, ROUND);
		planner.observe('t1', 'running', 6000);
		// t0 was queued a round with nothing ended: one task at a time, so t1 started when t0's end
		// was seen (5000) and is due at 8000.
		expect(planner.plan(ids(1, 3), 7000, ROUND)).not.toContain('t1');
		expect(planner.plan(ids(1, 3), 8000, ROUND)).toContain('t1');
		// Still running when due: read every round from then on.
		planner.observe('t1', 'running', 8000);
		expect(planner.plan(ids(1, 3), 9000, ROUND)).toContain('t1');
	});

	it('learns how many tasks run at once and starts a queued task when an older one ends, without reading it', () => {
		// Two run at once: t0, t1 run; t2.. wait queued.
		const planner = plannerWith(6);
		round(planner, ids(0, 6), 1000, { t0: 'running' });
		round(planner, ids(0, 6), 2000, { t0: 'running', t1: 'running', t2: 'queued' });
		round(planner, ids(0, 6), 3000, { t0: 'running', t1: 'running', t2: 'queued' });
		// t2 queued while nothing had ended: at most 2 run at once.
		expect(round(planner, ids(0, 6), 4000, { t0: 'succeeded', t1: 'running' })).toEqual(['t0', 't1', 't2']);
		// (t2's read got no answer this round.) t0's end started t2, the task two places on: no
		// read for t2 until it is due; t3 is now the oldest queued task, the one probe.
		const next = planner.plan(ids(1, 6), 5000, ROUND);
		expect(next).not.toContain('t2');
		expect(next).toContain('t3');
		expect(next).not.toContain('t4');
		expect(next).not.toContain('t5');
	});

	it('takes back a start it presumed when a read shows the task still queued', () => {
		const planner = plannerWith(4);
		round(planner, ids(0, 4), 1000, { t0: 'running' });
		round(planner, ids(0, 4), 2000, { t0: 'running', t1: 'queued', t2: 'queued' });
		round(planner, ids(0, 4), 3000, { t0: 'succeeded', t1: 'queued' });
		round(planner, ids(1, 4), 4000);
		// One at a time (t1 queued beside running t0): t0's end started t1, read when due or as a run.
		round(planner, ids(1, 4), 5000, { t1: 'queued' });
		// Seen queued after all: it counts as queued again, read as the oldest queued task.
		expect(planner.plan(ids(1, 4), 6000, ROUND)).toEqual(['t1']);
	});

	it('never leaves a task unread for good: with nothing known, the probes reach every task', () => {
		const planner = plannerWith(50);
		const read = new Set<string>();
		for (let round = 1; round <= 7; round++) {
			const chosen = planner.plan(ids(0, 50), round * ROUND, ROUND);
			for (const taskId of chosen) {
				read.add(taskId);
				planner.observe(taskId, 'running', round * ROUND);
			}
		}
		expect(read.size).toBe(50);
	});

	it('while the run is busy, reads a task left unread for 30 rounds (one such task a round)', () => {
		const planner = plannerWith(40);
		for (let round = 1; round <= 29; round++) {
			for (const taskId of planner.plan(ids(0, 40), round * ROUND, ROUND, true)) planner.observe(taskId, 'queued', round * ROUND);
		}
		// Only the oldest task was probed so far (and, once, the youngest); at round 30 the youngest
		// of those unread since their create answers is read as well.
		expect(planner.plan(ids(0, 40), 30 * ROUND, ROUND, true)).toEqual(['t0', 't38']);
	});

	it('with requests to spare, reads a task left unread for 10 rounds, the youngest first though the creates were answered ms apart', () => {
		const planner = new ReadPlanner();
		ids(0, 40).forEach((taskId, index) => planner.noteKnown(taskId, 'queued', index * 5));
		const chosen: string[][] = [];
		for (let round = 1; round <= 12; round++) {
			chosen.push(planner.plan(ids(0, 40), round * ROUND, ROUND));
			for (const taskId of chosen.at(-1)!) planner.observe(taskId, 'queued', round * ROUND);
		}
		expect(chosen[0]).toEqual(['t0', 't39']);
		// t38 was answered at 190 ms: 10 rounds unread at round 11.
		expect(chosen.slice(1, 10)).toEqual(Array(9).fill(['t0']));
		expect(chosen[10]).toEqual(['t0', 't38']);
		expect(chosen[11]).toEqual(['t0', 't37']);
	});

	it('notices a provider that runs the youngest tasks first within a few rounds of its start, and then reads every task', () => {
		// 40 tasks, 5 at once, each runs 5 rounds; t0-t4 start at once, then the youngest queued first.
		const slots = 5;
		const runRounds = 5;
		const startRound = new Map<string, number>();
		ids(0, slots).forEach((taskId) => startRound.set(taskId, 0));
		const queue = ids(slots, 40);
		const statusAt = (taskId: string, round: number) => {
			const start = startRound.get(taskId);
			if (start === undefined || round < start) return 'queued';
			return round < start + runRounds ? 'running' : 'succeeded';
		};
		const planner = plannerWith(40);
		let waiting = ids(0, 40);
		let readEverythingFrom: number | undefined;
		for (let round = 1; round <= 40 && readEverythingFrom === undefined; round++) {
			// Tasks ending by this round free their slots for the youngest queued ones.
			const ends = [...startRound.values()].filter((start) => start + runRounds === round).length;
			for (let freed = 0; freed < ends && queue.length > 0; freed++) startRound.set(queue.pop()!, round);
			const chosen = planner.plan(waiting, round * ROUND, ROUND);
			if (chosen.length === waiting.length && waiting.length > 2) readEverythingFrom = round;
			for (const taskId of chosen) planner.observe(taskId, statusAt(taskId, round), round * ROUND);
			waiting = waiting.filter((taskId) => statusAt(taskId, round) !== 'succeeded' || !chosen.includes(taskId));
		}
		// The first read of a young task (unread for 10 rounds) finds it started while t5 waits queued.
		expect(readEverythingFrom).toBeDefined();
		expect(readEverythingFrom).toBeLessThanOrEqual(12);
	});

	it('reads every task every round once a task starts far ahead of an older one still queued', () => {
		const planner = plannerWith(40);
		planner.plan(ids(0, 40), 1000, ROUND);
		planner.observe('t39', 'running', 1000);
		planner.observe('t0', 'queued', 1000);
		expect(planner.plan(ids(0, 40), 2000, ROUND)).toEqual(ids(0, 40));
	});

	it('a sheet the provider runs all at once: the youngest task seen running shows every task started', () => {
		const planner = plannerWith(100);
		expect(round(planner, ids(0, 100), 1000, { t0: 'running', t99: 'running' })).toEqual(['t0', 't99']);
		round(planner, ids(0, 100), 2000, { t0: 'running', t99: 'running' });
		round(planner, ids(0, 100), 3000, { t0: 'succeeded', t99: 'succeeded' });
		// Every other task started by 1000 and runs as long as those two: all due now, no probing.
		expect(planner.plan(ids(1, 99), 4000, ROUND)).toEqual(ids(1, 99));
	});
});
