import { type IDataObject, sleep } from 'n8n-workflow';

import { ReadPlanner } from './readPlanner';
import { isFinal } from './taskStatus';

/** How one item reads its task's status: on its own, or many at once through a list request. */
export interface TaskReader {
	taskId: string;
	intervalMs: number;
	/** GET the task (with the item's own retries and error context). */
	readOne: () => Promise<IDataObject>;
	/** List these tasks in one request (`filter.task_ids`); throws when that fails. */
	readMany: (taskIds: string[]) => Promise<IDataObject[]>;
	/** Creation order of the task in the run (its item index): older tasks are read first. */
	order: number;
	/**
	 * The provider queue the task waits in: its model (providers limit running tasks per model).
	 * Tasks of one queue start in order; '' where unknown.
	 */
	queue: string;
}

interface PendingRead {
	reader: TaskReader;
	/** Who waits: one per waiting item, so items that share a task ID each get their answer. */
	waiter: object;
	resolve: (task: IDataObject) => void;
	reject: (error: unknown) => void;
}

/** Ark caps filter lists and page sizes; 100 IDs also keep the query string short. */
const LIST_CHUNK = 100;

/**
 * Reads the status of every task a run is waiting on, in rounds one poll interval apart.
 *
 * Each waiting item asks for its task's next state; a round reads all the tasks asked for
 * since the last round. Where two or more tasks wait, the round lists them with one request
 * per 100 tasks (Ark's `filter.task_ids`) instead of one GET each. A provider that lacks
 * listing (the aggregator documents none) answers that first list request with an error;
 * the run then reads with GETs only. A task missing from a list answer is read with a GET.
 *
 * A list item is not a task object (no error code, no resolution, no last frame): it only
 * says whether the task is still in progress. A task a list shows as final is read once with
 * GET, so a finished task's output and error are the same however it was polled.
 *
 * Where tasks are read one by one, a round reads only the tasks that can have moved on
 * (readPlanner.ts: running tasks once due, the oldest queued ones); the others keep their
 * place for a later round.
 */
export class StatusPoller {
	/** Pending reads by task ID; several items may wait on one task. */
	private pending = new Map<string, PendingRead[]>();
	private listing: 'untried' | 'works' | 'unavailable' = 'untried';
	private lastRoundAt = 0;
	private looping = false;
	/** One read planner per provider queue (readPlanner.ts). */
	private readonly planners = new Map<string, ReadPlanner>();

	/**
	 * `readShare`: how many GETs a round may send (the run's request budget, spread over the
	 * minute). `busy`: the run sends requests near a provider's limit; its planners then hold
	 * each round's reads of due tasks to about what can have ended (readPlanner.ts).
	 */
	constructor(
		private readonly readShare: (intervalMs: number) => number = () => Infinity,
		private readonly busy: () => boolean = () => false,
	) {}

	/**
	 * The task's next state after `lastSeen`: read at the next round that reads it (one interval
	 * after the last round, or later where the task cannot have moved on yet).
	 */
	async nextState(reader: TaskReader, waiter: object, lastSeen?: IDataObject): Promise<IDataObject> {
		if (lastSeen) this.plannerOf(reader).noteKnown(reader.taskId, lastSeen.status, Date.now());
		const result = new Promise<IDataObject>((resolve, reject) => {
			const reads = (this.pending.get(reader.taskId) ?? []).filter((read) => read.waiter !== waiter);
			reads.push({ reader, waiter, resolve, reject });
			this.pending.set(reader.taskId, reads);
		});
		if (!this.looping) {
			this.looping = true;
			if (this.lastRoundAt === 0) this.lastRoundAt = Date.now();
			void this.loop();
		}
		return await result;
	}

	/** Forget a waiter's pending read (its item stopped waiting: deadline or cancellation). */
	forget(taskId: string, waiter: object): void {
		const reads = this.pending.get(taskId)?.filter((read) => read.waiter !== waiter) ?? [];
		if (reads.length > 0) this.pending.set(taskId, reads);
		else this.pending.delete(taskId);
	}

	/**
	 * Reads these tasks once, now (a list request where two or more, then a GET for each task
	 * the list shows final or leaves out), outside the rounds. A task whose read fails is left
	 * out of the answer: the caller knows only what it could read. `statusOnly`: a list item
	 * answers for its task whatever its status (the caller needs no task object).
	 */
	async readAllNow(readers: TaskReader[], { statusOnly = false } = {}): Promise<Map<string, IDataObject>> {
		const states = new Map<string, IDataObject>();
		const round = new Map<string, PendingRead[]>();
		for (const reader of readers) {
			const read: PendingRead = { reader, waiter: {}, resolve: (task) => states.set(reader.taskId, task), reject: () => {} };
			round.set(reader.taskId, [...(round.get(reader.taskId) ?? []), read]);
		}
		const at = Date.now();
		if (round.size >= 2 && this.listing !== 'unavailable') await this.readByListing(round, at, statusOnly);
		await this.readEach([...round.values()], at);
		return states;
	}

