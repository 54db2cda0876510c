import type { IDataObject } from 'n8n-workflow';

import { cancellableSleep, type CancelledError } from '../transport/cancellableSleep';
import { isFinal } from './taskStatus';

/** Where a waiting item gets its task's successive states from (see statusPoller.ts). */
export interface StatusSource {
	/** The task's state at the next poll that reads it (one poll interval from now, or later). */
	nextState(current: IDataObject): Promise<IDataObject>;
	/** Reads the task right now (once, when the maximum wait has passed). */
	readNow(): Promise<IDataObject>;
	/** No more states are wanted (the wait ended). */
	stop(): void;
}

export interface WaitSettings {
	maxWaitMs: number;
	signal: AbortSignal | undefined;
	cancelled: CancelledError;
}

export interface WaitResult {
	task: IDataObject;
	/** True when the maximum wait passed with the task still queued or running. */
	timedOut: boolean;
	polls: number;
}

const DEADLINE = 'deadline passed' as const;

/**
 * Follows a task from a known state until its status is final or the maximum wait has
 * passed; then it reads the task once more, so what is reported is its freshest state (and a
 * task that finished just then counts as finished). Each state comes from the source, whose reads retry their own transient failures,
 * so a flaky status read does not end the wait. Cancelling the execution (when n8n signals
 * it) stops the wait at once.
 */
export async function waitForTask(source: StatusSource, settings: WaitSettings, known: IDataObject): Promise<WaitResult> {
	const deadline = Date.now() + settings.maxWaitMs;
	let task = known;
	let polls = 0;
	try {
		while (!isFinal(task.status)) {
			const remaining = deadline - Date.now();
			const next: IDataObject | typeof DEADLINE = remaining > 0 ? await nextOrDeadline(source, task, remaining, settings) : DEADLINE;
			if (next === DEADLINE) {
				source.stop();
				const last = await source.readNow();
				return { task: last, timedOut: !isFinal(last.status), polls: polls + 1 };
			}
			task = next;
			polls++;
		}
		return { task, timedOut: false, polls };
	} finally {
		source.stop();
	}
}

/** The state after `current`, or DEADLINE when `remaining` ms pass first (the deadline timer is then cleared). */
async function nextOrDeadline(
	source: StatusSource,
	current: IDataObject,
	remaining: number,
	settings: WaitSettings,
): Promise<IDataObject | typeof DEADLINE> {
	const decided = new AbortController();
	try {
		const deadlinePassed = cancellableSleep(remaining, settings.signal, settings.cancelled, decided.signal).then(
			() => DEADLINE,
		);
		return await Promise.race([source.nextState(current), deadlinePassed]);
	} finally {
		decided.abort();
	}
}
