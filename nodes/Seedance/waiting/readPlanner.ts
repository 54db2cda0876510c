import { isFinal } from './taskStatus';

/** A task unread for this many rounds is read (one such task a round)... */
const SWEEP_ROUNDS = 30;
/** ...or for this many, while the run has requests to spare (not busy). */
const SWEEP_ROUNDS_IDLE = 10;
/** How far out of creation order the run may see its tasks (creates answered out of order). */
const OUT_OF_ORDER_SLACK = 10;

/** What the run knows of a task still in progress. Times are the start times of rounds (ms). */
interface TaskView {
	/** The task's place in the run's creation order (the order the run came to know its tasks). */
	order: number;
	knownAt: number;
	/** The last round that saw the task queued (or the create answer). */
	lastQueuedAt?: number;
	/** The first and the last round that saw the task running. */
	seenRunningAt?: number;
	lastRunningAt?: number;
	/** The last round that read the task. */
	lastReadAt?: number;
}

/**
 * Chooses which waiting tasks a round reads one by one (GETs, on providers without listing:
 * the aggregator), so that a batch spends a few status reads per task, not one per task per
 * round, and a large batch can fit the provider's request budget before a 429 has taught it.
 * One planner serves one provider queue (a model: providers limit running tasks per model).
 *
 * Providers run a fixed number C of an account's tasks at once and start queued tasks in
 * creation order, each when a running one ends. So the run's task number k + C starts when the
 * (k + 1)th of its tasks ends, and a task seen started shows every older one started: the
 * planner knows when a task started without reading it while queued. C is learned from the
 * rounds: a round that saw task j still queued with e tasks seen ended proves C <= j - e (the
 * lowest such ceiling holds C); C starts there and moves a step a round on evidence (up for a
 * start the model missed, else down for a presumed start still running when due).
 *
 * A round reads a started task once it has run as long as the shortest run the batch has seen
 * (a task seen running, until a run is known: every round); a task running longer is then read
 * every round. Other tasks are read only as "probes": the oldest one, twice as many after a
 * round in which they all had started, back to one when one is still queued; and, until a
 * round has seen a task still queued, the youngest one too (a provider with room for the
 * whole sheet shows it in one round). A round also reads the task unread for longest once it
 * has gone 10 rounds unread (30 while the run is busy): no task is left for good. A task seen
 * started far ahead of an older one still queued shows a provider out of order: from then on
 * the planner reads every waiting task every round (as with no planner).
 *
 * A run is measured closely only from a start known within about a round (a round saw the
 * task queued, the next saw or inferred it started); until then, loosely, from the latest
 * possible start to the round that saw the end. An end counts from when the task had run the
 * shortest run, after the last round that saw it running (the round that saw the end may come
 * up to an interval later, and that lateness would add up from task to task).
 */
export class ReadPlanner {
	private readonly views = new Map<string, TaskView>();
	/** When the run's tasks ended (endTimeOf), in time order: the kth end started task k + C. */
	private readonly endsSeen: number[] = [];
	/**
	 * C: how many of the run's tasks the provider runs at once (undefined until a round saw one
	 * queued); at most the ceiling: the lowest (oldest task seen queued - tasks seen ended).
	 */
	private capacity: number | undefined;
	private capacityCeiling = Infinity;
	/** Since the last plan: how the model's starts fared. */
	private startedEarlierThanModelled = false;
	private presumedStillRunning = false;
	private shortestRunMs: number | undefined;
	private tasksSeen = 0;
	private roundMs = Infinity;
	private probeCount = 1;
	/** The probes of the last plan, and whether each came back queued (undefined: no answer). */
	private lastProbes = new Map<string, boolean | undefined>();
	/**
	 * Starts seen, as steps: by round `at` every task up to `order` had started (providers start
	 * tasks in order). Both grow along the array.
	 */
	private readonly startedFront: Array<{ order: number; at: number }> = [];
	/** The oldest task a read since the last plan saw still queued (a round after the run knew of it). */
	private oldestQueuedThisRound = Infinity;
	/** The youngest queued task the last plan read, and whether such a read found it queued. */
	private youngestProbe: string | undefined;
	private youngestFoundQueued = false;
	/** Shortest time from a task's latest possible start to the round that saw it end: used until a run is measured closely. */
	private shortestLooseRunMs: number | undefined;
	/** False once a round saw a task started while an older one was still queued: then every task is read. */
	private inOrder = true;

	/** The state a task was in before the run read it (the create answer, a first read). */
	noteKnown(taskId: string, status: unknown, at: number): void {
		if (!this.views.has(taskId)) this.observe(taskId, status, at);
	}

