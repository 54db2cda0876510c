import { type IDataObject, type IExecuteFunctions, type INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { downloadOutputs } from '../download/downloadOutputs';
import { taskEndedError } from '../errors/nodeErrors';
import type { ItemRun } from '../execution/itemRun';
import { shapeTask, taskError } from '../output/taskOutput';
import { listTasksById, readTask } from '../transport/taskApi';
import type { TaskReader } from './statusPoller';
import { isSucceeded } from './taskStatus';
import { waitForTask } from './waitForTask';

/**
 * Waits for a task to finish (from a known state, or from a first read), then checks its
 * outcome and downloads its files. The run's status poller reads all waiting tasks together;
 * every state seen goes into the run's ledger, so a failing run can report it.
 */
export async function finishTask(
	ctx: IExecuteFunctions,
	item: ItemRun,
	taskId: string,
	known?: IDataObject,
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
	};
	const waiter = {};
	const { task, timedOut } = await waitForTask(
		{
			nextState: async () => noted(await item.run.poller.nextState(reader, waiter)),
			readNow: reader.readOne,
			stop: () => item.run.poller.forget(taskId, waiter),
		},
		{ maxWaitMs: settings.maxWaitMs, signal: item.transport.signal, cancelled: item.transport.cancelled },
		noted(known ?? (await reader.readOne())),
	);
	if (timedOut) {
		if (settings.onTimeout === 'output') return [{ json: shapeTask({ ...task, id: task.id ?? taskId }, settings.simplify) }];
		throw new NodeOperationError(
			ctx.getNode(),
			`The task is still ${String(task.status)} after the maximum wait of ${settings.maxWaitMs / 1000} s [item ${item.itemIndex}, task ${taskId}]`,
			{
				itemIndex: item.itemIndex,
				description: `Task ID: ${taskId}. It keeps running: use "Wait for Task" or "Get Task" with this ID later, or raise "Max Wait".`,
			},
		);
	}
	if (!isSucceeded(task.status)) {
		throw taskEndedError(ctx.getNode(), item.itemIndex, { id: taskId, status: String(task.status), ...taskError(task) });
	}
	const binary = await downloadOutputs(ctx, item, task);
	return [{ json: shapeTask(task, settings.simplify), ...(binary ? { binary } : {}) }];
}
