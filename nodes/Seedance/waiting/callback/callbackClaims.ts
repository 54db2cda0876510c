/**
 * What this n8n process has heard about the tasks of runs waiting in Callback mode: which
 * tasks callbacks (or reads) said were final. It only decides when reading the tasks is worth
 * it; what resumes a run is always a read from the API. Memory of one process: after a
 * restart, or in another process (queue mode: a webhook processor), a run starts unknown here
 * and its first final callback reads all its tasks once.
 */
interface RunClaims {
	final: Set<string>;
	/** A callback is resuming the run: later callbacks only acknowledge. */
	resuming: boolean;
}

/** Runs remembered at most (the oldest are forgotten first; they are then read again once). */
const MAX_RUNS = 1000;

const runs = new Map<string, RunClaims>();

/** A run's key: its node and first task (task IDs are unique, so runs never share one). */
export function runKey(nodeId: string, taskIds: string[]): string {
	return `${nodeId}:${taskIds[0] ?? ''}`;
}

/**
 * Adds the tasks read as final for a run (when its wait began, or by a callback's read) to what
 * callbacks said. Claims are kept: one made while a read was under way must not be lost, and a
 * false one only costs reads (the tasks are read before the run resumes).
 */
export function rememberFinal(key: string, finalTaskIds: Iterable<string>): void {
	const known = runs.get(key);
	runs.delete(key);
	runs.set(key, { final: new Set([...(known?.final ?? []), ...finalTaskIds]), resuming: known?.resuming ?? false });
	while (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value!);
}

/**
 * A callback says `taskId` is final. Returns whether every task of the run is now claimed
 * final (so reading them is worth it); undefined when this process knows nothing of the run.
 */
export function claimFinal(key: string, taskId: string | undefined, taskIds: string[]): boolean | undefined {
	const known = runs.get(key);
	if (!known) return undefined;
	if (taskId) known.final.add(taskId);
	return taskIds.every((id) => known.final.has(id));
}

/**
 * Marks the run as resumed; false when another callback already did. The mark stays (until
 * the oldest runs are forgotten): a callback that raced the resume must not resume it again.
 */
export function startResuming(key: string): boolean {
	const known = runs.get(key) ?? { final: new Set<string>(), resuming: false };
	if (known.resuming) return false;
	known.resuming = true;
	runs.set(key, known);
	return true;
}

/**
 * Forgets what this process knew of the run (some of its tasks could not be read): the next
 * final callback reads all its tasks again, so a task that ended unseen is not waited for.
 */
export function forgetRun(key: string): void {
	if (runs.get(key)?.resuming) return;
	runs.delete(key);
}
