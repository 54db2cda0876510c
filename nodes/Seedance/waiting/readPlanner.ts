import { isFinal } from './taskStatus';

/** What the run knows of a task still in progress. Times are the start times of rounds (ms). */
interface TaskView {
	/** The task's place in the run's creation order (the order the run came to know its tasks). */
	order: number;
	knownAt: number;
	/** The last round that saw the task queued (or the create answer). */
	lastQueuedAt?: number;
	/** The first round that saw the task running. */
	seenRunningAt?: number;
	/** The last round that read the task. */
	lastReadAt?: number;
}

/**
 * Chooses which waiting tasks a round reads one by one (GETs, on providers without listing:
 * the aggregator), so that a batch spends about one status read per task, not one per task
 * per round, and a large batch fits the provider's request budget before a 429 has taught it.
 *
 * Providers run a fixed number of an account's tasks at once and start queued tasks in
 * creation order, each when a running one ends. So, with C tasks running at once, the run's
 * task number k + C starts when the (k + 1)th of its tasks ends: the planner knows when a task
 * started without reading it while queued. C is learned from the rounds: a round that sees
 * task j still queued while e of the run's tasks have been seen ending says C <= j - e.
 *
 * A round reads a task that has started (seen running, or started as above) once it has run as
 * long as the shortest run the batch has seen (until one has been measured: every round); a
 * task running longer is then read every round. Tasks not yet started are read only as
 * "probes": the oldest one, twice as many after a round in which they all had started, back to
 * one when one is still queued. A probe is how C is learned and how starts are found where
 * the model is wrong (no queue, other work on the account, a provider out of order): no task is
 * left for good.
 *
 * A run is measured only from a start known within about a round (a round saw the task
 * queued, the next saw it running or it started as above) to the round that saw it end.
 */
export class ReadPlanner {
	private readonly views = new Map<string, TaskView>();
	/** The rounds that saw the run's tasks end, in time order: the kth end started task k + C. */
	private readonly endsSeen: number[] = [];
	/** C: how many of the run's tasks the provider runs at once (undefined until a round saw one queued). */
	private capacity: number | undefined;
	private shortestRunMs: number | undefined;
	private tasksSeen = 0;
	private roundMs = Infinity;
	private probeCount = 1;
	/** The probes of the last plan, and whether each came back queued (undefined: no answer). */
	private lastProbes = new Map<string, boolean | undefined>();
	/** The oldest task seen queued since the last plan, and the round that saw it. */
	private oldestQueuedSeen = Infinity;
	private oldestQueuedSeenAt = 0;
	/**
	 * A bound on C waiting for the next round: task `order` was seen queued in the round at `at`,
	 * when `ended` tasks had ended as far as the run can tell.
	 */
	private pendingBound: { order: number; at: number; ended: number } | undefined;

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
			if (at - view.knownAt >= this.roundMs && view.order < this.oldestQueuedSeen) {
				this.oldestQueuedSeen = view.order;
				this.oldestQueuedSeenAt = at;
			}
			view.lastReadAt = at;
			return;
		}
		const startedBy = this.startedBy(view);
		if (!isFinal(status)) {
			view.seenRunningAt ??= at;
			view.lastReadAt = at;
			return;
		}
		// Not read in the round that saw the queued task: it may have ended before that round.
		const bound = this.pendingBound;
		if (bound && at > bound.at && (view.lastReadAt ?? -Infinity) < bound.at) bound.ended++;
		this.views.delete(taskId);
		// A cancelled task may never have held a slot.
		if (status !== 'cancelled') {
			let place = this.endsSeen.length;
			while (place > 0 && this.endsSeen[place - 1] > at) place--;
			this.endsSeen.splice(place, 0, at);
		}
		const start = startedBy ?? view.seenRunningAt;
		if (start !== undefined && view.lastQueuedAt !== undefined && start - view.lastQueuedAt <= this.roundMs * 1.5) {
			this.shortestRunMs = Math.min(this.shortestRunMs ?? Infinity, at - start);
		}
	}

	/**
	 * Of these waiting tasks, the ones the round starting at `now` reads, oldest first. Tasks the
	 * planner has not seen yet count as queued, created in the order given.
	 */
	plan(waiting: string[], now: number, roundMs: number): string[] {
		this.roundMs = roundMs;
		const ordered = waiting.map((taskId) => ({ taskId, view: this.viewOf(taskId, now) })).sort((a, b) => a.view.order - b.view.order);
		this.learnCapacity();
		this.adaptProbes();
		this.lastProbes = new Map();
		const chosen: string[] = [];
		let probes = this.probeCount;
		for (const { taskId, view } of ordered) {
			const startedBy = this.startedBy(view);
			if (startedBy !== undefined) {
				if (this.shortestRunMs === undefined || now >= startedBy + this.shortestRunMs) chosen.push(taskId);
			} else if (probes > 0) {
				probes--;
				chosen.push(taskId);
				this.lastProbes.set(taskId, undefined);
			}
		}
		return chosen;
	}

	/**
	 * From the last round: task j seen queued while e tasks were seen ending means at most j
	 * tasks have started and at least e ended, so C <= j - e. Ends the run has not seen yet
	 * make one round's bound too high: the lowest bound counts.
	 */
	private learnCapacity(): void {
		const bound = this.pendingBound;
		if (bound) this.capacity = Math.max(1, Math.min(this.capacity ?? Infinity, bound.order - bound.ended));
		this.pendingBound =
			this.oldestQueuedSeen === Infinity
				? undefined
				: { order: this.oldestQueuedSeen, at: this.oldestQueuedSeenAt, ended: this.endsSeen.length };
		this.oldestQueuedSeen = Infinity;
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
		if (view.seenRunningAt === undefined) return presumed;
		return Math.min(view.seenRunningAt, presumed ?? Infinity);
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