	/** What a read in the round started at `at` showed of a task. */
	observe(taskId: string, status: unknown, at: number): void {
		const view = this.viewOf(taskId, at);
		if (this.lastProbes.has(taskId)) this.lastProbes.set(taskId, status === 'queued');
		if (status === 'queued') {
			view.lastQueuedAt = at;
			view.seenRunningAt = undefined;
			// A new task is queued for a moment even where a slot is free: only a task still queued a
			// round after the run knew of it says the provider is full.
			if (taskId === this.youngestProbe) {
				// The youngest queued task is still queued: it says nothing about C (all others may be
				// queued as well), only that the provider has no room for the whole sheet.
				this.youngestFoundQueued = true;
			} else if (at - view.knownAt >= this.roundMs) {
				// Task j queued with e tasks seen ended: at most j tasks have started, so C <= j - e.
				// Ends not seen yet make one round's bound too high: the lowest bound counts.
				this.oldestQueuedThisRound = Math.min(this.oldestQueuedThisRound, view.order);
				this.capacityCeiling = Math.max(1, Math.min(this.capacityCeiling, view.order - this.endsSeen.length));
			}
			view.lastReadAt = at;
			return;
		}
		if (view.order > this.youngestStartedSeen) this.startedFront.push({ order: view.order, at });
		const startedBy = this.startedBy(view);
		if (startedBy === undefined) this.startedEarlierThanModelled = true;
		if (!isFinal(status)) {
			// A start the model presumed, read when due and still running: perhaps it started later.
			if (view.seenRunningAt === undefined && startedBy !== undefined) this.presumedStillRunning = true;
			view.seenRunningAt ??= at;
			view.lastRunningAt = at;
			view.lastReadAt = at;
			return;
		}
		this.views.delete(taskId);
		const start = startedBy ?? view.seenRunningAt;
		this.learnRunTime(view, start, at);
		// A cancelled task may never have held a slot.
		if (status !== 'cancelled') this.noteEnd(this.endTimeOf(view, start, at));
	}

	/**
	 * When a task seen ended at `at` most likely ended: once it had run the shortest run, if that
	 * falls after the last round that saw it running and before `at`. (Taking `at` itself would
	 * make each start the end gives a round late, and the lateness would add up task after task.)
	 */
	private endTimeOf(view: TaskView, start: number | undefined, at: number): number {
		if (start === undefined || this.shortestRunMs === undefined) return at;
		return Math.max(view.lastRunningAt ?? -Infinity, Math.min(at, start + this.shortestRunMs));
	}

	private noteEnd(at: number): void {
		let place = this.endsSeen.length;
		while (place > 0 && this.endsSeen[place - 1] > at) place--;
		this.endsSeen.splice(place, 0, at);
	}

	/**
	 * A run teaches the run time only when its start is known within about a round (a round saw
	 * the task queued, the next saw it running or it started by the model). Where its end is
	 * known as closely (a round saw it running, the next ended), the middles of the two spans
	 * count; otherwise from the start to the round that saw it end.
	 */
	private learnRunTime(view: TaskView, start: number | undefined, at: number): void {
		const closely = this.roundMs * 1.5;
		if (start !== undefined) this.shortestLooseRunMs = Math.min(this.shortestLooseRunMs ?? Infinity, at - start);
		if (start === undefined || view.lastQueuedAt === undefined || start - view.lastQueuedAt > closely) return;
		const endKnown = view.lastRunningAt !== undefined && at - view.lastRunningAt <= closely;
		const runMs = endKnown ? (view.lastRunningAt! + at) / 2 - (view.lastQueuedAt + start) / 2 : at - start;
		this.shortestRunMs = Math.min(this.shortestRunMs ?? Infinity, runMs);
	}

