import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { downloadOutputs } from '../download/downloadOutputs';
import { stillRunningError, taskEndedError } from '../errors/nodeErrors';
import type { ItemRun } from '../execution/itemRun';
import { shapeTask, taskError } from '../output/taskOutput';
import { listTasksById, readTask } from '../transport/taskApi';
import type { TaskReader } from './statusPoller';
import { isSucceeded } from './taskStatus';
import { waitForTask } from './waitForTask';

/**
 * Waits for a task to finish (from a known state, or from a first read), then checks its
 * outcome and downloads its files. The run's status poller reads all waiting tasks together;
 * every state seen goes into the run's ledger, so a failing run can report it. In Callback
 * mode the item gives nothing when the run goes to wait for callbacks (the run then builds
 * the waiting output, holdForCallbacks.ts); the resumed run finishes it here, as Poll mode does.
 * `queue`: the provider queue the task waits in (its model), where known (statusPoller.ts).
 */
export async function finishTask(
	ctx: IExecuteFunctions,
	item: ItemRun,
	taskId: string,
	known?: IDataObject,
	queue = '',
): Promise<INodeExecutionData[]> {
	const { settings } = item;
	item.action = 'get';
	const noted = (task: IDataObject) => {
		item.noteTask(taskId, task.status);
		return task;
	};
	const reader: TaskReader = {
		taskId,
		intervalMs: settings.pollIntervalMs,
		readOne: async () => noted(await readTask(ctx, item, taskId)),
		readMany: async (taskIds) => await listTasksById(ctx, item, taskIds),
		order: item.itemIndex,
		queue,
	};
	let start = known;
	// The run has a callback barrier only in Callback mode (a run never mixes the modes).
	const callbacks = item.run.callbacks;
	if (callbacks) {
		// Callback mode: once every item has its task, the run reads them all once and either
		// finishes here (all final) or waits for the provider's callbacks outside this run.
		const decision = await callbacks.arrive(item.itemIndex, reader, noted(known ?? { id: taskId, status: 'unknown' }), item.transport.cancelled);
		if ('wait' in decision) {
			noted(decision.wait);
			return [];
		}
		start = decision.finish;
	}
	const waiter = {};
	const { task, timedOut } = await waitForTask(
		{
			nextState: async (current) => noted(await item.run.poller.nextState(reader, waiter, current)),
			readNow: reader.readOne,
			stop: () => item.run.poller.forget(taskId, waiter),
		},
		{ maxWaitMs: settings.maxWaitMs, signal: item.transport.signal, cancelled: item.transport.cancelled },
		noted(start ?? (await reader.readOne())),
	);
	if (timedOut) {
		if (settings.onTimeout === 'output') return [{ json: shapeTask({ ...task, id: task.id ?? taskId }, settings.simplify) }];
		throw stillRunningError(ctx.getNode(), item.itemIndex, { id: taskId, status: String(task.status) }, settings.maxWaitMs);
	}
	if (!isSucceeded(task.status)) {
		throw taskEndedError(ctx.getNode(), item.itemIndex, { id: taskId, status: String(task.status), ...taskError(task) });
	}
	const binary = await downloadOutputs(ctx, item, task);
	return [{ json: shapeTask(task, settings.simplify), ...(binary ? { binary } : {}) }];
}
