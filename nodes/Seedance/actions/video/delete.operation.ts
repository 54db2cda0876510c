import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { taskIdField } from '../../description/taskFields';
import { runOperation, taskIdOperation } from '../../execution/runOperation';
import { deleteTask } from '../../transport/taskApi';

/** Cancel or Delete Task takes a task ID (shared with Get Task and Wait for Task). */
export const description: INodeProperties[] = [taskIdField];

const cancelOrDelete = taskIdOperation('delete', async (ctx, item, taskId) => {
	await deleteTask(ctx, item, taskId);
	return [{ json: { taskId, success: true } }];
});

/** Cancels each item's queued task, or deletes its finished one (Ark and BytePlus). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, cancelOrDelete);
}