	private async loop(): Promise<void> {
		try {
			while (this.pending.size > 0) {
				const intervalMs = Math.min(...[...this.pending.values()].flat().map((read) => read.reader.intervalMs));
				const wait = this.lastRoundAt + intervalMs - Date.now();
				if (wait > 0) await sleep(wait);
				if (this.pending.size === 0) break;
				this.lastRoundAt = Date.now();
				const round = this.pending;
				this.pending = new Map();
				await this.readRound(round, intervalMs, this.lastRoundAt);
			}
		} finally {
			this.looping = false;
		}
	}

	private async readRound(round: Map<string, PendingRead[]>, intervalMs: number, at: number): Promise<void> {
		const remaining = new Map(round);
		if (round.size >= 2 && this.listing !== 'unavailable') {
			await this.readByListing(remaining, at);
		}
		// Tasks a working list showed final (or left out) are all read. Otherwise the planner
		// picks the tasks that can have moved on, oldest first: providers start queued tasks in
		// order, so the oldest unfinished tasks are the ones that can have finished.
		const ordered = this.listing === 'works' ? this.byItemOrder(remaining) : this.plannedReads(remaining, at, intervalMs);
		const chosen = new Set(ordered);
		// Where the request budget is tight, a round reads only its share; the younger tasks keep
		// their place for the next round, as do the tasks the planner left for later.
		const share = this.readShare(intervalMs);
		const deferred = [...ordered.splice(share), ...[...remaining.values()].filter((reads) => !chosen.has(reads))];
		for (const reads of deferred) {
			const taskId = reads[0].reader.taskId;
			this.pending.set(taskId, [...reads, ...(this.pending.get(taskId) ?? [])]);
		}
		await this.readEach(ordered, at);
	}

	/** The reads each queue's planner chooses for this round, oldest item first. */
	private plannedReads(remaining: Map<string, PendingRead[]>, at: number, intervalMs: number): PendingRead[][] {
		const ordered = this.byItemOrder(remaining);
		const byQueue = new Map<string, string[]>();
		for (const reads of ordered) {
			const { queue, taskId } = reads[0].reader;
			const taskIds = byQueue.get(queue);
			if (taskIds) taskIds.push(taskId);
			else byQueue.set(queue, [taskId]);
		}
		const busy = this.busy();
		const chosen = new Set<string>();
		for (const [queue, taskIds] of byQueue) {
			for (const taskId of this.plannerFor(queue).plan(taskIds, at, intervalMs, busy)) chosen.add(taskId);
		}
		return ordered.filter((reads) => chosen.has(reads[0].reader.taskId));
	}

	private plannerOf(reader: TaskReader): ReadPlanner {
		return this.plannerFor(reader.queue);
	}

	private plannerFor(queue: string): ReadPlanner {
		let planner = this.planners.get(queue);
		if (!planner) {
			planner = new ReadPlanner();
			this.planners.set(queue, planner);
		}
		return planner;
	}

	private byItemOrder(reads: Map<string, PendingRead[]>): PendingRead[][] {
		return [...reads.values()].sort((a, b) => a[0].reader.order - b[0].reader.order);
	}

	/** One GET per task; every read waiting on it gets the answer (or the error). `at`: when the round began. */
	private async readEach(tasks: PendingRead[][], at: number): Promise<void> {
		await Promise.all(
			tasks.map(async (reads) => {
				try {
					const task = await reads[0].reader.readOne();
					this.plannerOf(reads[0].reader).observe(reads[0].reader.taskId, task.status, at);
					reads.forEach((read) => read.resolve(task));
				} catch (error) {
					reads.forEach((read) => read.reject(error));
				}
			}),
		);
	}

	/**
	 * Resolves the reads of tasks a list answer shows still in progress, and removes them from
	 * `reads`; tasks it shows final (unless `statusOnly`) or does not show stay in `reads` for a GET.
	 */
	private async readByListing(reads: Map<string, PendingRead[]>, at: number, statusOnly = false): Promise<void> {
		const ids = [...reads.keys()];
		const reader = reads.values().next().value![0].reader;
		for (let start = 0; start < ids.length; start += LIST_CHUNK) {
			const chunk = ids.slice(start, start + LIST_CHUNK);
			let listed: IDataObject[];
			try {
				listed = await reader.readMany(chunk);
				this.listing = 'works';
			} catch {
				this.listing = 'unavailable';
				return;
			}
			for (const entry of listed) {
				const taskId = String(entry.id);
				const waiting = reads.get(taskId);
				if (waiting) this.plannerOf(waiting[0].reader).observe(taskId, entry.status, at);
				if (!waiting || (isFinal(entry.status) && !statusOnly)) continue;
				reads.delete(taskId);
				waiting.forEach((read) => read.resolve(entry));
			}
		}
	}
}