	/**
	 * Of these waiting tasks, the ones the round starting at `now` reads, oldest first. Tasks the
	 * planner has not seen yet count as queued, created in the order given. `busy`: the run is
	 * near a provider's request limit (RequestBudget.busy).
	 */
	plan(waiting: string[], now: number, roundMs: number, busy = false): string[] {
		this.roundMs = roundMs;
		const ordered = waiting.map((taskId) => ({ taskId, view: this.viewOf(taskId, now) })).sort((a, b) => a.view.order - b.view.order);
		this.learnCapacity();
		if (!this.inOrder) return ordered.map(({ taskId }) => taskId);
		this.adaptProbes();
		this.lastProbes = new Map();
		const chosen: string[] = [];
		let probes = this.probeCount;
		const runMs = this.shortestRunMs ?? this.shortestLooseRunMs;
		let youngestUnstarted: string | undefined;
		const due: Array<{ taskId: string; startedBy: number }> = [];
		for (const { taskId, view } of ordered) {
			const startedBy = this.startedBy(view);
			if (startedBy !== undefined && runMs !== undefined) {
				if (now >= startedBy + runMs) due.push({ taskId, startedBy });
			} else if (startedBy !== undefined && view.seenRunningAt !== undefined) {
				// Seen running, no run time known yet: every round.
				chosen.push(taskId);
			} else if (probes > 0) {
				// Queued, or started by inference with no run time known yet: the oldest few.
				probes--;
				chosen.push(taskId);
				this.lastProbes.set(taskId, undefined);
			} else if (startedBy === undefined) {
				youngestUnstarted = taskId;
			}
		}
		// About C x interval / run time tasks end in a round. While the run is busy (near a
		// provider's request limit), a round reads at most half as many again of the due tasks,
		// those started longest ago first; the others wait a round.
		due.sort((a, b) => a.startedBy - b.startedBy);
		const dueShare =
			busy && this.capacity !== undefined && runMs !== undefined && runMs > 0
				? Math.ceil((1.5 * this.capacity * roundMs) / runMs)
				: Infinity;
		chosen.push(...due.slice(0, dueShare).map(({ taskId }) => taskId));
		// Until a round has seen a task still queued, the youngest queued task as well: started,
		// it shows every older task started (a provider with room for the whole sheet).
		this.youngestProbe = undefined;
		if (!this.youngestFoundQueued && this.capacityCeiling === Infinity && youngestUnstarted !== undefined) {
			chosen.push(youngestUnstarted);
			this.youngestProbe = youngestUnstarted;
		}
		// The task unread for longest, once a while: where the provider breaks the order, this is
		// the read that shows it. Among tasks unread as long (within half a round: tasks created in
		// one batch are known milliseconds apart), the youngest: the likeliest to show it.
		const longestUnheard = ordered.reduce((earliest, { view }) => Math.min(earliest, lastHeardOf(view)), Infinity);
		const stalest = ordered.filter(({ view }) => lastHeardOf(view) <= longestUnheard + roundMs / 2).at(-1);
		const sweepRounds = busy ? SWEEP_ROUNDS : SWEEP_ROUNDS_IDLE;
		if (stalest && now - lastHeardOf(stalest.view) >= sweepRounds * roundMs && !chosen.includes(stalest.taskId)) {
			chosen.push(stalest.taskId);
		}
		return chosen;
	}

	/**
	 * From the last round: a task still queued though a task far younger was seen started shows
	 * a provider out of order (creates sent side by side may be answered, and so first seen, a
	 * few places out of order: not that); C moves on the round's evidence, under its ceiling.
	 */
	private learnCapacity(): void {
		if (this.youngestStartedSeen - this.oldestQueuedThisRound > 2 * (this.capacity ?? 0) + OUT_OF_ORDER_SLACK) this.inOrder = false;
		this.oldestQueuedThisRound = Infinity;
		if (this.capacityCeiling !== Infinity) {
			// Evidence moves C by one a round: a start the model missed raises it, else a presumed
			// start still running when due lowers it; the proven ceiling holds it.
			let capacity = this.capacity ?? this.capacityCeiling;
			if (this.startedEarlierThanModelled) capacity++;
			else if (this.presumedStillRunning) capacity--;
			this.capacity = Math.min(this.capacityCeiling, Math.max(1, capacity));
		}
		this.startedEarlierThanModelled = false;
		this.presumedStillRunning = false;
	}

	/** The youngest task seen started so far (-1: none). */
	private get youngestStartedSeen(): number {
		return this.startedFront.at(-1)?.order ?? -1;
	}

	/** When the task had started by, as far as the run knows; undefined while it counts as queued. */
	private startedBy(view: TaskView): number | undefined {
		let presumed: number | undefined;
		if (this.capacity !== undefined) {
			const end = view.order - this.capacity;
			presumed = end < 0 ? view.knownAt : this.endsSeen[end];
			// A round saw it queued after that: not started then.
			if (presumed !== undefined && view.lastQueuedAt !== undefined && view.lastQueuedAt > presumed) presumed = undefined;
		}
		// A younger task was seen started: this one had started by then.
		let inferred = this.startedFront.find((step) => step.order > view.order)?.at;
		if (inferred !== undefined && view.lastQueuedAt !== undefined && view.lastQueuedAt > inferred) inferred = undefined;
		const earliest = Math.min(view.seenRunningAt ?? Infinity, presumed ?? Infinity, inferred ?? Infinity);
		return earliest === Infinity ? undefined : earliest;
	}

	private viewOf(taskId: string, at: number): TaskView {
		let view = this.views.get(taskId);
		if (!view) {
			view = { order: this.tasksSeen++, knownAt: at };
			this.views.set(taskId, view);
		}
		return view;
	}

	/** All of the last probes had started: twice as many next time; one still queued: back to one. */
	private adaptProbes(): void {
		const answers = [...this.lastProbes.values()];
		if (answers.length === 0 || answers.includes(undefined)) return;
		this.probeCount = answers.includes(true) ? 1 : this.probeCount * 2;
	}
}

/** The last round that read the task, or when the run came to know it. */
function lastHeardOf(view: TaskView): number {
	return view.lastReadAt ?? view.knownAt;
}
