import type { IDataObject } from 'n8n-workflow';

import { cancellableSleep, type CancelledError } from '../transport/cancellableSleep';
import { isFinal } from './taskStatus';

export interface WaitSettings {
	pollIntervalMs: number;
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

/**
 * Polls a task until its status is final or the maximum wait has passed.
 *
 * `known` is a task state already in hand (the create answer): the first read then comes
 * one interval later. Without it the task is read at once. Each read is one call of
 * `readTask`, which retries its own transient failures, so a flaky status read does not
 * end the wait. Cancelling the execution stops the wait at once.
 */
export async function waitForTask(
	readTask: () => Promise<IDataObject>,
	settings: WaitSettings,
	known?: IDataObject,
): Promise<WaitResult> {
	const deadline = Date.now() + settings.maxWaitMs;
	let task = known;
	let polls = 0;
	if (!task) {
		task = await readTask();
		polls++;
	}
	while (!isFinal(task.status)) {
		const remaining = deadline - Date.now();
		if (remaining <= 0) return { task, timedOut: true, polls };
		await cancellableSleep(Math.min(settings.pollIntervalMs, remaining), settings.signal, settings.cancelled);
		task = await readTask();
		polls++;
	}
	return { task, timedOut: false, polls };
}
