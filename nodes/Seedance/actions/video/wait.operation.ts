import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { taskIdField } from '../../description/taskFields';
import { runOperation, taskIdOperation } from '../../execution/runOperation';
import { finishTask } from '../../waiting/finishTask';

/** Wait for Task takes a task ID (shared with Get Task and Cancel or Delete Task). */
export const description: INodeProperties[] = [taskIdField];

const waitForTask = taskIdOperation('get', async (ctx, item, taskId) => {
	return await finishTask(ctx, item, taskId);
});

/** Waits until each item's task finishes (all of the run's tasks polled together), then downloads it. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, waitForTask);
}
